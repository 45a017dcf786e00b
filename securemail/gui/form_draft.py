"""What a user has typed into a form, kept in memory while the app is locked and given back only to the same
user when they unlock (never written anywhere, never shown to another user)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)


@dataclass
class Draft:
    texts: dict[str, str] = field(default_factory=dict)       # line edits and text boxes, by objectName
    combos: dict[str, tuple[int, str]] = field(default_factory=dict)  # index and (for editable ones) the text
    numbers: dict[str, int] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    times: dict[str, int] = field(default_factory=dict)         # seconds since the epoch

    def typed(self) -> bool:
        """True when the user typed something (a chosen option alone is not a half-filled form)."""
        return any(text.strip() for text in self.texts.values()) or any(
            text.strip() for _, text in self.combos.values())


def _fields(form: QWidget) -> list[QWidget]:
    found = []
    for widget in form.findChildren(QWidget):
        if not widget.objectName() or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue
        if isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal:
            continue  # never keep a password
        found.append(widget)
    return found


def take_draft(form: QWidget) -> Draft:
    draft = Draft()
    for widget in _fields(form):
        name = widget.objectName()
        if isinstance(widget, QLineEdit):
            draft.texts[name] = widget.text()
        elif isinstance(widget, QPlainTextEdit):
            draft.texts[name] = widget.toPlainText()
        elif isinstance(widget, QComboBox):
            draft.combos[name] = (widget.currentIndex(), widget.currentText() if widget.isEditable() else "")
        elif isinstance(widget, QSpinBox):
            draft.numbers[name] = widget.value()
        elif isinstance(widget, QCheckBox):
            draft.checks[name] = widget.isChecked()
        elif isinstance(widget, QDateTimeEdit):
            draft.times[name] = widget.dateTime().toSecsSinceEpoch()
    return draft


def restore_draft(form: QWidget, draft: Draft) -> None:
    for widget in _fields(form):
        name = widget.objectName()
        if isinstance(widget, QLineEdit) and name in draft.texts:
            widget.setText(draft.texts[name])
        elif isinstance(widget, QPlainTextEdit) and name in draft.texts:
            widget.setPlainText(draft.texts[name])
        elif isinstance(widget, QComboBox) and name in draft.combos:
            index, text = draft.combos[name]
            widget.setCurrentIndex(index)
            if widget.isEditable():
                widget.setEditText(text)
        elif isinstance(widget, QSpinBox) and name in draft.numbers:
            widget.setValue(draft.numbers[name])
        elif isinstance(widget, QCheckBox) and name in draft.checks:
            widget.setChecked(draft.checks[name])
        elif isinstance(widget, QDateTimeEdit) and name in draft.times:
            widget.setDateTime(QDateTime.fromSecsSinceEpoch(draft.times[name], widget.timeZone()))
