"""Checkpoint cadence (docs/adr/0016-checkpoint-cadence.md): a MACed tree head in head.json after every write, signed
checkpoints at a cadence. Rollbacks are still refused at open, an edited head bounds nothing and is reported, a
crash between the commit and the head write still opens, the uncovered tail verifies, and everything that leaves
the vault cites a signed checkpoint covering the log."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from securemail.custody import kinds as K
from securemail.custody import ledger as ledger_module
from securemail.custody.checkpoint import parse_note
from securemail.custody.ledger import latest_checkpoint, load_frontier, log_size
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.verify import verify_ledger
from securemail.errors import RollbackError
from securemail.services import audit, directory, reports, statements
from securemail.services import session as session_module
from securemail.storage.head import HeadStatus, TreeHead, head_key, read_head, write_head
from securemail.storage.vault import read_state, write_state

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Insider, VaultInfo


def _checkpoint_wal(vault: VaultInfo) -> None:
    with vault.open() as session:
        session.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _put_back(vault: VaultInfo, old_db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        vault.paths.db.with_name(vault.paths.db.name + suffix).unlink(missing_ok=True)
    shutil.copy2(old_db, vault.paths.db)


def _note(session: object, text: str) -> None:
    with session.write() as ledger:  # type: ignore[attr-defined]
        ledger.append(K.ITEM_NOTE, "KT0000003VN", session.signer, {"text": text})  # type: ignore[attr-defined]


# ---- the cadence --------------------------------------------------------------------------------------------

def test_a_write_records_a_head_and_signs_no_checkpoint_until_one_is_due(vault: VaultInfo,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_module, "CHECKPOINT_EVERY_EVENTS", 3)
    with vault.open() as session:
        before = latest_checkpoint(session.conn)
        assert before is not None and before.size == log_size(session.conn)
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        directory.add_agency(session, "HDND", name="Hội đồng nhân dân")
        assert latest_checkpoint(session.conn) == before          # two events: none due yet
        head = read_head(vault.paths, [head_key(session.current_dek(), session.vault_id)], session.vault_id)
        tree = load_frontier(session.conn)
        assert head.status is HeadStatus.OK and head.head == TreeHead(tree.size, tree.root())
        directory.add_agency(session, "MTTQ", name="Mặt trận Tổ quốc")
        due = latest_checkpoint(session.conn)
        assert due is not None and due.size == log_size(session.conn) == before.size + 3
        assert due.previous == before.size                       # names the newest one before it
        assert parse_note(read_state(vault.paths)["checkpoint"]) == due
        session.clock.advance(timedelta(minutes=ledger_module.CHECKPOINT_EVERY_MINUTES))
        directory.add_agency(session, "CA", name="Công an tỉnh")  # one event, but an hour after the last one
        assert latest_checkpoint(session.conn).size == log_size(session.conn)  # type: ignore[union-attr]


def test_closing_a_session_that_wrote_signs_the_tail(vault: VaultInfo) -> None:
    with vault.open() as session:
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        end = log_size(session.conn)
        assert latest_checkpoint(session.conn).size < end          # type: ignore[union-attr]
    with vault.open("audit1") as session:
        assert latest_checkpoint(session.conn).size == end         # type: ignore[union-attr]
        assert parse_note(read_state(vault.paths)["checkpoint"]).size == end
        assert audit.verify_vault(session, full=True)
    with vault.open("audit1") as session:                          # a session that wrote nothing signs nothing
        rows = session.conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0]
    with vault.open("audit1") as session:
        assert session.conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == rows


# ---- rollback -----------------------------------------------------------------------------------------------

def test_an_older_vault_db_is_refused_by_the_head_alone(vault: VaultInfo, tmp_path: Path) -> None:
    """state.json put back too (its checkpoint is as old as the copy): the newer tree head refuses it."""
    _checkpoint_wal(vault)
    old_db, old_state = tmp_path / "vault.db.old", read_state(vault.paths)
    shutil.copy2(vault.paths.db, old_db)
    with vault.open("courier1") as session:
        _note(session, "Ghi thêm.")
    _put_back(vault, old_db)
    write_state(vault.paths, old_state)
    with pytest.raises(RollbackError) as err:
        vault.open()
    assert err.value.key == "vault.rollback_shorter"


def test_an_older_vault_db_is_refused_when_the_head_lags_too(vault: VaultInfo, tmp_path: Path) -> None:
    """A crash left head.json behind the log (size B while the log has C); a copy of size A < B is still refused,
    and the lagging head alone does not stop the real vault from opening."""
    _checkpoint_wal(vault)
    old_db = tmp_path / "vault.db.old"
    shutil.copy2(vault.paths.db, old_db)
    old_state = read_state(vault.paths)
    with vault.open("courier1") as session:
        _note(session, "Lần một.")
        lagging = vault.paths.head.read_bytes()
        lagging_size = log_size(session.conn)
        _note(session, "Lần hai.")
    vault.paths.head.write_bytes(lagging)           # as a crash between a commit and its head write leaves it
    write_state(vault.paths, old_state)
    with vault.open() as session:                   # a lagging head is a prefix: it opens
        assert log_size(session.conn) > lagging_size
        assert audit.verify_vault(session, full=True)
    vault.paths.head.write_bytes(lagging)
    write_state(vault.paths, old_state)
    _put_back(vault, old_db)
    with pytest.raises(RollbackError) as err:
        vault.open()
    assert err.value.key == "vault.rollback_shorter"


def test_a_head_of_another_history_is_refused_as_a_fork(vault: VaultInfo,
                                                        make_insider: Callable[[], Insider]) -> None:
    """Only someone with the data key can write a head that verifies: here one of the same size, another root."""
    insider = make_insider()
    tree = load_frontier(insider.conn)
    write_head(vault.paths, head_key(insider.dek, insider.vault_id), insider.vault_id,
               TreeHead(tree.size, bytes(32)))
    insider.close()
    with pytest.raises(RollbackError) as err:
        vault.open()
    assert err.value.key == "vault.rollback_fork"


# ---- an edited head -----------------------------------------------------------------------------------------

def _edit_head(vault: VaultInfo, field: str, value: object) -> None:
    doc = json.loads(vault.paths.head.read_text())
    doc[field] = value
    vault.paths.head.write_text(json.dumps(doc))


@pytest.mark.parametrize(("field", "value"), [("size", 10**9), ("root", "A" * 43 + "="), ("mac", "B" * 43 + "=")])
def test_an_edited_head_bounds_nothing_and_verify_reports_it(vault: VaultInfo, field: str, value: object) -> None:
    _edit_head(vault, field, value)
    with vault.open() as session:        # not bricked: an edited head is no worse than a deleted one
        assert session.head_reading().status is HeadStatus.FORGED
        report = audit.verify_vault(session, full=True)
    assert not report
    problems = [p for p in report.problems if p.item == "head.json"]
    assert [p.code for p in problems] == ["bad_checkpoint_signature"]


def test_an_edited_head_does_not_hide_a_rollback_behind_the_signed_checkpoint(vault: VaultInfo,
                                                                              tmp_path: Path) -> None:
    _checkpoint_wal(vault)
    old_db = tmp_path / "vault.db.old"
    shutil.copy2(vault.paths.db, old_db)
    with vault.open("courier1") as session:
        _note(session, "Ghi thêm.")
    # the session close signed a checkpoint covering the note: state.json bounds the log as well
    with vault.open() as session:
        size = log_size(session.conn)
    _edit_head(vault, "size", size - 1)
    _put_back(vault, old_db)
    with pytest.raises(RollbackError):
        vault.open()


@pytest.mark.parametrize("torn", [b"", b"\0" * 120, b'{"v": 1, "si'])
def test_a_torn_head_after_a_power_cut_is_read_as_absent(vault: VaultInfo, torn: bytes) -> None:
    vault.paths.head.write_bytes(torn)
    with vault.open() as session:
        assert session.head_reading().status is HeadStatus.UNREADABLE
        assert audit.verify_vault(session, full=True)       # a crash leaves this: nothing to report
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        assert session.head_reading().status is HeadStatus.OK   # the next write replaces it


# ---- a crash between the commit and the head write ----------------------------------------------------------

def test_a_crash_after_the_commit_before_the_head_write_still_opens(vault: VaultInfo,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with vault.open("courier1") as session:
        before = vault.paths.head.read_bytes()
        monkeypatch.setattr(session_module, "write_head", lambda *a, **k: None)   # the process dies here
        _note(session, "Ghi thêm.")
        monkeypatch.undo()
        session.conn.close()              # no orderly close (no checkpoint at the end of the session)
    assert vault.paths.head.read_bytes() == before
    with vault.open() as session:
        assert latest_checkpoint(session.conn).size < log_size(session.conn)    # type: ignore[union-attr]
        report = audit.verify_vault(session, full=True)
    assert report, report.problems


def test_a_failed_head_write_is_no_failed_action(vault: VaultInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    from securemail.errors import StorageError

    def full_disk(*_a: object, **_k: object) -> None:
        raise StorageError("storage.disk_full", path="x")

    with vault.open("courier1") as session:
        size = log_size(session.conn)
        monkeypatch.setattr(session_module, "write_head", full_disk)
        _note(session, "Ghi thêm.")       # committed: no exception reaches the caller
        monkeypatch.undo()
        assert session.state_lag and log_size(session.conn) == size + 1
        _note(session, "Ghi lại được.")   # the next write records the head: nothing lags any more
        assert not session.state_lag
        assert read_head(vault.paths, [session._head_key], session.vault_id).head.size == size + 2


def test_the_cli_says_when_the_head_copy_could_not_be_written(vault: VaultInfo, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from securemail.cli.main import main
    from securemail.errors import StorageError

    def read_only(*_a: object, **_k: object) -> None:
        raise StorageError("storage.read_only", path="x")

    monkeypatch.setattr(session_module, "write_head", read_only)
    monkeypatch.setenv("SECUREMAIL_PASSWORD", "mat-khau-dai-1")     # the fixture vault's (tests/custody/conftest.py)
    code = main(["--lang", "en", "--vault", str(vault.path), "--user", "admin",
                 "agency", "add", "TINHUY", "--name", "Tỉnh ủy"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "head.json" in err and "could not be written" in err
    with vault.open() as session:     # the agency was added: the warning is about the outside copy only
        assert session.conn.execute("SELECT 1 FROM agencies WHERE code = 'TINHUY'").fetchone()


# ---- verify and the uncovered tail --------------------------------------------------------------------------

def _tail(vault: VaultInfo, insider: Insider, n: int = 3) -> int:
    """Events written as the services write them (each judged, signed, head recorded), no checkpoint due."""
    w = insider.writer()
    for i in range(n):
        with w.transaction():
            w.append(K.ITEM_NOTE, "KT0000003VN", vault.signer("courier1"), {"text": f"Đuôi {i}."})
        assert w.last_checkpoint is None
    insider.write_head()
    return log_size(insider.conn)


def test_the_uncovered_tail_verifies_and_an_edited_tail_event_is_caught(vault: VaultInfo,
                                                                        make_insider: Callable[[], Insider]) -> None:
    insider = make_insider()
    newest = latest_checkpoint(insider.conn)
    end = _tail(vault, insider)
    assert newest is not None and newest.size < end
    with vault.open("audit1") as session:
        plain = audit.verify_vault(session)
        assert plain, plain.problems
        full = audit.verify_vault(session, full=True)
        assert full and full.size == end
    insider.edit_body(end - 1, {"data.text": "Sửa lại."})          # stored hashes follow; the signature cannot
    leaves = [bytes(r[0]) for r in insider.conn.execute("SELECT leaf_hash FROM events ORDER BY seq")]
    insider.conn.execute("UPDATE merkle_frontier SET state = ? WHERE id = 1",
                         (CompactRange.from_leaf_hashes(leaves).to_bytes(),))
    insider.write_head()                                           # and the head is re-MACed: an insider can
    insider.close()
    with vault.open("audit1") as session:
        report = audit.verify_vault(session, full=True)
    assert ("bad_signature", end - 1) in {(p.code, p.seq) for p in report.problems}


def test_a_head_beyond_the_log_or_off_it_is_reported_by_verify(vault: VaultInfo,
                                                              make_insider: Callable[[], Insider]) -> None:
    insider = make_insider()
    end = _tail(vault, insider)
    tree = load_frontier(insider.conn)
    key = head_key(insider.dek, insider.vault_id)
    report = verify_ledger(insider.conn, state_head=(end, tree.root()))
    assert report
    report = verify_ledger(insider.conn, state_head=(end - 1, tree.root()))
    assert ("not_extension", end - 1) in {(p.code, p.seq) for p in report.problems}
    report = verify_ledger(insider.conn, state_head=(end + 2, tree.root()))
    assert ("checkpoint_size_differs", end + 2) in {(p.code, p.seq) for p in report.problems}
    write_head(vault.paths, key, insider.vault_id, TreeHead(end, tree.root()))
    insider.close()


def test_a_removed_newest_checkpoint_row_is_noticed_against_the_state_file(
        vault: VaultInfo, make_insider: Callable[[], Insider]) -> None:
    """No later checkpoint names the newest one; the state file's copy does."""
    with vault.open() as session:
        cp = session.checkpoint()
    insider = make_insider()
    insider.conn.execute("DELETE FROM checkpoints WHERE size = ?", (cp.size,))
    insider.close()
    with vault.open("audit1") as session:
        report = audit.verify_vault(session, full=True)
    assert ("checkpoint_size_differs", cp.size) in {(p.code, p.seq) for p in report.problems}


# ---- what leaves the vault cites a signed checkpoint covering the log ----------------------------------------

def test_an_exported_checkpoint_covers_the_whole_log(vault: VaultInfo, tmp_path: Path) -> None:
    with vault.open() as session:
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        assert latest_checkpoint(session.conn).size < log_size(session.conn)   # type: ignore[union-attr]
        cp = audit.export_checkpoint(session, tmp_path / "cp.txt")
        assert cp.size == log_size(session.conn)
        assert session.authority.checkpoint_holds(cp)
        assert latest_checkpoint(session.conn).size == cp.size                 # type: ignore[union-attr]


def test_a_printed_receipt_cites_a_checkpoint_with_its_event(vault: VaultInfo, tmp_path: Path) -> None:
    from securemail.services import items

    with vault.open("clerk1") as session:
        tracking = items.accept_item(session, {
            "sender_agency": "SOYTE", "recipient_agency": "UBND01", "secrecy": "mat", "service": "thuong",
            "scope": "noi-tinh", "doc_ref": "9/CV", "envelopes": 1, "weight_grams": 100, "seal_numbers": "NP-1",
            "description": "Báo cáo", "sender_person": "Hoàng Minh Tuấn"})
        end = log_size(session.conn)
        assert latest_checkpoint(session.conn).size < end                      # type: ignore[union-attr]
        payload = reports.receipt(session, tracking, tmp_path / "r.pdf")
        st, _, _ = statements.parse(payload)
        assert st.checkpoint_size >= end
        assert latest_checkpoint(session.conn).size == st.checkpoint_size     # type: ignore[union-attr]
        assert statements.check_in_vault(session, payload)


def test_a_witness_covers_the_whole_log(vault: VaultInfo) -> None:
    with vault.open() as session:
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        end = log_size(session.conn)
    with vault.open("audit1") as session:
        witnessed = audit.witness_checkpoint(session)
        assert witnessed.size >= end


def test_a_rekey_authenticates_the_head_under_the_new_key(vault: VaultInfo) -> None:
    with vault.open() as session:
        old = head_key(session.current_dek(), session.vault_id)
        directory.rekey(session)
        new = head_key(session.current_dek(), session.vault_id)
        assert old != new
        assert read_head(vault.paths, [new], session.vault_id).status is HeadStatus.OK
        assert read_head(vault.paths, [old], session.vault_id).status is HeadStatus.FORGED   # the old key: no
    with vault.open("audit1") as session:
        assert audit.verify_vault(session, full=True)


# ---- the plain verify with a state-file checkpoint older than the verified record ---------------------------

def test_a_plain_verify_stays_incremental_when_the_state_checkpoint_lags(vault: VaultInfo) -> None:
    with vault.open() as session:
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")       # uncovered: state.json lags the log
        first = audit.verify_vault(session)
        assert first
        state_cp = parse_note(read_state(vault.paths)["checkpoint"])
        assert state_cp.size < first.size == read_state(vault.paths)["verified"]["size"]
        directory.add_agency(session, "HDND", name="Hội đồng nhân dân")
        plain = audit.verify_vault(session)
        assert plain, plain.problems
        assert plain.incremental_from == first.size and plain.events_checked < plain.size   # the new part only


def test_a_forked_older_state_checkpoint_is_still_caught_by_the_plain_verify(
        vault: VaultInfo, make_insider: Callable[[], Insider]) -> None:
    from securemail.custody.checkpoint import Checkpoint, office_signer_name

    with vault.open() as session:
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        first = audit.verify_vault(session)
        state_cp = parse_note(read_state(vault.paths)["checkpoint"])
        directory.add_agency(session, "HDND", name="Hội đồng nhân dân")
    insider = make_insider()                  # holds the office key: signs a checkpoint of another history
    forked = Checkpoint(state_cp.origin, state_cp.size, bytes(32), state_cp.time).signed_by(
        office_signer_name("GL01"), insider.office_key)
    insider.close()
    state = read_state(vault.paths)
    state["checkpoint"] = forked.note()
    write_state(vault.paths, state)
    with pytest.raises(RollbackError):          # opening already refuses it
        vault.open()
    with vault.open(allow_rollback=True) as session:
        report = audit.verify_vault(session)
    assert first.size > state_cp.size
    assert ("not_extension", state_cp.size) in {(p.code, p.seq) for p in report.problems}


def test_a_clerk_with_the_data_key_can_write_a_head_but_not_silence_the_warning(vault: VaultInfo) -> None:
    """The attack of ADR 0016: any user's slot gives the data key, so a clerk can MAC any head (here: the true
    one, after deleting state.json, as someone covering a put-back copy would). Opening accepts it, as it accepted
    a missing state.json before; verify still says that nothing signed is held outside."""
    from securemail.storage import connect
    from securemail.storage.keyslots import KeySlotFile, unlock_slot

    password = "mat-khau-dai-1"         # the custody template's password (conftest.PASSWORD)
    slots = KeySlotFile.load(vault.paths.keyslots)
    dek = bytes(unlock_slot(slots.vault_id, slots.slots["clerk1"], password).deks[0])
    conn = connect(vault.path, "clerk1", password)
    tree = load_frontier(conn)
    conn.close()
    vault.paths.state.unlink()
    write_head(vault.paths, head_key(dek, slots.vault_id), slots.vault_id, TreeHead(tree.size, tree.root()))
    with vault.open("audit1") as session:
        assert session.head_reading().status is HeadStatus.OK
        report = audit.verify_vault(session, full=True)
    assert report and "verify.warn_no_outside_checkpoint" in report.warnings
