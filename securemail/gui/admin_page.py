"""Administration inside the app: users and agencies (add, reset a password, change role or agency, revoke, edit
an agency), norms and the working calendar (admin_calendar), backup and restore (admin_backup)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from securemail.gui.admin_backup import BackupPage
from securemail.gui.admin_calendar import CalendarPage
from securemail.gui.admin_forms import (
    AddAgencyDialog,
    AddUserDialog,
    ChangeRoleDialog,
    EditAgencyDialog,
    ResetPasswordDialog,
)
from securemail.gui.flow_layout import FlowRow
from securemail.gui.list_tables import fill_rows, list_table
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import lbl, named, show_message
from securemail.services import directory
from securemail.services.directory import Agency
from securemail.services.session import Session, UserInfo

Lists = tuple[list[UserInfo], list[Agency]]
USER_HEADERS = (N_("User name"), N_("Full name"), N_("Role"), N_("Agency"), N_("Active"))
AGENCY_HEADERS = (N_("Code"), N_("Name"), N_("Province"))


def _table(name: str, columns: int) -> QTableWidget:
    table = list_table(name, columns)
    table.setAlternatingRowColors(True)
    return table


class DirectoryPage(QWidget):
    """Users and agencies: the lists and what an administrator does with them."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoryPage")
        self._session = session
        self._lists: Lists = ([], [])
        self.users_box, self.agencies_box = QGroupBox(), QGroupBox()
        self.users_table = _table("usersTable", len(USER_HEADERS))
        self.agencies_table = _table("agenciesTable", len(AGENCY_HEADERS))
        self.add_user_button = named(QPushButton(), "addUserButton")
        self.reset_button = named(QPushButton(), "resetPasswordButton")
        self.role_button = named(QPushButton(), "changeRoleButton")
        self.revoke_button = named(QPushButton(), "revokeUserButton")
        self.add_agency_button = named(QPushButton(), "addAgencyButton")
        self.edit_agency_button = named(QPushButton(), "editAgencyButton")
        for button, slot in ((self.add_user_button, self.open_add_user), (self.reset_button, self.open_reset),
                             (self.role_button, self.open_change_role), (self.revoke_button, self.ask_revoke),
                             (self.add_agency_button, self.open_add_agency),
                             (self.edit_agency_button, self.open_edit_agency)):
            button.clicked.connect(slot)
        for box, table, buttons in (
                (self.users_box, self.users_table,
                 (self.add_user_button, self.reset_button, self.role_button, self.revoke_button)),
                (self.agencies_box, self.agencies_table, (self.add_agency_button, self.edit_agency_button))):
            inner = QVBoxLayout(box)
            inner.addWidget(table, 1)
            inner.addWidget(FlowRow(buttons))
        self.message = named(QLabel(), "adminMessage")
        self.message.setWordWrap(True)
        layout = QHBoxLayout()
        layout.addWidget(self.users_box, 3)
        layout.addWidget(self.agencies_box, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.message)
        outer.addLayout(layout, 1)
        show_message(self.message, "")
        self.retranslate()

    def retranslate(self) -> None:
        self.users_box.setTitle(t("Users"))
        self.agencies_box.setTitle(t("Agencies"))
        self.add_user_button.setText(t("Add a u&ser…"))
        self.reset_button.setText(t("Reset the pass&word…"))
        self.role_button.setText(t("R&ole or agency…"))
        self.revoke_button.setText(t("Revo&ke…"))
        self.add_agency_button.setText(t("Add an a&gency…"))
        self.edit_agency_button.setText(t("&Edit the agency…"))
        self.users_table.setHorizontalHeaderLabels([t(h) for h in USER_HEADERS])
        self.agencies_table.setHorizontalHeaderLabels([t(h) for h in AGENCY_HEADERS])
        self._show(self._lists)

    def refresh(self) -> None:
        session = self._session
        run_op(self, lambda: (directory.list_users(session), directory.list_agencies(session)), self._loaded,
               lambda e: show_message(self.message, e.message()))

    def _loaded(self, lists: Lists) -> None:
        self._lists = lists
        self._show(lists)

    def _show(self, lists: Lists) -> None:
        users, agencies = lists
        fill_rows(self.users_table, [(u.username, u.full_name, lbl(u.role), u.agency or "",
                                      t("yes") if u.active else t("revoked")) for u in users])
        fill_rows(self.agencies_table, [(a.code, a.name, a.province or "") for a in agencies])

    def select_user(self, username: str) -> None:
        for i, user in enumerate(self._lists[0]):
            if user.username == username:
                self.users_table.selectRow(i)

    def selected_user(self) -> UserInfo | None:
        rows = self.users_table.selectionModel().selectedRows()
        users = self._lists[0]
        return users[rows[0].row()] if rows and rows[0].row() < len(users) else None

    def selected_agency(self) -> Agency | None:
        rows = self.agencies_table.selectionModel().selectedRows()
        agencies = self._lists[1]
        return agencies[rows[0].row()] if rows and rows[0].row() < len(agencies) else None

    def _saved(self, text: str) -> None:
        show_message(self.message, text, kind="ok")
        self.refresh()

    def _chosen_user(self) -> UserInfo | None:
        user = self.selected_user()
        if user is None or not user.active:
            show_message(self.message, t("Choose an active user in the list first."))
            return None
        return user

    def open_add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self._session, self._lists[1], self)
        dialog.saved.connect(lambda: self._saved(t("User added.")))
        dialog.open()
        return dialog

    def open_reset(self) -> ResetPasswordDialog | None:
        user = self._chosen_user()
        if user is None:
            return None
        dialog = ResetPasswordDialog(self._session, user, self)
        dialog.saved.connect(lambda: self._saved(t("Password of {name} reset: they choose their own at the next "
                                                   "sign-in.", name=user.full_name)))
        dialog.open()
        return dialog

    def open_change_role(self) -> ChangeRoleDialog | None:
        user = self._chosen_user()
        if user is None:
            return None
        dialog = ChangeRoleDialog(self._session, user, self._lists[1], self)
        dialog.saved.connect(lambda: self._saved(t("Role and agency of {name} saved.", name=user.full_name)))
        dialog.open()
        return dialog

    def ask_revoke(self) -> QMessageBox | None:
        """Revoking cannot be undone: a question whose default answer is No."""
        user = self._chosen_user()
        if user is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, t("Revoke an account"), t(
            "Revoke the account of {name} ({username})? They can no longer open the vault; what they signed stays "
            "valid. This cannot be undone.", name=user.full_name, username=user.username), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("revokeQuestion")
        yes = box.addButton(t("Re&voke the account"), QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton(t("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes.clicked.connect(lambda: self.revoke(user.username))
        box.open()
        return box

    def revoke(self, username: str) -> None:
        session = self._session
        run_op(self, lambda: directory.revoke_user(session, username),
               lambda _: self._saved(t("Account {username} revoked; the data key was changed.", username=username)),
               lambda e: show_message(self.message, e.message()))

    def open_add_agency(self) -> AddAgencyDialog:
        dialog = AddAgencyDialog(self._session, self)
        dialog.saved.connect(lambda: self._saved(t("Agency added.")))
        dialog.open()
        return dialog

    def open_edit_agency(self) -> EditAgencyDialog | None:
        agency = self.selected_agency()
        if agency is None:
            show_message(self.message, t("Choose an agency in the list first."))
            return None
        dialog = EditAgencyDialog(self._session, agency, self)
        dialog.saved.connect(lambda: self._saved(t("Agency {code} saved.", code=agency.code)))
        dialog.open()
        return dialog


def _scrolled(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(page)
    return area


class AdminPage(Retranslating, QTabWidget):
    """The administrator's tab: directory, norms and calendar, backup - each in a scroll area for small screens."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminPage")
        self.directory = DirectoryPage(session)
        self.calendar = CalendarPage(session)
        self.backup = BackupPage(session)
        for page in (self.directory, self.calendar, self.backup):
            self.addTab(_scrolled(page), "")
        self._retranslate()

    # The directory page's members, as before the split (tests and the main window use them).
    @property
    def users_table(self) -> QTableWidget:
        return self.directory.users_table

    @property
    def agencies_table(self) -> QTableWidget:
        return self.directory.agencies_table

    def open_add_user(self) -> AddUserDialog:
        return self.directory.open_add_user()

    def open_add_agency(self) -> AddAgencyDialog:
        return self.directory.open_add_agency()

    def _retranslate(self) -> None:
        for i, title in enumerate((N_("Users and agencies"), N_("Norms and calendar"), N_("Backup and restore"))):
            self.setTabText(i, t(title))
        self.directory.retranslate()
        self.calendar.retranslate()
        self.backup.retranslate()

    def refresh(self) -> None:
        self.directory.refresh()
        self.calendar.refresh()
