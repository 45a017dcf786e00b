"""The intake form: saving an item typed in Vietnamese, field errors that keep the input, scanner input."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from gui_typing import type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from securemail.gui.intake import IntakeForm
from securemail.services import items
from securemail.services.session import Session

Opener = Callable[[str], Session]
NAME = "Nguyễn Thị Hồng Nhung"
NOTES = "Giao tận tay, ký nhận đầy đủ"


def _form(qtbot: QtBot, session: Session) -> IntakeForm:
    form = IntakeForm(session)
    qtbot.addWidget(form)
    form.show()
    form.start()
    qtbot.waitUntil(lambda: form.ui.senderCombo.count() == 3, timeout=10000)
    return form


def _choose(form: IntakeForm, sender: str = "UBND-HN", recipient: str = "TU-HN", secrecy: str = "mat",
            service: str = "hoa-toc") -> None:
    ui = form.ui
    ui.senderCombo.setCurrentIndex(ui.senderCombo.findData(sender))
    ui.recipientCombo.setCurrentIndex(ui.recipientCombo.findData(recipient))
    ui.secrecyCombo.setCurrentIndex(ui.secrecyCombo.findData(secrecy))
    ui.serviceCombo.setCurrentIndex(ui.serviceCombo.findData(service))


def test_saves_an_item_typed_in_vietnamese(qtbot: QtBot, open_as: Opener) -> None:
    session = open_as("clerk1")
    form = _form(qtbot, session)
    ui = form.ui
    _choose(form)
    type_text(ui.namedRecipientEdit, NAME)
    ui.namedOnlyCheck.setChecked(True)
    qtbot.keyClicks(ui.docRefEdit, "125/UBND-VP")
    type_text(ui.notesEdit, NOTES)
    type_text(ui.descriptionEdit, "Báo cáo tình hình quý IV")
    ui.sealsEdit.setText("NP-2026-01")
    ui.weightSpin.setValue(120)
    assert form.urgency_combo.currentData() == "none"       # the mark is its own choice, not the service class
    form.urgency_combo.setCurrentIndex(form.urgency_combo.findData("thuong-khan"))
    assert ui.namedRecipientEdit.text() == NAME
    saved: list[str] = []
    form.accepted.connect(saved.append)

    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(saved), timeout=10000)

    tracking = saved[0]
    assert tracking in ui.resultLabel.text()
    assert ui.resultLabel.text().startswith("Đã nhận gửi")
    row = items.item_row(session, tracking)
    assert row.named_recipient == unicodedata.normalize("NFC", NAME)
    assert row.named_only == 1
    assert row.notes == NOTES
    assert (row.sender_agency, row.recipient_agency, row.secrecy, row.service) == \
        ("UBND-HN", "TU-HN", "mat", "hoa-toc")
    assert (row.doc_ref, row.weight_grams, row.seal_numbers) == ("125/UBND-VP", 120, "NP-2026-01")
    assert row.urgency == "thuong-khan"
    assert ui.namedRecipientEdit.text() == "" and ui.notesEdit.toPlainText() == ""  # ready for the next item
    assert form.urgency_combo.currentData() == "none"


def test_tuyet_mat_with_description_shows_the_field_error_and_keeps_the_text(qtbot: QtBot,
                                                                             open_as: Opener) -> None:
    session = open_as("clerk1")
    form = _form(qtbot, session)
    ui = form.ui
    _choose(form)
    type_text(ui.descriptionEdit, "Trích yếu về công tác cán bộ")
    type_text(ui.namedRecipientEdit, NAME)
    type_text(ui.notesEdit, NOTES)
    ui.secrecyCombo.setCurrentIndex(ui.secrecyCombo.findData("tuyet-mat"))
    assert ui.descriptionEdit.isEnabled()  # typed text stays reachable so it can be removed
    assert ui.envelopesSpin.value() == 2  # inner and outer envelope
    saved: list[str] = []
    form.accepted.connect(saved.append)

    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.errorLabel.text() != "", timeout=10000)

    assert ui.errorLabel.text() == 'Tài liệu Tuyệt mật không được ghi trích yếu/mô tả (trường "Trích yếu").'
    assert form.marked_fields() == ["description"]
    assert ui.descriptionEdit.property("fieldError") is True
    assert ui.descriptionEdit.toPlainText() == "Trích yếu về công tác cán bộ"
    assert ui.namedRecipientEdit.text() == NAME and ui.notesEdit.toPlainText() == NOTES
    assert ui.senderCombo.currentData() == "UBND-HN"
    assert not saved and len(items.search_items(session, filters={"secrecy": "tuyet-mat"})) == 1  # the old one

    ui.descriptionEdit.clear()  # the user deletes it: the mark goes, the field is switched off
    assert form.marked_fields() == []
    assert not ui.descriptionEdit.isEnabled()
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(saved), timeout=10000)
    assert items.item_row(session, saved[0]).secrecy == "tuyet-mat"


def test_unknown_agency_marks_the_recipient(qtbot: QtBot, open_as: Opener) -> None:
    form = _form(qtbot, open_as("clerk1"))
    ui = form.ui
    _choose(form)
    ui.recipientCombo.setCurrentIndex(-1)
    ui.recipientCombo.setEditText("XYZ")
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.errorLabel.text() != "", timeout=10000)
    assert ui.errorLabel.text() == "Không có cơ quan XYZ."
    assert form.marked_fields() == ["recipient_agency"]
    assert ui.recipientCombo.currentText() == "XYZ"


def test_appointed_time_only_for_hen_gio(qtbot: QtBot, open_as: Opener) -> None:
    form = _form(qtbot, open_as("clerk1"))
    ui = form.ui
    assert not ui.appointedEdit.isEnabled()
    ui.serviceCombo.setCurrentIndex(ui.serviceCombo.findData("hen-gio"))
    assert ui.appointedEdit.isEnabled()
    assert form.raw_input()["appointed_at"] is not None
    ui.serviceCombo.setCurrentIndex(ui.serviceCombo.findData("thuong"))
    assert not ui.appointedEdit.isEnabled() and form.raw_input()["appointed_at"] is None


def test_scanner_types_the_number_and_enter(qtbot: QtBot, open_as: Opener) -> None:
    form = _form(qtbot, open_as("clerk1"))
    ui = form.ui
    form.activateWindow()
    ui.trackingEdit.setFocus()
    qtbot.keyClicks(ui.trackingEdit, " kt000000059vn")
    qtbot.keyClick(ui.trackingEdit, Qt.Key.Key_Return)
    assert ui.trackingEdit.text() == "KT000000059VN"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not ui.trackingEdit, timeout=2000)
    focused = QApplication.focusWidget()
    assert focused is ui.senderCombo or focused is ui.senderCombo.lineEdit()
