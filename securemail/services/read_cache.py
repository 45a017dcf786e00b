"""A session's cache of what the counter reads on every accept from tables only directory events change: the
delivery norms, the work calendar, the agencies (docs/adr/0022-accept-read-cache.md).

A cached value is used only while both hold:
- no other connection has committed since it was read: `PRAGMA data_version` (SQLite's per-connection counter
  of commits made by any other connection, in this process or another desk's) is what it was;
- this session has committed nothing but item, bag and audit events since then (their projection writes only
  item, bag and incident rows, or nothing): any other own commit forgets it.
Inside an open transaction nothing is cached or served: what a transaction reads may still be rolled back. So a
rolled-back write leaves nothing behind, and what was remembered before it still describes the committed state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from securemail.custody import kinds as K
from securemail.storage.database import Connection

T = TypeVar("T")


def leaves_directory_tables(kind: str) -> bool:
    """An event of this kind changes no norm, holiday, setting or agency row when applied."""
    return kind.startswith(("item.", "bag.")) or kind in K.AUDIT_KINDS


class ReadCache:
    """Values read from the session's connection, each under a name, kept while the rule above holds."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._values: dict[str, object] = {}
        self._token: tuple[int, int] | None = None
        self._own = 0            # bumped by every own commit that may have changed the tables

    def get(self, name: str, load: Callable[[], T]) -> T:
        """The value `load()` gives now: a remembered one when nothing can have changed it since."""
        if self._conn.in_transaction:
            return load()
        token = (int(self._conn.execute("PRAGMA data_version").fetchone()[0]), self._own)
        if token != self._token:
            self._values.clear()
            self._token = token
        if name not in self._values:
            self._values[name] = load()
        return cast(T, self._values[name])

    def committed(self, kinds: Iterable[str]) -> None:
        """This session committed events of these kinds."""
        if not all(leaves_directory_tables(k) for k in kinds):
            self.forget()

    def forget(self) -> None:
        self._own += 1
        self._values.clear()
