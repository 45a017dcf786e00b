"""Small shared widgets and helpers: plain-text labels, field error highlighting, formatting."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from securemail.clock import local_text
from securemail.errors import BadInputError, UserFacingError
from securemail.gui.plain_text import repolish as repolish  # noqa: PLC0414 - re-exported (status lines: plain_text)
from securemail.gui.plain_text import set_plain as set_plain  # noqa: PLC0414
from securemail.gui.plain_text import show_message as show_message  # noqa: PLC0414
from securemail.i18n import current_language

ERROR_PROPERTY = "fieldError"


class PlainLabel(QLabel):
    """A label that never interprets its text as rich text (untrusted names and notes; SecureDrop's
    SecureQLabel)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(wrap)
        self.setText(text)


W = TypeVar("W", bound=QObject)


def named(obj: W, name: str) -> W:
    """Give a widget the objectName tests and stylesheets find it by."""
    obj.setObjectName(name)
    return obj


def shortcut(sequence: QKeySequence | QKeySequence.StandardKey | str, parent: QWidget, slot: Callable[[], object],
             *, context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QShortcut:
    short = QShortcut(QKeySequence(sequence), parent)
    short.setContext(context)
    short.activated.connect(slot)
    return short


def plain_tooltip(text: str | None) -> str | None:
    """Tooltips guess rich text from the content; escape untrusted text so it always shows as typed."""
    if not text:
        return None
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def mark_field(widget: QWidget, bad: bool) -> None:
    if bool(widget.property(ERROR_PROPERTY)) != bad:
        widget.setProperty(ERROR_PROPERTY, bad)
        repolish(widget)


class FieldErrors:
    """Maps service field names to widgets: shows an error next to the form and highlights the field.

    Never touches what the user typed."""

    def __init__(self, fields: Mapping[str, QWidget], message: QLabel) -> None:
        self._fields = dict(fields)
        self._message = message

    def clear(self) -> None:
        for widget in self._fields.values():
            mark_field(widget, False)
        show_message(self._message, "")

    def show(self, error: UserFacingError) -> None:
        self.clear()
        show_message(self._message, error.message())
        field = error.field if isinstance(error, BadInputError) else None
        widget = self._fields.get(field or "")
        if widget is not None:
            mark_field(widget, True)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def marked(self) -> list[str]:
        return [name for name, w in self._fields.items() if w.property(ERROR_PROPERTY)]


def lbl(member: StrEnum) -> str:
    """The label of an enum member in the current language."""
    # Imported on first use: the domain's label tables are not needed by the unlock window (issue 15).
    from securemail.domain.labels import label  # noqa: PLC0415

    return label(member, current_language())


def fill_enum_combo(combo: QComboBox, members: Iterable[StrEnum], *, any_text: str | None = None) -> None:
    """(Re)fill a combo with enum labels, keeping the chosen value; data is the enum value."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if any_text is not None:
        combo.addItem(any_text, "")
    for member in members:
        combo.addItem(lbl(member), member.value)
    index = combo.findData(chosen) if chosen is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def fmt_time(value: str | datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time, the way both languages write dates in this app."""
    return local_text(value)


def button_row(confirm: QPushButton, cancel: QPushButton) -> QHBoxLayout:
    """Cancel, then the confirming button at the right (the dialog's order on every platform we ship)."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(confirm)
    return row


def enter_confirms(dialog: QDialog, confirm: QPushButton | None) -> None:
    """Enter in a field presses `confirm` (or nothing when None), never Cancel nor another button of the dialog.

    Without an explicit default, QDialog makes the first 'auto default' button in the focus chain the default:
    often Cancel, or a button that removes something. A button that has the focus still answers Enter (Qt's
    auto-default), as the user chose it. With no confirming action, no button answers Enter at all."""
    for button in dialog.findChildren(QPushButton):
        button.setDefault(False)
        if confirm is None:
            button.setAutoDefault(False)
    if confirm is not None:
        confirm.setAutoDefault(True)
        confirm.setDefault(True)


def without_mnemonic(text: str) -> str:
    """'&Save' -> 'Save' ('&&' stays a literal '&')."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def labelled(text: str, field: QWidget) -> QLabel:
    """The label of an input: its buddy (the mnemonic jumps there) and its accessible name (screen readers)."""
    label = QLabel(text)
    label.setBuddy(field)
    if text:
        field.setAccessibleName(without_mnemonic(text).rstrip(": "))
    return label
