"""Signature checks, batched to worker processes (in-process for small jobs or when workers fail).

Event signatures are Ed25519 (`Check`, from the authority); checkpoint notes are `NoteCheck`s. A `Pending` pairs a
check with the problem to report if it fails. Results are collected at the end (`SignatureChecker.finish`), except
for directory events, checked at once because they decide whose keys count from there on (`check_now`).

Most event signatures are checked by the workers together with the rest of their row (rows.py), before the
authority has judged the event: `verdict_for` tells whether such a result answers the very check the authority
asks for (`record`); when it does not, the check is made here as above (`add`). The same pool runs both tasks.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from importlib.machinery import ModuleSpec
from typing import Any, Final, TypeVar

from securemail.crypto.signing import Domain, fingerprint
from securemail.custody.authority import Check
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.verify.report import Problem
from securemail.custody.verify.rows import Verdict

POOL_THRESHOLD: Final = 2000   # fewer signatures than this: check in-process (starting workers costs more)
BATCH_SIZE: Final = 1000       # signatures per task sent to a worker


@dataclass(frozen=True)
class NoteCheck:
    """A checkpoint note holds if any of the (signer name, key) candidates signed it."""

    checkpoint: Checkpoint
    signers: tuple[tuple[str, bytes], ...]

    def ok(self) -> bool:
        return any(self.checkpoint.has_valid_signature(name, key) for name, key in self.signers)

    def with_key(self, key: bytes) -> NoteCheck:
        return replace(self, signers=tuple((name, key) for name, _ in self.signers))


AnyCheck = Check | NoteCheck
T = TypeVar("T")
_ROLES: Final = {Domain.EVENT: "actor", Domain.COSIGN: "cosigner"}


def verdict_for(check: AnyCheck, body: bytes, verdicts: Sequence[Verdict]) -> bool | None:
    """check.ok() when a worker's result for this event already answers it - the same key, domain (by the
    signature's role), message (the event body) and signature - else None (the check is made the usual way)."""
    if not verdicts or not isinstance(check, Check):
        return None
    role = _ROLES.get(check.domain)
    if role is None or check.message != body:
        return None
    for v_role, sig, key, tried in verdicts:
        if v_role == role and sig == check.sig:
            if key is not None:
                return True if key == check.key else None
            return False if check.key in tried else None
    return None


def check_batch(batch: Sequence[AnyCheck]) -> list[bool]:
    """Worker entry point: one bool per check."""
    return [c.ok() for c in batch]


@dataclass(frozen=True)
class Pending:
    """A signature to check and what to report if it fails; a signature that fails with the expected key but
    verifies with an `older_keys` entry was made with a key already replaced (key_not_valid, not forged)."""

    check: AnyCheck
    problem: Problem
    older_keys: tuple[bytes, ...] = ()
    problem_if_valid: Problem | None = None    # e.g. a valid signature made with a temporary key

    def failure(self) -> Problem:
        for old in self.older_keys:
            if self.check.with_key(old).ok():
                return replace(self.problem, code="key_not_valid",
                               detail=f"{self.problem.detail}; signed with a replaced key ({fingerprint(old)})")
        return self.problem


def _pool_context() -> Any:
    # forkserver (Linux) never forks the caller, which may hold Qt or other threads; spawn elsewhere.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload([__name__, "securemail.custody.verify.rows"])
    return ctx


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., T], *args: Any) -> Future[T]:
    """pool.submit, without the workers re-running the caller's main script.

    A worker started by forkserver or spawn first runs the parent's `__main__` file again (multiprocessing's
    "prepare"), unless the main module names itself by a spec. Ours run only functions of this package, preloaded:
    for `securemail-cli verify --full` that second import of the whole CLI cost each worker about 0.3-0.5 s of CPU.
    While a submit may start a worker, a script without a spec is given the spec named `__main__`, which the worker
    skips."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return pool.submit(fn, *args)
    main.__spec__ = ModuleSpec("__main__", None)
    try:
        return pool.submit(fn, *args)
    finally:
        main.__spec__ = None


class SignatureChecker:
    """Checks signatures in batches on `workers` processes (in-process for small jobs or if workers fail)."""

    def __init__(self, workers: int, expected: int) -> None:
        self._want_pool = workers > 1 and expected >= POOL_THRESHOLD
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._batch: list[Pending] = []
        self._outstanding: deque[tuple[list[Pending], Future[list[bool]]]] = deque()
        self.problems: list[Problem] = []
        self.checked = 0

    def add(self, pending: Pending) -> None:
        self._batch.append(pending)
        if len(self._batch) >= BATCH_SIZE:
            self._flush()

    def verified(self, check: AnyCheck) -> None:
        """A check a worker has already made, and it holds (verdict_for): only counted."""
        self.checked += 1

    def record(self, pending: Pending, ok: bool) -> None:
        """A check a worker has already made (verdict_for)."""
        self.checked += 1
        self._record([pending], [ok])

    def start(self) -> None:
        """Start the workers now (they start while the main process checks the storage)."""
        pool = self._get_pool()
        if pool is not None:
            try:
                _submit(pool, check_batch, [])
            except (BrokenProcessPool, RuntimeError, OSError):
                self._want_pool = False

    def pooled(self) -> bool:
        """Whether tasks go to worker processes (else `run` computes them here)."""
        return self._get_pool() is not None

    def tasks_ahead(self) -> int:
        """How many row batches to keep queued for the workers."""
        return 2 * self._workers + 2 if self._want_pool else 1

    def run(self, fn: Callable[..., T], *args: Any) -> Future[T] | T:
        """fn(*args) on a worker (a Future), or here at once when there is no pool."""
        pool = self._get_pool()
        if pool is not None:
            try:
                return _submit(pool, fn, *args)
            except (BrokenProcessPool, RuntimeError, OSError):
                self._want_pool = False
        return fn(*args)

    def result(self, task: Future[Any] | T, fn: Callable[..., T], *args: Any) -> Any:
        """The result of a `run` (or a value computed here); `fn(*args)` here if the worker failed."""
        if not isinstance(task, Future):
            return task
        try:
            return task.result()
        except (BrokenProcessPool, OSError):
            self._want_pool = False
            return fn(*args)

    def check_now(self, pending: Pending) -> bool:
        """Synchronous check (directory events that decide whose keys count from here on)."""
        self.checked += 1
        if pending.check.ok():
            if pending.problem_if_valid is not None:
                self.problems.append(pending.problem_if_valid)
                return False
            return True
        self.problems.append(pending.failure())
        return False

    def finish(self) -> list[Problem]:
        """Wait for every batch; the problems found (each returned once: a second call returns the rest)."""
        self._flush()
        while self._outstanding:
            self._collect_oldest()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        problems, self.problems = self.problems, []
        return problems

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        self.checked += len(batch)
        pool = self._get_pool()
        if pool is None:
            self._record(batch, check_batch([p.check for p in batch]))
            return
        try:
            self._outstanding.append((batch, _submit(pool, check_batch, [p.check for p in batch])))
        except (BrokenProcessPool, RuntimeError, OSError):
            self._want_pool = False
            self._record(batch, check_batch([p.check for p in batch]))
        while len(self._outstanding) > 4 * self._workers:  # bound memory if the workers fall behind
            self._collect_oldest()

    def _collect_oldest(self) -> None:
        batch, future = self._outstanding.popleft()
        try:
            results = future.result()
        except (BrokenProcessPool, OSError):
            self._want_pool = False
            results = check_batch([p.check for p in batch])
        self._record(batch, results)

    def _record(self, batch: list[Pending], results: list[bool]) -> None:
        for p, ok in zip(batch, results, strict=True):
            if not ok:
                self.problems.append(p.failure())
            elif p.problem_if_valid is not None:
                self.problems.append(p.problem_if_valid)

    def _get_pool(self) -> ProcessPoolExecutor | None:
        if self._pool is None and self._want_pool:
            try:
                self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=_pool_context())
            except (OSError, ValueError, RuntimeError):
                self._want_pool = False
        return self._pool
