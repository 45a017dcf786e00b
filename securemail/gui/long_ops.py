"""Long work (a full verification, a big report) apart from the counter: its own thread, its own connection to
the vault (services.background.reader_snapshot), progress and Cancel.

    token = run_long(self, session, lambda reader, progress: audit.verify_vault(reader, progress=progress),
                     on_done, on_error, on_progress)
    token.cancel()   # the job stops at its next progress report with CancelledError ("op.cancelled")

The counter's operations (accept, hand over, search) keep running on the operations thread (ops.py) meanwhile:
they never queue behind a long job. Answers reach the GUI thread as in ops.py (only while `parent` lives).
Locking the app cancels every long job (`cancel_all`); each closes its reader, which wipes its keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from securemail.gui.ops import Done, Failed, Operations
from securemail.services.background import CancelToken, Progress, progress_checker, reader_snapshot
from securemail.services.session import Session

LongWork = Callable[[Session, Progress], Any]


class ProgressRelay(QObject):
    """Created on the GUI thread; `report(done, total)` may be called from any thread (Qt queues the signal)."""

    progressed = Signal(int, int)

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)


_long: Operations | None = None
_running: set[CancelToken] = set()


def long_operations() -> Operations:
    """The pool for long jobs: one thread, separate from the operations thread."""
    global _long  # noqa: PLW0603 - one pool per process, created with the first long job
    if _long is None:
        _long = Operations()
    return _long


def run_long(parent: QWidget | None, session: Session, work: LongWork, on_done: Done | None = None,
             on_error: Failed | None = None, on_progress: Callable[[int, int], None] | None = None) -> CancelToken:
    """Run `work(reader, progress)` on the long-work thread with a reader of `session`; returns its CancelToken."""
    token = CancelToken()
    relay = ProgressRelay()
    if on_progress is not None:
        relay.progressed.connect(on_progress)
    _running.add(token)

    def job() -> Any:
        try:
            with reader_snapshot(session) as reader:
                return work(reader, progress_checker(token, relay.report))
        finally:
            _running.discard(token)

    def done(result: Any) -> None:
        relay.deleteLater()
        if on_done is not None:
            on_done(result)

    def failed(error: Any) -> None:
        relay.deleteLater()
        if on_error is not None:
            on_error(error)

    long_operations().run(parent, job, done, failed if on_error is not None else None)
    return token


def cancel_all() -> None:
    """Ask every long job to stop (the app is locking or quitting)."""
    for token in list(_running):
        token.cancel()
