"""Auto-lock: after the idle timeout the main window and its data go, the session closes, unlock returns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from gui_vault import VaultInfo
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from securemail.gui.controller import AppController
from securemail.services.session import open_session


@pytest.fixture
def controller(qapp: QApplication, vault: VaultInfo) -> Iterator[AppController]:
    ctl = AppController(qapp, vault.path, idle_ms=300)
    yield ctl
    ctl.idle.stop()
    qapp.removeEventFilter(ctl.idle)
    if ctl.unlock_dialog is not None:
        ctl.unlock_dialog.deleteLater()
    if ctl.main_window is not None:
        ctl.main_window.deleteLater()


def test_idle_locks_and_hides_the_data(qtbot: QtBot, controller: AppController, vault: VaultInfo) -> None:
    # A long timeout while the window fills (a busy machine may take seconds), then a short one to lock.
    controller.idle.set_timeout(600_000)
    session = open_session(vault.path, "clerk1", vault.passwords["clerk1"])
    window = controller.show_main(session)
    qtbot.waitUntil(lambda: window.items.model.rowCount() == 4, timeout=30000)
    assert window.isVisible() and controller.idle.is_running()
    detail = window.open_item(vault.trackings["waiting"])
    assert detail.isVisible()
    controller.idle.set_timeout(300)

    qtbot.waitUntil(lambda: controller.unlock_dialog is not None, timeout=30000)

    assert controller.main_window is None and controller.session is None
    dialog = controller.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog._ui.userEdit.text() == "clerk1" and dialog._ui.passwordEdit.text() == ""
    assert "không thao tác" in dialog._ui.noticeLabel.text()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)  # window and its dialogs are gone
    assert not shiboken6.isValid(detail)
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [dialog]
    qtbot.waitUntil(lambda: _closed(session), timeout=5000)


def _closed(session: object) -> bool:
    try:
        session.conn.execute("SELECT 1")  # type: ignore[attr-defined]
    except Exception:  # sqlcipher3.ProgrammingError: closed database
        return True
    return False


def test_activity_postpones_the_lock(qtbot: QtBot, controller: AppController, vault: VaultInfo) -> None:
    # State, not timing: input restarts the idle countdown (a busy machine may stall the event loop at any time).
    controller.idle.set_timeout(600_000)
    session = open_session(vault.path, "auditor1", vault.passwords["auditor1"])
    window = controller.show_main(session)
    timer = controller.idle._timer
    qtbot.waitUntil(lambda: 0 <= timer.remainingTime() < 599_500, timeout=30_000)
    before = timer.remainingTime()
    move = QMouseEvent(QEvent.Type.MouseMove, QPoint(5, 5).toPointF(), QPoint(5, 5).toPointF(),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, move)
    assert timer.remainingTime() > max(before, 599_500), "a mouse move must restart the countdown"
    assert controller.main_window is window
    controller.idle.set_timeout(300)       # and without input it locks
    qtbot.waitUntil(lambda: controller.main_window is None, timeout=30_000)


def test_lock_now_from_the_menu(qtbot: QtBot, controller: AppController, vault: VaultInfo) -> None:
    controller.idle.set_timeout(600_000)
    session = open_session(vault.path, "admin", vault.passwords["admin"])
    window = controller.show_main(session)
    window.lock_action.trigger()
    assert controller.main_window is None and controller.unlock_dialog is not None
    assert controller.unlock_dialog._ui.noticeLabel.text() == "Đã khóa. Mở khóa để tiếp tục."
    qtbot.waitUntil(lambda: _closed(session), timeout=5000)
