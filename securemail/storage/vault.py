"""The vault folder: database, key slots, the rollback state file and the failed-attempt counter.

    vault/               0o700
      vault.db           SQLCipher, raw 256-bit key (+ -wal, -shm)
      keyslots.json      one slot per user (securemail.storage.keyslots)
      state.json         newest checkpoint seen outside the database, last verified size (rollback defence)
      lockout.json       consecutive failed unlock attempts and when the last one happened
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from securemail.crypto.keywrap import UnwrapError
from securemail.errors import AuthenticationError, VaultError
from securemail.storage.database import DB_NAME, Connection, DatabaseError, open_database
from securemail.storage.files import atomic_write
from securemail.storage.keyslots import KeySlotFile, Slot, Unlocked, commit_pending_dek, unlock_slot
from securemail.storage.schema import migrate


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / DB_NAME

    @property
    def keyslots(self) -> Path:
        return self.root / "keyslots.json"

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def lockout(self) -> Path:
        return self.root / "lockout.json"

    def exists(self) -> bool:
        return self.db.exists() and self.keyslots.exists()


# ---- state file (outside the database) ---------------------------------------------------------------------

def read_state(paths: VaultPaths) -> dict[str, Any]:
    try:
        doc = json.loads(paths.state.read_text(encoding="utf-8"))
        return doc if isinstance(doc, dict) else {}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise VaultError("vault.damaged", detail=f"state.json: {type(e).__name__}") from e


def write_state(paths: VaultPaths, state: dict[str, Any]) -> None:
    atomic_write(paths.state, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode())


# ---- key-slot updates -------------------------------------------------------------------------------------

@contextmanager
def slots_for_update(paths: VaultPaths) -> Iterator[KeySlotFile]:
    """Read-modify-write of keyslots.json under an exclusive lock, starting from what is on disk now (another
    session may have added a slot since we opened), saved atomically when the block ends without error."""
    lock_path = paths.root / ".keyslots.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        slots = KeySlotFile.load(paths.keyslots)
        yield slots
        slots.save(paths.keyslots)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# ---- failed attempts ---------------------------------------------------------------------------------------

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300


def lockout_delay(failures: int) -> int:
    """Seconds to wait before the next attempt after `failures` consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(2 ** (failures - FREE_ATTEMPTS + 1), MAX_DELAY_SECONDS))


@dataclass
class Lockout:
    failures: int = 0
    last_failure: float = 0.0

    @classmethod
    def load(cls, paths: VaultPaths) -> Lockout:
        try:
            doc = json.loads(paths.lockout.read_text(encoding="utf-8"))
            return cls(int(doc.get("failures", 0)), float(doc.get("last_failure", 0.0)))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError):
            # A damaged counter must not become a way around the delay: assume the worst seen so far.
            return cls(FREE_ATTEMPTS + 3, time.time())

    def save(self, paths: VaultPaths) -> None:
        atomic_write(paths.lockout, json.dumps({"failures": self.failures,
                                                "last_failure": self.last_failure}).encode())

    def remaining_wait(self, now: float) -> float:
        return max(0.0, self.last_failure + lockout_delay(self.failures) - now)


Sleeper = Callable[[float], None]


def unlock(paths: VaultPaths, username: str, password: str, *, sleep: Sleeper = time.sleep,
           on_wait: Callable[[int, int], None] | None = None) -> tuple[KeySlotFile, Slot, Unlocked]:
    """Check the failed-attempt delay, then open `username`'s slot. Wrong user and wrong password look alike."""
    if not paths.exists():
        raise VaultError("vault.missing", path=str(paths.root))
    lockout = Lockout.load(paths)
    wait = lockout.remaining_wait(time.time())
    if wait > 0:
        if on_wait:
            on_wait(lockout.failures, int(wait + 0.999))
        sleep(wait)
    slots = KeySlotFile.load(paths.keyslots)
    slot = slots.slots.get(username)
    try:
        if slot is None:
            raise UnwrapError("no such slot")
        unlocked = unlock_slot(slots.vault_id, slot, password)
    except UnwrapError as e:
        lockout.failures += 1
        lockout.last_failure = time.time()
        lockout.save(paths)
        raise AuthenticationError("auth.failed") from e
    if lockout.failures:
        Lockout().save(paths)
    return slots, slot, unlocked


def open_unlocked(paths: VaultPaths, slots: KeySlotFile, unlocked: Unlocked, *,
                  readonly: bool = False) -> tuple[Connection, bytearray]:
    """Open the database with the slot's data key; finish an interrupted rekey if the pending key fits."""
    last_error: Exception | None = None
    for index, dek in enumerate(unlocked.deks):
        try:
            conn = open_database(paths.db, dek, readonly=readonly)
        except DatabaseError as e:
            last_error = e
            continue
        if index > 0 and not readonly:
            # The database was rekeyed but the slot file still lists the old key first: finish the rekey.
            with slots_for_update(paths) as fresh:
                fresh.slots = {u: commit_pending_dek(s) for u, s in fresh.slots.items()}
            slots.slots = fresh.slots
        if not readonly:
            migrate(conn)
        return conn, dek
    raise VaultError("vault.damaged", detail=type(last_error).__name__ if last_error else "no key")


def unlock_connection(root: Path, username: str, password: str) -> Connection:
    paths = VaultPaths(root)
    slots, _slot, unlocked = unlock(paths, username, password)
    return open_unlocked(paths, slots, unlocked)[0]

