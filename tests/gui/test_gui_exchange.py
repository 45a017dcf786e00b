"""The Exchange tab and the intake form's imported items: a real agency desk vault exports an item; the post office
imports it from the page (the report of a refused copy names the check in Vietnamese), the intake form offers it
and fills itself, and saving accepts it linked to the agency's acceptance. Pins: listed for all, pin/unpin admins."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from securemail.domain.tracking import make_tracking
from securemail.gui.exchange_page import ExchangePage
from securemail.gui.intake import IntakeForm
from securemail.services import bundle_export, items, pins
from securemail.services.session import Session, open_session
from securemail.services.statements import office_key_file_text
from securemail.services.vault_init import init_vault

Opener = Callable[[str], Session]
DESK_PASSWORD = "văn-thư-sở-tư-pháp"


def _agency_desk(tmp_path: Path, vault: VaultInfo, open_as: Opener) -> tuple[Path, str]:
    """An agency desk (agency UBND-HN) pinned both ways with the test vault; it registers and exports one item
    (numbered from a pre-printed label: the desk's own serial numbers would repeat the post office's)."""
    desk = tmp_path / "desk"
    with init_vault(desk, office_code="UB01", office_name="Văn phòng UBND", admin="adm", full_name="Quản Trị",
                    password=DESK_PASSWORD, kdf_profile="minimum", kind="agency", agency="UBND-HN",
                    agency_name="Văn phòng Ủy ban nhân dân Thành phố Hà Nội") as adm:
        (tmp_path / "desk.key").write_text(office_key_file_text(adm), encoding="utf-8")
        from securemail.services import directory

        directory.add_agency(adm, "UBND-HN", name="Văn phòng Ủy ban nhân dân Thành phố Hà Nội")
        directory.add_agency(adm, "TU-HN", name="Văn phòng Thành ủy Hà Nội")
        directory.add_user(adm, "vt", role="clerk", full_name="Nguyễn Văn Thư", password=DESK_PASSWORD)
    admin = open_as("admin")
    (tmp_path / "office.key").write_text(office_key_file_text(admin), encoding="utf-8")
    pins.add_pin(admin, tmp_path / "desk.key", "đọc vân tay qua điện thoại")
    with open_session(desk, "adm", DESK_PASSWORD) as adm:
        pins.add_pin(adm, tmp_path / "office.key")
    with open_session(desk, "vt", DESK_PASSWORD) as vt:
        tracking = items.accept_item(vt, {
            "tracking": make_tracking(777001), "sender_agency": "UBND-HN", "recipient_agency": "TU-HN",
            "secrecy": "mat", "service": "thuong", "doc_ref": "27/BC-UBND", "named_recipient": "Lê Văn A",
            "named_only": True})
        bundle_export.export_bundle(vt, "HN01", [tracking], tmp_path / "ub.bundle")
    return desk, tracking


def test_import_from_the_page_then_accept_from_the_intake_form(qtbot: QtBot, tmp_path: Path, vault: VaultInfo,
                                                              open_as: Opener) -> None:
    _desk, tracking = _agency_desk(tmp_path, vault, open_as)
    admin = open_as("admin")
    page = ExchangePage(admin)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.pins_table.rowCount() == 1, timeout=20000)
    assert page.pins_table.item(0, 0).text() == "UB01" and page.pins_table.item(0, 1).text() == "Bàn văn thư cơ quan"
    assert not page.pin_button.isHidden() and not page.unpin_button.isHidden()
    # a copy with one byte changed is refused; the report says which check, in Vietnamese; nothing stored
    data = bytearray((tmp_path / "ub.bundle").read_bytes())
    year = data.index(b'"at":"') + 6 + 3           # the last digit of the year the bundle was written
    data[year] = ord("0") if data[year] != ord("0") else ord("1")
    (tmp_path / "changed.bundle").write_bytes(bytes(data))
    page.import_file(tmp_path / "changed.bundle")
    qtbot.waitUntil(lambda: "Bước kiểm tra không đạt" in page.import_result.text(), timeout=20000)
    assert "chữ ký của gói dữ liệu" in page.import_result.text() and "Không có gì được ghi" in page.import_result.text()
    page.import_file(tmp_path / "ub.bundle")
    qtbot.waitUntil(lambda: "Đã kiểm tra và nhập gói của UB01" in page.import_result.text(), timeout=20000)
    if os.environ.get("SECUREMAIL_SCREENSHOTS"):
        page.grab().save(str(Path(os.environ["SECUREMAIL_SCREENSHOTS"]) / "exchange.png"))

    clerk = open_as("clerk1")
    form = IntakeForm(clerk)
    qtbot.addWidget(form)
    form.show()
    form.start()
    qtbot.waitUntil(lambda: form.imported.combo.count() == 2, timeout=20000)
    assert form.imported.isVisible()
    form.imported.choose(tracking)
    ui = form.ui
    assert ui.trackingEdit.text() == tracking and ui.docRefEdit.text() == "27/BC-UBND"
    assert ui.namedOnlyCheck.isChecked() and not ui.docRefEdit.isEnabled()      # the partner's data, not retyped
    if os.environ.get("SECUREMAIL_SCREENSHOTS"):
        form.grab().save(str(Path(os.environ["SECUREMAIL_SCREENSHOTS"]) / "intake-imported.png"))
    ui.printReceiptCheck.setChecked(False)
    with qtbot.waitSignal(form.accepted, timeout=20000) as accepted:
        qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    assert accepted.args == [tracking]
    events = items.timeline(clerk, tracking)
    assert [(e.kind, e.origin.office) for e in events] == [("item.accepted", "UB01"),
                                                                    ("item.accepted", "HN01")]
    assert events[1].data["origin"]["seq"] == events[0].seq and all(e.signature_ok for e in events)
    qtbot.waitUntil(lambda: form.imported.combo.count() == 1, timeout=20000)     # offered no more


def test_pins_are_read_only_for_a_clerk(qtbot: QtBot, open_as: Opener) -> None:
    page = ExchangePage(open_as("clerk1"))
    qtbot.addWidget(page)
    page.show()
    assert page.pin_button.isHidden() and page.unpin_button.isHidden()
    page.choose_export()           # nothing pinned: it says what to do instead of opening a dialog
    assert "ghim khóa" in page.export_result.text()
