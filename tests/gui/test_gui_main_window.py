"""The main window for each role: which tabs it shows, its title and status bar, the language switch."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gui_vault import OFFICE_NAME, VaultInfo
from gui_window import started_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from securemail.gui.translator import CatalogueTranslator, switch_language
from securemail.services.session import Session

Opener = Callable[[str], Session]

TABS = {
    "admin": ["Tổng quan", "Bưu gửi", "Báo cáo", "Kiểm tra", "Trao đổi", "Người dùng và cơ quan"],
    "clerk1": ["Tổng quan", "Bưu gửi", "Nhận gửi", "Túi thư", "Báo cáo", "Kiểm tra", "Trao đổi"],
    "courier1": ["Tổng quan", "Bưu gửi", "Kiểm tra"],
    "vanthu1": ["Tổng quan", "Bưu gửi", "Kiểm tra", "Trao đổi"],
    "auditor1": ["Tổng quan", "Bưu gửi", "Báo cáo", "Kiểm tra", "Trao đổi"],
}
ROLE_LABELS = {"admin": "Quản trị", "clerk1": "Giao dịch viên KT1", "courier1": "Bưu tá / áp tải",
               "vanthu1": "Văn thư cơ quan", "auditor1": "Kiểm tra, bảo vệ bí mật nhà nước"}


@pytest.mark.parametrize("username", list(TABS))
def test_opens_for_each_role(qtbot: QtBot, open_as: Opener, vault: VaultInfo, username: str) -> None:
    window = started_window(qtbot, open_as(username))
    assert window.windowTitle() == f"SecureMail - {OFFICE_NAME}"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == TABS[username]
    assert window.findChild(type(window._role_label), "statusRole").text() == f"Vai trò: {ROLE_LABELS[username]}"
    assert str(vault.path) in window._vault_label.text()
    assert username in window._user_label.text()
    # a secretary sees only items of their agency; a courier's list opens on what he holds
    expected_rows = {"vanthu1": 3, "courier1": 1}.get(username, 4)
    qtbot.waitUntil(lambda: window.items.model.rowCount() == expected_rows, timeout=10000)
    qtbot.waitUntil(lambda: not window.dashboard.counting(), timeout=10000)
    handover_shown = not window.items.handover_button.isHidden()
    assert handover_shown == (username in ("clerk1", "courier1"))


def test_dashboard_counts_and_hoa_toc_first(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    window = started_window(qtbot, open_as("auditor1"))
    dash = window.dashboard
    qtbot.waitUntil(lambda: not dash.counting(), timeout=10000)  # counted on the long-work thread
    numbers = {name: card.number.text() for name, card in dash.cards.items()}
    assert numbers == {"atCounter": "2", "inTransit": "1", "overdue": "0", "incidents": "1"}
    table = dash.waiting_table
    assert table.rowCount() == 3
    services = [table.item(r, 1).text() for r in range(3)]
    assert services == ["Hỏa tốc", "Hỏa tốc", "Thường"]
    flagged = [table.item(r, 0).text() for r in range(3) if table.item(r, 0).text().startswith("⚠")]
    assert flagged == ["⚠ " + vault.trackings["flagged"]]


def test_language_switch_retranslates_everything(qtbot: QtBot, qapp: QApplication, open_as: Opener) -> None:
    window = started_window(qtbot, open_as("clerk1"))
    qtbot.waitUntil(lambda: window.items.model.rowCount() == 4, timeout=10000)
    translator = CatalogueTranslator()
    qapp.installTranslator(translator)
    try:
        switch_language(qapp, translator, "en")
        qtbot.waitUntil(lambda: window.tabs.tabText(0) == "Dashboard", timeout=3000)
        assert [window.tabs.tabText(i) for i in range(3)] == ["Dashboard", "Items", "Accept an item"]
        assert window._role_label.text() == "Role: KT1 clerk"
        assert window.items.model.headerData(1, Qt.Orientation.Horizontal) == "Status"
        assert window.intake is not None
        assert window.intake.ui.senderLabel.text() == "&Sender agency"
        assert window.language_actions["en"].isChecked()
        # pages whose texts are set in code (gui.translator.Retranslating)
        assert window.bags is not None and window.audit is not None and window.exchange is not None
        assert window.dashboard.heading.text() == "Today at this office"
        assert window.bags.create_button.text() == "&Create a bag…"
        assert window.audit.heading.text() == "Integrity"
        assert window.exchange.import_box.title() == "Import a bundle from another office or agency desk"
        switch_language(qapp, translator, "vi")
        qtbot.waitUntil(lambda: window.tabs.tabText(0) == "Tổng quan", timeout=3000)
        assert window.intake.ui.senderLabel.text() == "Cơ &quan gửi"
        assert window.dashboard.heading.text() == "Hôm nay tại bưu cục"
        assert window.bags.create_button.text() == "Tạ&o túi…"
        assert window.exchange.import_box.title() == "Nhập gói dữ liệu từ bưu cục hoặc bàn văn thư cơ quan khác"
    finally:
        qapp.removeTranslator(translator)


def test_quit_from_the_menu_is_requested_not_forced(qtbot: QtBot, open_as: Opener) -> None:
    window = started_window(qtbot, open_as("courier1"))
    asked: list[bool] = []
    window.quit_requested.connect(lambda: asked.append(True))
    window.quit_action.trigger()
    assert asked == [True]
    assert QApplication.instance() is not None
