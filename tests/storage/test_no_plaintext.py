"""Nothing typed into the app is ever written to disk in the clear: not in the vault folder, not in temp files."""

from __future__ import annotations

import sqlite3
import tempfile
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest

from securemail.clock import FixedClock
from securemail.services import bags, directory, incidents, items, transfers
from securemail.services.cosign import cosigner
from securemail.services.session import open_session
from securemail.services.vault_init import init_vault

# Each marker has an ASCII core (found in any encoding of the marker) and Vietnamese letters (so that its NFC
# and NFD forms differ).
MARKERS = {
    "office_name": "Bưu điện ZQXOFFICENAME Hà Nội",
    "province": "Tỉnh ZQXPROVINCE Điện Biên",
    "admin_full_name": "Quản Trị ZQXADMINNAME Viên",
    "clerk_full_name": "Nguyễn Thị ZQXCLERKNAME Hương",
    "courier_full_name": "Đặng Văn ZQXCOURIERNAME Tải",
    "secretary_full_name": "Trương Thị ZQXSECRETARYNAME Mỹ",
    "sender_agency": "Sở Tư pháp ZQXSENDERAGENCY Đắk Lắk",
    "recipient_agency": "Văn phòng ZQXRECIPIENTAGENCY Tỉnh ủy",
    "description": "Trích yếu ZQXDESCRIPTION về việc điều động",
    "notes": "Ghi chú ZQXNOTES cần lưu ý",
    "doc_ref": "Số 123/ZQXDOCREF-UBND",
    "named_recipient": "Lê Quang ZQXNAMEDRECIPIENT Đạt",
    "messenger": "Phan Văn ZQXMESSENGER Giao",
    "messenger_id": "ZQXMESSENGERID0123",
    "seal": "Niêm phong ZQXSEALNUMBER số 7",
    "incident": "Niêm phong ZQXINCIDENT bị rách góc",
    "item_note": "Đính chính ZQXITEMNOTE số trang",
    "reason": "Người nhận ZQXFAILREASON vắng mặt",
    "bag_seal": "Túi ZQXBAGSEAL chì số 9",
}

PASSWORDS = {
    "admin": "mật-khẩu-quản-trị-ZQXPW1",
    "clerk": "mật-khẩu-giao-dịch-ZQXPW2",
    "courier": "mật-khẩu-bưu-tá-ZQXPW3",
    "sec": "mật-khẩu-văn-thư-ZQXPW4",
}


def _forms(text: str) -> list[bytes]:
    core = next(w for w in text.replace("/", " ").replace("-", " ").split() if w.startswith("ZQX"))
    out = [core.encode("utf-8"), core.encode("utf-16-le")]
    for form in ("NFC", "NFD"):
        norm = unicodedata.normalize(form, text)
        out += [norm.encode("utf-8"), norm.encode("utf-16-le")]
    return out


def _files(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def _leaks(*folders: Path) -> list[str]:
    found = []
    secrets = {**MARKERS, **{f"password:{k}": v for k, v in PASSWORDS.items()}}
    for path in _files(*folders):
        data = path.read_bytes()
        for name, marker in secrets.items():
            if any(form in data for form in _forms(marker)):
                found.append(f"{name} in {path.name}")
    return found


def _scripted_session(folder: Path, clock: FixedClock) -> None:
    m = MARKERS
    admin = init_vault(folder, office_code="DL01", office_name=m["office_name"], province=m["province"],
                       admin="admin", full_name=m["admin_full_name"], password=PASSWORDS["admin"], clock=clock,
                       kdf_profile="minimum")
    try:
        directory.add_agency(admin, "SND", name=m["sender_agency"], province=m["province"])
        directory.add_agency(admin, "REC", name=m["recipient_agency"])
        directory.add_user(admin, "clerk", role="clerk", full_name=m["clerk_full_name"], password=PASSWORDS["clerk"])
        directory.add_user(admin, "courier", role="courier", full_name=m["courier_full_name"],
                           password=PASSWORDS["courier"])
        directory.add_user(admin, "sec", role="secretary", full_name=m["secretary_full_name"],
                           password=PASSWORDS["sec"], agency="REC")
    finally:
        admin.close()
    clerk = open_session(folder, "clerk", PASSWORDS["clerk"], clock=clock)
    try:
        raw = {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat", "service": "hoa-toc",
               "description": m["description"], "notes": m["notes"], "doc_ref": m["doc_ref"],
               "named_recipient": m["named_recipient"], "seal_numbers": m["seal"],
               "sender_person": m["messenger"], "sender_person_id": m["messenger_id"]}
        t1 = items.accept_item(clerk, raw, messenger=items.ExternalPerson(m["messenger"], m["messenger_id"], None))
        t2 = items.accept_item(clerk, {**raw, "description": None, "secrecy": "tuyet-mat", "envelopes": 2})
        incidents.report_incident(clerk, t1, "damaged", m["incident"])
        incidents.add_note(clerk, t1, m["item_note"])
        bag = bags.create_bag(clerk, "REC")
        bags.add_to_bag(clerk, bag, [t1])
        bags.close_bag(clerk, bag, m["bag_seal"])
        signer, courier = cosigner(clerk, "courier", PASSWORDS["courier"])
        transfers.handover(clerk, [t2], signer, courier)
        clock.advance(timedelta(hours=1))
        # reading back: searches, timelines (sorting would be where SQLite spills to temp files)
        items.search_items(clerk, limit=1000)
        items.timeline(clerk, t1)
        incidents.list_incidents(clerk, open_only=False)
    finally:
        clerk.close()
    courier_s = open_session(folder, "courier", PASSWORDS["courier"], clock=clock)
    try:
        transfers.out_for_delivery(courier_s, t2)
        transfers.fail(courier_s, t2, m["reason"])
    finally:
        courier_s.close()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setenv("SQLITE_TMPDIR", str(folder))
    monkeypatch.setenv("TEMP", str(folder))
    monkeypatch.setenv("TMP", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_no_marker_on_disk(tmp_path, private_tmp, kit):
    assert tempfile.gettempdir() == str(private_tmp)
    folder = tmp_path / "vault"
    _scripted_session(folder, FixedClock(kit.START_TIME))
    assert len(_files(folder)) >= 3
    assert _leaks(folder, private_tmp) == []
    # the markers really went in: they read back through the key
    with open_session(folder, "sec", PASSWORDS["sec"]) as s:
        assert s.office_name == MARKERS["office_name"]
        names = {r[0] for r in s.conn.execute("SELECT full_name FROM users")}
        assert MARKERS["clerk_full_name"] in names
        descriptions = {r[0] for r in s.conn.execute("SELECT description FROM items")}
        assert MARKERS["description"] in descriptions


def test_no_marker_on_disk_while_sessions_are_open(tmp_path, private_tmp, kit):
    """With a session still open the -wal and -shm files exist; they must be encrypted too."""
    folder = tmp_path / "vault"
    clock = FixedClock(kit.START_TIME)
    _scripted_session(folder, clock)
    s = open_session(folder, "clerk", PASSWORDS["clerk"], clock=clock)
    try:
        items.accept_item(s, {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "none",
                              "service": "thuong", "notes": MARKERS["notes"], "description": MARKERS["description"]})
        names = {p.name for p in folder.iterdir()}
        assert "vault.db-wal" in names
        assert _leaks(folder, private_tmp) == []
    finally:
        s.close()


def test_stdlib_sqlite_cannot_read_the_vault(vault):
    vault.accept(vault.open("clerk1"))
    vault.close_all()
    conn = sqlite3.connect(vault.path / "vault.db")
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        conn.close()
    header = (vault.path / "vault.db").read_bytes()[:16]
    assert header != b"SQLite format 3\x00"


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: t.encode("utf-16-le"),
    lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
    lambda t: unicodedata.normalize("NFD", t).encode("utf-16-le"),
], ids=["utf8", "utf16le", "nfd-utf8", "nfd-utf16le"])
def test_the_detector_finds_a_marker(tmp_path, encode):
    (tmp_path / "leak.bin").write_bytes(b"\x00prefix" + encode(MARKERS["clerk_full_name"]) + b"suffix")
    assert _leaks(tmp_path) == ["clerk_full_name in leak.bin"]
