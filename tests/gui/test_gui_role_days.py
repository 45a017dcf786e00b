"""A day at work for each role, through the main window as the user sees it, with Vietnamese typed in the way an
input method commits it (gui_typing.type_text). Widgets are found by their objectName (docs/automation.md)."""

from __future__ import annotations

from collections.abc import Callable

from gui_typing import type_text
from gui_vault import VaultInfo, password_of
from gui_window import started_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from securemail.gui.main_window import MainWindow
from securemail.gui.role_panels import IntegrityPanel, ViewPanel
from securemail.services import directory, incidents, items, transfers
from securemail.services.cosign import cosigner
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _child(window: object, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = window.findChild(kind, name)  # type: ignore[attr-defined]
    assert found is not None, name
    return found


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _shown(window: MainWindow) -> list[str]:
    model = window.items.model
    return [str(model.row_data(r).tracking) for r in range(model.rowCount())]


def test_clerk_day(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    clerk = open_as("clerk1")
    window = started_window(qtbot, clerk)
    assert window.intake is not None
    ui = window.intake.ui
    window.tabs.setCurrentWidget(window.intake)
    qtbot.waitUntil(lambda: ui.senderCombo.count() == 3, timeout=10000)
    ui.senderCombo.setCurrentIndex(ui.senderCombo.findData("CA-HN"))
    ui.recipientCombo.setCurrentIndex(ui.recipientCombo.findData("TU-HN"))
    ui.secrecyCombo.setCurrentIndex(ui.secrecyCombo.findData("toi-mat"))
    ui.serviceCombo.setCurrentIndex(ui.serviceCombo.findData("thuong"))
    type_text(ui.namedRecipientEdit, "Đặng Thị Thu Trang")
    type_text(ui.descriptionEdit, "Công văn về việc bảo đảm an ninh dịp Tết")
    ui.printReceiptCheck.setChecked(False)  # the receipt's preview is tested elsewhere
    _click(qtbot, ui.saveButton)
    qtbot.waitUntil(lambda: ui.resultLabel.text().startswith("Đã nhận gửi"), timeout=15000)
    new = next(t for t in items.search_items(clerk) if t.named_recipient == "Đặng Thị Thu Trang").tracking

    window.tabs.setCurrentWidget(window.items)  # find it again by the person's name, typed in Vietnamese
    person = _child(window, QLineEdit, "personSearch")
    type_text(person, "Thu Trang")
    qtbot.keyClick(person, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _shown(window) == [new], timeout=10000)
    totals = _child(window, type(window.items.totals_label), "itemsTotals")
    qtbot.waitUntil(lambda: totals.text().startswith("Tổng: 1 bưu gửi"), timeout=10000)  # counted apart

    window.items.table.selectRow(0)
    dialog = window.open_transfer([new], "handover")  # hand it to the courier, who types his own password
    qtbot.waitUntil(lambda: dialog._ui.toCombo.count() > 0, timeout=10000)
    dialog.choose("courier1")
    dialog._ui.passwordEdit.setText(password_of("courier1"))
    _click(qtbot, dialog._ui.confirmButton)
    qtbot.waitUntil(lambda: items.item_row(clerk, new).holder == "courier1", timeout=15000)
    qtbot.waitUntil(lambda: window.dashboard.cards["inTransit"].number.text() == "2", timeout=10000)


def test_courier_day(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    courier = open_as("courier1")
    window = started_window(qtbot, courier)
    transit = vault.trackings["transit"]
    (held,) = window.dashboard.panels
    assert isinstance(held, ViewPanel)
    qtbot.waitUntil(lambda: held.model.rowCount() == 1, timeout=10000)
    assert held.model.row_data(0).tracking == transit
    qtbot.waitUntil(lambda: _shown(window) == [transit], timeout=10000)  # his list opens on what he holds
    detail = window.open_item(transit)
    qtbot.waitUntil(lambda: bool(detail.item()), timeout=10000)
    _click(qtbot, detail.out_button)
    qtbot.waitUntil(lambda: getattr(detail.item(), "status", None) == "out-for-delivery", timeout=10000)
    external = detail.ask_deliver_external()  # the recipient agency's messenger has no account
    type_text(external.name_edit, "Ksor H'Blơng")
    external.id_edit.setText("064190001234")
    _click(qtbot, external.confirm_button)
    qtbot.waitUntil(lambda: getattr(detail.item(), "status", None) == "delivered", timeout=15000)
    assert items.item_row(courier, transit).delivered_to.startswith("Ksor H'Blơng")
    window.refresh_current()
    qtbot.waitUntil(lambda: _shown(window) == [], timeout=10000)  # nothing left in his hands


def test_secretary_day(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    waiting = vault.trackings["waiting"]
    clerk = open_as("clerk1")
    signer, courier_info = cosigner(clerk, "courier1", password_of("courier1"))
    transfers.handover(clerk, [waiting], signer, courier_info)
    transfers.out_for_delivery(open_as("courier1"), waiting)  # the courier is on his way to her agency
    secretary = open_as("vanthu1")
    window = started_window(qtbot, secretary)
    to_confirm, on_its_way = window.dashboard.panels
    assert isinstance(to_confirm, ViewPanel) and isinstance(on_its_way, ViewPanel)
    qtbot.waitUntil(lambda: to_confirm.model.rowCount() == 1, timeout=10000)
    assert to_confirm.model.row_data(0).tracking == waiting
    assert _child(window, QTableView, "panel_to_confirmTable") is to_confirm.table
    detail = window.open_item(waiting)
    qtbot.waitUntil(lambda: bool(detail.item()), timeout=10000)
    detail.note_button.click()
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit) is not None, timeout=5000)
    note = window.findChild(QPlainTextEdit)  # the note dialog's text box
    type_text(note, "Đã gọi điện báo đồng chí Hồng Nhung chuẩn bị nhận")
    dialog = note.window()
    dialog.accept()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any(e.kind == "item.note" for e in items.timeline(secretary, waiting)),
                    timeout=15000)
    text = [e for e in items.timeline(secretary, waiting) if e.kind == "item.note"][-1].data["text"]
    assert text == "Đã gọi điện báo đồng chí Hồng Nhung chuẩn bị nhận"


def test_auditor_day(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    auditor = open_as("auditor1")
    window = started_window(qtbot, auditor)
    integrity = window.dashboard.panels[0]
    assert isinstance(integrity, IntegrityPanel)
    qtbot.waitUntil(lambda: integrity.loaded is not None, timeout=10000)
    assert integrity.status.text().startswith("Bạn chưa kiểm tra")
    assert integrity.incidents.rowCount() == 1
    assert window.audit is not None
    window.tabs.setCurrentWidget(window.audit)
    assert not window.audit.full_check.isHidden()
    window.audit.full_check.setChecked(True)
    with qtbot.waitSignal(window.audit.verified, timeout=60000) as verified:
        _click(qtbot, _child(window, QPushButton, "verifyButton"))
    assert verified.args == [True]
    window.tabs.setCurrentWidget(window.dashboard)
    qtbot.waitUntil(lambda: integrity.status.text().startswith("Lần kiểm tra gần nhất của bạn không phát hiện"),
                    timeout=10000)

    detail = window.open_item(vault.trackings["flagged"])  # close the open incident with a note in Vietnamese
    qtbot.waitUntil(lambda: bool(detail.item()), timeout=10000)
    closing = detail.ask_close_incident()
    qtbot.waitUntil(closing.confirm_button.isEnabled, timeout=10000)
    type_text(closing.note_edit, "Đã xác minh: niêm phong rách do vận chuyển, tài liệu còn nguyên")
    _click(qtbot, closing.confirm_button)
    qtbot.waitUntil(lambda: not incidents.list_incidents(auditor), timeout=15000)
    window.dashboard.refresh()
    qtbot.waitUntil(lambda: integrity.incidents.rowCount() == 0, timeout=10000)


def test_admin_day(qtbot: QtBot, open_as: Opener) -> None:
    admin = open_as("admin")
    window = started_window(qtbot, admin)
    assert window.admin is not None
    window.tabs.setCurrentWidget(window.admin)
    qtbot.waitUntil(lambda: window.admin.agencies_table.rowCount() == 3, timeout=10000)  # type: ignore[union-attr]
    agency = window.admin.open_add_agency()
    agency.code_edit.setText("STP-HN")
    type_text(agency.name_edit, "Sở Tư pháp Thành phố Hà Nội")
    _click(qtbot, agency.save_button)
    qtbot.waitUntil(lambda: window.admin.agencies_table.rowCount() == 4, timeout=10000)  # type: ignore[union-attr]
    user = window.admin.open_add_user()
    user.username_edit.setText("vanthu2")
    type_text(user.full_name_edit, "Lò Thị Xuân")
    user.role_combo.setCurrentIndex(user.role_combo.findData("secretary"))
    qtbot.waitUntil(lambda: user.agency_combo.findData("STP-HN") >= 0, timeout=10000)
    user.agency_combo.setCurrentIndex(user.agency_combo.findData("STP-HN"))
    user.password_edit.setText("mật-khẩu-văn-thư-2")
    user.repeat_edit.setText("mật-khẩu-văn-thư-2")
    _click(qtbot, user.save_button)
    qtbot.waitUntil(lambda: window.admin.users_table.rowCount() == 7, timeout=15000)  # type: ignore[union-attr]
    created = directory.list_users(admin)
    assert [(u.full_name, u.agency) for u in created if u.username == "vanthu2"] == [("Lò Thị Xuân", "STP-HN")]
    assert window.audit is not None and not window.audit.full_check.isHidden()  # admins may check everything
