"""Four vaults through securemail-cli (issue 10 items 4, 5, 7): the sending agency desk STP registers a named-only
item; the post office HN01 accepts it from the imported data (nothing retyped) and sends it on; the post office
HP01 takes it from HN01's bundle and delivers; the recipient agency desk VPTU's văn thư receives it unopened and
passes it to the named person; her signed receipt goes back to HP01 (whose record then ends with it) and to STP.
Every vault cosigns what it imports and sends the cosignature back; every final log verifies. Then a sender's log
rewritten after a partner cosigned one of its checkpoints is caught by verify."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from exchange_kit import PASSWORDS, init_vault, ok, run_cli

from securemail.storage import connect

pytestmark = pytest.mark.slow

NAMED = "Trần Văn Nhận"


@dataclass
class Four:
    root: Path
    a: Path      # STP, agency desk of SND (sender)
    b: Path      # HN01, post office accepting
    c: Path      # HP01, post office delivering
    d: Path      # VPTU, agency desk of REC (recipient)
    a_fork: Path
    tracking: str


def _export(src: Path, to: str, tracking: str | None, out: Path, user: str = "adm") -> Path:
    ok(run_cli(src, "export", "--to", to, *(["--items", tracking] if tracking else []), "-o", str(out), user=user))
    return out


def _import(dst: Path, bundle: Path) -> dict:
    return ok(run_cli(dst, "import", str(bundle), "--json", user="adm")).json()


@pytest.fixture(scope="module")
def four(tmp_path_factory) -> Four:
    root = tmp_path_factory.mktemp("four")
    a, b, c, d = root / "STP", root / "HN01", root / "HP01", root / "VPTU"
    init_vault(a, "STP", "Sở Tư pháp Hà Nội", "--kind", "agency", "--agency", "SND", "--agency-name", "Sở Tư pháp")
    init_vault(b, "HN01", "Bưu điện Trung tâm Hà Nội")
    init_vault(c, "HP01", "Bưu điện Hải Phòng")
    init_vault(d, "VPTU", "Văn phòng Tỉnh ủy Hải Phòng", "--kind", "agency", "--agency", "REC", "--agency-name",
               "Văn phòng Tỉnh ủy")
    for vault in (a, b, c):
        ok(run_cli(vault, "agency", "add", "REC", "--name", "Văn phòng Tỉnh ủy", user="adm"))
    for vault in (b, c, d):
        ok(run_cli(vault, "agency", "add", "SND", "--name", "Sở Tư pháp", user="adm"))
    users = [(a, "vt1", "clerk", "Nguyễn Thị Văn", []), (b, "gdv1", "clerk", "Phạm Giao Dịch", []),
             (b, "bt1", "courier", "Hoàng Bưu Tá", []), (c, "gdv2", "clerk", "Đỗ Thị Hải", []),
             (d, "vt2", "secretary", "Vũ Thị Thư", ["--agency", "REC"])]
    for vault, name, role, full, extra in users:
        ok(run_cli(vault, "user", "add", name, "--role", role, "--full-name", full, *extra, user="adm",
                   new_password=PASSWORDS[name]))
    for vault in (a, b, c, d):
        ok(run_cli(vault, "office-key", "export", str(root / f"{vault.name}.key"), user="adm"))
    for x, y in ((a, b), (b, c), (c, d), (d, a)):
        ok(run_cli(x, "pin", "add", str(root / f"{y.name}.key"), "--reason", "đọc vân tay qua điện thoại", user="adm"))
        ok(run_cli(y, "pin", "add", str(root / f"{x.name}.key"), "--reason", "đọc vân tay qua điện thoại", user="adm"))
    a_fork = root / "STP-fork"                 # a copy of STP before it registers the item
    shutil.copytree(a, a_fork)
    tracking = ok(run_cli(a, "item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "toi-mat",
                          "--service", "thuong", "--scope", "lien-tinh", "--doc-ref", "15/CV-STP",
                          "--named-recipient", NAMED, "--named-only", "--json", user="vt1")).json()["tracking"]
    return Four(root, a, b, c, d, a_fork, tracking)


def test_round_trip_named_only_unopened_and_cosignatures(four: Four):
    a, b, c, d, t, root = four.a, four.b, four.c, four.d, four.tracking, four.root
    # STP -> HN01: the counter accepts from the imported data
    _import(b, _export(a, "HN01", t, root / "a-b.bundle", user="vt1"))
    offered = ok(run_cli(b, "item", "list", "--imported", "--json", user="gdv1")).json()
    assert [(o["tracking"], o["from"], o["doc_ref"], o["named_recipient"]) for o in offered] == \
        [(t, "STP", "15/CV-STP", NAMED)]
    ok(run_cli(b, "item", "accept", "--imported", t, "--messenger-name", "Lê Văn Mang", user="gdv1"))
    assert ok(run_cli(b, "item", "list", "--imported", "--json", user="gdv1")).json() == []
    again = run_cli(b, "item", "accept", "--imported", t, "--json", user="gdv1")
    assert again.code == 2                                      # accepted once only
    shown = ok(run_cli(b, "item", "show", t, "--json", user="gdv1")).json()
    assert (shown["doc_ref"], shown["named_only"], shown["secrecy"]) == ("15/CV-STP", 1, "toi-mat")
    kinds = [(e["kind"], e["origin"]["office"]) for e in shown["events"]]
    assert kinds == [("item.accepted", "STP"), ("item.accepted", "HN01")]
    assert shown["events"][1]["data"]["origin"]["office"] == "STP" and all(e["signature_ok"] for e in shown["events"])
    ok(run_cli(b, "handover", t, "--to", "bt1", user="gdv1", cosigner="bt1"))

    # HN01 -> HP01: taken in from HN01's data; it keeps the due time HN01 gave it
    _import(c, _export(b, "HP01", t, root / "b-c.bundle"))
    ok(run_cli(c, "item", "accept", "--imported", t, user="gdv2"))
    at_c = ok(run_cli(c, "item", "show", t, "--json", user="gdv2")).json()
    assert at_c["due_at"] == shown["due_at"]
    ok(run_cli(c, "out", t, user="gdv2"))
    # the post office cannot deliver a named-only envelope to someone else
    refused = run_cli(c, "deliver", t, "--person-name", "Vũ Thị Thư", user="gdv2")
    assert refused.code == 4, refused.err

    # HP01 -> VPTU: the văn thư receives it unopened (she is not the named person) and passes it on
    _import(d, _export(c, "VPTU", t, root / "c-d.bundle"))
    opened = run_cli(d, "receive", t, user="vt2")
    assert opened.code == 4 and "bóc bì" in opened.err            # Vietnamese by default, says what to do
    got = ok(run_cli(d, "receive", t, "--unopened", "--json", user="vt2")).json()
    assert got["status"] == "delivered" and got["holder"] == "vt2"
    wrong = run_cli(d, "pass-on", t, "--person-name", "Người Khác", user="vt2")
    assert wrong.code == 4
    ok(run_cli(d, "pass-on", t, "--person-name", NAMED, "--person-id", "001088001234", user="vt2"))
    at_d = ok(run_cli(d, "item", "show", t, "--json", user="vt2")).json()
    assert at_d["holder"] is None and at_d["delivered_to"] == NAMED
    assert [e["kind"] for e in at_d["events"] if e["origin"]["own"]] == ["item.received", "item.passed_on"]

    # VPTU -> HP01: the confirmation; HP01's record ends with the văn thư's signed receipt
    _import(c, _export(d, "HP01", t, root / "d-c.bundle"))
    ok(run_cli(c, "deliver", t, "--receipt", user="gdv2"))
    at_c = ok(run_cli(c, "item", "show", t, "--json", user="gdv2")).json()
    assert at_c["status"] == "delivered" and at_c["delivered_to"] == "Vũ Thị Thư"
    last_two = at_c["events"][-3:]
    assert [(e["kind"], e["origin"]["office"]) for e in last_two] == \
        [("item.received", "VPTU"), ("item.passed_on", "VPTU"), ("item.delivered", "HP01")]
    receipt = last_two[-1]["data"]["receipt"]
    assert receipt["name"] == "Vũ Thị Thư" and receipt["unopened"] is True and receipt["office"] == "VPTU"
    assert all(e["signature_ok"] for e in at_c["events"])

    # VPTU -> STP: the sending agency receives the same signed proof
    _import(a, _export(d, "STP", t, root / "d-a.bundle"))
    at_a = ok(run_cli(a, "item", "show", t, "--json", user="vt1")).json()
    theirs = [(e["kind"], e["actor"], e["signature_ok"]) for e in at_a["events"] if e["origin"]["office"] == "VPTU"]
    assert theirs == [("item.received", "vt2", True), ("item.passed_on", "vt2", True)]

    # cosignatures travel back: HN01 cosigned STP's checkpoint at import and returns it in its next bundle
    back = _import(a, _export(b, "STP", None, root / "b-a.bundle"))
    assert back["imported"]
    with connect(a, "adm", PASSWORDS["adm"]) as conn:
        held = conn.execute("SELECT from_office, size FROM cosignatures_received").fetchall()
    assert held and all(office == "HN01" for office, _ in held)
    # and so do VPTU (of HP01's checkpoint) and HP01 (of HN01's and VPTU's)
    _import(c, _export(d, "HP01", t, root / "d-c2.bundle"))
    _import(b, _export(c, "HN01", t, root / "c-b.bundle"))
    for vault in (a, b, c, d):
        report = ok(run_cli(vault, "verify", "--full", "--json", user="adm")).json()
        assert report["ok"] is True, (vault.name, report)
    with connect(b, "adm", PASSWORDS["adm"]) as conn:
        assert conn.execute("SELECT count(*) FROM cosignatures_received").fetchone()[0] >= 1


def test_a_log_rewritten_after_a_cosigned_checkpoint_is_caught(four: Four):
    """The fork of STP (its copy from before the item was registered) registers it with another document
    number: the same number of events, another history. An insider puts it in place of the real log but keeps the
    cosignatures HN01 sent back: verify finds the log no longer has the root HN01 cosigned at that size. HN01
    itself refuses the fork's bundle as a split view."""
    a, fork = four.a, four.a_fork
    if not (four.root / "b-a.bundle").exists():
        pytest.skip("needs the round trip above")
    rewritten = ok(run_cli(fork, "item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "toi-mat",
                           "--service", "thuong", "--scope", "lien-tinh", "--doc-ref", "99/CV-STP",
                           "--named-recipient", NAMED, "--named-only", "--json", user="vt1")).json()["tracking"]
    assert rewritten == four.tracking
    assert ok(run_cli(fork, "verify", "--json", user="adm")).json()["ok"] is True
    with connect(a, "adm", PASSWORDS["adm"]) as conn:
        rows = conn.execute("SELECT from_vault, from_office, size, root, witness, note, chain, import_seq "
                            "FROM cosignatures_received").fetchall()
    assert rows
    with connect(fork, "adm", PASSWORDS["adm"]) as conn:
        conn.executemany("INSERT INTO cosignatures_received VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.commit()
    report = run_cli(fork, "verify", "--json", user="adm")
    assert report.code == 1
    problems = report.json()["problems"]
    assert any(p["code"] == "not_extension" and "cosigned by HN01" in p["detail"] for p in problems), problems
    split = run_cli(four.b, "import", str(_export(fork, "HN01", four.tracking, four.root / "fork.bundle",
                                                    user="vt1")), "--json", user="adm")
    assert split.code == 1 and split.json()["check"] == "split_view"


def test_old_bundle_version_is_refused_with_a_clear_message(four: Four, tmp_path):
    import json

    from securemail.crypto.canonical import canonical_bytes

    data = json.loads((four.root / "a-b.bundle").read_text(encoding="utf-8"))
    data["bundle"]["v"] = 1
    old = tmp_path / "old.bundle"
    old.write_bytes(canonical_bytes(data))
    run = run_cli(four.b, "import", str(old), "--json", user="adm")
    assert run.code == 2 and run.json()["check"] == "version"
    assert "cũ" in run.json()["message"] and "cập nhật" in run.json()["message"]
