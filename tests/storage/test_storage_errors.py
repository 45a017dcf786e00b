"""A full disk, a read-only folder and an I/O error are named as such, never as a damaged vault (issue 14, item 5).
Runs anywhere (no root, no tmpfs): SQLite's max_page_count makes the database "full"; the OS errors are built.
tests/faults/test_disk_faults.py does the same on a real full tmpfs."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
import sqlcipher3

from securemail.errors import StorageError
from securemail.services import items
from securemail.services.audit import verify_vault
from securemail.storage.database import storage_failure
from securemail.storage.files import os_storage_error


def test_a_full_database_is_reported_as_a_full_disk_and_nothing_is_written(vault, kit):
    s = vault.open("clerk1")
    before = s.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
    s.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageError) as refused:
        # the ledger used to hide SQLite's own rollback behind "cannot rollback - no transaction is active"
        for n in range(200):
            items.accept_item(s, {**kit.BASE_ITEM, "description": "x" * 1500, "doc_ref": f"{n}/CV"})
    assert refused.value.key == "storage.disk_full"
    assert "đã đầy" in refused.value.message("vi") and "full" in refused.value.message("en")
    s.conn.execute("PRAGMA max_page_count = 1073741823")
    auditor = vault.open("auditor1")
    assert verify_vault(auditor, full=True).problems == []
    accepted = auditor.conn.execute("SELECT count(*) FROM events").fetchone()[0] - before
    assert accepted == auditor.conn.execute("SELECT count(*) FROM items").fetchone()[0]   # whole items only


@pytest.mark.parametrize(("text", "key"), [
    ("database or disk is full", "storage.disk_full"),
    ("attempt to write a readonly database", "storage.read_only"),
    ("unable to open database file", "storage.read_only"),
])
def test_errors_without_a_result_code_are_named_from_sqlites_text(text, key, tmp_path):
    # Connection.backup() raises without sqlite_errorcode
    failure = storage_failure(sqlcipher3.dbapi2.OperationalError(text), tmp_path)
    assert failure is not None and failure.key == key


def test_damage_is_not_taken_for_the_disk(tmp_path):
    assert storage_failure(sqlcipher3.dbapi2.DatabaseError("file is not a database"), tmp_path) is None


@pytest.mark.parametrize(("code", "key"), [(errno.ENOSPC, "storage.disk_full"), (errno.EROFS, "storage.read_only"),
                                           (errno.EACCES, "storage.read_only"), (errno.EIO, "storage.io_error"),
                                           (errno.ENAMETOOLONG, "storage.write_failed")])
def test_os_errors_are_named(code, key):
    e = os_storage_error(OSError(code, "x"), Path("/somewhere/vault/lockout.json"))
    assert e.key == key and "/somewhere/vault" in e.message("vi")


def test_a_read_only_vault_folder_is_named_at_unlock(vault, kit, monkeypatch):
    """Root ignores folder permissions, so the read-only filesystem is simulated where the lock file is created
    (tests/faults/test_disk_faults.py mounts a real read-only tmpfs)."""
    from securemail.storage import vault as vault_mod

    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".lockout.lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(vault_mod.os, "open", read_only)
    with pytest.raises(StorageError) as refused:
        vault.open("clerk1")
    assert refused.value.key == "storage.read_only" and "chỉ cho phép đọc" in refused.value.message("vi")


def test_a_rekey_without_room_for_the_rewritten_pages_is_refused_before_anything_changes(vault, monkeypatch):
    """make faults found a rekey on a nearly full disk ending in "database table is locked"."""
    import shutil as shutil_mod
    from collections import namedtuple

    from securemail.services import directory

    s = vault.open("admin")
    slots_before = (vault.path / "keyslots.json").read_bytes()
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil_mod, "disk_usage", lambda _p: usage(1 << 30, (1 << 30) - 65536, 65536))
    with pytest.raises(StorageError) as refused:
        directory.rekey(s)
    assert refused.value.key == "storage.disk_full"
    assert (vault.path / "keyslots.json").read_bytes() == slots_before
    monkeypatch.undo()
    assert verify_vault(vault.open("auditor1"), full=True).problems == []


def test_a_revocation_without_room_for_its_rekey_is_refused_whole(vault, monkeypatch):
    """make faults found a revocation committed and its rekey refused on a nearly full disk."""
    import shutil as shutil_mod
    from collections import namedtuple

    from securemail.custody import kinds as K
    from securemail.services import directory

    s = vault.open("admin")
    before = s.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil_mod, "disk_usage", lambda _p: usage(1 << 30, (1 << 30) - 65536, 65536))
    with pytest.raises(StorageError):
        directory.revoke_user(s, "courier2")
    monkeypatch.undo()
    assert s.conn.execute("SELECT count(*) FROM events").fetchone()[0] == before
    assert s.conn.execute("SELECT count(*) FROM events WHERE kind = ?", (K.USER_REVOKED,)).fetchone()[0] == 0
    assert vault.open("courier2") is not None
