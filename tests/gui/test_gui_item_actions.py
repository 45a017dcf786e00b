"""Custody moves from the item detail: out for delivery, failed delivery, return, forward, arrival with the
holder signing on the same screen, delivery to a person without an account; and who sees which button."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gui_typing import type_text
from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from securemail.gui.item_actions import FAIL, FORWARD, RETURN
from securemail.gui.item_detail import ItemDetailDialog
from securemail.gui.widgets import PlainLabel
from securemail.services import items
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _detail(qtbot: QtBot, session: Session, tracking: str) -> ItemDetailDialog:
    dialog = ItemDetailDialog(session, tracking)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.item()), timeout=10000)
    return dialog


def _shown(dialog: ItemDetailDialog) -> set[str]:
    return {name for name, button in dialog._moves.items() if not button.isHidden()}


def _status_becomes(qtbot: QtBot, dialog: ItemDetailDialog, status: str) -> None:
    qtbot.waitUntil(lambda: getattr(dialog.item(), "status", None) == status, timeout=10000)


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_buttons_follow_role_status_and_holder(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    clerk = open_as("clerk1")
    # Accepted, held by clerk1: no failed delivery yet, and nobody to take it back from.
    assert _shown(_detail(qtbot, clerk, vault.trackings["waiting"])) == {
        "handover", "out_for_delivery", "deliver", "deliver_external", RETURN, FORWARD}
    # In transit, held by courier1: clerk1 may only receive it back at the office.
    assert _shown(_detail(qtbot, clerk, vault.trackings["transit"])) == {"arrive"}
    assert _shown(_detail(qtbot, clerk, vault.trackings["delivered"])) == set()
    courier = open_as("courier1")
    # The courier may not return, forward or receive at the office (clerks only).
    assert _shown(_detail(qtbot, courier, vault.trackings["transit"])) == {
        "handover", "out_for_delivery", "deliver", "deliver_external", FAIL}
    assert _shown(_detail(qtbot, courier, vault.trackings["waiting"])) == set()  # not the holder
    for user in ("auditor1", "admin"):
        assert _shown(_detail(qtbot, open_as(user), vault.trackings["waiting"])) == set()


def test_labels_in_vietnamese(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    dialog = _detail(qtbot, open_as("clerk1"), vault.trackings["waiting"])
    assert dialog.out_button.text() == "Đi phát"
    assert dialog.fail_button.text() == "Phát không thành công…"
    assert dialog.return_button.text() == "Chuyển hoàn…"
    assert dialog.forward_button.text() == "Chuyển tiếp…"
    assert dialog.arrive_button.text() == "Nhận về bưu cục…"


def test_out_for_delivery_then_failed_delivery_needs_a_reason(qtbot: QtBot, open_as: Opener,
                                                              vault: VaultInfo) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["waiting"]
    detail = _detail(qtbot, session, tracking)
    _click(qtbot, detail.out_button)
    _status_becomes(qtbot, detail, "out-for-delivery")
    assert items.item_row(session, tracking).status == "out-for-delivery"
    assert detail.out_button.isHidden() and not detail.fail_button.isHidden()

    dialog = detail.ask_redirect(FAIL)
    _click(qtbot, dialog.confirm_button)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10000)
    assert dialog.message.text() == 'Trường "Lý do" không được để trống.'
    assert dialog.marked() == ["reason"]
    assert dialog.isVisible()
    assert items.item_row(session, tracking).status == "out-for-delivery"

    type_text(dialog.reason_edit, "Cơ quan đóng cửa <b>nghỉ lễ</b>")
    _click(qtbot, dialog.confirm_button)
    _status_becomes(qtbot, detail, "delivery-failed")
    assert items.item_row(session, tracking).status == "delivery-failed"
    assert detail.message.text() == "Đã ghi."
    assert all(w.textFormat() == Qt.TextFormat.PlainText for w in detail.findChildren(PlainLabel))


def test_return_to_sender_defaults_to_the_sender_and_needs_a_reason(qtbot: QtBot, open_as: Opener,
                                                                    vault: VaultInfo) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["waiting"]
    detail = _detail(qtbot, session, tracking)
    dialog = detail.ask_redirect(RETURN)
    qtbot.waitUntil(lambda: dialog.destination_combo.count() >= 3, timeout=10000)
    assert dialog.destination_combo.currentData() == "UBND-HN"  # the sender agency
    _click(qtbot, dialog.confirm_button)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10000)
    assert dialog.marked() == ["reason"] and dialog.isVisible()
    assert dialog.destination_combo.currentData() == "UBND-HN"
    type_text(dialog.reason_edit, "Sai địa chỉ cơ quan nhận")
    _click(qtbot, dialog.confirm_button)
    _status_becomes(qtbot, detail, "returned")
    assert items.item_row(session, tracking).status == "returned"
    assert _shown(detail) == set()  # returned is terminal


def test_forward_needs_a_destination_and_reason_is_optional(qtbot: QtBot, open_as: Opener,
                                                           vault: VaultInfo) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["waiting"]
    detail = _detail(qtbot, session, tracking)
    dialog = detail.ask_redirect(FORWARD)
    qtbot.waitUntil(lambda: dialog.destination_combo.count() == 4, timeout=10000)
    assert dialog.destination_combo.currentData() == ""  # nothing chosen yet
    _click(qtbot, dialog.confirm_button)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10000)
    assert dialog.marked() == ["destination"] and dialog.isVisible()
    dialog.choose("CA-HN")
    _click(qtbot, dialog.confirm_button)
    _status_becomes(qtbot, detail, "forwarded")
    assert items.item_row(session, tracking).status == "forwarded"


def test_arrive_with_the_holder_signing_here(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["transit"]
    detail = _detail(qtbot, session, tracking)
    dialog = detail.ask_arrive()
    assert dialog.holder_value.text() == "Phạm Văn Hùng (courier1)"
    _click(qtbot, dialog.confirm_button)  # no password: refused before anything runs
    assert dialog.message.text() == "Người giao lại bưu gửi phải tự nhập mật khẩu của mình."
    dialog.password_edit.setText("wrong-password-1")
    _click(qtbot, dialog.confirm_button)
    qtbot.waitUntil(lambda: "sai mật khẩu" in dialog.message.text(), timeout=10000)
    assert dialog.password_edit.text() == "" and dialog.isVisible()
    assert items.item_row(session, tracking).holder == "courier1"
    dialog.password_edit.setText(vault.passwords["courier1"])
    _click(qtbot, dialog.confirm_button)
    _status_becomes(qtbot, detail, "arrived")
    row = items.item_row(session, tracking)
    assert (row.status, row.holder) == ("arrived", "clerk1")
    assert items.timeline(session, tracking)[-1].cosigner == "courier1"
    assert "arrive" not in _shown(detail) and FAIL in _shown(detail)


@pytest.mark.parametrize("with_id", [True, False])
def test_deliver_to_a_person_without_an_account(qtbot: QtBot, open_as: Opener, vault: VaultInfo,
                                                with_id: bool) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["waiting"]
    detail = _detail(qtbot, session, tracking)
    dialog = detail.ask_deliver_external()
    if with_id:
        dialog.id_edit.setText("001085012345")
    _click(qtbot, dialog.confirm_button)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10000)
    assert dialog.marked() == ["person_name"] and dialog.isVisible()
    assert dialog.id_edit.text() == ("001085012345" if with_id else "")
    type_text(dialog.name_edit, "Nguyễn Thị Hồng Nhung")
    _click(qtbot, dialog.confirm_button)
    _status_becomes(qtbot, detail, "delivered")
    assert items.item_row(session, tracking).status == "delivered"
