"""Enter never does what the user did not ask for: in every dialog, Enter in any field presses the confirming
button (never Cancel, never a destructive one) or nothing; with the required fields empty nothing is recorded.
In the receive-bag dialog, Enter after a scan only adds the scan."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dialog_cases import CASES, bag_of
from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from securemail.domain.enums import Role
from securemail.gui.bag_open import BagOpenDialog
from securemail.gui.ops import operations
from securemail.services.session import Session

Opener = Callable[[str], Session]
INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QAbstractSpinBox, QCheckBox, QAbstractItemView)


def _events(session: Session) -> int:
    operations().wait()
    return int(session.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def _settle() -> None:
    operations().wait()
    QApplication.processEvents()


def _spy(buttons: list[QPushButton]) -> list[str]:
    """The objectNames of the buttons clicked from now on, in order."""
    clicked: list[str] = []
    for button in buttons:
        name = button.objectName()
        button.clicked.connect(lambda *_, b=name: clicked.append(b))
    return clicked


def _inputs(dialog: QDialog) -> list[QWidget]:
    found: list[QWidget] = []
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisibleTo(dialog) or not widget.isEnabled():
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # the combo or spin box itself is the field
        found.append(widget)
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_enter_in_every_field(qtbot: QtBot, open_as: Opener, vault: VaultInfo, name: str) -> None:
    case = CASES[name]
    session = open_as(case.user)
    dialog = case.make(session, vault)
    if not dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
        qtbot.addWidget(dialog)  # the admin forms delete themselves when closed
    dialog.show()
    start = getattr(dialog, "start", None)
    if callable(start):
        start()
    _settle()
    buttons = dialog.findChildren(QPushButton)
    defaults = [b.objectName() for b in buttons if b.isDefault()]
    assert defaults == ([case.confirm] if case.confirm else []), f"{name}: default buttons {defaults}"
    clicked = _spy(buttons)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    before = _events(session)
    fields = _inputs(dialog)
    assert fields or case.confirm is None, f"{name}: no field found"
    for field in fields:
        if not isValid(dialog) or not dialog.isVisible():
            break  # a prefilled form was confirmed: that is what Enter means
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Return)
        _settle()
    assert not rejected, f"{name}: Enter cancelled the dialog"
    assert set(clicked) <= ({case.confirm} if case.confirm else set()), f"{name}: Enter pressed {clicked}"
    if not case.prefilled:
        assert _events(session) == before, f"{name}: Enter recorded something with the fields empty"
    if isValid(dialog):
        dialog.close()


def test_enter_after_a_scan_only_adds_the_scan(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    dialog = BagOpenDialog(session, bag_of(vault), "Phạm Văn Hùng (courier1)")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password_edit.setText(vault.passwords["courier1"])  # even with the password typed
    clicked = _spy(dialog.findChildren(QPushButton))
    before = _events(session)
    for text in (vault.trackings["waiting"], "RR999999999VN", vault.trackings["waiting"]):
        dialog.scan_edit.setText(text)
        qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)
        _settle()
    assert dialog.scanned() == [vault.trackings["waiting"], "RR999999999VN"]
    assert clicked == [] and dialog.isVisible() and _events(session) == before
    dialog.table.selectRow(0)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.scan_edit, Qt.Key.Key_Return)  # an empty scan field: still nothing removed
    assert dialog.scanned() == [vault.trackings["waiting"], "RR999999999VN"]


def test_role_of_the_case_users() -> None:
    """The cases run as the roles allowed to open each dialog (a guard against a silently empty test)."""
    assert {c.user for c in CASES.values()} == {"clerk1", "auditor1", "admin"}
    assert Role.CLERK.value == "clerk"
