"""Step 0, storage: SQLite's integrity check, which makes SQLCipher check every live page's HMAC."""

from __future__ import annotations

from securemail.custody.verify.context import Context, ProgrammingError
from securemail.storage.database import DatabaseError


def check_storage(ctx: Context) -> None:
    """SQLite's integrity_check reads every live page through the pager, so SQLCipher checks each page's HMAC
    too. (PRAGMA cipher_integrity_check is not used: it reads the main file only, ignoring the WAL, and after
    PRAGMA rekey in WAL mode it reports every page until the next checkpoint.)"""
    if not ctx.opts.integrity_check:
        return
    try:
        rows = [str(r[0]) for r in ctx.conn.execute("PRAGMA integrity_check")]
    except DatabaseError as e:
        if isinstance(e, ProgrammingError):
            raise
        rows = [f"{type(e).__name__}: {e}"]
    bad = [r for r in rows if r != "ok"]
    if bad:
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        ctx.report(None, None, "stored_hash_differs", f"PRAGMA integrity_check: {'; '.join(bad[:5])}{more}")
