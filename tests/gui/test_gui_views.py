"""Views per role on screen: the items tab's searches by any field, sorting by a header click, totals, remembered
choices (and nothing typed written to the settings file), window size; each role's dashboard panels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gui_typing import type_text
from gui_vault import VaultInfo
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from securemail.gui import items_model as cols
from securemail.gui.dashboard import DashboardPage
from securemail.gui.items_page import ItemsPage
from securemail.gui.main_window import MainWindow
from securemail.gui.view_settings import ViewSettings
from securemail.services.session import Session
from securemail.services.views import Sort

Opener = Callable[[str], Session]


def _page(qtbot: QtBot, session: Session) -> ItemsPage:
    page = ItemsPage(session)
    qtbot.addWidget(page)
    page.show()
    page.start()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    return page


def _shown(page: ItemsPage) -> list[str]:
    return [str(page.model.row_data(r).tracking) for r in range(page.model.rowCount())]


def _search(qtbot: QtBot, page: ItemsPage, edit: object, text: str, expected: list[str]) -> None:
    edit.clear()  # type: ignore[attr-defined]
    type_text(edit, text)  # type: ignore[arg-type]
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: _shown(page) == expected, timeout=10000)


def test_search_by_any_field_with_vietnamese(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    page = _page(qtbot, open_as("clerk1"))
    bar = page.filters
    _search(qtbot, page, bar.person_edit, "Hồng Nhung", [vault.trackings["waiting"]])  # the named recipient,
    qtbot.waitUntil(lambda: page.totals_label.text().startswith("Tổng: 1 "), timeout=10000)  # typed as an IME does
    assert page.totals_label.text() == "Tổng: 1 bưu gửi, 1 bì, 0 quá hạn"
    bar.person_edit.clear()
    flagged = vault.trackings["flagged"]
    _search(qtbot, page, bar.search_edit, flagged[8:11], [flagged])  # part of a tracking number
    bar.clear()
    qtbot.waitUntil(lambda: page.totals_label.text() == "Tổng: 4 bưu gửi, 5 bì, 0 quá hạn", timeout=10000)
    assert page.model.rowCount() == 4
    bar.dates_combo.setCurrentIndex(bar.dates_combo.findData("today"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)  # all accepted today
    assert bar.date_from.isHidden()
    bar.dates_combo.setCurrentIndex(bar.dates_combo.findData("custom"))
    assert not bar.date_from.isHidden()


def test_header_click_sorts_and_is_remembered(qtbot: QtBot, open_as: Opener, vault: VaultInfo,
                                              _private_settings: Path) -> None:
    session = open_as("clerk1")
    page = _page(qtbot, session)
    everything = sorted(vault.trackings.values())
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(cols.COL_TRACKING) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert page.query().sort is Sort.TRACKING
    descending = page.query().descending
    qtbot.waitUntil(lambda: _shown(page) == sorted(everything, reverse=descending), timeout=10000)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert page.query().descending is not descending
    first = sorted(everything, reverse=descending)
    qtbot.waitUntil(lambda: _shown(page) == list(reversed(first)), timeout=10000)
    page.filters.service_combo.setCurrentIndex(page.filters.service_combo.findData("hoa-toc"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    type_text(page.filters.person_edit, "Nguyễn Thị Hồng Nhung")
    page.remember()

    again = _page(qtbot, session)  # a new page (next login): the same choices, not the typed text
    assert again.filters.service_combo.currentData() == "hoa-toc"
    assert again.filters.person_edit.text() == ""
    assert _shown(again) == [t for t in list(reversed(first)) if t in _shown(again)]
    stored = _private_settings.read_bytes().decode("utf-8", "replace")
    for secret in ("Nhung", "Nguy", vault.trackings["waiting"], "clerk1", "TU-HN"):
        assert secret not in stored


def test_settings_refuse_anything_but_fixed_choices(qtbot: QtBot) -> None:
    settings = ViewSettings("clerk/items")
    settings.set("status", "accepted")
    assert settings.get("status") == "accepted"
    for key, value in (("status", "Nguyễn"), ("person", "x"), ("tracking", "KT000000014VN")):
        try:
            settings.set(key, value)
        except ValueError:
            continue
        raise AssertionError(f"stored {key}={value}")


def test_window_size_is_remembered_per_role(qtbot: QtBot, open_as: Opener) -> None:
    session = open_as("auditor1")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.resize(1000, 640)
    qtbot.waitUntil(lambda: window.width() == 1000, timeout=5000)
    window.hide()  # locking hides the window: that is when it is remembered
    second = MainWindow(session)
    qtbot.addWidget(second)
    # the offscreen screen is 800 pixels wide: Qt fits a restored window to it, so the width comes back smaller
    assert second.height() == 640 and second.width() < 1240  # not the first-start default of 1240x780


def _dashboard(qtbot: QtBot, session: Session) -> DashboardPage:
    dash = DashboardPage(session)
    qtbot.addWidget(dash)
    dash.show()
    dash.refresh()
    return dash


def test_courier_dashboard_shows_what_he_holds(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    dash = _dashboard(qtbot, open_as("courier1"))
    (panel,) = dash.panels
    qtbot.waitUntil(lambda: panel.loaded is not None, timeout=10000)
    assert panel.title() == "Bưu gửi tôi đang giữ"
    assert [panel.model.row_data(r).tracking for r in range(panel.model.rowCount())] == [vault.trackings["transit"]]
    qtbot.waitUntil(lambda: panel.totals is not None, timeout=10000)  # counted afterwards, on the long-work thread
    assert panel.totals_label.text() == "1 bưu gửi, 2 bì, 0 quá hạn"
    assert dash.waiting_box.isHidden() and not dash.overdue_box.isHidden()
    with qtbot.waitSignal(dash.open_item) as opened:
        panel.table.doubleClicked.emit(panel.model.index(0, 0))
    assert opened.args == [vault.trackings["transit"]]


def test_secretary_dashboard(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    dash = _dashboard(qtbot, open_as("vanthu1"))
    to_confirm, on_its_way = dash.panels
    qtbot.waitUntil(lambda: to_confirm.loaded is not None and on_its_way.loaded is not None, timeout=10000)
    assert to_confirm.title() == "Chờ tôi ký nhận" and to_confirm.model.rowCount() == 0
    assert on_its_way.title() == "Đang trên đường tới cơ quan tôi"
    assert [on_its_way.model.row_data(r).tracking for r in range(on_its_way.model.rowCount())] == \
        [vault.trackings["waiting"]]  # the other item for TU-HN is delivered already
    assert dash.waiting_box.isHidden() and dash.overdue_box.isHidden()


def test_auditor_dashboard_shows_integrity_and_incidents(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    dash = _dashboard(qtbot, open_as("auditor1"))
    integrity, overdue = dash.panels
    qtbot.waitUntil(lambda: integrity.loaded is not None, timeout=10000)
    assert integrity.status.text().startswith("Bạn chưa kiểm tra sổ nhật ký")
    assert integrity.incidents.rowCount() == 1
    assert integrity.incidents.item(0, 0).text() == vault.trackings["flagged"]
    assert integrity.incidents.item(0, 3).text() == "Niêm phong bị rách <script>alert(1)</script>"  # as typed
    assert overdue.title() == "Quá hạn"
