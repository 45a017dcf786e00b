"""The items table model: Qt's model checks, markers for flagged and overdue items, headers, keyset paging."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from gui_vault import VaultInfo
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from securemail.gui import items_page
from securemail.gui.items_model import (
    COL_DUE,
    COL_STATUS,
    COL_TRACKING,
    COLUMN_COUNT,
    ItemsTableModel,
    page_key,
)
from securemail.gui.items_page import ItemsPage
from securemail.gui.timeline_model import COL_SIGNATURE, TimelineModel
from securemail.i18n import set_language
from securemail.services import items
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _filled(open_as: Opener) -> tuple[ItemsTableModel, Session]:
    session = open_as("clerk1")
    model = ItemsTableModel()
    model.reset_rows(items.search_items(session), session.clock.now(), has_more=False)
    return model, session


def test_model_passes_qt_model_checks(qtmodeltester, open_as: Opener) -> None:  # type: ignore[no-untyped-def]
    model, _ = _filled(open_as)
    assert model.rowCount() == 4
    qtmodeltester.check(model)


def test_empty_model_passes_qt_model_checks(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(ItemsTableModel())


def test_timeline_model_passes_qt_model_checks(qtmodeltester, open_as: Opener,  # type: ignore[no-untyped-def]
                                               vault: VaultInfo) -> None:
    session = open_as("auditor1")
    model = TimelineModel()
    model.set_events(items.timeline(session, vault.trackings["transit"]), {"clerk1": "Trần Văn Bảo"})
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(1, COL_SIGNATURE)) == "✓ hợp lệ"
    assert model.all_signatures_ok()


def test_flagged_item_has_a_warning_marker(open_as: Opener, vault: VaultInfo) -> None:
    model, _ = _filled(open_as)
    rows = {model.row_data(r).tracking: r for r in range(model.rowCount())}
    flagged = model.index(rows[vault.trackings["flagged"]], COL_TRACKING)
    plain = model.index(rows[vault.trackings["waiting"]], COL_TRACKING)
    assert model.data(flagged, Qt.ItemDataRole.DecorationRole) is not None
    assert "sự cố" in model.data(flagged, Qt.ItemDataRole.ToolTipRole)
    assert model.data(plain, Qt.ItemDataRole.DecorationRole) is None


def test_overdue_items_are_red(open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    rows = items.search_items(session)
    model = ItemsTableModel()
    model.reset_rows(rows, session.clock.now() + timedelta(days=60), has_more=False)
    by_tracking = {model.row_data(r).tracking: r for r in range(model.rowCount())}
    late = by_tracking[vault.trackings["waiting"]]
    done = by_tracking[vault.trackings["delivered"]]
    brush = model.data(model.index(late, COL_STATUS), Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().red() > 150
    assert model.data(model.index(late, COL_DUE), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(done, COL_STATUS), Qt.ItemDataRole.ForegroundRole) is None


def test_labels_and_headers_follow_the_language(open_as: Opener, vault: VaultInfo) -> None:
    model, _ = _filled(open_as)
    row = next(r for r in range(model.rowCount()) if model.row_data(r).tracking == vault.trackings["delivered"])
    assert model.headerData(COL_STATUS, Qt.Orientation.Horizontal) == "Trạng thái"
    assert model.data(model.index(row, COL_STATUS)) == "Đã phát"
    set_language("en")
    model.retranslate()
    assert model.headerData(COL_STATUS, Qt.Orientation.Horizontal) == "Status"
    assert model.data(model.index(row, COL_STATUS)) == "Delivered"
    assert model.headerData(COLUMN_COUNT, Qt.Orientation.Horizontal) is None
    assert model.data(QModelIndex()) is None


def test_fetch_more_asks_once_per_page(open_as: Opener) -> None:
    session = open_as("clerk1")
    rows = items.search_items(session)
    model = ItemsTableModel()
    asked: list[str] = []
    model.more_requested.connect(asked.append)
    model.reset_rows(rows[:3], session.clock.now(), has_more=True)
    assert model.canFetchMore(QModelIndex()) and not model.canFetchMore(model.index(0, 0))
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # already loading: no second request
    assert asked == [page_key(rows[2])]
    assert model.is_loading() and not model.canFetchMore(QModelIndex())
    model.append_rows(rows[3:], has_more=False)
    assert model.rowCount() == 4 and not model.canFetchMore(QModelIndex())


def test_keyset_paging_through_the_page(qtbot: QtBot, open_as: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(items_page, "PAGE_SIZE", 3)
    session = open_as("clerk1")
    page = ItemsPage(session)
    qtbot.addWidget(page)
    asked: list[str] = []
    page.model.more_requested.connect(asked.append)
    page.start()
    qtbot.waitUntil(lambda: page.model.rowCount() >= 3, timeout=10000)
    page.model.fetchMore(QModelIndex())  # the view may already have asked for the next page itself
    qtbot.waitUntil(lambda: page.model.rowCount() == 4 and not page.model.is_loading(), timeout=10000)
    everything = [r.tracking for r in items.search_items(session)]
    assert [page.model.row_data(r).tracking for r in range(4)] == everything
    assert asked == [page_key(page.model.row_data(2))]  # keyset cursor: accepted_at|tracking of the last row
    assert not page.model.canFetchMore(QModelIndex())
    assert page.count_label.text() == "4 bưu gửi"


def test_filters_and_tracking_search(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    page = ItemsPage(open_as("clerk1"))
    qtbot.addWidget(page)
    page.start()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)
    page.service_combo.setCurrentIndex(page.service_combo.findData("hoa-toc"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    page.service_combo.setCurrentIndex(0)
    page.agency_combo.setCurrentIndex(page.agency_combo.findData("CA-HN"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    page.agency_combo.setCurrentIndex(0)
    page.search_edit.setText(vault.trackings["transit"].lower())
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert page.model.row_data(0).tracking == vault.trackings["transit"]
    page.search_edit.setText("KT999999999VN")
    page.reload()
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=10000)
    assert page.model.rowCount() == 0
