"""Verification of clean vaults, the report API, incremental runs, checkpoint files and witnessing."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from securemail.clock import ICT, FixedClock
from securemail.crypto.signing import SigningKey
from securemail.custody import kinds as K
from securemail.custody.checkpoint import parse_note, witness_signer_name
from securemail.custody.cosignature import cosignature_time
from securemail.custody.ledger import Signer, latest_checkpoint, read_events
from securemail.custody.verify import CODES, Problem, VerificationReport, verify_ledger
from securemail.errors import BadInputError, PermissionDeniedError, VerificationFailedError
from securemail.i18n import tr
from securemail.services import directory
from securemail.services.audit import export_checkpoint, read_checkpoint_file, verify_vault, witness_checkpoint
from securemail.services.vault_init import init_vault
from securemail.storage.vault import read_state, write_state

if TYPE_CHECKING:
    from conftest import Insider, VaultInfo


def found(report: VerificationReport) -> set[tuple[str, int | None]]:
    return {(p.code, p.seq) for p in report.problems}


# ---- clean vaults ------------------------------------------------------------------------------------------

def test_new_vault_verifies_clean(tmp_path: Path) -> None:
    session = init_vault(tmp_path / "v", office_code="GL01", office_name="Bưu cục", admin="admin",
                         full_name="Quản trị", password="mat-khau-dai-1",
                         clock=FixedClock(datetime(2026, 11, 27, 8, 0, tzinfo=ICT)), kdf_profile="minimum")
    with session:
        report = verify_vault(session)
    assert report, report.problems
    assert (report.size, report.events_checked, report.incremental_from) == (2, 2, 0)
    # two events, the office certificate, the vault checkpoint, the state file copy
    assert report.signatures_checked == 5


def test_seeded_vault_verifies_clean(vault: VaultInfo) -> None:
    with vault.open() as session:
        report = verify_vault(session, full=True)
        assert report, [p.message("en") for p in report.problems]
        assert report.size == session.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert report.root == latest_checkpoint(session.conn).root


def test_report_json_and_messages_in_both_languages() -> None:
    report = VerificationReport(events_checked=3, size=3, root=b"\x01" * 32,
                                problems=[Problem(2, "KT0000001VN", "bad_signature", "signature by clerk1")])
    assert not report
    doc = report.to_json("en")
    assert doc["ok"] is False and doc["root"] == "01" * 32
    assert doc["problems"][0] == {"seq": 2, "item": "KT0000001VN", "code": "bad_signature",
                                  "detail": "signature by clerk1",
                                  "message": "Event 2 (KT0000001VN): invalid signature. signature by clerk1"}
    assert "chữ ký không hợp lệ" in report.problems[0].message("vi")
    for code in CODES:
        vi, en = (tr(f"problem.{code}", lang) for lang in ("vi", "en"))
        assert "{detail}" in vi and "{detail}" in en
    assert Problem(None, None, "stored_hash_differs", "x").message("en").startswith("Stored data")


@pytest.mark.slow
def test_ten_thousand_events_verify_clean(vault: VaultInfo) -> None:
    with vault.open() as session:
        for batch in range(5):
            with session.write() as ledger:
                for i in range(2000):
                    ledger.append(K.AGENCY_ADDED, K.DIRECTORY, session.signer,
                                  {"code": f"CQ{batch}{i:04d}", "name": f"Cơ quan số {batch}-{i}", "province": None})
        size = session.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert size > 10_000
        calls: list[tuple[int, int]] = []
        started = time.perf_counter()
        report = verify_ledger(session.conn, state_checkpoint=vault.state_checkpoint(),
                               progress=lambda done, total: calls.append((done, total)))
        elapsed = time.perf_counter() - started
    assert report, report.problems[:5]
    assert report.events_checked == size and report.signatures_checked >= size
    print(f"\nverified {size} events in {elapsed:.2f} s")   # speed is measured in bench/, never asserted here
    assert len(calls) > 10 and calls[-1][0] == calls[-1][1]
    assert all(a[0] <= b[0] for a, b in pairwise(calls))


def test_worker_processes_give_the_same_answer(vault: VaultInfo, insider: Insider) -> None:
    # Enough signatures to use the pool; one forged signature among them must still be found at its seq.
    w = insider.writer()
    admin = vault.signer("admin")
    with w.transaction():
        for i in range(2100):
            w.append(K.AGENCY_ADDED, K.DIRECTORY, admin, {"code": f"P{i:05d}", "name": "x", "province": None})
    target = insider.size() - 700
    insider.edit_body(target, {"data.name": "y"})
    insider.conn.execute("UPDATE agencies SET name = 'y' WHERE updated_seq = ?", (target,))
    insider.cover_tracks()
    one = verify_ledger(insider.conn, workers=1)
    two = verify_ledger(insider.conn, workers=2)
    assert found(one) == found(two) == {("bad_signature", target), ("broken_chain", target + 1)}


# ---- incremental ---------------------------------------------------------------------------------------------

def test_unsigned_or_foreign_verified_marker_means_a_full_run(vault: VaultInfo) -> None:
    from securemail.storage.vault import write_state
    with vault.open() as session:
        first = verify_vault(session)
        state = read_state(session.paths)
        state["verified"] = {"size": first.size, "root": state["verified"]["root"]}  # an edited, unsigned marker
        write_state(session.paths, state)
        again = verify_vault(session)
        assert again.incremental_from == 0  # not trusted: every signature checked again
        state = read_state(session.paths)
        state["verified"]["by"] = "someone-else"
        write_state(session.paths, state)
        assert verify_vault(session).incremental_from == 0


def test_second_run_is_incremental(vault: VaultInfo) -> None:
    with vault.open() as session:
        first = verify_vault(session)
        size = first.size
        assert first and first.incremental_from == 0
        marker = read_state(session.paths)["verified"]
        assert {k: marker[k] for k in ("size", "root")} == {"size": size, "root": base64.b64encode(first.root).decode()}
        assert marker["by"] == session.user.username and marker["sig"]  # signed by the verifying user
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        second = verify_vault(session)
        assert second and second.incremental_from == size
        # The genesis pair with the first office certificate (3) and the four enrolments (actor, proof of
        # possession, office certificate: 12) decide whose keys count and are always re-checked; then the new
        # event and the state file's checkpoint (no vault checkpoint is due after one event: ADR 0016; the new
        # event is compared with the MACed tree head of head.json instead).
        assert second.signatures_checked == 15 + 2
        full = verify_vault(session, full=True)
        assert full and full.incremental_from == 0 and full.signatures_checked > 20


def test_incremental_run_notices_a_rewritten_prefix(vault: VaultInfo,
                                                    make_insider: Callable[[], Insider]) -> None:
    with vault.open() as session:
        verified = verify_vault(session)
        assert verified
        marker = read_state(session.paths)["verified"]       # genuine, signed by this user
    insider = make_insider()
    seq = vault.seqs["note3"]
    insider.edit_body(seq, {"data.text": "Bì bị rách."})
    insider.cover_tracks()                               # ... and state.json's checkpoint, but not "verified"
    state = read_state(vault.paths)
    state["verified"] = marker
    write_state(vault.paths, state)
    insider.close()
    with vault.open() as session:
        report = verify_vault(session)
    # The first `size` events no longer have the verified root: every signature is checked again.
    assert found(report) == {("not_extension", verified.size), ("bad_signature", seq)}
    assert report.incremental_from == 0


def test_progress_is_monotonic_and_ends_at_total(vault: VaultInfo) -> None:
    calls: list[tuple[int, int]] = []
    with vault.open() as session:
        assert verify_ledger(session.conn, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] > 0
    assert all(a[0] <= b[0] and a[1] == b[1] for a, b in pairwise(calls))


# ---- checkpoint files ----------------------------------------------------------------------------------------

def test_export_round_trip_and_verify_against_file(vault: VaultInfo, tmp_path: Path) -> None:
    out = tmp_path / "cp.txt"
    with vault.open() as session:
        cp = export_checkpoint(session, out)
        assert cp == latest_checkpoint(session.conn)
        assert read_checkpoint_file(out) == cp
        assert parse_note(out.read_text(encoding="utf-8")).note() == out.read_text(encoding="utf-8")
        assert parse_note(read_state(session.paths)["checkpoint"]) == cp
        assert out.stat().st_mode & 0o777 == 0o600
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")    # the log grows past the file: still fine
        assert verify_vault(session, checkpoint_files=[out], full=True)


def test_checkpoint_file_with_a_changed_root_is_not_an_extension(vault: VaultInfo, tmp_path: Path) -> None:
    out = tmp_path / "cp.txt"
    with vault.open() as session:
        cp = export_checkpoint(session, out)
        lines = out.read_text(encoding="utf-8").split("\n")
        lines[2] = base64.b64encode(bytes(32)).decode()
        out.write_text("\n".join(lines), encoding="utf-8")
        report = verify_vault(session, checkpoint_files=[out])
    assert found(report) == {("not_extension", cp.size), ("bad_checkpoint_signature", cp.size)}
    assert all("checkpoint file #1" in p.detail for p in report.problems)


def test_unreadable_checkpoint_file_names_the_file(vault: VaultInfo, tmp_path: Path) -> None:
    bad = tmp_path / "garbage.txt"
    bad.write_text("not a checkpoint\n", encoding="utf-8")
    with vault.open() as session:
        for path in (bad, tmp_path / "missing.txt"):
            with pytest.raises(BadInputError) as err:
                verify_vault(session, checkpoint_files=[path])
            assert err.value.key == "verify.bad_checkpoint_file" and str(path) in err.value.message("en")


# ---- witnessing ----------------------------------------------------------------------------------------------

def test_auditor_witnesses_a_checkpoint(vault: VaultInfo, tmp_path: Path) -> None:
    out = tmp_path / "witnessed.txt"
    with vault.open("audit1") as session:
        before = latest_checkpoint(session.conn)
        cp = witness_checkpoint(session, out)
        assert (cp.size, cp.root) == (before.size, before.root)
        assert cosignature_time(cp, witness_signer_name("audit1"), session.signer.key.public_raw()) is not None
        assert read_checkpoint_file(out) == cp
        event = read_events(session.conn, "WHERE seq = ?", (cp.size + 1,))[0]
        assert (event.kind, event.actor) == (K.CHECKPOINT_WITNESSED, "audit1")
        assert event.data == {"size": cp.size, "root": base64.b64encode(cp.root).decode()}
        assert verify_vault(session, checkpoint_files=[out], full=True)


def test_bad_witness_signature_is_reported(vault: VaultInfo, tmp_path: Path) -> None:
    out = tmp_path / "witnessed.txt"
    with vault.open("audit1") as session:
        cp = witness_checkpoint(session, out)
        text = out.read_text(encoding="utf-8")
        sig_line = next(line for line in text.split("\n") if "securemail/witness/audit1" in line)
        raw = bytearray(base64.b64decode(sig_line.split(" ")[2]))
        raw[10] ^= 1
        forged = sig_line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode()
        out.write_text(text.replace(sig_line, forged), encoding="utf-8")
        report = verify_vault(session, checkpoint_files=[out])
    assert found(report) == {("bad_checkpoint_signature", cp.size)}
    assert "witness signature by audit1" in report.problems[0].detail


def test_foreign_signature_lines_on_a_checkpoint_file_are_ignored(vault: VaultInfo, tmp_path: Path) -> None:
    """C2SP: lines from keys the verifier does not know (another witness, a log's ML-DSA line) are ignored."""
    out = tmp_path / "witnessed.txt"
    foreign = ("— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqh"
               "f5nNo0xUe+mbIUBkBIfZ+qnA==\n"
               "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy"
               "BwJnAM=\n")
    with vault.open("audit1") as session:
        witness_checkpoint(session, out)
        out.write_text(out.read_text(encoding="utf-8") + foreign, encoding="utf-8")
        assert len(read_checkpoint_file(out).signatures) == 5   # writer, office, witness, two foreign
        assert verify_vault(session, checkpoint_files=[out])


def test_only_auditors_witness(vault: VaultInfo) -> None:
    with vault.open("clerk1") as session, pytest.raises(PermissionDeniedError):
        witness_checkpoint(session)


def test_refuses_to_witness_a_ledger_with_problems(vault: VaultInfo, make_insider: Callable[[], Insider]) -> None:
    insider = make_insider()
    insider.conn.execute("UPDATE agencies SET name = 'Sở Tài chính' WHERE code = 'SOYTE'")
    insider.close()
    with vault.open("audit1") as session:
        size = session.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        with pytest.raises(VerificationFailedError) as err:
            witness_checkpoint(session)
        assert err.value.exit_code == 1
        assert session.conn.execute("SELECT count(*) FROM events").fetchone()[0] == size   # nothing appended


def test_forged_witness_claim_in_the_log(vault: VaultInfo, insider: Insider) -> None:
    size = insider.size()
    event = insider.forge(K.CHECKPOINT_WITNESSED, K.DIRECTORY, vault.signer("audit1"),
                          {"size": size, "root": base64.b64encode(b"\x07" * 32).decode()})
    assert found(verify_ledger(insider.conn)) == {("not_extension", event.seq)}


# ---- the directory replay ------------------------------------------------------------------------------------

def test_clerk_cannot_enrol_users(vault: VaultInfo, insider: Insider) -> None:
    # A clerk enrols a crony (properly co-signed, but no office certificate: a clerk does not hold the office
    # key); nobody the directory trusts did it, so the crony's own events are by an unknown signer.
    crony = SigningKey.generate()
    enrol = insider.forge(K.USER_ENROLLED, K.DIRECTORY, vault.signer("clerk1"),
                          {"username": "crony", "full_name": "X", "role": "admin", "agency": None,
                           "public_key": base64.b64encode(crony.public_raw()).decode()},
                          cosigner=Signer("crony", crony))
    vault.clock.advance(timedelta(minutes=1))
    added = insider.forge(K.AGENCY_ADDED, K.DIRECTORY, Signer("crony", crony),
                          {"code": "GIA", "name": "Giả", "province": None})
    assert found(verify_ledger(insider.conn)) == {("illegal_transition", enrol.seq), ("missing_cosignature", enrol.seq),
                                                  ("unknown_signer", added.seq)}


def test_closed_connection_is_a_caller_error_not_damage(vault: VaultInfo) -> None:
    session = vault.open()
    session.close()
    with pytest.raises(Exception, match="closed database"):
        verify_ledger(session.conn)
