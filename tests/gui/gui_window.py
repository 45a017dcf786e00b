"""The main window as the app shows it after unlocking, for GUI tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from securemail.gui.main_window import MainWindow
from securemail.services.session import Session


def started_window(qtbot: QtBot, session: Session) -> MainWindow:
    """A shown main window for `session`, started (its first pages loading), closed with the test."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.start()
    return window
