"""A file-level attacker without the key: puts back an older vault.db, or older pages of it.

SQLCipher cannot notice either (a page's HMAC proves it authentic, not current: security.md section 1). What
notices is the checkpoint held outside the database (state.json, exported files) and verification.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from securemail.custody import kinds as K
from securemail.custody.ledger import latest_checkpoint
from securemail.custody.verify import VerificationReport
from securemail.errors import RollbackError, SecureMailError, VaultError
from securemail.services import directory
from securemail.services.audit import export_checkpoint, verify_vault
from securemail.storage.database import DatabaseError
from securemail.storage.vault import read_state, write_state

if TYPE_CHECKING:
    from conftest import VaultInfo

PAGE = 4096


def found(report: VerificationReport) -> set[tuple[str, int | None]]:
    return {(p.code, p.seq) for p in report.problems}


def checkpoint_wal(vault: VaultInfo) -> None:
    """Move everything into vault.db and close (the WAL is truncated, -wal/-shm removed on last close)."""
    with vault.open() as session:
        session.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def remove_wal(vault: VaultInfo) -> None:
    for suffix in ("-wal", "-shm"):
        vault.paths.db.with_name(vault.paths.db.name + suffix).unlink(missing_ok=True)


def write_more(vault: VaultInfo) -> None:
    with vault.open() as session:
        directory.add_agency(session, "TINHUY", name="Tỉnh ủy")
        with session.write() as ledger:
            ledger.append(K.ITEM_NOTE, "KT0000003VN", vault.signer("courier1"), {"text": "Đã đến bưu cục."})
        directory.add_agency(session, "HDND", name="Hội đồng nhân dân")
        session.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# ---- (i) an older copy of the whole file ------------------------------------------------------------------------

def test_i_restored_older_vault_db_is_refused(vault: VaultInfo, tmp_path: Path) -> None:
    checkpoint_wal(vault)
    old = tmp_path / "vault.db.old"
    shutil.copy2(vault.paths.db, old)
    write_more(vault)
    seen = vault.state_checkpoint()
    shutil.copy2(old, vault.paths.db)
    remove_wal(vault)

    with pytest.raises(RollbackError) as err:
        vault.open()
    assert err.value.key == "vault.rollback_shorter"

    with vault.open(allow_rollback=True) as session:
        assert session.readonly
        report = verify_vault(session)
        with pytest.raises(VaultError):
            directory.add_agency(session, "X1", name="Không được ghi")
    assert found(report) == {("checkpoint_size_differs", seen.size)}
    assert "state file checkpoint" in report.problems[0].detail
    assert "verified" not in read_state(vault.paths)


def test_i_restored_db_and_state_file_together_need_an_exported_checkpoint(vault: VaultInfo,
                                                                           tmp_path: Path) -> None:
    # The attacker also puts back the matching state.json and head.json: only a checkpoint kept elsewhere can tell.
    checkpoint_wal(vault)
    old_db, old_state = tmp_path / "vault.db.old", read_state(vault.paths)
    old_head = vault.paths.head.read_bytes()
    shutil.copy2(vault.paths.db, old_db)
    write_more(vault)
    exported = tmp_path / "on-the-auditors-usb-stick.txt"
    with vault.open() as session:
        cp = export_checkpoint(session, exported)
    shutil.copy2(old_db, vault.paths.db)
    remove_wal(vault)
    write_state(vault.paths, old_state)
    with pytest.raises(RollbackError) as err:           # the newer tree head alone still refuses it
        vault.open()
    assert err.value.key == "vault.rollback_shorter"
    vault.paths.head.write_bytes(old_head)

    with vault.open() as session:                       # opens: nothing in the folder remembers the newer log
        assert verify_vault(session, full=True)
        report = verify_vault(session, checkpoint_files=[exported])
    assert found(report) == {("checkpoint_size_differs", cp.size)}
    assert "checkpoint file #1" in report.problems[0].detail


# ---- (j) older single pages put back at the same offsets ------------------------------------------------------------

def logical_dump(vault: VaultInfo) -> dict[str, list[tuple[object, ...]]]:
    with vault.open() as session:
        return _dump(session.conn)


def _dump(conn: object) -> dict[str, list[tuple[object, ...]]]:
    names = [r[0] for r in conn.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall()  # type: ignore[attr-defined]
            for n in names}


def detect(vault: VaultInfo, reference: dict[str, list[tuple[object, ...]]]) -> str:
    """How (whether) a damaged vault is noticed: refused at open, or reported by verification."""
    try:
        session = vault.open()
    except (SecureMailError, DatabaseError) as e:
        return f"refused at open: {type(e).__name__} {getattr(e, 'key', e)}"
    with session:
        try:
            report = verify_vault(session, full=True)
        except DatabaseError as e:
            return f"verification failed: {e}"
        if not report:
            return "verify: " + ", ".join(sorted({f"{p.code}@{p.seq}" for p in report.problems}))
        return "no live data changed" if _dump(session.conn) == reference else "UNDETECTED"


def test_j_replayed_pages_are_noticed(vault: VaultInfo, tmp_path: Path) -> None:
    checkpoint_wal(vault)
    old = vault.paths.db.read_bytes()
    write_more(vault)
    new = vault.paths.db.read_bytes()
    reference = logical_dump(vault)
    with vault.open() as session:
        roots = {int(r[1]): str(r[0]) for r in session.conn.execute("SELECT name, rootpage FROM sqlite_master")}
    remove_wal(vault)
    assert len(old) % PAGE == 0 and len(new) >= len(old)
    differing = [i for i in range(len(old) // PAGE) if old[i * PAGE:(i + 1) * PAGE] != new[i * PAGE:(i + 1) * PAGE]]
    assert len(differing) >= 3

    outcomes: dict[str, str] = {}
    for pages in [[i] for i in differing] + [differing]:
        damaged = bytearray(new)
        for i in pages:
            damaged[i * PAGE:(i + 1) * PAGE] = old[i * PAGE:(i + 1) * PAGE]
        vault.paths.db.write_bytes(bytes(damaged))
        remove_wal(vault)
        label = ",".join(f"{i + 1} ({roots.get(i + 1, 'header' if i == 0 else 'non-root')})" for i in pages)
        outcomes[label] = detect(vault, reference)
    print("\n".join(f"page(s) {k}: {v}" for k, v in outcomes.items()))

    # What catches it, depending on the page:
    # - events table pages: newer events vanish -> the log is shorter than state.json's checkpoint, so opening is
    #   refused (RollbackError), or chains / Merkle roots no longer match (verify);
    # - projection pages (users, agencies, items...): projection_differs against the replayed ledger;
    # - merkle_frontier / checkpoints pages: stored_hash_differs (frontier) or checkpoint_size_differs (the newest
    #   write's checkpoint is gone);
    # - index pages and b-tree structure (page 1 header, interior pages): PRAGMA integrity_check
    #   (stored_hash_differs) or "database disk image is malformed" at open.
    # Some pages differ only in their ciphertext (SQLCipher re-encrypts a page with a fresh IV whenever it is
    # written, e.g. an index page whose entries did not change), and free pages hold no live data: putting such
    # a page back changes nothing anybody reads, which is what "no live data changed" checks.
    assert not [k for k, v in outcomes.items() if v == "UNDETECTED"], outcomes
    assert list(outcomes.values())[-1] != "no live data changed"      # all pages at once


def test_j_vault_is_intact_after_the_page_tests_restore(vault: VaultInfo) -> None:
    # Sanity check of the harness: an untouched copy opens and verifies clean, and its newest checkpoint is
    # the one state.json remembers.
    with vault.open() as session:
        assert verify_vault(session, full=True)
        assert latest_checkpoint(session.conn) == vault.state_checkpoint()
