"""Typing Vietnamese into widgets in tests: qtbot.keyClicks aborts the process on non-ASCII text
(platform.md), so the text is committed the way an input method (Unikey, ibus-bamboo) commits it."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
