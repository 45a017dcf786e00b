"""Change one's own password (and with it one's signing key): services.directory.change_password.

Opened from File > Change password, and straight after signing in when an administrator reset the password: a
reset key signs nothing until its owner has set their own (docs/adr/0006-key-hierarchy.md)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from securemail.errors import AuthenticationError, BadInputError, UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.widgets import FieldErrors, PlainLabel, button_row, enter_confirms, named, show_message
from securemail.services import directory
from securemail.services.session import Session


def _secret(name: str) -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ChangePasswordDialog(QDialog):
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(t("Change your password"))
        self.resize(480, 260)
        self._session = session
        self._busy = False
        self.current_edit = _secret("currentPassword")
        self.new_edit = _secret("newPassword")
        self.repeat_edit = _secret("repeatPassword")
        self.message = named(QLabel(), "changePasswordMessage")
        self.message.setWordWrap(True)
        self.confirm_button = named(QPushButton(t("&Change the password")), "changePasswordConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "changePasswordCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        form = QFormLayout()
        for text, edit in ((t("C&urrent password"), self.current_edit), (t("&New password"), self.new_edit),
                           (t("&Repeat the new password"), self.repeat_edit)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
        intro = t("Your password was reset by an administrator: set your own before you sign anything.") \
            if session.must_change_password else \
            t("A new password also gives you a new signing key; what you signed before stays valid.")
        layout = QVBoxLayout(self)
        layout.addWidget(PlainLabel(intro, wrap=True))
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm_button, self.cancel_button))
        enter_confirms(self, self.confirm_button)
        self._errors = FieldErrors({"password": self.new_edit, "current": self.current_edit,
                                    "repeat": self.repeat_edit}, self.message)
        show_message(self.message, "")

    def confirm(self) -> None:
        if self._busy:
            return
        self._errors.clear()
        current, new = self.current_edit.text(), self.new_edit.text()
        if new != self.repeat_edit.text():
            self._errors.show(BadInputError("input.passwords_differ", field="repeat"))
            return
        self._busy = True
        self.confirm_button.setEnabled(False)
        session = self._session
        run_op(self, lambda: directory.change_password(session, current, new), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self._busy = False
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.clear()
        self.changed.emit()
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.confirm_button.setEnabled(True)
        if isinstance(error, AuthenticationError):   # the current password was wrong: nothing else is lost
            self._errors.show(BadInputError("input.current_password_wrong", field="current"))
        else:
            self._errors.show(error)
