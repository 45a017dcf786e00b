"""Plain-text labels and status lines: what the unlock window needs from the shared widgets, kept apart so that it
shows without loading the rest (issue 15). `securemail.gui.widgets` offers the same names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def set_plain(label_widget: QLabel, text: str) -> None:
    label_widget.setTextFormat(Qt.TextFormat.PlainText)
    label_widget.setText(text)


def show_message(label_widget: QLabel, text: str, *, kind: str = "error") -> None:
    """Show (or hide, for empty text) a status line; `kind` picks the style: error, ok, info."""
    label_widget.setTextFormat(Qt.TextFormat.PlainText)
    label_widget.setProperty("messageKind", kind)
    label_widget.setText(text)
    label_widget.setVisible(bool(text))
    repolish(label_widget)


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
