"""Backups: an encrypted, consistent copy of the vault folder, and putting one back in a new place.

A backup folder holds the same files as a vault: vault.db (a snapshot made with SQLite's online backup into a
database keyed with the same data key, so it is never in clear text), keyslots.json (the same slots: the same people
open it with the same passwords), state.json (the checkpoint the snapshot ends at) and backup.json (what it is).
Restoring copies them into a folder that does not exist yet; the rollback defence of the original vault is not
touched, so putting an old backup back in place of a newer vault is still noticed (docs/user-guide, Recovery).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from securemail.clock import iso
from securemail.crypto.canonical import loads_bounded
from securemail.custody.ledger import latest_checkpoint, log_size
from securemail.errors import BadInputError, VaultError
from securemail.services.audit_trail import record_backup
from securemail.services.permissions import Permission
from securemail.services.session import Session
from securemail.storage.database import DatabaseError, open_database, storage_failure
from securemail.storage.files import (
    atomic_write,
    check_output_path,
    ensure_private_dir,
    os_storage_error,
    read_input_file,
)
from securemail.storage.paths import VaultPaths
from securemail.storage.vault import slots_locked, write_state

MANIFEST = "backup.json"


@dataclass(frozen=True)
class BackupInfo:
    folder: Path
    vault_id: str
    size: int
    made_at: str


def _empty_target(folder: Path, vault: Path | None) -> Path:
    """A new folder, or an existing empty one, outside the vault."""
    if folder.is_dir() and not folder.is_symlink():
        if any(folder.iterdir()):
            raise VaultError("vault.exists", path=str(folder))
        check_output_path(folder / "backup.json", vault)
        return folder.resolve()
    return check_output_path(folder, vault)


def backup_vault(session: Session, folder: Path) -> BackupInfo:
    """Write a consistent encrypted snapshot of the open vault into `folder` (new or empty, outside the vault).

    Built in a hidden sibling folder and renamed into place, with the key-slot lock held from the snapshot to the
    copy of the slots: a rekey cannot slip in between, and a crash leaves nothing half-made."""
    session.require(Permission.BACKUP)
    target = _empty_target(folder, session.paths.root)
    build = target.parent / f".{target.name}.backup-{secrets.token_hex(4)}"
    try:
        ensure_private_dir(build)
        dest = VaultPaths(build)
        session.checkpoint()      # the copy ends at a signed checkpoint (its state file keeps it)
        with slots_locked(session.paths) as slots:
            snapshot = open_database(dest.db, session.current_dek(), create=True)
            try:
                session.conn.backup(snapshot)
                size = log_size(snapshot)
                cp = latest_checkpoint(snapshot)
            finally:
                snapshot.close()
            slots.save(dest.keyslots)
        if cp is not None:
            write_state(dest, {"checkpoint": cp.note()})
        info = BackupInfo(target, session.vault_id, size, iso(session.clock.now()))
        atomic_write(build / MANIFEST, (json.dumps({
            "format": "securemail-backup-v1", "vault_id": info.vault_id, "office_code": session.office_code,
            "events": size, "made_at": info.made_at, "made_by": session.user.username}, indent=1) + "\n").encode())
        _move_into_place(build, target)
    except BaseException as e:
        shutil.rmtree(build, ignore_errors=True)
        _raise_as_storage_error(e, target)
        raise
    record_backup(session, target, size)
    return info


def _raise_as_storage_error(e: BaseException, target: Path) -> None:
    """A full disk or a read-only folder where the copy goes, named as such (the caller re-raises anything else)."""
    if isinstance(e, DatabaseError):
        failure = storage_failure(e, target.parent)
        if failure is not None:
            raise failure from e
    elif isinstance(e, OSError):
        raise os_storage_error(e, target) from e


def _move_into_place(build: Path, target: Path) -> None:
    if target.exists():
        target.rmdir()  # empty (checked before); rename needs the name free
    os.replace(build, target)


def restore_vault(backup: Path, vault: Path) -> BackupInfo:
    """Copy a backup folder into a new vault folder. Nothing is decrypted; the same users open it as before."""
    src = VaultPaths(backup)
    try:
        meta = loads_bounded(read_input_file(backup / MANIFEST, max_size=64 * 1024, field="backup"))
        if meta.get("format") != "securemail-backup-v1" or not src.exists():
            raise ValueError("not a backup")
    except (OSError, ValueError, AttributeError, BadInputError) as e:
        raise BadInputError("backup.not_a_backup", field="backup", path=str(backup)) from e
    if vault.exists() and (not vault.is_dir() or any(vault.iterdir())):
        raise VaultError("vault.exists", path=str(vault))
    build = vault.parent / f".{vault.name}.restore-{secrets.token_hex(4)}"
    try:
        ensure_private_dir(build)
        dest = VaultPaths(build)
        for source, target in ((src.db, dest.db), (src.keyslots, dest.keyslots), (src.state, dest.state)):
            if source.exists():
                atomic_write(target, source.read_bytes())
        _move_into_place(build, vault)
    except BaseException as e:
        shutil.rmtree(build, ignore_errors=True)
        _raise_as_storage_error(e, vault)
        raise
    return BackupInfo(vault, str(meta.get("vault_id", "")), int(meta.get("events", 0)), str(meta.get("made_at", "")))


__all__ = ["BackupInfo", "backup_vault", "restore_vault"]
