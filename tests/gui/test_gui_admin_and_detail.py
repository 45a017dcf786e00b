"""Administrators' users and agencies page; the item detail with its timeline and warning marker."""

from __future__ import annotations

from collections.abc import Callable

from gui_typing import type_text
from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from securemail.gui.admin_page import AdminPage
from securemail.gui.item_detail import ItemDetailDialog
from securemail.gui.timeline_model import COL_COSIGNER, COL_DETAILS, COL_EVENT, COL_SIGNATURE
from securemail.gui.widgets import PlainLabel
from securemail.services import directory
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _admin_page(qtbot: QtBot, session: Session) -> AdminPage:
    page = AdminPage(session)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.agencies_table.rowCount() == 3, timeout=10000)
    return page


def test_add_agency(qtbot: QtBot, open_as: Opener) -> None:
    session = open_as("admin")
    page = _admin_page(qtbot, session)
    assert page.users_table.rowCount() == 6
    dialog = page.open_add_agency()
    dialog.code_edit.setText("skhcn-hn")
    type_text(dialog.name_edit, "Sở Khoa học và Công nghệ Thành phố Hà Nội")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.agencies_table.rowCount() == 4, timeout=10000)
    assert directory.get_agency(session, "SKHCN-HN").name == "Sở Khoa học và Công nghệ Thành phố Hà Nội"


def test_add_user_errors_mark_the_field_and_keep_the_input(qtbot: QtBot, open_as: Opener) -> None:
    page = _admin_page(qtbot, open_as("admin"))
    dialog = page.open_add_user()
    dialog.username_edit.setText("buuta2")
    type_text(dialog.full_name_edit, "Ksor Y Phun")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("courier"))
    dialog.password_edit.setText("short")
    dialog.repeat_edit.setText("short")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10000)
    assert dialog.message.text() == "Mật khẩu phải có ít nhất 10 ký tự."
    assert dialog.errors is not None and dialog.errors.marked() == ["password"]
    assert dialog.full_name_edit.text() == "Ksor Y Phun"
    dialog.password_edit.setText("a-long-password-1")
    dialog.repeat_edit.setText("a-long-password-2")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Hai lần nhập mật khẩu không khớp."
    dialog.repeat_edit.setText("a-long-password-1")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.users_table.rowCount() == 7, timeout=10000)


def test_item_detail_shows_timeline_with_signature_status(qtbot: QtBot, open_as: Opener,
                                                          vault: VaultInfo) -> None:
    dialog = ItemDetailDialog(open_as("auditor1"), vault.trackings["delivered"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.timeline.rowCount() == 2, timeout=10000)
    model = dialog.timeline
    assert model.data(model.index(0, COL_EVENT)) == "Nhận gửi tại quầy"
    assert model.data(model.index(1, COL_EVENT)) == "Đã phát"
    assert model.data(model.index(1, COL_COSIGNER)) == "Nguyễn Thị Hồng Nhung (vanthu1)"
    assert [model.data(model.index(r, COL_SIGNATURE)) for r in range(2)] == ["✓ hợp lệ", "✓ hợp lệ"]
    assert dialog.chain_label.text() == "✓ Cả 2 sự kiện đều có chữ ký hợp lệ."
    assert dialog.flag_label.isHidden()
    values = [w.text() for w in dialog.findChildren(PlainLabel)]
    assert "Báo cáo <b>quý IV</b>" in values  # shown as typed, never as markup
    assert all(w.textFormat() == Qt.TextFormat.PlainText for w in dialog.findChildren(PlainLabel))


def test_flagged_item_detail_warns(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    dialog = ItemDetailDialog(open_as("clerk1"), vault.trackings["flagged"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.timeline.rowCount() == 2, timeout=10000)
    assert not dialog.flag_label.isHidden()
    assert dialog.flag_label.text().startswith("⚠ Bưu gửi này có 1 sự cố chưa đóng")
    details = dialog.timeline.data(dialog.timeline.index(1, COL_DETAILS))
    assert details == "Niêm phong bị phá: Niêm phong bị rách <script>alert(1)</script>"
    tip = dialog.timeline.data(dialog.timeline.index(1, COL_DETAILS), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;script&gt;" in tip and "<script>" not in tip  # tooltips would render markup: escaped
