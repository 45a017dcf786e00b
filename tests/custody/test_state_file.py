"""state.json: its signature is checked before its size is trusted; a garbage file still lets verify run and
report it (issue 9, item 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from securemail.custody.checkpoint import Checkpoint, office_signer_name, parse_note
from securemail.custody.ledger import latest_checkpoint
from securemail.errors import RollbackError
from securemail.services import directory
from securemail.services.audit import verify_vault
from securemail.storage.vault import read_state, write_state

if TYPE_CHECKING:
    from conftest import VaultInfo


def _edit_size(vault: VaultInfo, size: int) -> None:
    state = read_state(vault.paths)
    lines = state["checkpoint"].split("\n")
    lines[1] = str(size)
    state["checkpoint"] = "\n".join(lines)
    write_state(vault.paths, state)


def test_an_edited_size_does_not_brick_opening(vault: VaultInfo) -> None:
    _edit_size(vault, 10**12)
    with vault.open() as session:        # no RollbackError: the edited note no longer carries a valid signature
        report = verify_vault(session, full=True)
        assert not report
        assert "bad_checkpoint_signature" in {p.code for p in report.problems}
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
    # the next signed checkpoint (here: the one closing the session that wrote) replaces the edited note
    with vault.open() as session:
        real = latest_checkpoint(session.conn)
        assert real is not None and real.size == int(session.conn.execute("SELECT max(seq) FROM events").fetchone()[0])
        assert parse_note(read_state(vault.paths)["checkpoint"]).size == real.size
        assert verify_vault(session, full=True)


def test_a_signed_larger_checkpoint_still_refuses_a_shorter_log(vault: VaultInfo) -> None:
    """What a restored older vault.db looks like to the state file: a validly signed note larger than the log."""
    with vault.open() as session:
        cp = latest_checkpoint(session.conn)
        assert cp is not None
        assert session.office_signing_key is not None       # an administrator's session holds the office key
        bigger = Checkpoint(cp.origin, cp.size + 5, cp.root, cp.time).signed_by(
            office_signer_name(session.office_code), session.office_signing_key)
    write_state(vault.paths, {"checkpoint": bigger.note()})
    with pytest.raises(RollbackError):
        vault.open()


def test_a_larger_checkpoint_by_a_person_the_older_log_never_knew_still_refuses_it(vault: VaultInfo) -> None:
    """A restored vault.db older than a clerk's enrolment: the certificate chain stored beside the state file's
    checkpoint (office certificate of that clerk's key) still proves it, so the older copy is refused."""
    with vault.open() as session:
        session.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        old_db = vault.paths.db.read_bytes()
        vault.enrol(session, "clerk9")
    with vault.open("clerk9") as session, session.write() as ledger:
        ledger.append("item.note", "KT0000003VN", vault.signer("clerk9"), {"text": "Ghi thêm."})
    state = read_state(vault.paths)
    assert state["checkpoint_signer"]["u"] == "clerk9"
    assert "securemail/GL01/user/clerk9" in state["checkpoint"]
    for extra in ("-wal", "-shm"):
        vault.paths.db.with_name(vault.paths.db.name + extra).unlink(missing_ok=True)
    vault.paths.db.write_bytes(old_db)
    with pytest.raises(RollbackError):
        vault.open()


@pytest.mark.parametrize("garbage", [b"{not json", b"[1, 2]", b"\xff\xfe", b"[" * 100_000,
                                     b'{"checkpoint": "not a note"}'])
def test_garbage_state_file_is_reported_by_verify(vault: VaultInfo, garbage: bytes) -> None:
    vault.paths.state.write_bytes(garbage)
    with vault.open() as session:
        report = verify_vault(session, full=True)
    assert not report
    problems = [p for p in report.problems if p.code == "state_file_unreadable"]
    assert len(problems) == 1 and problems[0].item == "state.json"
    assert "state.json" in problems[0].message("vi") and "state.json" in problems[0].message("en")
