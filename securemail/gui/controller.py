"""Who is on screen: the unlock dialog, or the main window with an open session; auto-lock and language."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from securemail.gui import preload
from securemail.gui.idle import IdleWatcher
from securemail.gui.strings import t
from securemail.gui.translator import CatalogueTranslator, switch_language
from securemail.gui.unlock import UnlockDialog
from securemail.i18n import tr

if TYPE_CHECKING:
    from securemail.gui.form_draft import Draft
    from securemail.gui.main_window import MainWindow
    from securemail.services.session import Session


class AppController(QObject):
    def __init__(self, app: QApplication, vault: Path, *, idle_ms: int,
                 translator: CatalogueTranslator | None = None) -> None:
        super().__init__()
        self._app = app
        self.vault = vault
        self._translator = translator or CatalogueTranslator(self)
        if translator is None:
            app.installTranslator(self._translator)
        self.idle = IdleWatcher(idle_ms, self)
        self.idle.idle.connect(self._idle_lock)
        app.installEventFilter(self.idle)
        self.session: Session | None = None
        self.main_window: MainWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None
        # A half-filled intake form at lock time: (who typed it, what), given back only to the same user.
        self._draft: tuple[str, Draft] | None = None

    def start(self, *, preload_main: bool = True) -> None:
        """Show the unlock window; once it is painted, load the main window's modules while the user types
        (`preload_main=False`: a start-up check that only shows the first window)."""
        dialog = self._show_unlock()
        if preload_main:
            dialog.first_painted.connect(preload.start)

    def _show_unlock(self, username: str = "", notice: str = "") -> UnlockDialog:
        dialog = UnlockDialog(self.vault, username=username, notice=notice)
        dialog.unlocked.connect(self._unlocked)
        dialog.quit_requested.connect(self.quit)
        self.unlock_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _unlocked(self, session: Session) -> None:
        dialog, self.unlock_dialog = self.unlock_dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()
        self.show_main(session)

    def show_main(self, session: Session) -> MainWindow:
        self.session = session
        # Imported here: the main window pulls in every page, reportlab and pdfium (seconds on a slow PC); the
        # unlock screen must not wait for them (issue 15). Usually already loaded by `preload` while the user typed.
        from securemail.gui.main_window import MainWindow  # noqa: PLC0415

        window = MainWindow(session)
        window.lock_requested.connect(self.lock)
        window.quit_requested.connect(self.quit)
        window.language_requested.connect(self.set_language)
        self.main_window = window
        window.show()
        window.start()
        draft, self._draft = self._draft, None
        if draft is not None and draft[0] == session.user.username and window.intake is not None:
            window.intake.restore(draft[1])
        if session.must_change_password:  # a reset password: nothing signs until the user sets their own
            window.notify(tr("auth.must_change_password"), kind="info", msecs=0)
            window.open_change_password()
        self.idle.start()
        return window

    def _idle_lock(self) -> None:
        minutes = self.idle.timeout_ms / 60000
        self.lock(notice=t("Locked after {minutes} minutes without activity. Unlock to continue.",
                           minutes=f"{minutes:g}"), reason="idle")

    def lock(self, notice: str = "", reason: str = "manual") -> None:
        """Hide every window showing vault data, close the session (after any running operation), unlock again.
        The lock is signed into the audit trail before the session closes."""
        self.idle.stop()
        username = self._close_session(lock_reason=reason)
        if self.unlock_dialog is None:
            self._show_unlock(username, notice or t("Locked. Unlock to continue."))

    def _close_session(self, then: object = None, lock_reason: str | None = None) -> str:
        from securemail.gui.long_ops import cancel_all  # noqa: PLC0415 - loaded with the main window

        cancel_all()  # long jobs (verify, big reports) stop at their next progress report and close their reader
        window, self.main_window = self.main_window, None
        if window is not None and window.intake is not None and self.session is not None:
            draft = window.intake.draft()
            self._draft = (self.session.user.username, draft) if draft.typed() else None
        if window is not None:
            window.hide()  # its dialogs are its children: they go with it
            window.deleteLater()
        session, self.session = self.session, None
        if session is None:
            return ""
        def close() -> None:
            try:
                if lock_reason is not None:
                    from securemail.services.audit_trail import record_lock  # noqa: PLC0415 - after the window shows

                    record_lock(session, lock_reason)
            finally:
                session.close()

        from securemail.gui.ops import run_op  # noqa: PLC0415 - loaded after the unlock window shows

        run_op(None, close, then if callable(then) else None)  # queued behind running operations
        return session.user.username

    def quit(self) -> None:
        self.idle.stop()
        if self.unlock_dialog is not None:
            self.unlock_dialog.hide()
            self.unlock_dialog.deleteLater()
            self.unlock_dialog = None
        if self.session is not None:
            self._close_session(then=lambda _: self._app.quit())
        else:
            self._app.quit()

    def set_language(self, lang: str) -> None:
        switch_language(self._app, self._translator, lang)
