"""The vault folder: database, key slots, the rollback state file and the failed-attempt counter.

    vault/               0o700
      vault.db           SQLCipher, raw 256-bit key (+ -wal, -shm)
      keyslots.json      one slot per user (securemail.storage.keyslots)
      state.json         newest signed checkpoint seen outside the database, last verified size (rollback defence)
      head.json          the log's newest tree head, MACed with a key of the data key (storage.head; ADR 0016)
      lockout.json       failed unlock attempts per user (unknown names only as keyed buckets; storage.lockout)
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from securemail.crypto.canonical import loads_bounded
from securemail.crypto.keywrap import PROFILES, UnwrapError, derive_kek, new_kdf_params
from securemail.errors import AuthenticationError, VaultError
from securemail.storage.database import Connection, DatabaseError, open_database, storage_failure
from securemail.storage.files import atomic_write, os_storage_error, remove_stale_temp_files
from securemail.storage.keyslots import KeySlotFile, Slot, Unlocked, commit_pending_dek
from securemail.storage.locking import locked
from securemail.storage.lockout import Counter, Lockout
from securemail.storage.paths import VaultPaths
from securemail.storage.schema import migrate, schema_version

# ---- state file (outside the database) ---------------------------------------------------------------------

MAX_STATE_FILE = 256 * 1024


def state_damage(paths: VaultPaths) -> str | None:
    """Why state.json cannot be used (for verify to report), or None when it is absent or readable."""
    try:
        with paths.state.open("rb") as f:
            raw = f.read(MAX_STATE_FILE + 1)
        if len(raw) > MAX_STATE_FILE:
            return "larger than a state file can be"
        doc = loads_bounded(raw.decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        return type(e).__name__
    return None if isinstance(doc, dict) else "not a JSON object"


def read_state(paths: VaultPaths) -> dict[str, Any]:
    """state.json as a dict; {} when absent or unreadable. A damaged file must not stop anyone from opening the
    vault (an edited file is no worse than a deleted one): verify reports it (state_damage) and the next write
    replaces it."""
    if state_damage(paths) is not None:
        return {}
    try:
        doc = json.loads(paths.state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # changed between the two reads
    return doc if isinstance(doc, dict) else {}


def write_state(paths: VaultPaths, state: dict[str, Any], *, durable_name: bool = True) -> None:
    """`durable_name=False` (after each write): a crash may leave the previous state file, whose older checkpoint
    is still valid; the write it followed is durable in the database either way (one fsync fewer per action)."""
    atomic_write(paths.state, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode(),
                 durable_name=durable_name)


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


# ---- failed attempts (securemail.storage.lockout) ---------------------------------------------------------

@contextmanager
def _exclusive(paths: VaultPaths, name: str) -> Iterator[None]:
    try:
        fd = os.open(paths.root / name, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:      # a read-only folder (write-protected stick), a full disk: named, not a crash
        raise os_storage_error(e, paths.root / name) from e
    try:
        with locked(fd):
            yield
    finally:
        os.close(fd)


@contextmanager
def lockout_for_update(paths: VaultPaths) -> Iterator[Lockout]:
    """lockout.json under its lock, saved when the block ends without error (the audit trail takes the failed
    unlocks it has signed out of it)."""
    with _exclusive(paths, _LOCKOUT_LOCK):
        book = Lockout.load(paths.lockout)
        yield book
        book.save(paths.lockout, KeySlotFile.load(paths.keyslots).slots)


Sleeper = Callable[[float], None]
_LOCKOUT_LOCK = ".lockout.lock"


def unlock(paths: VaultPaths, username: str, password: str, *, sleep: Sleeper = time.sleep,
           on_wait: Callable[[int, int], None] | None = None) -> tuple[KeySlotFile, Slot, Unlocked]:
    """Wait out this name's failed-attempt delay, then open `username`'s slot.

    The counter lock is held only to read and write lockout.json, never while waiting or deriving keys: one
    name's delay never holds up another user's login or co-signature. Each attempt is counted before its key
    derivation starts, so parallel guesses cannot race the counter. A wrong user name costs the same key
    derivation as a wrong password and gets the same answer."""
    if not paths.exists():
        raise VaultError("vault.missing", path=str(paths.root))
    waited_for: int | None = None
    while True:
        with _exclusive(paths, _LOCKOUT_LOCK):
            book = Lockout.load(paths.lockout)
            slots = KeySlotFile.load(paths.keyslots)
            counter = book.counter(username, username in slots.slots or username in slots.pending)
            attempts = book.get(counter)
            wait = attempts.remaining_wait(time.time())
            # After one full wait we go ahead unless someone else tried this name meanwhile (then wait again).
            if wait <= 0 or attempts.failures == waited_for:
                book.charge(counter, time.time())
                book.save(paths.lockout, slots.slots)
                break
            waited_for = attempts.failures
        if on_wait:
            on_wait(attempts.failures, int(wait + 0.999))
        sleep(wait)
    try:
        if username not in slots.slots and username not in slots.pending:
            burn_kdf_time(password, slots.kdf_profile)
            raise UnwrapError("no such slot")
        slot, unlocked = slots.open(username, password)
    except (UnwrapError, UnicodeError) as e:
        # Only a name with a key slot is written down: anything else may be a password typed in the wrong field.
        _settle(paths, counter, failed=True, user=username if counter.table == "users" else None)
        raise AuthenticationError("auth.failed") from e
    _settle(paths, counter, failed=False)
    return slots, slot, unlocked


def _settle(paths: VaultPaths, counter: Counter, *, failed: bool, user: str | None = None) -> None:
    with _exclusive(paths, _LOCKOUT_LOCK):
        book = Lockout.load(paths.lockout)
        if failed:
            book.failed(counter, time.time())
            book.log_failure(user, time.time())
        else:
            book.succeeded(counter)
        book.save(paths.lockout, KeySlotFile.load(paths.keyslots).slots)


def burn_kdf_time(password: str, profile: str) -> None:
    """Spend what a real slot would cost, so response time does not tell which user names exist."""
    with contextlib.suppress(UnwrapError, UnicodeError):
        derive_kek(password, new_kdf_params(profile if profile in PROFILES else "standard"))


def open_unlocked(paths: VaultPaths, slots: KeySlotFile, unlocked: Unlocked, *,
                  readonly: bool = False) -> tuple[Connection, bytearray]:
    """Open the database with the slot's data key; finish an interrupted rekey if the pending key fits. Temp files
    left by a killed write (atomic_write) are removed first."""
    if not readonly:
        remove_stale_temp_files(paths.root)
    last_error: Exception | None = None
    for index, dek in enumerate(unlocked.deks):
        try:
            conn = open_database(paths.db, dek, readonly=readonly)
        except DatabaseError as e:
            failure = storage_failure(e, paths.root)
            if failure is not None:
                raise failure from e      # the disk, not the key: trying the next key would call it damage
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

