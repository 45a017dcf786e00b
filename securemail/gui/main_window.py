"""The main window: dashboard, items, intake, reports, integrity checks, users and agencies (by role)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import Role
from securemail.gui.admin_page import AdminPage
from securemail.gui.audit_page import AuditPage
from securemail.gui.bags_page import BagsPage
from securemail.gui.dashboard import DashboardPage
from securemail.gui.exchange_page import ExchangePage
from securemail.gui.intake import IntakeForm
from securemail.gui.item_detail import ItemDetailDialog
from securemail.gui.items_page import ItemsPage
from securemail.gui.page_tabs import ScrollingTabs
from securemail.gui.password_dialog import ChangePasswordDialog
from securemail.gui.reports_page import ReportsPage
from securemail.gui.selftest_dialog import SelfTestDialog
from securemail.gui.strings import N_, t
from securemail.gui.transfer import TransferDialog
from securemail.gui.translator import Retranslating
from securemail.gui.view_settings import ViewSettings
from securemail.gui.widgets import PlainLabel, lbl, named, plain_tooltip, shortcut, show_message, without_mnemonic
from securemail.i18n import current_language
from securemail.services.permissions import Permission, allowed
from securemail.services.session import Session


class MainWindow(Retranslating, QMainWindow):
    lock_requested = Signal()
    quit_requested = Signal()
    language_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = session
        self.view_settings = ViewSettings(f"{session.role.value}/window")
        if not self.view_settings.restore_geometry(self):  # the size and place this role left it at
            self.resize(1240, 780)
        self._details: dict[str, ItemDetailDialog] = {}
        self._quitting = False

        self.tabs = named(ScrollingTabs(), "mainTabs")
        self.tabs.setDocumentMode(True)
        self.dashboard = DashboardPage(session)
        self.items = ItemsPage(session)
        self.intake: IntakeForm | None = None
        self.admin: AdminPage | None = None
        self.reports: ReportsPage | None = None
        self.audit: AuditPage | None = None
        self.bags: BagsPage | None = None
        self.tabs.addTab(self.dashboard, "")
        self.tabs.addTab(self.items, "")
        if allowed(session.role, Permission.ACCEPT):
            self.intake = IntakeForm(session)
            self.intake.setObjectName("intakePage")
            self.intake.accepted.connect(self._after_change)
            self.tabs.addTab(self.intake, "")
        if allowed(session.role, Permission.MANAGE_BAGS) or allowed(session.role, Permission.ARRIVE):
            self.bags = BagsPage(session)
            self.bags.changed.connect(self._after_change)
            self.tabs.addTab(self.bags, "")
        if allowed(session.role, Permission.PRINT_REPORTS):
            self.reports = ReportsPage(session)
            self.tabs.addTab(self.reports, "")
        if allowed(session.role, Permission.VERIFY):
            self.audit = AuditPage(session)
            self.tabs.addTab(self.audit, "")
        self.exchange: ExchangePage | None = None
        if allowed(session.role, Permission.VERIFY) and session.role is not Role.COURIER:
            self.exchange = ExchangePage(session)
            self.exchange.changed.connect(self._after_change)
            self.tabs.addTab(self.exchange, "")
        if allowed(session.role, Permission.MANAGE_USERS):
            self.admin = AdminPage(session)
            self.tabs.addTab(self.admin, "")
        # Messages also shown where the user is looking: above the page, not only in the status bar.
        self.notice = named(PlainLabel(wrap=True), "windowNotice")
        self.notice.setVisible(False)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(lambda: self.notice.setVisible(False))
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.notice)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        for index in range(min(self.tabs.count(), 9)):
            shortcut(f"Ctrl+{index + 1}", self, partial(self.tabs.setCurrentIndex, index))
        for view in self.findChildren(QAbstractItemView):
            view.setTabKeyNavigation(False)  # Tab leaves every table; the arrow keys move inside it
        self.tabs.currentChanged.connect(self._tab_changed)

        self.dashboard.open_item.connect(self.open_item)
        self.items.open_item.connect(self.open_item)
        self.items.transfer_requested.connect(self.open_transfer)

        self._user_label = named(QLabel(), "statusUser")
        self._role_label = named(QLabel(), "statusRole")
        self._vault_label = named(QLabel(), "statusVault")
        # Shown while a committed write's outside copy (head.json) could not be written (Session.state_lag).
        self._head_lag_label = named(QLabel(), "statusHeadLag")
        self._head_lag_label.setProperty("messageKind", "error")
        self._head_lag_label.hide()
        for label in (self._head_lag_label, self._user_label, self._role_label, self._vault_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.statusBar().addPermanentWidget(label)
        # A long vault path is cut rather than widening the window (the full path is in its tooltip).
        self._vault_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._vault_label.setMinimumWidth(120)
        self._build_menus()
        self._retranslate()

    # ---- menus ---------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.lock_action = named(QAction(self, shortcut=QKeySequence("Ctrl+L")), "lockAction")
        self.lock_action.triggered.connect(self.lock_requested)
        self.quit_action = named(QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit)), "quitAction")
        self.quit_action.triggered.connect(self._quit)
        self.password_action = named(QAction(self), "changePasswordAction")
        self.password_action.triggered.connect(self.open_change_password)
        self.file_menu.addAction(self.password_action)
        self.file_menu.addAction(self.lock_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = bar.addMenu("")
        refresh_keys = QKeySequence(QKeySequence.StandardKey.Refresh)
        self.refresh_action = named(QAction(self, shortcut=refresh_keys), "refreshAction")
        self.refresh_action.triggered.connect(self.refresh_current)
        self.view_menu.addAction(self.refresh_action)
        self.language_menu = bar.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang, name in (("vi", "Tiếng Việt"), ("en", "English")):  # each language named in itself
            action = named(QAction(name, self, checkable=True), f"lang_{lang}")
            action.triggered.connect(lambda _=False, code=lang: self.language_requested.emit(code))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[lang] = action
        self.help_menu = bar.addMenu("")
        self.about_action = named(QAction(self), "aboutAction")
        self.about_action.triggered.connect(self._about)
        self.selftest_action = named(QAction(self), "selfTestAction")
        self.selftest_action.triggered.connect(self.open_selftest)
        self.help_menu.addAction(self.selftest_action)
        self.help_menu.addAction(self.about_action)

    def _retranslate(self) -> None:
        session = self.session
        self.setWindowTitle(t("SecureMail - {office}", office=session.office_name or session.office_code))
        titles = {self.dashboard: N_("&Dashboard"), self.items: N_("&Items"), self.intake: N_("Accept an ite&m"),
                  self.bags: N_("B&ags"),
                  self.reports: N_("&Reports"), self.audit: N_("In&tegrity"), self.admin: N_("&Users and agencies"),
                  self.exchange: N_("E&xchange")}
        for page, title in titles.items():
            if page is not None:
                index = self.tabs.indexOf(page)
                # No mnemonic on the tabs: their letters would collide with the pages' fields. Ctrl+1..9 instead.
                self.tabs.setTabText(index, without_mnemonic(t(title)))
                self.tabs.setTabToolTip(index, f"Ctrl+{index + 1}" if index < 9 else "")
        self.file_menu.setTitle(t("&File"))
        self.view_menu.setTitle(t("&View"))
        self.language_menu.setTitle(t("&Language"))
        self.help_menu.setTitle(t("&Help"))
        self.lock_action.setText(t("&Lock now"))
        self.password_action.setText(t("&Change password…"))
        self.quit_action.setText(t("&Quit"))
        self.refresh_action.setText(t("&Refresh"))
        self.about_action.setText(t("&About SecureMail"))
        self.selftest_action.setText(t("&Self-test…"))
        self.language_actions[current_language()].setChecked(True)
        user = session.user
        self._user_label.setText(t("User: {name} ({username})", name=user.full_name, username=user.username))
        self._role_label.setText(t("Role: {role}", role=lbl(user.role)))
        self._vault_label.setText(t("Vault: {path}", path=str(session.paths.root)))
        self._vault_label.setToolTip(plain_tooltip(str(session.paths.root)) or "")
        self._head_lag_label.setText(t("Head copy not written"))
        self._head_lag_label.setToolTip(plain_tooltip(t(
            "The copy of the log's head beside the vault (head.json) could not be written: free some space or make "
            "the folder writable. Your changes are saved.")) or "")

    # ---- pages ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load what the pages show (all through the operations thread)."""
        self.dashboard.refresh()
        self.items.start()
        if self.intake is not None:
            self.intake.start()
        if self.admin is not None:
            self.admin.refresh()
        if self.reports is not None:
            self.reports.refresh()
        if self.bags is not None:
            self.bags.refresh()

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is self.dashboard:
            self.dashboard.refresh()
        elif page is self.intake and self.intake is not None:
            self.intake.ui.trackingEdit.setFocus()
        elif page is self.reports and self.reports is not None:
            self.reports.refresh()
        elif page is self.bags and self.bags is not None:
            self.bags.refresh()
        elif page is self.exchange and self.exchange is not None:
            self.exchange.refresh()

    def refresh_current(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.dashboard:
            self.dashboard.refresh()
        elif page is self.items:
            self.items.reload()
        elif page is self.admin and self.admin is not None:
            self.admin.refresh()
        elif page is self.reports and self.reports is not None:
            self.reports.refresh()
        elif page is self.bags and self.bags is not None:
            self.bags.refresh()

    def _after_change(self, *_: object) -> None:
        self._head_lag_label.setVisible(self.session.state_lag)
        self.items.reload()
        if self.intake is not None:
            self.intake.imported.refresh()
        self.dashboard.refresh()
        for dialog in self._details.values():
            dialog.reload()

    def open_item(self, tracking: str) -> ItemDetailDialog:
        dialog = self._details.get(tracking)
        if dialog is None:
            dialog = ItemDetailDialog(self.session, tracking, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.transfer_requested.connect(self.open_transfer)
            dialog.changed.connect(self._after_change)
            dialog.destroyed.connect(lambda *_, key=tracking: self._details.pop(key, None))
            self._details[tracking] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_transfer(self, trackings: list[str], mode: str) -> TransferDialog:
        dialog = TransferDialog(self.session, trackings, mode, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(self._after_change)
        dialog.recorded.connect(lambda moved: self.notify(t("Recorded: {items}", items=", ".join(moved))))
        dialog.start()
        dialog.open()
        return dialog

    def notify(self, text: str, *, kind: str = "ok", msecs: int = 10000) -> None:
        """A message in the status bar and above the page, where the user is looking; both go after `msecs`
        (0: until the next message)."""
        self.statusBar().showMessage(text, msecs)
        show_message(self.notice, text, kind=kind)
        if msecs:
            self._notice_timer.start(msecs)
        else:
            self._notice_timer.stop()

    # ---- leaving -------------------------------------------------------------------------------------------

    def open_change_password(self) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda: self.notify(t("Password changed: you sign with your new key from now on.")))
        dialog.open()
        return dialog

    def open_selftest(self) -> SelfTestDialog:
        dialog = SelfTestDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.start()
        dialog.open()
        return dialog

    def _about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, t("About SecureMail"), t(
            "SecureMail: chain-of-custody log for classified mail on the KT1 postal network.\n"
            "Every hand-over is signed; the log is tamper-evident. Works fully offline."), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _quit(self) -> None:
        self._quitting = True
        self.quit_requested.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        """Locking, quitting or closing: remember the window's size and the list's columns (no vault data)."""
        self.view_settings.save_geometry(self)
        self.items.remember()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and event.spontaneous():
            self.quit_requested.emit()
        event.accept()
