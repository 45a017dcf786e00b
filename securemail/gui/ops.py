"""Service calls off the GUI thread, with every error routed to one place (after Anki's CollectionOp).

    run_op(parent, lambda: items.accept_item(session, raw), on_done=self._saved, on_error=self._show_error)

All operations run one at a time on a private single-thread pool: the vault's one database connection is
never used by two threads at once, and the GUI thread never touches it. `on_done(result)` and
`on_error(error)` run on the GUI thread, and only while `parent` is still alive (a page closed by the
auto-lock drops its late answers). `on_error` always receives a `UserFacingError`: anything else is logged
(types and places only, never the exception text: describe_for_log) and turned into the generic "internal
error" message, so no traceback or secret reaches the screen.
Without `on_error`, `report_error` shows the message in a non-blocking message box.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from securemail.errors import UserFacingError
from securemail.gui.strings import t

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[UserFacingError], None]


def describe_for_log(error: BaseException) -> str:
    """Exception types and where they were raised (file:line function), never their text or source lines: an
    exception's message can carry user data (a name, a tracking number, a SQL value) that must not reach a log."""
    types: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(types) < 5:
        types.append(type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    frames = traceback.extract_tb(error.__traceback__)[-8:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{' from '.join(types)} at {where or '?'}"


def as_user_facing(error: BaseException) -> UserFacingError:
    if isinstance(error, UserFacingError):
        return error
    log.error("operation failed: %s", describe_for_log(error))
    return UserFacingError("error.internal", kind=type(error).__name__)


def report_error(parent: QWidget | None, error: UserFacingError) -> None:
    """The one place an error without its own handler is shown: a plain-text, non-blocking message box."""
    box = QMessageBox(QMessageBox.Icon.Warning, t("SecureMail"), error.message(), QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class _Delivery(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call back to this thread."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget | None, on_done: Done | None, on_error: Failed | None,
                 forget: Callable[[_Delivery], None]) -> None:
        super().__init__()
        self._parent = parent
        self._on_done = on_done
        self._on_error = on_error
        self._forget = forget
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)

    def _alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    @Slot(object)
    def _deliver_done(self, result: object) -> None:
        self._forget(self)
        if self._alive() and self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _deliver_failed(self, error: object) -> None:
        self._forget(self)
        user_error = as_user_facing(error if isinstance(error, BaseException) else RuntimeError(str(error)))
        if not self._alive():
            return
        if self._on_error is not None:
            self._on_error(user_error)
        else:
            report_error(self._parent, user_error)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], delivery: _Delivery) -> None:
        super().__init__()
        self._fn = fn
        self._delivery = delivery
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as e:
            self._delivery.failed.emit(e)
            return
        self._delivery.done.emit(result)


class Operations:
    """The pool and the jobs in flight (kept referenced until their answer has been delivered)."""

    def __init__(self) -> None:
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        self._in_flight: dict[int, tuple[_Job, _Delivery]] = {}

    def run(self, parent: QWidget | None, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None) -> None:
        delivery = _Delivery(parent, on_done, on_error, self._forget)
        job = _Job(fn, delivery)
        self._in_flight[id(delivery)] = (job, delivery)
        self._pool.start(job)

    def _forget(self, delivery: _Delivery) -> None:
        self._in_flight.pop(id(delivery), None)

    def busy(self) -> bool:
        """True while a job has not yet delivered its answer."""
        return bool(self._in_flight)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every started job has run (their answers are then delivered by the event loop)."""
        return self._pool.waitForDone(msecs)


_operations: Operations | None = None


def operations() -> Operations:
    global _operations  # noqa: PLW0603 - one pool per process, created with the first operation
    if _operations is None:
        _operations = Operations()
    return _operations


def run_op(parent: QWidget | None, fn: Callable[[], Any], on_done: Done | None = None,
           on_error: Failed | None = None) -> None:
    """Run `fn` on the operations thread; answer on the GUI thread (see the module docstring)."""
    operations().run(parent, fn, on_done, on_error)
