"""Registers belong to their owners (issue 11, item 5): the post office desk prints its own handover book, an agency
desk prints the agency's Sổ đăng ký bí mật nhà nước đi / đến. Numbers run per year in the order entries were
recorded and do not change between printouts; the cover says "từ số ... đến số" and "quyển số"; "Số lượng" is the
number of copies; no date stands in for another; columns are configurable data (a signed setting)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from pypdf import PdfReader

from securemail.clock import ICT, FixedClock
from securemail.errors import BadInputError, PermissionDeniedError
from securemail.services import audit, directory, items, norms, reports, transfers
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault


def _load_root_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("securemail_tests_root_conftest",
                                                  Path(__file__).resolve().parents[1] / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


AGENCY_PASSWORD = "quản-trị-bàn-cơ-quan-01"
CLERK_PASSWORD = "văn-thư-đăng-ký-đi-02"
SECRETARY_PASSWORD = "văn-thư-ký-nhận-đến-03"

# tests/conftest.py by path: "conftest" alone names whichever conftest module pytest imported first (tests/gui's
# in a full run).
_ROOT = _load_root_conftest()
BASE_ITEM, PASSWORDS, VaultHarness, no_sleep = _ROOT.BASE_ITEM, _ROOT.PASSWORDS, _ROOT.VaultHarness, _ROOT.no_sleep


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def _pages(path: Path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


# ---- the post office desk ---------------------------------------------------------------------------------------

def test_post_office_prints_its_own_handover_book_with_both_sides_and_room_to_sign(vault: VaultHarness,
                                                                                   tmp_path: Path) -> None:
    clerk = vault.open("clerk1")
    vault.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=ICT))
    t = items.accept_item(clerk, {**BASE_ITEM, "doc_ref": "12/CV-STP", "sender_person": "Đinh Văn Mang",
                                  "sender_person_id": "064090001111"})
    courier, courier_user = vault.cosign(clerk, "courier1")
    vault.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=ICT))
    transfers.handover(clerk, [t], courier, courier_user)
    out = tmp_path / "book.pdf"
    reports.register(clerk, "handover", date(2026, 3, 1), date(2026, 3, 31), out, volume="03")
    pages = _pages(out)
    cover, body = pages[0], " ".join(pages[1:])
    assert "SỔ THEO DÕI GIAO NHẬN BƯU GỬI KT1" in cover and "BƯU ĐIỆN TRUNG TÂM HÀ NỘI" in cover
    assert "Từ số 1 đến số 2" in cover and "Quyển số: 03" in cover and "Năm: 2026" in cover
    assert "Luật Bảo vệ bí mật nhà nước, Điều 13" in cover
    for words in ("Nhận gửi tại quầy", "Đinh Văn Mang (Sở Tư pháp tỉnh Gửi)", "Lê Văn Giao", "Bàn giao",
                  "Hoàng Văn Tải", "Bên nhận ký", "12/CV-STP", t):
        assert words in body, words
    # the registers of secret documents are the agencies', not the post office's
    with pytest.raises(BadInputError) as refused:
        reports.register(clerk, "outgoing", date(2026, 3, 1), date(2026, 3, 31), tmp_path / "x.pdf")
    assert refused.value.key == "report.register_agency_only"
    assert "init --kind agency" in refused.value.message("vi")
    assert not (tmp_path / "x.pdf").exists()


def test_handover_book_numbers_do_not_change_between_printouts(vault: VaultHarness, tmp_path: Path) -> None:
    clerk = vault.open("clerk1")
    for day in (datetime(2026, 3, 2, 8, 0, tzinfo=ICT), datetime(2026, 3, 20, 8, 0, tzinfo=ICT),
                datetime(2026, 4, 6, 8, 0, tzinfo=ICT)):
        vault.clock.set(day)
        vault.accept(clerk)
    march, april = tmp_path / "march.pdf", tmp_path / "april.pdf"
    reports.register(clerk, "handover", date(2026, 3, 1), date(2026, 3, 31), march)
    reports.register(clerk, "handover", date(2026, 4, 1), date(2026, 4, 30), april)
    assert "Từ số 1 đến số 2" in _pages(march)[0]
    assert "Từ số 3 đến số 3" in _pages(april)[0]  # continues the year, does not restart per printout
    with pytest.raises(BadInputError) as across:
        reports.register(clerk, "handover", date(2026, 12, 1), date(2027, 1, 31), tmp_path / "y.pdf")
    assert across.value.key == "report.register_one_year"


def test_register_columns_are_configurable_data_set_by_a_signed_setting(vault: VaultHarness, tmp_path: Path) -> None:
    admin, clerk = vault.open("admin"), vault.open("clerk1")
    vault.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=ICT))
    vault.accept(clerk)
    columns = ('[{"key": "so_thu_tu", "header": "STT", "width": 0.6}, {"key": "so_hieu", "header": "Số hiệu", '
               '"width": 1.5}, {"key": "ky_ten", "header": "Chữ ký người nhận và dấu", "width": 1.5, '
               '"signature": true}]')
    norms.set_setting(admin, "register_layout.kt1-so-giao-nhan", columns)
    out = tmp_path / "configured.pdf"
    reports.register(clerk, "handover", date(2026, 3, 1), date(2026, 3, 31), out)
    body = " ".join(_pages(out)[1:])
    assert "Chữ ký người nhận và dấu" in body and "Việc giao nhận" not in body
    for bad, words in (("[]", "từ 1 đến 20 cột"), ("{", "JSON"), ('[{"key": "A B", "header": "x"}]', "key")):
        with pytest.raises(BadInputError) as refused:
            norms.set_setting(admin, "register_layout.kt1-so-giao-nhan", bad)
        assert words in refused.value.message("vi")
    with pytest.raises(BadInputError):
        norms.set_setting(admin, "register_layout.no-such-layout", columns)
    assert audit.verify_vault(clerk, full=True)


# ---- an agency desk ---------------------------------------------------------------------------------------------

@pytest.fixture
def agency_desk(tmp_path: Path) -> Iterator[tuple[Session, Session, Session, FixedClock]]:
    """The desk of agency SND: its admin, a clerk who registers and sends, its văn thư (secretary)."""
    clock = FixedClock(datetime(2026, 3, 2, 7, 0, tzinfo=ICT))
    path = tmp_path / "agency"
    admin = init_vault(path, office_code="SNDDESK", office_name="Sở Tư pháp tỉnh Gửi", admin="qt",
                       full_name="Lê Quản Trị", password=AGENCY_PASSWORD, clock=clock, kdf_profile="minimum",
                       kind="agency", agency="SND", agency_name="Sở Tư pháp tỉnh Gửi")
    directory.add_agency(admin, "SND", name="Sở Tư pháp tỉnh Gửi", province="Hà Nội")
    directory.add_agency(admin, "REC", name="Văn phòng Tỉnh ủy Nhận", province="Hà Nội")
    directory.add_user(admin, "dk", role="clerk", full_name="Ngô Thị Đăng Ký", password=CLERK_PASSWORD)
    directory.add_user(admin, "vt", role="secretary", full_name="Trần Thị Văn Thư", password=SECRETARY_PASSWORD,
                       agency="SND")
    clerk = open_session(path, "dk", CLERK_PASSWORD, clock=clock, sleep=no_sleep)
    secretary = open_session(path, "vt", SECRETARY_PASSWORD, clock=clock, sleep=no_sleep)
    try:
        yield admin, clerk, secretary, clock
    finally:
        for s in (clerk, secretary, admin):
            s.close()


def test_agency_outgoing_register_lists_what_the_agency_registered_numbered_per_year(agency_desk, tmp_path) -> None:
    _admin, clerk, secretary, clock = agency_desk
    accept = {**BASE_ITEM, "sender_agency": "SND", "recipient_agency": "REC"}
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=ICT))
    t1 = items.accept_item(clerk, {**accept, "secrecy": "toi-mat", "doc_ref": "01/CV-STP", "doc_date": "2026-02-27",
                                   "copies": 3, "description": "Về việc kiểm tra", "urgency": "khan"})
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=ICT))
    items.accept_item(clerk, {**accept, "secrecy": "none", "doc_ref": "02/CV-STP"})          # not a secret
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=ICT))
    t3 = items.accept_item(clerk, {**accept, "secrecy": "tuyet-mat", "doc_ref": "03/MT-STP"})
    out = tmp_path / "di.pdf"
    reports.register(secretary, "outgoing", date(2026, 3, 1), date(2026, 3, 31), out, volume="01")  # her register
    pages = _pages(out)
    cover, body = pages[0], " ".join(pages[1:])
    assert "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI" in cover and "SỞ TƯ PHÁP TỈNH GỬI" in cover
    assert "Từ số 1 đến số 2" in cover and "Quyển số: 01" in cover
    assert "01/CV-STP" in body and "03/MT-STP" in body and "02/CV-STP" not in body
    assert "27/02/2026" in body                 # the document's own date
    assert "02/03/2026" not in body             # ... and never the registration date in its place
    assert "Về việc kiểm tra" in body and "Khẩn" in body and t1 in body and t3 in body
    rows = body.split("Ghi chú (10)")[-1]
    assert " 3 " in rows                         # Số lượng: the number of copies, not of envelopes
    with pytest.raises(BadInputError) as refused:
        reports.register(secretary, "handover", date(2026, 3, 1), date(2026, 3, 31), tmp_path / "h.pdf")
    assert refused.value.key == "report.register_office_only"
    with pytest.raises(BadInputError) as straddles:   # TT 24/2020 form 14 until 28/02/2026, NĐ 63/2026 after
        reports.register(secretary, "outgoing", date(2026, 2, 20), date(2026, 3, 10), tmp_path / "s.pdf")
    assert straddles.value.field == "date_from" and "01/03/2026" in straddles.value.message("vi")


def test_agency_incoming_register_lists_what_was_received_there(agency_desk, tmp_path) -> None:
    admin, clerk, secretary, clock = agency_desk
    directory.add_user(admin, "vt2", role="secretary", full_name="Phan Văn Ký Nhận", password=SECRETARY_PASSWORD,
                       agency="SND")
    clock.set(datetime(2026, 3, 5, 8, 0, tzinfo=ICT))
    incoming = items.accept_item(clerk, {**BASE_ITEM, "sender_agency": "REC", "recipient_agency": "SND",
                                         "secrecy": "mat", "doc_ref": "7/TU", "named_recipient": "Phan Văn Ký Nhận",
                                         "named_only": True})
    clock.set(datetime(2026, 3, 6, 9, 30, tzinfo=ICT))
    from securemail.services.cosign import cosigner

    signer, user = cosigner(clerk, "vt2", SECRETARY_PASSWORD)
    transfers.deliver(clerk, incoming, to=signer, to_user=user, title="Chánh Văn phòng", id_number="064080002222")
    out = tmp_path / "den.pdf"
    reports.register(secretary, "incoming", date(2026, 3, 1), date(2026, 3, 31), out)
    body = " ".join(_pages(out)[1:])
    for words in ("06/03/2026", "Văn phòng Tỉnh ủy Nhận", "7/TU", "Mật", "Phan Văn Ký Nhận",
                  "vào sổ theo số, ký hiệu ngoài bì", incoming):
        assert words in body, words
    slip = tmp_path / "slip.pdf"
    reports.delivery(clerk, incoming, slip)
    text = _text(slip)
    assert "Chánh Văn phòng" in text and "064080002222" in text and "Số định danh / căn cước" in text
    assert "CCCD" not in text and "CMND" not in text


def test_a_secretary_of_a_post_office_vault_cannot_print_registers(vault: VaultHarness, tmp_path: Path) -> None:
    secretary = vault.open("sec1")
    with pytest.raises((BadInputError, PermissionDeniedError)):
        reports.register(secretary, "incoming", date(2025, 3, 1), date(2025, 3, 31), tmp_path / "r.pdf")
    assert PASSWORDS  # the office fixture's users are unchanged


def test_a_receipt_printed_at_an_agency_desk_is_headed_by_the_agency_not_a_post_office(agency_desk, vault,
                                                                                       tmp_path) -> None:
    _admin, clerk, _secretary, clock = agency_desk
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=ICT))
    t = items.accept_item(clerk, {**BASE_ITEM, "sender_agency": "SND", "recipient_agency": "REC"})
    out = tmp_path / "phieu.pdf"
    reports.receipt(clerk, t, out)
    head = _pages(out)[0][:200]
    assert "SỞ TƯ PHÁP TỈNH GỬI" in head and "BƯU ĐIỆN KT1" not in head
    post_office = vault.open("clerk1")                          # at a post office desk the unit stays
    t2 = items.accept_item(post_office, dict(BASE_ITEM))
    reports.receipt(post_office, t2, tmp_path / "po.pdf")
    assert "BƯU ĐIỆN KT1" in _pages(tmp_path / "po.pdf")[0][:200]
