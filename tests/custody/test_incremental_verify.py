"""Plain verify after a signed verified record: only the new events are read, and anything it cannot decide alone
(or any problem) goes to the full run, whose report the user sees (issue 15, docs/adr/0008-scale-*.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from securemail.custody import kinds as K
from securemail.custody.ledger import log_size
from securemail.custody.verify import VerificationReport
from securemail.services import audit
from securemail.storage.vault import read_state, write_state

if TYPE_CHECKING:
    from conftest import Insider, VaultInfo


def found(report: VerificationReport) -> set[tuple[str, int | None]]:
    return {(p.code, p.seq) for p in report.problems}


def verified_then_more(vault: VaultInfo, notes: int = 3) -> tuple[int, int]:
    """A full verification by the auditor, then `notes` new events on two items; (verified size, size now)."""
    with vault.open("audit1") as s:
        assert audit.verify_vault(s, full=True)
        before = log_size(s.conn)
    with vault.open("admin") as s:
        with s.write() as ledger:
            for n in range(notes):
                tracking = "KT0000003VN" if n % 2 else "KT0000002VN"
                ledger.append(K.ITEM_NOTE, tracking, vault.signer("courier1" if n % 2 else "clerk1"),
                              {"text": f"ghi chú {n}"})
        after = log_size(s.conn)
    return before, after


def test_plain_verify_reads_only_the_new_events(vault: VaultInfo) -> None:
    before, after = verified_then_more(vault)
    with vault.open("audit1") as s:
        report = audit.verify_vault(s)
        full = audit.verify_vault(s, full=True)
    assert report, report.problems
    assert report.incremental_from == before
    assert report.events_checked == after - before
    assert "verify.note_incremental" in report.warnings and "verify.note_incremental" not in full.warnings
    # the notes, the vault and state file checkpoints, and the directory's key events (always re-checked)
    assert after - before + 2 < report.signatures_checked < full.signatures_checked
    assert (report.size, report.root) == (full.size, full.root) and full.events_checked == after
    record = read_state(vault.paths)["verified"]
    assert record["size"] == after and "frontier" in record and "directory" in record


def test_a_changed_new_event_is_reported_by_plain_verify(vault: VaultInfo, insider: Insider) -> None:
    before, after = verified_then_more(vault)
    insider.edit_body(after, {"data.text": "đã sửa"})
    insider.close()
    with vault.open("audit1") as s:
        report = audit.verify_vault(s)
    assert ("bad_signature", after) in found(report)
    assert report.incremental_from == before         # the full run skipped only the signatures verified before


def test_an_old_event_changed_under_a_new_link_is_reported(vault: VaultInfo, insider: Insider) -> None:
    """The new note on KT0000002VN links to its previous event: a changed old body breaks that link."""
    before, _ = verified_then_more(vault, notes=1)
    old = vault.seqs["deliver2"]
    insider.edit_body(old, {"data.agency": "SOYTE"})
    insider.close()
    with vault.open("audit1") as s:
        report = audit.verify_vault(s)
    assert ("bad_signature", old) in found(report) and ("broken_chain", before + 1) in found(report)


def test_a_rewritten_directory_is_not_trusted_as_verified(vault: VaultInfo,
                                                         make_insider: Callable[[], Insider]) -> None:
    verified_then_more(vault)
    record = read_state(vault.paths)["verified"]
    insider = make_insider()
    enrol = vault.seqs["enrol_courier1"]
    insider.edit_body(enrol, {"data.full_name": "Người khác"})
    insider.close()
    state = read_state(vault.paths)
    state["verified"] = record
    write_state(vault.paths, state)
    with vault.open("audit1") as s:
        report = audit.verify_vault(s)
    assert ("bad_signature", enrol) in found(report)


def test_an_older_record_without_the_compact_range_reads_the_whole_log(vault: VaultInfo) -> None:
    _, after = verified_then_more(vault)
    with vault.open("audit1") as s:
        assert audit.verify_vault(s)
    state = read_state(vault.paths)
    del state["verified"]["frontier"]
    write_state(vault.paths, state)
    with vault.open("audit1") as s:
        report = audit.verify_vault(s)
    assert report and report.events_checked == after and report.incremental_from == after


def test_opening_with_a_lagging_state_file_extends_the_remembered_checkpoint(vault: VaultInfo,
                                                                            insider: Insider) -> None:
    """The state file remembers an older checkpoint than the log's end: opening checks the log still extends it
    (from a kept compact range and the leaves after it), and refuses a log whose first part changed."""
    from securemail.errors import RollbackError

    older = read_state(vault.paths)
    verified_then_more(vault)
    seen = int(older["checkpoint"].splitlines()[1])
    write_state(vault.paths, older)                       # e.g. the state write after the notes was lost
    with vault.open("audit1") as s:
        assert log_size(s.conn) > seen
    leaf = insider.conn.execute("SELECT leaf_hash FROM events WHERE seq = ?", (seen,)).fetchone()[0]
    insider.conn.execute("UPDATE events SET leaf_hash = ? WHERE seq = ?", (bytes(32), seen))
    with pytest.raises(RollbackError) as err:
        vault.open("audit1")
    assert err.value.key == "vault.rollback_fork"
    insider.conn.execute("UPDATE events SET leaf_hash = ? WHERE seq = ?", (leaf, seen))
    insider.close()
    with vault.open("audit1") as s:
        assert not s.readonly
