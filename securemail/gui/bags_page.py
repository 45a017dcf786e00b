"""Bags (túi thư): make one up, scan items into it, seal it, hand it to a courier, open it at arrival.

Every change goes through services.bags on the operations thread; the courier co-signs on the same screen
(services.cosign), as at a hand-over of single items.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from securemail.domain.enums import BagStatus
from securemail.errors import UserFacingError
from securemail.gui.bag_create import CreateBagDialog
from securemail.gui.bag_open import BagOpenDialog
from securemail.gui.bags_model import COL_DESTINATION, EXTRA_BRUSH, MISSING_BRUSH, BagsTableModel
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.transfer import BAG, TransferDialog
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import PlainLabel, lbl, mark_field, named, set_plain, show_message
from securemail.services import bags, directory
from securemail.services.directory import Agency
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.bags import BagRecord
from securemail.services.session import Session, UserInfo

Loaded = tuple[list[BagRecord], list[Agency], list[UserInfo]]


class BagsPage(Retranslating, QWidget):
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
            self._chosen = self.model.row(rows[0].row()).bag
        self._show_bag()

    def select_bag(self, bag_id: str) -> bool:
        for i, row in enumerate(self.model.rows()):
            if row.bag == bag_id:
                self._chosen = bag_id
                self.table.selectRow(i)
                return True
        return False

    def selected_bag(self) -> BagRecord | None:
        for row in self.model.rows():
            if row.bag == self._chosen:
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
        status = BagStatus(bag.status) if bag else None
        is_open = status is BagStatus.OPEN and allowed(role, Permission.MANAGE_BAGS)
        for widget in (self.scan_label, self.scan_edit, self.add_button, self.remove_button, self.seal_button):
            widget.setVisible(is_open)
        self.dispatch_button.setVisible(status is BagStatus.CLOSED and allowed(role, Permission.MANAGE_BAGS)
                                        and bag is not None and bag.holder == self._session.user.username)
        self.open_button.setVisible(status is BagStatus.DISPATCHED and allowed(role, Permission.ARRIVE))
        self.items_list.clear()
        if bag is None:
            self.bag_box.setTitle(t("Bag"))
            set_plain(self.info_label, t("Choose a bag in the list, or create one."))
            return
        self.bag_box.setTitle(t("Bag {bag}", bag=bag.bag))
        lines = [t("Destination: {agency}", agency=self.model.destination(bag.destination)),
                 t("Status: {status}", status=lbl(BagStatus(bag.status))),
                 t("Seal: {seal}", seal=bag.seal or "-"),
                 t("Held by: {user}", user=self._user(bag.holder))]
        missing, extra = bag.missing or (), bag.extra or ()
        if missing:
            lines.append(t("MISSING at opening: {items}", items=", ".join(missing)))
        if extra:
            lines.append(t("Not on the manifest: {items}", items=", ".join(extra)))
        set_plain(self.info_label, "\n".join(lines))
        for tracking in bag.items:
            row = QListWidgetItem(tracking)
            if tracking in missing:
                row.setText("✗ " + t("{tracking}: MISSING - incident recorded", tracking=tracking))
                row.setBackground(MISSING_BRUSH)
            self.items_list.addItem(row)
        for tracking in extra:
            row = QListWidgetItem("⚠ " + t("{tracking}: not on the manifest - incident recorded", tracking=tracking))
            row.setBackground(EXTRA_BRUSH)
            self.items_list.addItem(row)
        if not bag.items:
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
        session, bag_id = self._session, bag.bag

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
        session, bag_id = self._session, bag.bag
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
                              bag=bag.bag if bag else "-"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.seal)
        dialog.open()
        return dialog

    def seal(self, seal: str) -> None:
        bag = self.selected_bag()
        if bag is None or self._busy:
            return
        self._busy = True
        session, bag_id = self._session, bag.bag
        run_op(self, lambda: bags.close_bag(session, bag_id, seal),
               lambda _: self._changed(t("Bag {bag} sealed.", bag=bag_id)), self._op_failed)

    # ---- dialogs -------------------------------------------------------------------------------------------

    def ask_create(self) -> CreateBagDialog:
        dialog = CreateBagDialog(self._session, self._agencies, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._created)
        dialog.open()
        return dialog

    def _created(self, bag_id: str) -> None:
        self._chosen = bag_id
        self._changed(t("Bag {bag} created: scan the items into it.", bag=bag_id))
        self.scan_edit.setFocus()

    def ask_dispatch(self) -> TransferDialog | None:
        bag = self.selected_bag()
        if bag is None:
            return None
        dialog = TransferDialog(self._session, bag.items, BAG, self, bag=bag)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda moved: self._changed(t("Bag {bag} handed to the courier.", bag=moved[0])))
        dialog.start()
        dialog.open()
        return dialog

    def ask_open(self) -> BagOpenDialog | None:
        bag = self.selected_bag()
        if bag is None:
            return None
        dialog = BagOpenDialog(self._session, bag, self._user(bag.holder), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.opened.connect(lambda opening: self._changed(t("Bag {bag} received.", bag=opening.bag)))
        dialog.open()
        return dialog
