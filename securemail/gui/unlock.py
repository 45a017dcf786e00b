"""The unlock screen: user name and password; the vault opens on the operations thread (Argon2 is slow)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from securemail.errors import UserFacingError
from securemail.gui.plain_text import make_plain, set_message, set_plain, show_message
from securemail.gui.strings import t
from securemail.gui.translator import Retranslating
from securemail.gui.ui_unlock_dialog import Ui_UnlockDialog
from securemail.i18n import tr
from securemail.storage.paths import VaultPaths

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from securemail.services.session import Session


def vault_present(vault: Path) -> bool:
    return VaultPaths(vault).exists()


class _WaitRelay(QObject):
    """Carries the failed-attempt delay notice from the operations thread to the dialog."""

    waiting = Signal(int, int)


class UnlockDialog(Retranslating, QDialog):
    unlocked = Signal(object)  # Session
    quit_requested = Signal()
    first_painted = Signal()   # once, just after the window was first drawn: the user sees it

    def __init__(self, vault: Path, parent: QWidget | None = None, *, username: str = "",
                 notice: str = "") -> None:
        super().__init__(parent)
        self._vault = vault
        self._notice = notice
        self._busy = False
        self._painted = False
        self._ui = Ui_UnlockDialog()
        self._ui.setupUi(self)
        self._relay = _WaitRelay(self)
        self._relay.waiting.connect(self._show_wait)
        self._ui.titleLabel.setObjectName("titleLabel")
        for label in (self._ui.titleLabel, self._ui.subtitleLabel, self._ui.vaultLabel, self._ui.noticeLabel,
                      self._ui.errorLabel, self._ui.busyLabel):
            make_plain(label)
        self._ui.userEdit.setText(username)
        self._ui.unlockButton.clicked.connect(self._unlock)
        self._ui.quitButton.clicked.connect(self._quit)
        self._ui.busyLabel.setVisible(False)
        set_message(self._ui.errorLabel, "")
        self._refresh_texts()
        (self._ui.passwordEdit if username else self._ui.userEdit).setFocus()
        self.adjustSize()

    # ---- texts -----------------------------------------------------------------------------------------

    def _refresh_texts(self) -> None:
        set_plain(self._ui.vaultLabel, t("Vault: {path}", path=str(self._vault)))
        say = show_message if self._painted else set_message   # not shown yet: the first show styles it
        if vault_present(self._vault):
            say(self._ui.noticeLabel, self._notice, kind="info")
        else:
            self.setMinimumWidth(700)
            say(self._ui.noticeLabel, t(
                "There is no SecureMail vault in this folder yet ({path}).\n\n"
                "An administrator creates one with:\n"
                "  securemail-cli --vault {path} init --office-code CODE --office-name NAME "
                "--admin USER --full-name NAME\n\n"
                "To try the app, create a demo vault with:\n"
                "  securemail-cli --vault {path} demo\n\n"
                "Or start the app with --vault DIR (or SECUREMAIL_VAULT) pointing at an existing vault.",
                path=str(self._vault)), kind="info")

    def _retranslate(self) -> None:  # the first texts: setupUi and _refresh_texts in __init__
        self._ui.retranslateUi(self)
        self._refresh_texts()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)  # once this paint has reached the screen

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        QTimer.singleShot(0, self._make_selectable)

    def _make_selectable(self) -> None:
        # The path and the notice (which holds the commands to create a vault) can be selected and copied. Set
        # here, not in the form: PySide6's first use of `Qt` and of these flags costs tens of milliseconds, and
        # the window is on screen now (issue 15; plain_text).
        from PySide6.QtCore import Qt  # noqa: PLC0415

        for label in (self._ui.vaultLabel, self._ui.noticeLabel):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    # ---- unlocking -------------------------------------------------------------------------------------

    def _unlock(self) -> None:
        if self._busy:
            return
        username = self._ui.userEdit.text().strip()
        password = self._ui.passwordEdit.text()
        if not username:
            show_message(self._ui.errorLabel, t("Type your user name."))
            self._ui.userEdit.setFocus()
            return
        if not password:
            show_message(self._ui.errorLabel, t("Type your password."))
            self._ui.passwordEdit.setFocus()
            return
        self._set_busy(True)
        show_message(self._ui.errorLabel, "")
        vault, relay = self._vault, self._relay

        def work() -> Session:
            # Imported on first use: the services (crypto, custody, storage) load while the user types (issue 15).
            from securemail.services.audit_trail import record_login  # noqa: PLC0415
            from securemail.services.session import open_session  # noqa: PLC0415

            session = open_session(vault, username, password, on_wait=relay.waiting.emit)
            try:
                record_login(session, "app")     # the signed audit trail, with failed attempts waiting for it
            except BaseException:
                session.close()
                raise
            return session

        from securemail.gui.ops import run_op  # noqa: PLC0415 - loaded after the window shows (issue 15)

        run_op(self, work, self._done, self._failed)

    def _done(self, session: Session) -> None:
        self._set_busy(False)
        self._ui.passwordEdit.clear()
        self.unlocked.emit(session)

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self._ui.passwordEdit.clear()  # the user name stays
        show_message(self._ui.errorLabel, error.message())
        self._refresh_texts()
        from PySide6.QtCore import Qt  # noqa: PLC0415 - after the first paint (_make_selectable)

        self._ui.passwordEdit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_wait(self, count: int, seconds: int) -> None:
        set_plain(self._ui.busyLabel, tr("auth.waiting", count=count, seconds=seconds))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        set_plain(self._ui.busyLabel, t("Unlocking…"))
        self._ui.busyLabel.setVisible(busy)
        for widget in (self._ui.userEdit, self._ui.passwordEdit, self._ui.unlockButton):
            widget.setEnabled(not busy)

    def _quit(self) -> None:
        self.quit_requested.emit()

    def reject(self) -> None:
        # Escape must not leave the app without a window: it clears the password instead.
        self._ui.passwordEdit.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous():  # the window's close button, not the controller hiding it
            self.quit_requested.emit()
        event.accept()
