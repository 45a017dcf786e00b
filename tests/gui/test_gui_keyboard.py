"""Keyboard and accessibility, walked over every window of every role: unique mnemonics, a label buddy and an
accessible name for every input, Tab leaves tables, typing selects in combo boxes, readable placeholders;
Ctrl+N asks before clearing a filled form; a half-filled form survives a lock for the same user only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from dialog_cases import CASES
from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTableView,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from securemail.gui.controller import AppController
from securemail.gui.main_window import MainWindow
from securemail.gui.ops import operations
from securemail.gui.theme import apply_theme
from securemail.i18n import set_language
from securemail.services.session import Session, open_session

Opener = Callable[[str], Session]
ROLES = ("admin", "clerk1", "courier1", "vanthu1", "auditor1")
INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QAbstractSpinBox)
MNEMONIC = re.compile(r"&(?!&)(.)")


def _window(qtbot: QtBot, session: Session) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.start()
    operations().wait()
    QApplication.processEvents()
    return window


def _pages(window: MainWindow) -> Iterator[QWidget]:
    """Each tab of the window made current in turn (and each tab of a tabbed page)."""
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        operations().wait()
        QApplication.processEvents()
        page = window.tabs.widget(i)
        inner = page if hasattr(page, "setCurrentIndex") and hasattr(page, "count") else None
        if inner is None:
            yield page
            continue
        for j in range(inner.count()):  # type: ignore[attr-defined]
            inner.setCurrentIndex(j)  # type: ignore[attr-defined]
            QApplication.processEvents()
            yield page


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window)


def _mnemonics(window: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every visible mnemonic in the window: menus, tab bars, buttons, labels, group boxes."""
    texts: list[str] = []
    bar = getattr(window, "menuBar", None)
    if callable(bar):
        texts += [action.text() for action in bar().actions()]
    for tabs in window.findChildren(QTabBar):
        if _shown(tabs, window):
            texts += [tabs.tabText(i) for i in range(tabs.count())]
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            texts.append(widget.title())
    found = []
    for text in texts:
        match = MNEMONIC.search(text)
        if match:
            found.append((match.group(1).lower(), text))
    return found


def _duplicates(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for letter, text in pairs:
        seen.setdefault(letter, []).append(text)
    return {k: v for k, v in seen.items() if len(v) > 1}


def _inputs(window: QWidget) -> list[QWidget]:
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not _shown(widget, window):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue
        found.append(widget)
    return found


def _accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def _keyboard_problems(window: QWidget) -> list[str]:
    """What breaks the keyboard rules in what `window` shows now: a mnemonic used twice, an input without a label
    buddy or an accessible name, a table that keeps Tab inside."""
    problems = [f"mnemonic {letter!r} used by {texts}" for letter, texts in _duplicates(_mnemonics(window)).items()]
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy() is not None}
    for field in _inputs(window):
        if field not in buddies:
            problems.append(f"{field.objectName() or type(field).__name__} has no label buddy")
        if not _accessible_name(field).strip():
            problems.append(f"{field.objectName() or type(field).__name__} has no accessible name")
    for table in window.findChildren(QTableView):
        if _shown(table, window) and table.tabKeyNavigation():
            problems.append(f"Tab stays inside table {table.objectName()}")
    return problems


@pytest.fixture(params=("vi", "en"))
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    set_language(request.param)
    yield request.param
    set_language("vi")


@pytest.mark.parametrize("username", ROLES)
def test_every_window_of_every_role(qtbot: QtBot, open_as: Opener, username: str, language: str) -> None:
    window = _window(qtbot, open_as(username))
    problems: list[str] = []
    for page in _pages(window):
        where = f"{username}/{language}/{page.objectName()}"
        problems += [f"{where}: {problem}" for problem in _keyboard_problems(window)]
    assert not problems, "\n".join(sorted(set(problems)))


def test_typing_selects_in_combo_boxes(qtbot: QtBot, open_as: Opener) -> None:
    window = _window(qtbot, open_as("admin"))
    checked = 0
    for page in _pages(window):
        for combo in page.findChildren(QComboBox):
            if not _shown(combo, window) or combo.isEditable() or combo.count() < 2:
                continue
            letter = combo.itemText(combo.count() - 1)[:1]
            others = [i for i in range(combo.count()) if combo.itemText(i)[:1].lower() != letter.lower()]
            if not letter.strip() or not others:
                continue
            start = others[0]
            combo.setCurrentIndex(start)
            order = [(start + k) % combo.count() for k in range(combo.count())]
            expected = next(i for i in order if combo.itemText(i)[:1].lower() == letter.lower())
            QTest.sendKeyEvent(QTest.KeyAction.Click, combo, Qt.Key.Key_unknown, letter,
                               Qt.KeyboardModifier.NoModifier)
            assert combo.currentIndex() == expected, f"typing {letter!r} in {combo.objectName()}"
            QTest.qWait(0)
            combo.setCurrentIndex(start)
            checked += 1
    assert checked >= 3


def _contrast(fg: QColor, bg: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    alpha = fg.alphaF()

    def over(front: float, back: float) -> float:
        return front * alpha + back * (1 - alpha)

    mixed = QColor.fromRgbF(over(fg.redF(), bg.redF()), over(fg.greenF(), bg.greenF()), over(fg.blueF(), bg.blueF()))
    high, low = sorted((lum(mixed), lum(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_placeholder_contrast(qtbot: QtBot, qapp: QApplication, open_as: Opener) -> None:
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    apply_theme(qapp)
    try:
        window = _window(qtbot, open_as("clerk1"))
        edits = [e for page in _pages(window) for e in page.findChildren(QLineEdit) if e.placeholderText()]
        assert edits
        for edit in edits:
            pal = edit.palette()
            ratio = _contrast(pal.color(QPalette.ColorRole.PlaceholderText), pal.color(QPalette.ColorRole.Base))
            assert ratio >= 4.5, f"{edit.objectName()}: placeholder contrast {ratio:.2f}:1"
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)
        qapp.setStyle(style)


def test_ctrl_n_asks_before_clearing_a_filled_form(qtbot: QtBot, open_as: Opener) -> None:
    window = _window(qtbot, open_as("clerk1"))
    assert window.intake is not None
    window.tabs.setCurrentWidget(window.intake)
    ui = window.intake.ui
    ui.docRefEdit.setText("123/UBND-VP")
    ui.docRefEdit.setFocus()
    qtbot.keyClick(ui.docRefEdit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    box = window.intake.findChild(QMessageBox, "clearQuestion")
    assert box is not None and box.isVisible()
    assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole  # Enter keeps the form
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert ui.docRefEdit.text() == "123/UBND-VP"
    box = window.intake.ask_clear()
    assert box is not None
    clear = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert ui.docRefEdit.text() == ""
    assert window.intake.ask_clear() is None  # an empty form clears without asking


@pytest.fixture
def controller(qapp: QApplication, vault: VaultInfo) -> Iterator[AppController]:
    ctl = AppController(qapp, vault.path, idle_ms=600_000)
    yield ctl
    ctl.idle.stop()
    qapp.removeEventFilter(ctl.idle)
    for window in (ctl.unlock_dialog, ctl.main_window):
        if window is not None:
            window.deleteLater()


def test_lock_keeps_a_half_filled_form_for_the_same_user_only(qtbot: QtBot, controller: AppController,
                                                              vault: VaultInfo) -> None:
    window = controller.show_main(open_session(vault.path, "clerk1", vault.passwords["clerk1"]))
    assert window.intake is not None
    window.intake.ui.docRefEdit.setText("45/CV-UBND")
    window.intake.ui.sealsEdit.setText("NP-77")
    controller.lock()
    assert controller.main_window is None and not window.isVisible()  # hidden while locked
    again = controller.show_main(open_session(vault.path, "clerk1", vault.passwords["clerk1"]))
    assert again.intake is not None
    assert again.intake.ui.docRefEdit.text() == "45/CV-UBND" and again.intake.ui.sealsEdit.text() == "NP-77"
    controller.lock()
    other = controller.show_main(open_session(vault.path, "clerk2", vault.passwords["clerk2"]))
    assert other.intake is not None
    assert other.intake.ui.docRefEdit.text() == "" and other.intake.ui.sealsEdit.text() == ""
    controller.lock()
    back = controller.show_main(open_session(vault.path, "clerk1", vault.passwords["clerk1"]))
    assert back.intake is not None and back.intake.ui.docRefEdit.text() == ""  # gone once another user unlocked
    controller.lock()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_dialog(qtbot: QtBot, open_as: Opener, vault: VaultInfo, name: str) -> None:
    case = CASES[name]
    dialog = case.make(open_as(case.user), vault)
    qtbot.addWidget(dialog)
    dialog.show()
    operations().wait()
    QApplication.processEvents()
    problems = _keyboard_problems(dialog)
    assert not problems, f"{name}: " + "; ".join(problems)
