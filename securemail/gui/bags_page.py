"""Bags (túi thư): make one up, scan items into it, seal it, hand it to a courier, open it at arrival.

Every change goes through services.bags on the operations thread; the courier co-signs on the same screen
(services.cosign), as at a hand-over of single items.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import BagStatus, Role
from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, nt, t
from securemail.gui.table_base import ReadOnlyTableModel
from securemail.gui.ui_transfer_dialog import Ui_TransferDialog
from securemail.gui.widgets import FieldErrors, PlainLabel, lbl, mark_field, named, set_plain, show_message
from securemail.services import bags, directory
from securemail.services.bags import BagOpening
from securemail.services.cosign import cosigner
from securemail.services.directory import Agency
from securemail.services.permissions import Permission, allowed
from securemail.services.session import Session, UserInfo

AnyIndex = QModelIndex | QPersistentModelIndex
Loaded = tuple[list[dict[str, Any]], list[Agency], list[UserInfo]]

COL_BAG, COL_DESTINATION, COL_STATUS, COL_SEAL, COL_ITEMS, COL_HOLDER = range(6)
MISSING_BRUSH = QBrush(QColor("#f8d7da"))
EXTRA_BRUSH = QBrush(QColor("#fff3cd"))


class BagsTableModel(ReadOnlyTableModel):
    HEADERS = (N_("Bag"), N_("Destination"), N_("Status"), N_("Seal"), N_("Items in the bag"), N_("Held by"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._agencies: dict[str, str] = {}

    def set_rows(self, rows: list[dict[str, Any]], agencies: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._agencies = dict(agencies)
        self.endResetModel()

    def row(self, index: int) -> dict[str, Any]:
        return self._rows[index]

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        bag = self._rows[index.row()]
        column = index.column()
        if column == COL_BAG:
            return bag["bag"]
        if column == COL_DESTINATION:
            name = self._agencies.get(bag["destination"])
            return f"{bag['destination']} - {name}" if name else bag["destination"]
        if column == COL_STATUS:
            return lbl(BagStatus(bag["status"]))
        if column == COL_SEAL:
            return bag.get("seal") or ""
        if column == COL_ITEMS:
            return str(len(bag.get("items") or []))
        if column == COL_HOLDER:
            return bag.get("holder") or ""
        return None


class BagsPage(QWidget):
    changed = Signal()  # items moved: the other pages reload

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bagsPage")
        self._session = session
        self._agencies: list[Agency] = []
        self._users: list[UserInfo] = []
        self._chosen: str | None = None  # the bag shown on the right, kept across reloads
        self._busy = False
        self.model = BagsTableModel(self)
        self.create_dialog: CreateBagDialog | None = None
        self.dispatch_dialog: BagDispatchDialog | None = None
        self.open_dialog: BagOpenDialog | None = None
        self._build()
        self._retranslate()
        self._show_bag()

    # ---- layout ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        can_manage = allowed(self._session.role, Permission.MANAGE_BAGS)
        self.create_button = named(QPushButton(), "bagCreate")
        self.create_button.setVisible(can_manage)
        self.create_button.clicked.connect(self.ask_create)
        self.refresh_button = named(QPushButton(), "bagsRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.create_button)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)

        self.table = named(QTableView(), "bagsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DESTINATION, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.bag_box = named(QGroupBox(), "bagBox")
        self.info_label = named(PlainLabel(wrap=True), "bagInfo")
        self.items_list = named(QListWidget(), "bagItemsList")
        self.scan_label = QLabel()
        self.scan_edit = named(QLineEdit(), "bagScan")
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_label.setBuddy(self.scan_edit)
        self.scan_edit.returnPressed.connect(self.scan)
        self.add_button = named(QPushButton(), "bagAdd")
        self.add_button.clicked.connect(self.scan)
        self.remove_button = named(QPushButton(), "bagRemove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.seal_button = named(QPushButton(), "bagSeal")
        self.seal_button.clicked.connect(self.ask_seal)
        self.dispatch_button = named(QPushButton(), "bagDispatch")
        self.dispatch_button.clicked.connect(self.ask_dispatch)
        self.open_button = named(QPushButton(), "bagOpen")
        self.open_button.clicked.connect(self.ask_open)
        self.message = named(QLabel(), "bagsMessage")
        self.message.setWordWrap(True)

        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_label)
        scan_row.addWidget(self.scan_edit, 1)
        scan_row.addWidget(self.add_button)
        actions = QHBoxLayout()
        for button in (self.remove_button, self.seal_button, self.dispatch_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch(1)
        box_layout = QVBoxLayout(self.bag_box)
        box_layout.addWidget(self.info_label)
        box_layout.addLayout(scan_row)
        box_layout.addWidget(self.items_list, 1)
        box_layout.addLayout(actions)
        box_layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.bag_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        show_message(self.message, "")

    def _retranslate(self) -> None:
        self.create_button.setText(t("&Create a bag…"))
        self.refresh_button.setText(t("&Refresh"))
        self.scan_label.setText(t("&Scan into the bag:"))
        self.scan_edit.setPlaceholderText(t("Tracking number, then Enter"))
        self.add_button.setText(t("&Add"))
        self.remove_button.setText(t("Take the selected item &out"))
        self.seal_button.setText(t("S&eal…"))
        self.dispatch_button.setText(t("&Give to a courier…"))
        self.open_button.setText(t("Recei&ve the bag…"))
        self.model.retranslate()
        self._show_bag()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ---- data ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self._session

        def work() -> Loaded:
            return bags.list_bags(session), directory.list_agencies(session), directory.list_users(session)

        run_op(self, work, self._loaded, self._failed)

    def _loaded(self, loaded: Loaded) -> None:
        rows, self._agencies, self._users = loaded
        chosen = self._chosen
        self.model.set_rows(rows, {a.code: a.name for a in self._agencies})
        if chosen is not None:
            self.select_bag(chosen)
        self._show_bag()

    def _failed(self, error: UserFacingError) -> None:
        show_message(self.message, error.message())

    def _selection_changed(self, *_: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._chosen = self.model.row(rows[0].row())["bag"]
        self._show_bag()

    def select_bag(self, bag_id: str) -> bool:
        for i, row in enumerate(self.model.rows()):
            if row["bag"] == bag_id:
                self._chosen = bag_id
                self.table.selectRow(i)
                return True
        return False

    def selected_bag(self) -> dict[str, Any] | None:
        for row in self.model.rows():
            if row["bag"] == self._chosen:
                return row
        return None

    def _user(self, username: str | None) -> str:
        for user in self._users:
            if user.username == username:
                return f"{user.full_name} ({user.username})"
        return username or "-"

    def _show_bag(self) -> None:
        bag = self.selected_bag()
        role = self._session.role
        status = BagStatus(bag["status"]) if bag else None
        is_open = status is BagStatus.OPEN and allowed(role, Permission.MANAGE_BAGS)
        for widget in (self.scan_label, self.scan_edit, self.add_button, self.remove_button, self.seal_button):
            widget.setVisible(is_open)
        self.dispatch_button.setVisible(status is BagStatus.CLOSED and allowed(role, Permission.MANAGE_BAGS)
                                        and bag is not None and bag.get("holder") == self._session.user.username)
        self.open_button.setVisible(status is BagStatus.DISPATCHED and allowed(role, Permission.ARRIVE))
        self.items_list.clear()
        if bag is None:
            self.bag_box.setTitle(t("Bag"))
            set_plain(self.info_label, t("Choose a bag in the list, or create one."))
            return
        self.bag_box.setTitle(t("Bag {bag}", bag=bag["bag"]))
        name = {a.code: a.name for a in self._agencies}.get(bag["destination"])
        destination = f"{bag['destination']} - {name}" if name else bag["destination"]
        lines = [t("Destination: {agency}", agency=destination),
                 t("Status: {status}", status=lbl(BagStatus(bag["status"]))),
                 t("Seal: {seal}", seal=bag.get("seal") or "-"),
                 t("Held by: {user}", user=self._user(bag.get("holder")))]
        set_plain(self.info_label, "\n".join(lines))
        for tracking in bag.get("items") or []:
            self.items_list.addItem(QListWidgetItem(tracking))
        if not bag.get("items"):
            placeholder = QListWidgetItem(t("(empty: scan items into the bag)"))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.items_list.addItem(placeholder)

    def _changed(self, message: str) -> None:
        self._busy = False
        show_message(self.message, message, kind="ok")
        self.changed.emit()
        self.refresh()

    # ---- an open bag ---------------------------------------------------------------------------------------

    def scan(self) -> None:
        """Add the scanned tracking number to the open bag; on a refusal the text stays for correcting."""
        bag = self.selected_bag()
        tracking = self.scan_edit.text().strip()
        if bag is None or not tracking or self._busy:
            return
        self._busy = True
        session, bag_id = self._session, bag["bag"]

        def done(added: list[str]) -> None:
            self.scan_edit.clear()
            mark_field(self.scan_edit, False)
            self.scan_edit.setFocus()
            self._changed(t("Added {items} to bag {bag}.", items=", ".join(added), bag=bag_id))

        def failed(error: UserFacingError) -> None:
            self._busy = False
            show_message(self.message, error.message())
            mark_field(self.scan_edit, True)
            self.scan_edit.setFocus()
            self.scan_edit.selectAll()

        run_op(self, lambda: bags.add_to_bag(session, bag_id, [tracking]), done, failed)

    def remove_selected(self) -> None:
        bag = self.selected_bag()
        current = self.items_list.currentItem()
        if bag is None or current is None or self._busy or current.flags() == Qt.ItemFlag.NoItemFlags:
            show_message(self.message, t("Choose the item to take out of the bag."))
            return
        tracking = current.text()
        self._busy = True
        session, bag_id = self._session, bag["bag"]
        run_op(self, lambda: bags.remove_from_bag(session, bag_id, tracking),
               lambda _: self._changed(t("Took {tracking} out of bag {bag}.", tracking=tracking, bag=bag_id)),
               self._op_failed)

    def _op_failed(self, error: UserFacingError) -> None:
        self._busy = False
        self._failed(error)

    def ask_seal(self) -> QInputDialog:
        bag = self.selected_bag()
        dialog = QInputDialog(self)
        dialog.setObjectName("sealDialog")
        dialog.setWindowTitle(t("Seal the bag"))
        dialog.setLabelText(t("Seal number on bag {bag} (the bag cannot be changed afterwards):",
                              bag=bag["bag"] if bag else "-"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.seal)
        dialog.open()
        return dialog

    def seal(self, seal: str) -> None:
        bag = self.selected_bag()
        if bag is None or self._busy:
            return
        self._busy = True
        session, bag_id = self._session, bag["bag"]
        run_op(self, lambda: bags.close_bag(session, bag_id, seal),
               lambda _: self._changed(t("Bag {bag} sealed.", bag=bag_id)), self._op_failed)

    # ---- dialogs -------------------------------------------------------------------------------------------

    def ask_create(self) -> CreateBagDialog:
        dialog = CreateBagDialog(self._session, self._agencies, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._created)
        dialog.open()
        self.create_dialog = dialog
        return dialog

    def _created(self, bag_id: str) -> None:
        self._chosen = bag_id
        self._changed(t("Bag {bag} created: scan the items into it.", bag=bag_id))
        self.scan_edit.setFocus()

    def ask_dispatch(self) -> BagDispatchDialog | None:
        bag = self.selected_bag()
        if bag is None:
            return None
        dialog = BagDispatchDialog(self._session, bag, self._users, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda bag_id: self._changed(t("Bag {bag} handed to the courier.", bag=bag_id)))
        dialog.open()
        self.dispatch_dialog = dialog
        return dialog

    def ask_open(self) -> BagOpenDialog | None:
        bag = self.selected_bag()
        if bag is None:
            return None
        dialog = BagOpenDialog(self._session, bag, self._user(bag.get("holder")), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.opened.connect(lambda opening: self._changed(t("Bag {bag} received.", bag=opening.bag)))
        dialog.open()
        self.open_dialog = dialog
        return dialog


class CreateBagDialog(QDialog):
    created = Signal(str)

    def __init__(self, session: Session, agencies: list[Agency], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createBagDialog")
        self.setWindowTitle(t("Create a bag"))
        self._session = session
        self._busy = False
        self.destination_combo = named(QComboBox(), "bagDestination")
        for agency in agencies:
            self.destination_combo.addItem(f"{agency.code} - {agency.name}", agency.code)
        self.message = named(QLabel(), "createBagMessage")
        self.confirm_button = named(QPushButton(t("C&reate")), "createBagConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "createBagCancel")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        form = QFormLayout()
        dest_label = QLabel(t("&Destination agency"))
        dest_label.setBuddy(self.destination_combo)
        form.addRow(dest_label, self.destination_combo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._errors = FieldErrors({"destination": self.destination_combo}, self.message)
        show_message(self.message, "")
        if not agencies:
            show_message(self.message, t("There is no agency to send a bag to yet."))

    def choose(self, code: str) -> None:
        self.destination_combo.setCurrentIndex(self.destination_combo.findData(code))

    def confirm(self) -> None:
        code = self.destination_combo.currentData()
        if self._busy or not code:
            return
        self._busy = True
        self.confirm_button.setEnabled(False)
        session = self._session
        run_op(self, lambda: bags.create_bag(session, str(code)), self._done, self._failed)

    def _done(self, bag_id: str) -> None:
        self._busy = False
        self.created.emit(bag_id)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.confirm_button.setEnabled(True)
        self._errors.show(error)


class BagDispatchDialog(QDialog):
    """The sealed bag to a courier, who types their own password here (the hand-over form, one bag)."""

    recorded = Signal(str)

    def __init__(self, session: Session, bag: dict[str, Any], users: list[UserInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._bag = bag
        self._busy = False
        self.ui = Ui_TransferDialog()
        self.ui.setupUi(self)
        self.setObjectName("bagDispatchDialog")
        self._errors = FieldErrors({"username": self.ui.toCombo, "password": self.ui.passwordEdit},
                                   self.ui.errorLabel)
        self._couriers = [u for u in users if u.active and u.role is Role.COURIER
                          and u.username != session.user.username]
        self.ui.confirmButton.clicked.connect(self.confirm)
        self.ui.cancelButton.clicked.connect(self.reject)
        show_message(self.ui.errorLabel, "")
        self._retranslate()
        if not self._couriers:
            show_message(self.ui.errorLabel, t("Nobody in this vault can take custody of these items."))
        self.ui.passwordEdit.setFocus()

    def _retranslate(self) -> None:
        self.ui.retranslateUi(self)
        user = self._session.user
        bag = self._bag
        self.setWindowTitle(t("Give the bag to a courier"))
        set_plain(self.ui.headingLabel, t("Hand sealed bag {bag} (seal {seal}) to a courier:", bag=bag["bag"],
                                          seal=bag.get("seal") or "-"))
        set_plain(self.ui.itemsLabel, nt("{count} item: {items}", "{count} items: {items}", len(bag.get("items") or []),
                                         items=", ".join(bag.get("items") or [])))
        set_plain(self.ui.giverValue, f"{user.full_name} ({user.username})")
        combo = self.ui.toCombo
        chosen = combo.currentData()
        combo.clear()
        for courier in self._couriers:
            combo.addItem(f"{courier.full_name} ({courier.username}) - {lbl(courier.role)}", courier.username)
        if chosen:
            combo.setCurrentIndex(max(0, combo.findData(chosen)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_couriers"):
            self._retranslate()
        super().changeEvent(event)

    def choose(self, username: str) -> None:
        self.ui.toCombo.setCurrentIndex(self.ui.toCombo.findData(username))

    def confirm(self) -> None:
        if self._busy:
            return
        username = self.ui.toCombo.currentData()
        password = self.ui.passwordEdit.text()
        if not username:
            show_message(self.ui.errorLabel, t("Choose who takes custody."))
            return
        if not password:
            show_message(self.ui.errorLabel, t("The person taking custody must type their password."))
            self.ui.passwordEdit.setFocus()
            return
        self._set_busy(True)
        self._errors.clear()
        session, bag_id = self._session, self._bag["bag"]

        def work() -> str:
            signer, user = cosigner(session, str(username), password)
            return str(bags.dispatch_bag(session, bag_id, signer, user)["bag"])

        run_op(self, work, self._done, self._failed)

    def _done(self, bag_id: str) -> None:
        self._set_busy(False)
        self.recorded.emit(bag_id)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self.ui.passwordEdit.clear()  # only the password; the choice of courier stays
        self._errors.show(error)
        self.ui.passwordEdit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.ui.toCombo, self.ui.passwordEdit, self.ui.confirmButton):
            widget.setEnabled(not busy)


class BagOpenDialog(QDialog):
    """Receive a dispatched bag: scan what is really in it, the courier co-signs, then see what is missing."""

    opened = Signal(object)  # BagOpening

    def __init__(self, session: Session, bag: dict[str, Any], holder_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bagOpenDialog")
        self.resize(620, 560)
        self._session = session
        self._bag = bag
        self._busy = False
        self.opening: BagOpening | None = None
        self.heading = PlainLabel(nt("Open bag {bag} (seal {seal}, {count} item on the manifest). Scan every item "
                                     "found in it; the courier then signs.",
                                     "Open bag {bag} (seal {seal}, {count} items on the manifest). Scan every item "
                                     "found in it; the courier then signs.", len(bag.get("items") or []),
                                     bag=bag["bag"], seal=bag.get("seal") or "-"), wrap=True)
        self.scan_edit = named(QLineEdit(), "openScan")
        self.scan_edit.setPlaceholderText(t("Tracking number, then Enter"))
        self.scan_edit.returnPressed.connect(self.scan)
        self.scanned_list = named(QListWidget(), "openScanned")
        self.remove_button = named(QPushButton(t("Take the selected number &out")), "openRemove")
        self.remove_button.clicked.connect(self._remove_scanned)
        self.giver_value = PlainLabel(holder_text)
        self.password_edit = named(QLineEdit(), "openPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(), "openMessage")
        self.message.setWordWrap(True)
        self.result_box = named(QGroupBox(t("Result")), "openResultBox")
        self.result_list = named(QListWidget(), "openResult")
        result_layout = QVBoxLayout(self.result_box)
        result_layout.addWidget(self.result_list)
        self.result_box.setVisible(False)
        self.confirm_button = named(QPushButton(t("Sign and record")), "openConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "openCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        scan_label = QLabel(t("&Scan:"))
        scan_label.setBuddy(self.scan_edit)
        form.addRow(scan_label, self.scan_edit)
        form.addRow(QLabel(t("Found in the bag")), self.scanned_list)
        form.addRow("", self.remove_button)
        form.addRow(QLabel(t("Handed over by")), self.giver_value)
        password_label = QLabel(t("Their &password"))
        password_label.setBuddy(self.password_edit)
        form.addRow(password_label, self.password_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.result_box, 1)
        layout.addLayout(buttons)
        self.setWindowTitle(t("Receive a bag"))
        show_message(self.message, "")
        self.scan_edit.setFocus()

    def scanned(self) -> list[str]:
        return [self.scanned_list.item(i).text() for i in range(self.scanned_list.count())]

    def scan(self) -> None:
        """Only a list on this screen: nothing is recorded until the courier signs."""
        tracking = self.scan_edit.text().strip().upper()
        if not tracking:
            return
        if tracking not in self.scanned():
            self.scanned_list.addItem(QListWidgetItem(tracking))
        self.scan_edit.clear()

    def _remove_scanned(self) -> None:
        row = self.scanned_list.currentRow()
        if row >= 0:
            self.scanned_list.takeItem(row)

    def confirm(self) -> None:
        if self._busy or self.opening is not None:
            return
        password = self.password_edit.text()
        if not password:
            show_message(self.message, t("The courier handing over the bag must type their password."))
            self.password_edit.setFocus()
            return
        self._set_busy(True)
        show_message(self.message, "")
        session, bag_id, holder, scanned = self._session, self._bag["bag"], self._bag.get("holder"), self.scanned()

        def work() -> BagOpening:
            signer, _user = cosigner(session, str(holder or ""), password)
            return bags.open_bag(session, bag_id, scanned, signer)

        run_op(self, work, self._done, self._failed)

    def _done(self, opening: BagOpening) -> None:
        self._busy = False
        self.opening = opening
        self.password_edit.clear()
        for widget in (self.scan_edit, self.scanned_list, self.remove_button, self.password_edit,
                       self.confirm_button):
            widget.setEnabled(False)
        self.cancel_button.setText(t("&Close"))
        for tracking in opening.found:
            self.result_list.addItem(QListWidgetItem("✓ " + t("{tracking}: found", tracking=tracking)))
        for tracking in opening.missing:
            item = QListWidgetItem("✗ " + t("{tracking}: MISSING - incident recorded", tracking=tracking))
            item.setBackground(MISSING_BRUSH)
            self.result_list.addItem(item)
        for tracking in opening.extra:
            item = QListWidgetItem("⚠ " + t("{tracking}: not on the manifest - incident recorded",
                                            tracking=tracking))
            item.setBackground(EXTRA_BRUSH)
            self.result_list.addItem(item)
        self.result_box.setVisible(True)
        problems = len(opening.missing) + len(opening.extra)
        if problems:
            show_message(self.message, t("Bag {bag} received: {found} found, {missing} missing, {extra} not on the "
                                         "manifest. The incidents are recorded on the items.", bag=opening.bag,
                                         found=len(opening.found), missing=len(opening.missing),
                                         extra=len(opening.extra)))
        else:
            show_message(self.message, nt("Bag {bag} received: its {found} item found.",
                                          "Bag {bag} received: all {found} items found.", len(opening.found),
                                          bag=opening.bag, found=len(opening.found)), kind="ok")
        self.opened.emit(opening)

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        show_message(self.message, error.message())
        self.password_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.scan_edit, self.password_edit, self.confirm_button):
            widget.setEnabled(not busy)
