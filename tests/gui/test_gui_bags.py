"""The bags tab (create, scan, seal, give to a courier, receive at arrival) and incidents on the item detail."""

from __future__ import annotations

from collections.abc import Callable

from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from securemail.domain.enums import IncidentKind
from securemail.gui.bags_model import MISSING_BRUSH
from securemail.gui.bags_page import BagsPage
from securemail.gui.item_detail import ItemDetailDialog
from securemail.gui.main_window import MainWindow
from securemail.services import bags, incidents, items
from securemail.services.session import Session

Opener = Callable[[str], Session]
WAIT = 10000


def _events(session: Session) -> int:
    return int(session.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def _page(qtbot: QtBot, session: Session) -> BagsPage:
    page = BagsPage(session)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: bool(page._agencies), timeout=WAIT)
    return page


def _status(page: BagsPage) -> str | None:
    bag = page.selected_bag()
    return bag.status if bag else None


def _scan(qtbot: QtBot, page: BagsPage, tracking: str) -> None:
    page.scan_edit.setText(tracking)
    qtbot.keyClick(page.scan_edit, Qt.Key.Key_Return)


def _sealed_bag(qtbot: QtBot, page: BagsPage, vault: VaultInfo) -> str:
    """Create a bag for TU-HN, scan two items into it and seal it (all through the page)."""
    dialog = page.ask_create()
    assert dialog.destination_combo.count() == 3
    dialog.choose("TU-HN")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(page) == "open", timeout=WAIT)
    bag = page.selected_bag()
    assert bag is not None and bag.destination == "TU-HN"
    assert page.scan_edit.isVisible() and not page.dispatch_button.isVisible()
    for n, key in enumerate(("waiting", "flagged"), start=1):
        _scan(qtbot, page, vault.trackings[key])
        qtbot.waitUntil(lambda n=n: len(getattr(page.selected_bag(), "items", ())) == n, timeout=WAIT)
        assert page.scan_edit.text() == ""
    assert page.items_list.count() == 2
    assert page.model.data(page.model.index(0, 4)) == "2"
    page.seal("NP-2026-0001")
    qtbot.waitUntil(lambda: _status(page) == "closed", timeout=WAIT)
    assert page.dispatch_button.isVisible() and not page.scan_edit.isVisible()
    return str(bag.bag)


def test_bag_round_trip_with_one_missing_item(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    page = _page(qtbot, session)
    bag_id = _sealed_bag(qtbot, page, vault)
    assert items.item_row(session, vault.trackings["waiting"]).bag == bag_id

    dispatch = page.ask_dispatch()
    assert dispatch is not None
    qtbot.waitUntil(lambda: dispatch._ui.toCombo.count() > 0, timeout=WAIT)
    ui = dispatch._ui
    assert [ui.toCombo.itemData(i) for i in range(ui.toCombo.count())] == ["courier1"]  # couriers only
    dispatch.choose("courier1")
    ui.passwordEdit.setText(vault.passwords["courier1"])
    qtbot.mouseClick(ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(page) == "dispatched", timeout=WAIT)
    assert bags.get_bag(session, bag_id).holder == "courier1"
    assert page.open_button.isVisible() and not page.dispatch_button.isVisible()

    opening = page.ask_open()
    assert opening is not None
    opening.scan_edit.setText(vault.trackings["waiting"].lower())
    qtbot.keyClick(opening.scan_edit, Qt.Key.Key_Return)
    assert opening.scanned() == [vault.trackings["waiting"]]
    assert opening.isVisible()  # Enter after a scan only adds the scan
    before = _events(session)
    # Live, before anyone signs: the manifest against the scans.
    states = opening.row_states()
    assert states[vault.trackings["waiting"]] == "✓ đã quét"
    assert states[vault.trackings["flagged"]] == "✗ chưa quét"
    opening.scan_edit.setText("RR999999999VN")
    qtbot.keyClick(opening.scan_edit, Qt.Key.Key_Enter)
    assert opening.row_states()["RR999999999VN"] == "⚠ không có trong bảng kê"
    assert opening.counts.text() == "Dự kiến 2, đã quét 2, thiếu 1, ngoài bảng kê 1."
    opening.table.selectRow(list(opening.row_states()).index("RR999999999VN"))
    qtbot.mouseClick(opening.remove_button, Qt.MouseButton.LeftButton)
    assert opening.counts.text() == "Dự kiến 2, đã quét 1, thiếu 1, ngoài bảng kê 0."
    assert _events(session) == before
    assert "Phạm Văn Hùng" in opening.findChild(QLabel, "openPasswordLabel").text()
    opening.password_edit.setText(vault.passwords["courier1"])
    qtbot.mouseClick(opening.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opening.opening is not None, timeout=WAIT)
    result = opening.opening
    assert result is not None
    assert result.found == [vault.trackings["waiting"]]
    assert result.missing == [vault.trackings["flagged"]] and result.extra == []
    assert opening.row_states()[vault.trackings["flagged"]] == "✗ BỊ THIẾU - đã ghi sự cố"
    assert "1 bị thiếu" in opening.message.text()
    qtbot.waitUntil(lambda: _status(page) == "opened", timeout=WAIT)
    # Afterwards the bag itself shows what was missing, in its list and in the table.
    assert "BỊ THIẾU khi mở túi: " + vault.trackings["flagged"] in page.info_label.text()
    flagged_rows = [page.items_list.item(i) for i in range(page.items_list.count())
                    if vault.trackings["flagged"] in page.items_list.item(i).text()]
    assert flagged_rows and flagged_rows[0].background() == MISSING_BRUSH
    assert "1 BỊ THIẾU" in page.model.data(page.model.index(0, 2))

    lost = [i for i in incidents.list_incidents(session, tracking=vault.trackings["flagged"])
            if i.kind == IncidentKind.LOST.value]
    assert len(lost) == 1 and bag_id in lost[0].description
    assert not incidents.list_incidents(session, tracking=vault.trackings["waiting"])
    # ... and the item says so at the top of its window.
    detail = _detail(qtbot, session, vault.trackings["flagged"])
    assert detail.flag_label.isVisibleTo(detail)
    assert detail.flag_label.text().startswith(f"✗ BỊ THIẾU trong túi {bag_id} khi mở túi.")


def test_wrong_courier_password_writes_nothing(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    page = _page(qtbot, session)
    bag_id = _sealed_bag(qtbot, page, vault)
    before = _events(session)
    dispatch = page.ask_dispatch()
    assert dispatch is not None
    qtbot.waitUntil(lambda: dispatch._ui.toCombo.count() > 0, timeout=WAIT)
    dispatch.choose("courier1")
    dispatch._ui.passwordEdit.setText("wrong-password-1")
    qtbot.mouseClick(dispatch._ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dispatch._ui.errorLabel.text() != "", timeout=WAIT)
    assert dispatch._ui.errorLabel.text() == "Người ký nhận courier1 nhập sai mật khẩu; không có gì được ghi."
    assert dispatch._ui.passwordEdit.text() == "" and dispatch._ui.toCombo.currentData() == "courier1"
    assert dispatch.isVisible()
    assert _events(session) == before
    assert bags.get_bag(session, bag_id).status == "closed"


def test_scan_refusal_keeps_the_text(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    page = _page(qtbot, session)
    dialog = page.ask_create()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(page) == "open", timeout=WAIT)
    before = _events(session)
    transit = vault.trackings["transit"]  # held by the courier: cannot go into this clerk's bag
    _scan(qtbot, page, transit)
    qtbot.waitUntil(lambda: page.message.text() != "" and not page._busy, timeout=WAIT)
    assert page.message.property("messageKind") == "error"
    assert page.scan_edit.text() == transit
    assert page.scan_edit.property("fieldError")
    assert _events(session) == before
    waiting = vault.trackings["waiting"]
    _scan(qtbot, page, waiting)
    # wait for the scanned item itself (not a placeholder row) and for the page to be idle again
    qtbot.waitUntil(lambda: page.items_list.count() == 1 and page.items_list.item(0).text() == waiting
                    and page.scan_edit.text() == "" and not page._busy, timeout=WAIT)
    page.items_list.setCurrentRow(0)
    page.remove_selected()
    qtbot.waitUntil(lambda: not getattr(page.selected_bag(), "items", ()) and not page._busy, timeout=WAIT)
    assert items.item_row(session, vault.trackings["waiting"]).bag is None


def test_bags_tab_only_for_clerks(qtbot: QtBot, open_as: Opener) -> None:
    clerk = MainWindow(open_as("clerk1"))
    qtbot.addWidget(clerk)
    assert clerk.bags is not None
    assert clerk.tabs.tabText(clerk.tabs.indexOf(clerk.bags)) == "Túi thư"
    courier = MainWindow(open_as("courier1"))
    qtbot.addWidget(courier)
    assert courier.bags is None


def _detail(qtbot: QtBot, session: Session, tracking: str) -> ItemDetailDialog:
    dialog = ItemDetailDialog(session, tracking)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.item()), timeout=WAIT)
    return dialog


def test_report_and_close_an_incident_from_the_item(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    tracking = vault.trackings["waiting"]
    clerk = open_as("clerk1")
    detail = _detail(qtbot, clerk, tracking)
    assert detail.incident_button.isVisible() and not detail.close_incident_button.isVisible()
    report = detail.ask_incident()
    assert report.kind_combo.count() == len(IncidentKind)
    report.choose(IncidentKind.DAMAGED)
    qtbot.mouseClick(report.confirm_button, Qt.MouseButton.LeftButton)  # no description: refused, kept open
    qtbot.waitUntil(lambda: report.message.text() != "", timeout=WAIT)
    assert report.isVisible() and report.description_edit.property("fieldError")
    report.description_edit.setPlainText("Phong bì bị ướt <b>góc trái</b>")
    qtbot.mouseClick(report.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.message.text() == "Đã ghi sự cố.", timeout=WAIT)
    qtbot.waitUntil(detail.flag_label.isVisible, timeout=WAIT)
    [opened] = incidents.list_incidents(clerk, tracking=tracking)
    assert opened.kind == "damaged" and opened.description == "Phong bì bị ướt <b>góc trái</b>"
    assert not detail.close_incident_button.isVisible()  # clerks do not close incidents

    auditor = open_as("auditor1")
    audit_detail = _detail(qtbot, auditor, tracking)
    assert audit_detail.close_incident_button.isVisible()
    closing = audit_detail.ask_close_incident()
    qtbot.waitUntil(lambda: closing.incident_combo.count() == 1, timeout=WAIT)
    assert "<b>góc trái</b>" in closing.incident_combo.itemText(0)  # plain text, as typed
    closing.note_edit.setPlainText("Đã kiểm tra, nội dung còn nguyên vẹn.")
    qtbot.mouseClick(closing.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit_detail.message.text() == "Đã đóng sự cố.", timeout=WAIT)
    assert incidents.list_incidents(auditor, tracking=tracking) == []
    qtbot.waitUntil(lambda: not audit_detail.close_incident_button.isVisible(), timeout=WAIT)
