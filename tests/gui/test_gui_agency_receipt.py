"""An agency desk's văn thư in the app: she confirms receipt of an item imported there (a named-only envelope she
is not named on: received unopened, with her own signature), then passes it to the named person from the item's
window. Real vaults: a sending agency desk registers and exports; the receiving desk imports (issue 10, item 4)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from securemail.custody import kinds as K
from securemail.domain.tracking import make_tracking
from securemail.gui.exchange_page import ExchangePage
from securemail.gui.item_detail import ItemDetailDialog
from securemail.services import bundle_export, bundle_import, directory, items, pins
from securemail.services.session import Session, open_session
from securemail.services.statements import office_key_file_text
from securemail.services.vault_init import init_vault

PASSWORD = "văn-thư-bàn-cơ-quan-nhận"


def _desk(path: Path, code: str, agency: str, name: str) -> None:
    with init_vault(path, office_code=code, office_name=name, admin="adm", full_name="Quản Trị Bàn",
                    password=PASSWORD, kdf_profile="minimum", kind="agency", agency=agency, agency_name=name) as adm:
        directory.add_agency(adm, "UBND-HN", name="Văn phòng Ủy ban nhân dân Thành phố Hà Nội")
        directory.add_agency(adm, "TU-HN", name="Văn phòng Thành ủy Hà Nội")
        directory.add_user(adm, "dk", role="clerk", full_name="Ngô Đăng Ký", password=PASSWORD)
        directory.add_user(adm, "vt", role="secretary", full_name="Trần Thị Văn Thư", password=PASSWORD,
                           agency=agency)
        (path.parent / f"{code}.key").write_text(office_key_file_text(adm), encoding="utf-8")


def _received_item(tmp_path: Path) -> tuple[Path, str]:
    sender, receiver = tmp_path / "ub", tmp_path / "tu"
    _desk(sender, "UB01", "UBND-HN", "Văn phòng Ủy ban nhân dân Thành phố Hà Nội")
    _desk(receiver, "TU01", "TU-HN", "Văn phòng Thành ủy Hà Nội")
    with open_session(sender, "adm", PASSWORD) as adm:
        pins.add_pin(adm, tmp_path / "TU01.key")
    with open_session(receiver, "adm", PASSWORD) as adm:
        pins.add_pin(adm, tmp_path / "UB01.key")
    with open_session(sender, "dk", PASSWORD) as dk:
        tracking = items.accept_item(dk, {
            "tracking": make_tracking(555001), "sender_agency": "UBND-HN", "recipient_agency": "TU-HN",
            "secrecy": "mat", "service": "thuong", "doc_ref": "31/BC-UBND", "named_recipient": "Lê Văn A",
            "named_only": True})
        bundle_export.export_bundle(dk, "TU01", [tracking], tmp_path / "to-tu.bundle")
    with open_session(receiver, "vt", PASSWORD) as vt:
        bundle_import.import_bundle(vt, (tmp_path / "to-tu.bundle").read_bytes())
    return receiver, tracking


def test_the_vanthu_receives_unopened_then_passes_on_in_the_app(qtbot: QtBot, qapp: QApplication,
                                                                tmp_path: Path) -> None:
    receiver, tracking = _received_item(tmp_path)
    session: Session = open_session(receiver, "vt", PASSWORD)
    try:
        page = ExchangePage(session)
        qtbot.addWidget(page)
        page.show()
        page.refresh()
        assert not page.receive_box.isHidden()
        qtbot.waitUntil(lambda: page.receive_combo.count() == 1, timeout=20000)
        assert page.receive_combo.currentData() == tracking and "Lê Văn A" in page.receive_combo.currentText()
        page.receive_unopened.setChecked(True)
        page.receive_button.click()
        qtbot.waitUntil(lambda: "nguyên bì" in page.receive_result.text(), timeout=20000)
        qtbot.waitUntil(lambda: page.receive_combo.count() == 0, timeout=20000)     # offered no more

        detail = ItemDetailDialog(session, tracking)
        qtbot.addWidget(detail)
        detail.show()
        qtbot.waitUntil(lambda: not detail.pass_on_button.isHidden(), timeout=20000)
        dialog = detail.ask_pass_on()
        dialog.name_edit.setText("Lê Văn A")
        dialog.id_edit.setText("001080012345")
        with qtbot.waitSignal(dialog.recorded, timeout=20000):
            dialog.confirm_button.click()
        kinds = [(e.kind, bool(e.data.get("unopened"))) for e in items.timeline(session, tracking)]
        assert kinds[-2:] == [(K.ITEM_RECEIVED, True), (K.ITEM_PASSED_ON, False)]
        assert all(e.signature_ok for e in items.timeline(session, tracking))
        qtbot.waitUntil(detail.pass_on_button.isHidden, timeout=20000)  # nothing more to pass on
    finally:
        session.close()


def test_the_receive_box_is_only_at_an_agency_desk(qtbot: QtBot, open_as) -> None:  # type: ignore[no-untyped-def]
    page = ExchangePage(open_as("clerk1"))                 # a post office desk
    qtbot.addWidget(page)
    assert page.receive_box.isHidden()
