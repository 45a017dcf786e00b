"""Backups are encrypted, consistent snapshots that the same users open again after a restore."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from securemail.errors import BadInputError, PermissionDeniedError, VaultError
from securemail.services import items
from securemail.services.audit import verify_vault
from securemail.services.backup import backup_vault, restore_vault
from securemail.services.session import open_session

MARKER = "Dấu-hiệu-sao-lưu-ZQX"


def test_backup_then_restore_opens_with_the_same_passwords(vault, kit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    t = vault.accept(clerk, description=MARKER)
    admin = vault.open("admin")
    info = backup_vault(admin, tmp_path / "bk")
    assert info.size > 0
    for f in (tmp_path / "bk").iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert MARKER.encode() not in f.read_bytes()
    assert stat.S_IMODE((tmp_path / "bk").stat().st_mode) == 0o700
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(tmp_path / "bk" / "vault.db").execute("SELECT * FROM sqlite_master").fetchall()
    # later writes to the original are not in the backup
    vault.accept(clerk)
    restored = restore_vault(tmp_path / "bk", tmp_path / "restored")
    with open_session(restored.folder, "clerk1", kit.PASSWORDS["clerk1"], clock=vault.clock) as s:
        rows = items.search_items(s)
        assert [r.tracking for r in rows] == [t]
        assert items.item_row(s, t).description == MARKER
        assert verify_vault(s, full=True)


def test_backup_refusals(vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = vault.open("admin")
    with pytest.raises(BadInputError):
        backup_vault(admin, vault.path / "inside")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(VaultError):  # an existing, non-empty folder is never written into
        backup_vault(admin, tmp_path / "full")
    (tmp_path / "empty").mkdir()
    assert backup_vault(admin, tmp_path / "empty").size > 0  # an empty one is fine
    with pytest.raises(PermissionDeniedError):
        backup_vault(vault.open("clerk1"), tmp_path / "bk")
    with pytest.raises(BadInputError):
        restore_vault(tmp_path / "full", tmp_path / "new")
