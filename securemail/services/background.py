"""Long read-only work (a verification, a big report) apart from the counter's operations.

`open_reader(session)` opens a second connection to the same vault for one long job on another thread: the
counter keeps its own connection (SQLite WAL lets one writer and readers work at once), so accepting an item
never waits for a verification to finish. The reader is a Session with its own copy of the data key and of the
user's signing key (reports carry a signed QR statement); closing it wipes both. It never writes to the ledger.
Run the whole job inside `reader_snapshot` so that it reads one consistent state of the log even while the
counter appends (a verification compares the events with the tables built from them).

`CancelToken` + `progress_checker`: the job's progress callback raises CancelledError once the user asked to
stop; long services call their progress callback often (every few hundred events, rows or pages).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from securemail.crypto.signing import SigningKey
from securemail.custody.ledger import load_authority
from securemail.errors import CancelledError
from securemail.services.session import Session
from securemail.storage.database import open_database

Progress = Callable[[int, int], None]


class CancelToken:
    """Set from the GUI thread, read from the worker."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def check(self) -> None:
        if self._event.is_set():
            raise CancelledError("op.cancelled")


def progress_checker(token: CancelToken, report: Progress | None = None) -> Progress:
    """A progress callback that stops the job (CancelledError) once `token` is cancelled."""

    def progress(done: int, total: int) -> None:
        token.check()
        if report is not None:
            report(done, total)

    return progress


def open_reader(session: Session) -> Session:
    """A second session on the same vault for long read-only work on another thread (see the module doc)."""
    dek = session.current_dek()
    conn = open_database(session.paths.db, dek)
    try:
        authority = load_authority(conn)
        key = SigningKey(session.signer.key.raw())
        return Session(session.paths, conn, session.slots, authority, session.user, key, dek, session.clock,
                       readonly=session.readonly)
    except BaseException:
        conn.close()
        raise


@contextmanager
def reader_snapshot(session: Session) -> Iterator[Session]:
    """`open_reader`, inside one read transaction (a consistent snapshot), closed and wiped at the end."""
    reader = open_reader(session)
    try:
        reader.conn.execute("BEGIN")
        try:
            yield reader
        finally:
            reader.conn.execute("COMMIT")
    finally:
        reader.close()
