"""Plain-text labels and status lines: what the unlock window needs from the shared widgets, kept apart so that it
shows without loading the rest (issue 15). `securemail.gui.widgets` offers the same names.

The text format is written through Qt's property system (the int of Qt.TextFormat.PlainText), the same as
setTextFormat(Qt.TextFormat.PlainText): PySide6 builds every enum of its `Qt` namespace on the first use of
`Qt` (20-30 ms on our PC), and the unlock window must be on screen before that (tests/gui/test_gui_startup.py
checks both the format and that `Qt` is not built before the first paint).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

_PLAIN_TEXT = 0  # Qt.TextFormat.PlainText


def make_plain(label_widget: QLabel) -> None:
    """Never interpret the label's text as rich text (untrusted names, paths, messages)."""
    label_widget.setProperty("textFormat", _PLAIN_TEXT)


def set_plain(label_widget: QLabel, text: str) -> None:
    make_plain(label_widget)
    label_widget.setText(text)


def set_message(label_widget: QLabel, text: str, *, kind: str = "error") -> None:
    """show_message for a window not shown yet: its first show styles the line (and re-styling it now would build
    PySide6's `Qt` enums: QStyle.polish's overloads take a QPalette, which converts from Qt.GlobalColor)."""
    make_plain(label_widget)
    label_widget.setProperty("messageKind", kind)
    label_widget.setText(text)
    label_widget.setVisible(bool(text))


def show_message(label_widget: QLabel, text: str, *, kind: str = "error") -> None:
    """Show (or hide, for empty text) a status line; `kind` picks the style: error, ok, info."""
    set_message(label_widget, text, kind=kind)
    repolish(label_widget)


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
