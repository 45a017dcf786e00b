"""Help > Self-test in the main window: runs the self-test and shows one line per check."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from securemail.gui.main_window import MainWindow
from securemail.gui.selftest_dialog import SelfTestDialog
from securemail.services.selftest import CHECKS
from securemail.services.session import Session


def test_help_selftest_shows_every_check(qtbot: QtBot, open_as: Callable[[str], Session]) -> None:
    window = MainWindow(open_as("clerk1"))
    qtbot.addWidget(window)
    window.show()
    assert window.selftest_action in window.help_menu.actions()
    assert window.selftest_action.text() == "&Tự kiểm tra…"
    window.selftest_action.trigger()
    dialog = window.findChild(SelfTestDialog, "selfTestDialog")
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.passed is not None, timeout=60_000)
    lines = dialog.output.toPlainText().splitlines()
    assert dialog.passed, lines
    assert len(lines) == len(CHECKS) + 2
    assert all(line.startswith("OK ") for line in lines[:-1])
    dialog.close()
