"""The SQLCipher connection: raw 256-bit key, settings from security.md, schema migration on open."""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3

from securemail.errors import StorageError, VaultError

Connection = Any  # sqlcipher3.dbapi2.Connection has no type stubs
DbRow = Any  # nor its rows (tuples of the selected columns): read models unpack them (services.queries)
DatabaseError = sqlcipher3.dbapi2.DatabaseError



# SQLite primary result codes that mean "the disk, not the vault": a full disk, a read-only file or folder, an
# I/O error, a file that cannot be opened (a folder we may not write in cannot hold the -wal / -shm files).
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 3, 8, 10, 13, 14


_MESSAGES = {"database or disk is full": _SQLITE_FULL, "disk I/O error": _SQLITE_IOERR,
             "attempt to write a readonly database": _SQLITE_READONLY,
             "unable to open database file": _SQLITE_CANTOPEN}


def _primary_code(e: BaseException) -> int:
    code = getattr(e, "sqlite_errorcode", None)
    # Connection.backup() raises without the code: SQLite's fixed English texts for the same codes.
    return code & 0xFF if isinstance(code, int) else _MESSAGES.get(str(e), 0)


def is_disk_failure(e: BaseException) -> bool:
    """A database error caused by the disk (full, read-only, I/O), which storage_failure names for the user."""
    return _primary_code(e) in (_SQLITE_FULL, _SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN, _SQLITE_IOERR)


def storage_failure(e: BaseException, folder: Path) -> StorageError | None:
    """The user-facing error for a database error caused by the disk (None: something else, e.g. damage)."""
    primary = _primary_code(e)
    if primary == _SQLITE_FULL:
        return StorageError("storage.disk_full", path=str(folder))
    if primary in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        return StorageError("storage.read_only", path=str(folder))
    if primary == _SQLITE_IOERR:
        # SQLite reports some writes that found no room (the -shm or -wal growing) as I/O errors.
        return StorageError("storage.disk_full" if _nearly_full(folder) else "storage.io_error", path=str(folder))
    return None


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


NEARLY_FULL_BYTES = 1 << 20


def raw_key_pragma(dek: bytes | bytearray) -> str:
    """PRAGMA text for a raw key. Validated here: a wrong length would silently become a passphrase."""
    if len(dek) != 32:
        raise VaultError("vault.key_invalid")
    return "PRAGMA key = \"x'" + bytes(dek).hex() + "'\""


def rekey_pragma(dek: bytes | bytearray) -> str:
    if len(dek) != 32:
        raise VaultError("vault.key_invalid")
    return "PRAGMA rekey = \"x'" + bytes(dek).hex() + "'\""


FOLD_FUNCTION = "sm_fold"


def fold_text(value: object) -> object:
    """NFC and case-folded (diacritics kept); other values pass through (NULL stays NULL)."""
    return unicodedata.normalize("NFC", value).casefold() if isinstance(value, str) else value


STATEMENT_CACHE = 512     # prepared statements kept per vault connection (see open_database)


def open_database(path: Path, dek: bytes | bytearray, *, create: bool = False, readonly: bool = False) -> Connection:
    """Open (or create) the encrypted database; raises DatabaseError if the key does not fit."""
    if not create and not path.exists():
        raise VaultError("vault.missing", path=str(path.parent))
    if create and not path.exists():
        # Create the file 0o600 first: SQLite gives -wal and -shm the same mode as the database.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    target = f"file:{path}?mode=ro" if readonly else str(path)
    # sqlcipher3's statement cache keeps 100 statements and, when full, evicts the newest: in a session that has run
    # more distinct reads than that (the app's views, totals, timelines), every later statement - an accept's -
    # was prepared again at each execute (accept 2.5-3.1 ms against 2.2-2.5 ms with room for 512, 2026-12-02).
    conn = sqlcipher3.connect(target, isolation_level=None, uri=readonly, check_same_thread=False,
                              cached_statements=STATEMENT_CACHE)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(raw_key_pragma(dek))
        conn.execute("PRAGMA temp_store = MEMORY")        # TEMP spill files would hold plaintext
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here for a wrong key
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # LIKE folds case for ASCII only: searches by name fold Vietnamese ("đỗ" finds "Đỗ") through this.
        conn.create_function(FOLD_FUNCTION, 1, fold_text, deterministic=True)
    except Exception:
        conn.close()
        raise
    return conn


def open_memory(prepare: Callable[[Connection], object] | None = None) -> Connection:
    """An in-memory database (never touches disk) used to replay the ledger during verification.

    With `prepare` (e.g. `schema.migrate`), the database is first made by `prepare` on a scratch connection and
    copied into the one returned, so that the returned connection's statement cache starts empty. That cache
    (sqlcipher3's, 100 statements) ranks entries by use and, once full, evicts the newest: the ~85 one-off
    statements of a migration filled it, after which each new statement of a replay pushed out the previous new
    one, and nearly every statement was prepared again (twice the time of a replay)."""
    if prepare is None:
        return _memory()
    scratch = _memory()
    try:
        prepare(scratch)
        conn = _memory()
        try:
            scratch.backup(conn)
        except BaseException:
            conn.close()
            raise
    finally:
        scratch.close()
    return conn


def _memory() -> Connection:
    conn = sqlcipher3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn
