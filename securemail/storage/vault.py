"""The vault folder: database, key slots, the rollback state file and the failed-attempt counter.

    vault/               0o700
      vault.db           SQLCipher, raw 256-bit key (+ -wal, -shm)
      keyslots.json      one slot per user (securemail.storage.keyslots)
      state.json         newest checkpoint seen outside the database, last verified size (rollback defence)
      lockout.json       consecutive failed unlock attempts and when the last one happened
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from securemail.crypto.keywrap import PROFILES, UnwrapError, derive_kek, new_kdf_params
from securemail.errors import AuthenticationError, VaultError
from securemail.storage.database import DB_NAME, Connection, DatabaseError, open_database
from securemail.storage.files import atomic_write
from securemail.storage.keyslots import KeySlotFile, Slot, Unlocked, commit_pending_dek
from securemail.storage.locking import locked
from securemail.storage.schema import migrate, schema_version


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
def slots_locked(paths: VaultPaths) -> Iterator[KeySlotFile]:
    """keyslots.json as it is on disk now, with the key-slot lock held for the whole block: nobody else changes
    slots (or rekeys, which holds this lock throughout) meanwhile. Saving is the caller's business."""
    with _exclusive(paths, ".keyslots.lock"):
        yield KeySlotFile.load(paths.keyslots)


@contextmanager
def slots_for_update(paths: VaultPaths) -> Iterator[KeySlotFile]:
    """Read-modify-write of keyslots.json under the lock, starting from what is on disk now (another session may
    have added a slot since we opened), saved atomically when the block ends without error."""
    with slots_locked(paths) as slots:
        yield slots
        slots.save(paths.keyslots)


# ---- failed attempts ---------------------------------------------------------------------------------------

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300
_MAX_COUNTED = 1000


def lockout_delay(failures: int) -> int:
    """Seconds to wait before the next attempt after `failures` consecutive failures (capped)."""
    if failures < FREE_ATTEMPTS:
        return 0
    exponent = min(failures - FREE_ATTEMPTS + 1, 16)  # bound the power before min(): no huge integers
    return int(min(2**exponent, MAX_DELAY_SECONDS))


@dataclass
class Attempts:
    failures: int = 0
    last_failure: float = 0.0

    def remaining_wait(self, now: float) -> float:
        # Never more than the cap, whatever the file says (a clock moved back, a hand-edited counter).
        return min(max(0.0, self.last_failure + lockout_delay(self.failures) - now), float(MAX_DELAY_SECONDS))


class Lockout:
    """Consecutive failed unlocks per user name (co-signers included), kept in lockout.json beside the vault.

    A damaged or odd file must not become a way around the delay: anything unreadable counts as the worst."""

    def __init__(self, users: dict[str, Attempts] | None = None) -> None:
        self.users = users or {}

    @classmethod
    def load(cls, paths: VaultPaths) -> Lockout:
        try:
            doc = json.loads(paths.lockout.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls.worst()
        if not isinstance(doc, dict) or not isinstance(doc.get("users", {}), dict):
            return cls.worst()
        users: dict[str, Attempts] = {}
        for name, entry in doc.get("users", {}).items():
            try:
                failures = int(entry["failures"])
                last = float(entry["last_failure"])
            except (KeyError, TypeError, ValueError, OverflowError):
                return cls.worst()
            if failures < 0 or math.isnan(last) or math.isinf(last):
                return cls.worst()
            users[str(name)] = Attempts(min(failures, _MAX_COUNTED), last)
        return cls(users)

    @classmethod
    def worst(cls) -> Lockout:
        return cls({"*": Attempts(FREE_ATTEMPTS + 3, time.time())})

    def get(self, username: str) -> Attempts:
        damaged = self.users.get("*")
        return damaged or self.users.get(username, Attempts())

    def save(self, paths: VaultPaths) -> None:
        doc = {"users": {u: {"failures": a.failures, "last_failure": a.last_failure}
                         for u, a in sorted(self.users.items()) if a.failures}}
        atomic_write(paths.lockout, json.dumps(doc).encode())


@contextmanager
def _exclusive(paths: VaultPaths, name: str) -> Iterator[None]:
    fd = os.open(paths.root / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with locked(fd):
            yield
    finally:
        os.close(fd)


Sleeper = Callable[[float], None]


def unlock(paths: VaultPaths, username: str, password: str, *, sleep: Sleeper = time.sleep,
           on_wait: Callable[[int, int], None] | None = None) -> tuple[KeySlotFile, Slot, Unlocked]:
    """Wait out the user's failed-attempt delay, then open `username`'s slot.

    Attempts on one vault are serialised under a lock, so parallel guesses cannot race the counter. A wrong user
    name costs the same key derivation as a wrong password and gets the same answer."""
    if not paths.exists():
        raise VaultError("vault.missing", path=str(paths.root))
    with _exclusive(paths, ".lockout.lock"):
        lockout = Lockout.load(paths)
        attempts = lockout.get(username)
        wait = attempts.remaining_wait(time.time())
        if wait > 0:
            if on_wait:
                on_wait(attempts.failures, int(wait + 0.999))
            sleep(wait)
        slots = KeySlotFile.load(paths.keyslots)
        try:
            if username not in slots.slots and username not in slots.pending:
                burn_kdf_time(password, slots.kdf_profile)
                raise UnwrapError("no such slot")
            slot, unlocked = slots.open(username, password)
        except (UnwrapError, UnicodeError) as e:
            lockout.users.pop("*", None)
            lockout.users[username] = Attempts(min(attempts.failures + 1, _MAX_COUNTED), time.time())
            lockout.save(paths)
            raise AuthenticationError("auth.failed") from e
        if username in lockout.users or "*" in lockout.users:
            lockout.users.pop(username, None)
            lockout.users.pop("*", None)
            lockout.save(paths)
        return slots, slot, unlocked


def burn_kdf_time(password: str, profile: str) -> None:
    """Spend what a real slot would cost, so response time does not tell which user names exist."""
    with contextlib.suppress(UnwrapError, UnicodeError):
        derive_kek(password, new_kdf_params(profile if profile in PROFILES else "standard"))


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
                fresh.pending = {u: commit_pending_dek(s) for u, s in fresh.pending.items()}
            slots.slots = fresh.slots
        if schema_version(conn) == 0:
            # An emptied or replaced file opens with any key as an empty database: never "repair" it by
            # building a fresh schema over the evidence.
            conn.close()
            raise VaultError("vault.damaged", detail="vault.db is empty")
        if not readonly:
            migrate(conn)
        return conn, dek
    raise VaultError("vault.damaged", detail=type(last_error).__name__ if last_error else "no key")


def unlock_connection(root: Path, username: str, password: str) -> Connection:
    paths = VaultPaths(root)
    slots, _slot, unlocked = unlock(paths, username, password)
    return open_unlocked(paths, slots, unlocked)[0]

