"""Small screens: every main window (each role, each tab) and every dialog fits a 1024x600 screen, title bar
and task bar included; what does not fit scrolls or wraps instead of pushing the window wider."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dialog_cases import CASES
from gui_vault import VaultInfo
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QTabWidget
from pytestqt.qtbot import QtBot

from securemail.gui.main_window import MainWindow
from securemail.gui.ops import operations
from securemail.i18n import set_language
from securemail.services.session import Session

Opener = Callable[[str], Session]
# 1024x600, less a title bar (about 30 px) and a task bar (about 40 px).
ROOM = QSize(1024, 530)


def _fits(size: QSize) -> bool:
    return size.width() <= ROOM.width() and size.height() <= ROOM.height()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("username", ["admin", "clerk1", "courier1", "vanthu1", "auditor1"])
def test_main_window_fits_1024x600(qtbot: QtBot, open_as: Opener, username: str, lang: str) -> None:
    set_language(lang)
    window = MainWindow(open_as(username))
    qtbot.addWidget(window)
    window.show()
    window.start()
    operations().wait()
    QApplication.processEvents()
    too_big = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        page = window.tabs.widget(i)
        inner = page.count() if isinstance(page, QTabWidget) else 1
        for j in range(inner):
            if isinstance(page, QTabWidget):
                page.setCurrentIndex(j)
            QApplication.processEvents()
            hint = window.minimumSizeHint()
            if not _fits(hint):
                too_big.append(f"{window.tabs.tabText(i)}/{j}: {hint.width()}x{hint.height()}")
            # A page may scroll down, but never sideways: no page needs more than the screen's width.
            if page.minimumSizeHint().width() > ROOM.width() - 24:
                too_big.append(f"{window.tabs.tabText(i)}: page {page.minimumSizeHint().width()} wide")
    set_language("vi")
    assert not too_big, f"{username}: " + "; ".join(too_big)


@pytest.mark.parametrize("name", sorted(CASES))
def test_dialog_fits_1024x600(qtbot: QtBot, open_as: Opener, vault: VaultInfo, name: str) -> None:
    case = CASES[name]
    dialog = case.make(open_as(case.user), vault)
    qtbot.addWidget(dialog)
    dialog.show()
    start = getattr(dialog, "start", None)
    if callable(start):
        start()
    operations().wait()
    QApplication.processEvents()
    hint = dialog.minimumSizeHint()
    assert _fits(hint), f"{name}: needs at least {hint.width()}x{hint.height()}"
    assert _fits(dialog.size()) or _fits(dialog.sizeHint()), f"{name}: opens at {dialog.width()}x{dialog.height()}"


def test_messages_show_above_the_page(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    window = MainWindow(open_as("clerk1"))
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_transfer([vault.trackings["waiting"]], "handover")
    qtbot.waitUntil(lambda: dialog._ui.toCombo.count() > 0, timeout=20000)
    dialog.choose("courier1")
    dialog._ui.passwordEdit.setText(vault.passwords["courier1"])
    qtbot.mouseClick(dialog._ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.notice.isVisible, timeout=20000)
    assert window.notice.text() == f"Đã ghi: {vault.trackings['waiting']}"
    assert window.statusBar().currentMessage() == window.notice.text()
