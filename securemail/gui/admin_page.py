"""Users and agencies, for administrators: lists and the add-user / add-agency dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import Role
from securemail.errors import BadInputError, UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, t
from securemail.gui.widgets import FieldErrors, enter_confirms, lbl, named, show_message
from securemail.services import directory
from securemail.services.directory import Agency
from securemail.services.session import Session, UserInfo

Lists = tuple[list[UserInfo], list[Agency]]


class _FormDialog(QDialog):
    """A small form whose save runs a service call; errors highlight the named field, nothing is cleared."""

    saved = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.message = named(QLabel(), "formMessage")
        self.message.setWordWrap(True)
        self.save_button = named(QPushButton(t("Save")), "formSave")
        cancel = named(QPushButton(t("Cancel")), "formCancel")
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        show_message(self.message, "")
        enter_confirms(self, self.save_button)
        self.errors: FieldErrors | None = None

    def add_row(self, text: str, widget: QWidget) -> None:
        self.form.addRow(t(text), widget)

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def _save(self) -> None:
        try:
            fn = self.work()
        except UserFacingError as e:
            self._failed(e)
            return
        self.save_button.setEnabled(False)
        run_op(self, fn, self._done, self._failed)

    def _done(self, _: object) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self.save_button.setEnabled(True)
        if self.errors is not None:
            self.errors.show(error)


class AddAgencyDialog(_FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(t("Add an agency"), parent)
        self._session = session
        self.code_edit = named(QLineEdit(maxLength=32), "agencyCode")
        self.name_edit = named(QLineEdit(maxLength=300), "agencyName")
        self.province_edit = named(QLineEdit(maxLength=100), "agencyProvince")
        self.add_row(N_("Code"), self.code_edit)
        self.add_row(N_("Name"), self.name_edit)
        self.add_row(N_("Province"), self.province_edit)
        self.errors = FieldErrors({"code": self.code_edit, "name": self.name_edit,
                                   "province": self.province_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, code, name = self._session, self.code_edit.text(), self.name_edit.text()
        province = self.province_edit.text() or None
        return lambda: directory.add_agency(session, code, name=name, province=province)


class AddUserDialog(_FormDialog):
    def __init__(self, session: Session, agencies: list[Agency], parent: QWidget | None = None) -> None:
        super().__init__(t("Add a user"), parent)
        self._session = session
        self.username_edit = named(QLineEdit(maxLength=32), "newUsername")
        self.full_name_edit = named(QLineEdit(maxLength=200), "newFullName")
        self.role_combo = named(QComboBox(), "newRole")
        for role in Role:
            self.role_combo.addItem(lbl(role), role.value)
        self.agency_combo = named(QComboBox(), "newAgency")
        self.agency_combo.addItem(t("(none)"), "")
        for agency in agencies:
            self.agency_combo.addItem(f"{agency.code} - {agency.name}", agency.code)
        self.password_edit = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "newPassword")
        self.repeat_edit = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "newPasswordRepeat")
        self.add_row(N_("User name"), self.username_edit)
        self.add_row(N_("Full name"), self.full_name_edit)
        self.add_row(N_("Role"), self.role_combo)
        self.add_row(N_("Agency (for secretaries)"), self.agency_combo)
        self.add_row(N_("Initial password"), self.password_edit)
        self.add_row(N_("Repeat the password"), self.repeat_edit)
        self.errors = FieldErrors({"username": self.username_edit, "full_name": self.full_name_edit,
                                   "role": self.role_combo, "agency": self.agency_combo,
                                   "password": self.password_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        if self.password_edit.text() != self.repeat_edit.text():
            raise BadInputError("input.password_mismatch", field="password")
        session = self._session
        username, full_name = self.username_edit.text(), self.full_name_edit.text()
        role, agency = str(self.role_combo.currentData()), self.agency_combo.currentData() or None
        password = self.password_edit.text()
        return lambda: directory.add_user(session, username, role=role, full_name=full_name, password=password,
                                          agency=agency)


def _table(name: str, columns: int) -> QTableWidget:
    table = named(QTableWidget(0, columns), name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


USER_HEADERS = (N_("User name"), N_("Full name"), N_("Role"), N_("Agency"), N_("Active"))
AGENCY_HEADERS = (N_("Code"), N_("Name"), N_("Province"))


class AdminPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminPage")
        self._session = session
        self._lists: Lists = ([], [])
        self.users_box, self.agencies_box = QGroupBox(), QGroupBox()
        self.users_table = _table("usersTable", len(USER_HEADERS))
        self.agencies_table = _table("agenciesTable", len(AGENCY_HEADERS))
        self.add_user_button = named(QPushButton(), "addUserButton")
        self.add_agency_button = named(QPushButton(), "addAgencyButton")
        self.add_user_button.clicked.connect(self.open_add_user)
        self.add_agency_button.clicked.connect(self.open_add_agency)
        for box, table, button in ((self.users_box, self.users_table, self.add_user_button),
                                   (self.agencies_box, self.agencies_table, self.add_agency_button)):
            inner = QVBoxLayout(box)
            inner.addWidget(table)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            inner.addLayout(row)
        self.message = named(QLabel(), "adminMessage")
        layout = QHBoxLayout()
        layout.addWidget(self.users_box, 3)
        layout.addWidget(self.agencies_box, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(layout, 1)
        outer.addWidget(self.message)
        show_message(self.message, "")
        self._retranslate()

    def _retranslate(self) -> None:
        self.users_box.setTitle(t("Users"))
        self.agencies_box.setTitle(t("Agencies"))
        self.add_user_button.setText(t("Add a &user…"))
        self.add_agency_button.setText(t("Add an &agency…"))
        self.users_table.setHorizontalHeaderLabels([t(h) for h in USER_HEADERS])
        self.agencies_table.setHorizontalHeaderLabels([t(h) for h in AGENCY_HEADERS])
        self._show(self._lists)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        session = self._session
        run_op(self, lambda: (directory.list_users(session), directory.list_agencies(session)), self._loaded,
               lambda e: show_message(self.message, e.message()))

    def _loaded(self, lists: Lists) -> None:
        self._lists = lists
        self._show(lists)

    def _show(self, lists: Lists) -> None:
        users, agencies = lists
        _fill(self.users_table, [(u.username, u.full_name, lbl(u.role), u.agency or "",
                                  t("yes") if u.active else t("revoked")) for u in users])
        _fill(self.agencies_table, [(a.code, a.name, a.province or "") for a in agencies])

    def open_add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self._session, self._lists[1], self)
        dialog.saved.connect(self.refresh)
        dialog.open()
        return dialog

    def open_add_agency(self) -> AddAgencyDialog:
        dialog = AddAgencyDialog(self._session, self)
        dialog.saved.connect(self.refresh)
        dialog.open()
        return dialog


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.setItem(i, j, QTableWidgetItem(text))  # table items never render rich text
