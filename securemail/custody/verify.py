"""Verification of the custody ledger: every signature, chain link, Merkle root and projected row.

Steps, marked with their number where they happen in the code (after sigstore-python's verifier):

    (0) storage: SQLite's integrity check (which makes SQLCipher check every live page's HMAC)
    (1) read all events in seq order: seq 1..n contiguous, canonical bodies, stored hash columns recomputed
    (2) replay the directory from the genesis pair; check every signature against the key valid at that seq
    (3) per-subject hash chains (`prev` = hash of the subject's previous event)
    (4) Merkle: recompute leaf hashes and roots; compare with every checkpoint (vault rows, exported files,
        the state file, witnessed claims in the log) and with the stored frontier
    (5) projection: replay every event into an in-memory database and compare each table row by row
    (6) incremental: signatures of events with seq <= incremental_from are not re-checked; everything else is

Steps 1-5 run in one streaming pass over the events (memory: ~72 bytes per event, one entry per subject, and the
replayed projection, which is kept in memory only). Signature checks are cryptography's Ed25519 (~6k/s per
core); they are batched to worker processes and their results collected at the end. Nothing here trusts a stored
hash column or a stored root: only bytes that were signed, and checkpoints signed by the office key.

The result is a `VerificationReport` (like python-tuf's VerificationResult): true when there are no problems, and
otherwise a list of `Problem`s, each naming the event (seq), the subject and what is wrong.
"""

from __future__ import annotations

import binascii
import multiprocessing
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

import sqlcipher3

from securemail.crypto.canonical import parse_canonical
from securemail.crypto.signing import fingerprint, unb64
from securemail.custody import kinds as K
from securemail.custody.authority import AUTHORITY_KINDS, TEMPORARY_KEY, Authority, Check
from securemail.custody.checkpoint import (
    WITNESS_PREFIX,
    Checkpoint,
    parse_note,
)
from securemail.custody.cosignature import cosignature_time
from securemail.custody.events import Event, event_from_doc, event_hash, leaf_bytes
from securemail.custody.merkle import EMPTY_ROOT, CompactRange, MerkleLog, leaf_hash
from securemail.custody.projection import ProjectionError, apply_event
from securemail.custody.rules import custody_refusals, parse_time, time_refusal
from securemail.i18n import tr
from securemail.storage.database import Connection, DatabaseError, open_memory
from securemail.storage.schema import PROJECTION_TABLES, migrate

__all__ = ["CODES", "Problem", "ProgressCallback", "VerificationReport", "verify_ledger"]

# A damaged or replayed page surfaces as DatabaseError ("database disk image is malformed"...) and is reported;
# ProgrammingError (e.g. a closed connection) is the caller's bug and propagates.
_ProgrammingError = sqlcipher3.dbapi2.ProgrammingError

CODES: Final = (
    "bad_signature", "missing_cosignature", "broken_chain", "missing_event", "reordered_event", "unknown_signer",
    "key_not_valid", "projection_differs", "checkpoint_root_differs", "checkpoint_size_differs", "not_extension",
    "bad_checkpoint_signature", "malformed_event", "illegal_transition", "stored_hash_differs",
    "foreign_unverified",     # an event imported from a partner vault (services/exchange.py) no longer verifies
)

ProgressCallback = Callable[[int, int], None]

POOL_THRESHOLD: Final = 2000   # fewer signatures than this: check in-process (starting workers costs more)
BATCH_SIZE: Final = 1000       # signatures per task sent to a worker
PROGRESS_EVERY: Final = 500    # events between progress calls

# ---- result ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong. `seq` is the event (for checkpoint problems: the checkpoint's tree size), `item` the
    subject (tracking number, bag:<id>, directory) when known, `code` one of CODES, `detail` plain English facts."""

    seq: int | None
    item: str | None
    code: str
    detail: str

    def message(self, lang: str | None = None) -> str:
        return tr(f"problem.{self.code}", lang, seq="\u2014" if self.seq is None else self.seq,
                  item=self.item or "\u2014", detail=self.detail)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"seq": self.seq, "item": self.item, "code": self.code, "detail": self.detail,
                "message": self.message(lang)}


@dataclass
class VerificationReport:
    """`events_checked` events were read (all of them, every run); `signatures_checked` of their signatures and
    checkpoint signatures were verified (fewer in an incremental run). `size` and `root` are recomputed."""

    events_checked: int
    size: int
    root: bytes
    problems: list[Problem] = field(default_factory=list)
    signatures_checked: int = 0
    incremental_from: int = 0
    warnings: list[str] = field(default_factory=list)  # message keys: not problems, but limits of this run
    pending_password_users: list[str] = field(default_factory=list)  # interrupted password changes

    def __bool__(self) -> bool:
        return not self.problems

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"ok": not self.problems, "events_checked": self.events_checked, "size": self.size,
                "root": self.root.hex(), "signatures_checked": self.signatures_checked,
                "incremental_from": self.incremental_from,
                "warnings": [{"key": w, "message": tr(w, lang)} for w in self.warnings],
                "problems": [p.to_json(lang) for p in self.problems]}


# ---- signature checks (run in worker processes) ------------------------------------------------------------

@dataclass(frozen=True)
class _NoteCheck:
    """A checkpoint note holds if any of the (signer name, key) candidates signed it."""

    checkpoint: Checkpoint
    signers: tuple[tuple[str, bytes], ...]

    def ok(self) -> bool:
        return any(self.checkpoint.has_valid_signature(name, key) for name, key in self.signers)

    def with_key(self, key: bytes) -> _NoteCheck:
        return replace(self, signers=tuple((name, key) for name, _ in self.signers))


_Check = Check | _NoteCheck


def _check_batch(batch: Sequence[_Check]) -> list[bool]:
    """Worker entry point: one bool per check."""
    return [c.ok() for c in batch]


@dataclass(frozen=True)
class _Pending:
    """A signature to check and what to report if it fails; a signature that fails with the expected key but
    verifies with an `older_keys` entry was made with a key already replaced (key_not_valid, not forged)."""

    check: _Check
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
        ctx.set_forkserver_preload([__name__])
    return ctx


class _SignatureChecker:
    """Checks signatures in batches on `workers` processes (in-process for small jobs or if workers fail)."""

    def __init__(self, workers: int, expected: int) -> None:
        self._want_pool = workers > 1 and expected >= POOL_THRESHOLD
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._batch: list[_Pending] = []
        self._outstanding: deque[tuple[list[_Pending], Future[list[bool]]]] = deque()
        self.problems: list[Problem] = []
        self.checked = 0

    def add(self, pending: _Pending) -> None:
        self._batch.append(pending)
        if len(self._batch) >= BATCH_SIZE:
            self._flush()

    def check_now(self, pending: _Pending) -> bool:
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
        self._flush()
        while self._outstanding:
            self._collect_oldest()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        return self.problems

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        self.checked += len(batch)
        pool = self._get_pool()
        if pool is None:
            self._record(batch, _check_batch([p.check for p in batch]))
            return
        try:
            self._outstanding.append((batch, pool.submit(_check_batch, [p.check for p in batch])))
        except (BrokenProcessPool, RuntimeError, OSError):
            self._want_pool = False
            self._record(batch, _check_batch([p.check for p in batch]))
        while len(self._outstanding) > 4 * self._workers:  # bound memory if the workers fall behind
            self._collect_oldest()

    def _collect_oldest(self) -> None:
        batch, future = self._outstanding.popleft()
        try:
            results = future.result()
        except (BrokenProcessPool, OSError):
            self._want_pool = False
            results = _check_batch([p.check for p in batch])
        self._record(batch, results)

    def _record(self, batch: list[_Pending], results: list[bool]) -> None:
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


# ---- (5) the projection, replayed ------------------------------------------------------------------------

# Columns telling which event last shaped a row, used as the problem's seq.
_SEQ_COLUMNS: Final = ("last_seq", "updated_seq", "closed_seq", "revoked_seq", "enrolled_seq")


class _Replay:
    """An in-memory database (never on disk: it holds item data) fed by `apply_event`."""

    def __init__(self) -> None:
        self.conn = open_memory()
        migrate(self.conn)
        # Secondary indexes only slow the replay down; primary keys stay.
        names = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
        for name in names:
            self.conn.execute(f'DROP INDEX "{name}"')
        self.conn.execute("BEGIN")

    def apply(self, event: Event, seq: int) -> Problem | None:
        self.conn.execute("SAVEPOINT ev")
        try:
            apply_event(self.conn, event)
        except Exception as e:  # a signed but hostile event is reported; it must never crash the audit
            self.conn.execute("ROLLBACK TO ev")
            self.conn.execute("RELEASE ev")
            lawful_shape = isinstance(e, ProjectionError | DatabaseError | ValueError)
            return Problem(seq, event.subject, "illegal_transition" if lawful_shape else "malformed_event",
                           f"{event.kind} cannot be applied: {type(e).__name__}: {e}")
        self.conn.execute("RELEASE ev")
        return None

    def close(self) -> None:
        self.conn.close()


def _sort_key(value: object) -> tuple[int, Any]:
    """SQLite's ORDER BY for BINARY collation: NULL < numbers < text < blobs (UTF-8 order = code point order)."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, _as_bytes(value))


def _show(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return f"<{len(raw)} bytes {raw[:8].hex()}...>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _TableDiff:
    """Streaming merge of one table in the vault and in the replay, both ordered by primary key."""

    def __init__(self, vault: Connection, replay: Connection, table: str) -> None:
        info = vault.execute(f'PRAGMA table_info("{table}")').fetchall()
        self.table = table
        self.columns = [str(r[1]) for r in info]
        pk = sorted((int(r[5]), str(r[1])) for r in info if int(r[5]) > 0)
        self.key_cols = [name for _, name in pk] or list(self.columns)
        self.key_idx = [self.columns.index(c) for c in self.key_cols]
        cols = ", ".join(f'"{c}"' for c in self.columns)
        order = ", ".join(f'"{c}"' for c in self.key_cols)
        query = f'SELECT {cols} FROM "{table}" ORDER BY {order}'  # names from PRAGMA table_info
        self.vault_rows = vault.execute(query)
        self.replay_rows = replay.execute(query)

    def problems(self, tick: Callable[[], None]) -> Iterator[Problem]:
        mine = next(self.vault_rows, None)
        theirs = next(self.replay_rows, None)
        while mine is not None or theirs is not None:
            km = self._key(mine) if mine is not None else None
            kt = self._key(theirs) if theirs is not None else None
            if theirs is None or (km is not None and kt is not None and km < kt):
                yield self._problem(mine, None, "row in the vault that the ledger never produced")
                mine = next(self.vault_rows, None)
                tick()
            elif mine is None or (kt is not None and km is not None and kt < km):
                yield self._problem(None, theirs, "row missing from the vault")
                theirs = next(self.replay_rows, None)
            else:
                yield from self._compare(mine, theirs)
                mine = next(self.vault_rows, None)
                theirs = next(self.replay_rows, None)
                tick()

    def _key(self, row: Sequence[object]) -> tuple[tuple[int, Any], ...]:
        return tuple(_sort_key(row[i]) for i in self.key_idx)

    def _compare(self, mine: Sequence[object], theirs: Sequence[object]) -> Iterator[Problem]:
        for i, column in enumerate(self.columns):
            if mine[i] != theirs[i] or type(mine[i]) is not type(theirs[i]):
                yield self._problem(mine, theirs, f"column {column}: vault has {_show(mine[i])}, "
                                                  f"ledger says {_show(theirs[i])}")

    def _problem(self, mine: Sequence[object] | None, theirs: Sequence[object] | None, what: str) -> Problem:
        row = mine if mine is not None else theirs
        assert row is not None
        key = ", ".join(f"{c}={row[i]!r}" for c, i in zip(self.key_cols, self.key_idx, strict=True))
        values = dict(zip(self.columns, theirs if theirs is not None else row, strict=True))
        seq = next((values[c] for c in _SEQ_COLUMNS if isinstance(values.get(c), int)), None)
        return Problem(seq if isinstance(seq, int) else None, _row_item(self.table, values), "projection_differs",
                       f"{self.table} [{key}]: {what}")


def _row_item(table: str, values: dict[str, object]) -> str | None:
    if table == "bags" and isinstance(values.get("bag"), str):
        return K.bag_subject(str(values["bag"]))
    tracking = values.get("tracking")
    return tracking if isinstance(tracking, str) else None


# ---- (4) checkpoints -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _External:
    checkpoint: Checkpoint
    source: str          # "state file" or "checkpoint file #i"


def _describe(cp: Checkpoint, source: str) -> str:
    return f"{source} checkpoint of size {cp.size} signed {cp.time}"


# ---- the run ---------------------------------------------------------------------------------------------

@dataclass
class _Options:
    office_public_key_hint: bytes | None
    externals: list[_External]
    incremental_from: int
    incremental_root: bytes | None
    progress: ProgressCallback | None
    workers: int
    integrity_check: bool
    anchor: tuple[int, bytes] | None = None    # (size, root) verified before: compared, signatures not skipped


class _RestartFull(Exception):  # control flow, not an error
    """The state verified earlier is not a prefix of this log: incremental trust is void."""


_EVENT_QUERY: Final = ("SELECT seq, body, signatures, event_hash, leaf_hash, kind, subject, actor, time "
                       "FROM events ORDER BY seq")


class _Run:
    def __init__(self, conn: Connection, opts: _Options) -> None:
        self.conn = conn
        self.opts = opts
        self.problems: list[Problem] = []
        self.total_events = _count(conn, "events")
        self.total = self.total_events + sum(_count(conn, t) for t in PROJECTION_TABLES)
        self.done = 0
        self.authority = Authority()
        self.last_time: dict[str, str] = {}              # subject -> time of its latest event
        self.latest_time: tuple[datetime, int] | None = None  # the latest event time since the last checkpoint
        expected = self.total_events - min(opts.incremental_from, self.total_events)
        self.sigs = _SignatureChecker(opts.workers, expected)
        self.replay = _Replay()
        # (1)/(3)/(4) streaming state: per position, the row's seq, event hash and leaf hash.
        self.expected_seq = 1
        self.row_seqs = array("q")
        self.event_hashes = bytearray()
        self.leaves = bytearray()
        self.last_of_subject: dict[str, int] = {}     # subject -> position of its latest event
        self.tree = CompactRange()
        self.genesis: Event | None = None               # vault.created waiting for the enrolment of its signer
        self.cp_rows: Iterator[tuple[Any, ...]] = iter(())
        self.next_cp: tuple[Any, ...] | None = None
        try:
            self.cp_rows = conn.execute("SELECT size, root, time, note FROM checkpoints ORDER BY size")
        except DatabaseError as e:
            self._unreadable("checkpoints", e)
        self._advance_cp()
        self.last_good_cp = 0
        self.last_cp_read = 0                          # size of the last vault checkpoint row read
        self.bad_run: list[tuple[int, str]] = []       # consecutive vault checkpoints whose root differs
        self.max_cp_size = 0
        self.externals_by_size: dict[int, list[_External]] = {}
        for ext in opts.externals:
            self.externals_by_size.setdefault(ext.checkpoint.size, []).append(ext)

    def _advance_cp(self) -> None:
        try:
            self.next_cp = next(self.cp_rows, None)
        except DatabaseError as e:
            self._unreadable("checkpoints", e)
            self.next_cp = None

    def _unreadable(self, what: str, error: Exception) -> None:
        if isinstance(error, _ProgrammingError):
            raise error
        self._report(None, None, "stored_hash_differs", f"{what} cannot be read: {error}")

    # -- driver ---------------------------------------------------------------------------------------------

    def run(self) -> VerificationReport:
        try:
            self._storage_integrity()
            self._at_size()
            self._read_events()
            self._unresolved_genesis()
            self._finish_checkpoints()
            self.problems.extend(self.sigs.finish())
            self._compare_projection()
        finally:
            self.sigs.finish()
            self.replay.close()
        self.done = self.total
        self._progress()
        self.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
        return VerificationReport(events_checked=len(self.row_seqs), size=self.tree.size, root=self.tree.root(),
                                  problems=self.problems, signatures_checked=self.sigs.checked,
                                  incremental_from=self.opts.incremental_from)

    def _read_events(self) -> None:
        try:
            for row in self.conn.execute(_EVENT_QUERY):
                self._row(row)
                self.done += 1
                if self.done % PROGRESS_EVERY == 0:
                    self._progress()
        except DatabaseError as e:
            last = self.row_seqs[-1] if self.row_seqs else 0
            self._unreadable(f"events after event {last}", e)

    def _progress(self) -> None:
        if self.opts.progress is not None:
            self.opts.progress(min(self.done, self.total), self.total)

    def _report(self, seq: int | None, item: str | None, code: str, detail: str) -> None:
        self.problems.append(Problem(seq, item, code, detail))

    # -- (0) storage ----------------------------------------------------------------------------------------

    def _storage_integrity(self) -> None:
        """SQLite's integrity_check reads every live page through the pager, so SQLCipher checks each page's HMAC
        too. (PRAGMA cipher_integrity_check is not used: it reads the main file only, ignoring the WAL, and after
        PRAGMA rekey in WAL mode it reports every page until the next checkpoint.)"""
        if not self.opts.integrity_check:
            return
        try:
            rows = [str(r[0]) for r in self.conn.execute("PRAGMA integrity_check")]
        except DatabaseError as e:
            if isinstance(e, _ProgrammingError):
                raise
            rows = [f"{type(e).__name__}: {e}"]
        bad = [r for r in rows if r != "ok"]
        if bad:
            more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
            self._report(None, None, "stored_hash_differs", f"PRAGMA integrity_check: {'; '.join(bad[:5])}{more}")

    # -- one event ------------------------------------------------------------------------------------------

    def _row(self, row: Sequence[Any]) -> None:
        seq, body_raw, sigs_raw = int(row[0]), row[1], row[2]
        body = bytes(body_raw) if body_raw is not None else b""
        sigs = sigs_raw.encode() if isinstance(sigs_raw, str) else bytes(sigs_raw or b"")
        # (1) position in the log
        self._check_position(seq)
        pos = len(self.row_seqs)
        self.row_seqs.append(seq)
        # (1) stored hash columns against hashes recomputed from the stored bytes
        ehash = event_hash(body)
        leaf = leaf_hash(leaf_bytes(body, sigs))
        self.event_hashes += ehash
        self._check_stored(seq, "event_hash", row[3], ehash)
        self._check_stored(seq, "leaf_hash", row[4], leaf)
        # (1) the body itself
        event = self._parse(seq, body, sigs)
        if event is not None:
            self._check_columns(seq, event, row[5:9])
            if event.kind == K.CHECKPOINT_WITNESSED:
                self._check_witnessed_claim(seq, event)      # (4) needs the root before this leaf
        # (4) Merkle
        self.leaves += leaf
        self.tree.append(leaf)
        if event is not None:
            self._directory_and_signatures(seq, pos, event, body)   # (2)
            self._check_chain(seq, pos, event)                      # (3)
            self._check_custody(seq, event)                         # (5a)
            problem = self.replay.apply(event, seq)                 # (5)
            if problem is not None:
                self.problems.append(problem)
        self._at_size()

    def _check_position(self, seq: int) -> None:
        if seq > self.expected_seq:
            gap = f"events {self.expected_seq}..{seq - 1} are missing" if seq - 1 > self.expected_seq else \
                f"event {self.expected_seq} is missing"
            self._report(self.expected_seq, None, "missing_event", gap)
        elif seq < self.expected_seq:
            self._report(seq, None, "reordered_event", f"row seq {seq} where {self.expected_seq} was expected")
        self.expected_seq = max(self.expected_seq, seq + 1)

    def _check_stored(self, seq: int, column: str, stored: object, computed: bytes) -> None:
        if not isinstance(stored, bytes | bytearray | memoryview) or bytes(stored) != computed:
            shown = bytes(stored).hex()[:16] if isinstance(stored, bytes | bytearray | memoryview) else repr(stored)
            self._report(seq, None, "stored_hash_differs",
                         f"events.{column} is {shown}..., recomputed {computed.hex()[:16]}...")

    def _parse(self, seq: int, body: bytes, sigs: bytes) -> Event | None:
        """The event exactly as signed, or None (malformed_event reported)."""
        try:
            doc = parse_canonical(body)
            event = event_from_doc(doc, sigs)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self._report(seq, None, "malformed_event", f"body or signatures unreadable: {type(e).__name__}: {e}")
            return None
        if event.seq != seq:
            self._report(seq, event.subject, "reordered_event", f"row seq {seq} holds the event signed as seq "
                                                                f"{event.seq}")
        if self.authority.vault_id is not None and event.vault != self.authority.vault_id:
            self._report(seq, event.subject, "malformed_event", f"event belongs to vault {event.vault}")
        return event

    def _check_columns(self, seq: int, event: Event, stored: Sequence[object]) -> None:
        """events.kind/subject/actor/time are copies of the body used by queries (e.g. an item's timeline)."""
        for column, value, signed in zip(("kind", "subject", "actor", "time"), stored,
                                         (event.kind, event.subject, event.actor, event.time), strict=True):
            if value != signed:
                self._report(seq, event.subject, "projection_differs",
                             f"events.{column}: vault has {_show(value)}, the signed body says {_show(signed)}")

    # -- (2) directory and signatures -----------------------------------------------------------------------

    def _directory_and_signatures(self, seq: int, pos: int, event: Event, body: bytes) -> None:
        """(2) The authority judges who signed; key-changing events are checked now, since they decide whose
        keys count from here on; the rest are batched."""
        if pos == 0:
            self._genesis(event)
            return
        if pos == 1 and self.genesis is not None:
            created, self.genesis = self.genesis, None
            self._genesis_pair(created, event)
            return
        judgement = self.authority.judge(event, body)
        for r in judgement.refusals:
            self._report(seq, event.subject, r.code, r.detail)
        now = event.kind in AUTHORITY_KINDS
        ok = True
        for need in judgement.needs:
            problem = Problem(seq, event.subject, "bad_signature", need.detail)
            temporary = Problem(seq, event.subject, "key_not_valid", f"{need.detail}: {TEMPORARY_KEY}") \
                if need.temporary else None
            ok = self._schedule(seq, _Pending(need.check, problem, need.older, temporary), now) and ok
        if now and ok and not judgement.refusals:
            self.authority.apply(event)

    def _genesis(self, event: Event) -> None:
        """(2) vault.created must open the log; its signer is enrolled by the next, self-signed, event."""
        if event.kind != K.VAULT_CREATED:
            self._report(event.seq, event.subject, "malformed_event", f"the log starts with {event.kind}, "
                                                                      "not vault.created")
            self.authority.office_key = self.opts.office_public_key_hint
            return
        self.genesis = event

    def _genesis_pair(self, created: Event, enrolled: Event) -> None:
        judgement = self.authority.judge_genesis(created, enrolled)
        for r in judgement.refusals:
            self._report(created.seq if r.code == "unknown_signer" else enrolled.seq, created.subject, r.code,
                         r.detail)
        ok = True
        for need, seq in zip(judgement.needs, (created.seq, enrolled.seq, enrolled.seq), strict=False):
            ok = self.sigs.check_now(_Pending(need.check, Problem(seq, created.subject, "bad_signature",
                                                                  need.detail))) and ok
        if not judgement.refusals and ok:
            self.authority.apply_genesis(created, enrolled)
        hint = self.opts.office_public_key_hint
        office = self.authority.office_key
        if hint is not None and office is not None and office != hint:
            self._report(created.seq, created.subject, "key_not_valid",
                         f"office key in vault.created ({fingerprint(office)}) is not the expected office key "
                         f"({fingerprint(hint)})")
        if office is None:
            self.authority.office_key = hint

    def _unresolved_genesis(self) -> None:
        if self.genesis is not None:
            created = self.genesis
            self._report(created.seq, created.subject, "unknown_signer", f"{created.actor} who created the vault "
                                                                         "is never enrolled")

    # -- (5a) custody rules that depend on the state: the same ones the writer applies --------------------------

    def _check_custody(self, seq: int, event: Event) -> None:
        t = time_refusal(event, self.last_time.get(event.subject))
        if t is not None:
            self._report(seq, event.subject, t.code, t.detail)
        else:
            self.last_time[event.subject] = event.time
            when = parse_time(event.time)
            if when is not None and (self.latest_time is None or when > self.latest_time[0]):
                self.latest_time = (when, seq)
        for r in custody_refusals(self.replay.conn, self.authority, event):
            self._report(seq, event.subject, r.code, r.detail)

    def _schedule(self, seq: int, pending: _Pending, now: bool) -> bool:
        if now:
            return self.sigs.check_now(pending)
        if seq > self.opts.incremental_from:                 # (6) older signatures were verified before
            self.sigs.add(pending)
        return True

    # -- (3) chains -----------------------------------------------------------------------------------------

    def _check_chain(self, seq: int, pos: int, event: Event) -> None:
        before = self.last_of_subject.get(event.subject)
        expected = None if before is None else self.event_hashes[32 * before:32 * before + 32].hex()
        if event.prev != expected:
            if before is None:
                detail = f"prev is {str(event.prev)[:16]}... but this is the first event of {event.subject}"
            else:
                detail = (f"prev is {str(event.prev)[:16]}..., the previous event of {event.subject} "
                          f"(seq {self.row_seqs[before]}) has hash {str(expected)[:16]}...")
            self._report(seq, event.subject, "broken_chain", detail)
        self.last_of_subject[event.subject] = pos

    # -- (4) Merkle and checkpoints -------------------------------------------------------------------------

    def _at_size(self) -> None:
        """Compare every checkpoint whose size the streamed tree has just reached."""
        size = self.tree.size
        if not self._root_needed(size):
            return
        root = self.tree.root()
        while self.next_cp is not None and int(self.next_cp[0]) <= size:
            self._vault_checkpoint(self.next_cp, root if int(self.next_cp[0]) == size else None)
            self._advance_cp()
        for ext in self.externals_by_size.pop(size, ()):
            self._external_checkpoint(ext, root)
        if size == self.opts.incremental_from and self.opts.incremental_root is not None \
                and root != self.opts.incremental_root:
            raise _RestartFull
        anchor = self.opts.anchor
        if anchor is not None and size == anchor[0] and root != anchor[1]:
            self._report(size, None, "not_extension", f"the first {size} events no longer have the root recorded "
                                                      "as verified in the state file")

    def _root_needed(self, size: int) -> bool:
        return (self.next_cp is not None and int(self.next_cp[0]) <= size) or size in self.externals_by_size \
            or size == self.opts.incremental_from or (self.opts.anchor is not None and size == self.opts.anchor[0])

    def _read_vault_checkpoint(self, row: Sequence[Any]) -> Checkpoint | None:
        size = int(row[0])
        self.max_cp_size = max(self.max_cp_size, size)
        try:
            cp = parse_note(str(row[3]))
        except ValueError as e:
            self._report(size, None, "bad_checkpoint_signature", f"vault checkpoint note unreadable: {e}")
            return None
        if (cp.size, cp.root, cp.time) != (size, _as_bytes(row[1]), row[2]):
            self._report(size, None, "stored_hash_differs", "checkpoints row columns differ from its signed note")
        if size > self.opts.incremental_from:
            self._check_office_signature(cp, "vault")
        return cp

    def _vault_checkpoint(self, row: Sequence[Any], root: bytes | None) -> None:
        cp = self._read_vault_checkpoint(row)
        if cp is None:
            return
        if cp.previous != self.last_cp_read:
            self._report(cp.size, None, "checkpoint_size_differs",
                         f"vault checkpoint of size {cp.size} follows the one of size {cp.previous}, but the "
                         f"vault's previous checkpoint is of size {self.last_cp_read}: a checkpoint is missing")
        self.last_cp_read = cp.size
        signed_at = parse_time(cp.time)
        if self.latest_time is not None and signed_at is not None and self.latest_time[0] > signed_at:
            self._report(self.latest_time[1], None, "illegal_transition",
                         f"dated after the checkpoint of size {cp.size} that covers it ({cp.time})")
        self.latest_time = None
        size = int(row[0])
        actual = root if root is not None else (EMPTY_ROOT if size == 0 else None)
        if actual is not None and cp.root == actual and self._origin_ok(cp):
            self._close_bad_run()
            self.last_good_cp = size
        else:
            self.bad_run.append((size, cp.time))

    def _close_bad_run(self) -> None:
        if not self.bad_run:
            return
        (first, when), (last, _) = self.bad_run[0], self.bad_run[-1]
        later = f"; so do {len(self.bad_run) - 1} later vault checkpoints up to size {last}" \
            if len(self.bad_run) > 1 else ""
        self._report(first, None, "checkpoint_root_differs",
                     f"vault checkpoint of size {first} signed {when} does not match the log{later}; the change "
                     f"lies in events {self.last_good_cp + 1}..{first} or the checkpoint was replaced")
        self.bad_run = []

    def _external_checkpoint(self, ext: _External, root: bytes) -> None:
        cp = ext.checkpoint
        self._check_office_signature(cp, ext.source)
        if not self._origin_ok(cp):
            self._report(cp.size, None, "not_extension", f"{_describe(cp, ext.source)} is for another log "
                                                         f"({cp.origin})")
        elif cp.root != root:
            self._report(cp.size, None, "not_extension",
                         f"{_describe(cp, ext.source)}: the first {cp.size} events of this log have another root")

    def _origin_ok(self, cp: Checkpoint) -> bool:
        d = self.authority
        return d.vault_id is None or cp.origin == f"securemail/{d.office_code}/{d.vault_id}"

    def _check_office_signature(self, cp: Checkpoint, source: str) -> None:
        """A checkpoint is signed by the office key or by the person who wrote it, with the key the authority
        says they held at that size (one valid signature suffices; others are ignored)."""
        problem = Problem(cp.size, None, "bad_checkpoint_signature",
                          f"{_describe(cp, source)}: no valid signature by the office or by the person who wrote it")
        usable = self.authority.checkpoint_signers(cp)
        if not usable:
            self.problems.append(problem)
            return
        self.sigs.add(_Pending(_NoteCheck(cp, tuple(usable)), problem))

    def _check_witnessed_claim(self, seq: int, event: Event) -> None:
        """A checkpoint.witnessed event says: the first `size` events had this root when the auditor checked."""
        size, root = event.data.get("size"), event.data.get("root")
        try:
            claimed = unb64(str(root))
        except (ValueError, binascii.Error):
            claimed = b""
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= self.tree.size:
            self._report(seq, event.subject, "not_extension", f"witnessed size {size!r} is not before event {seq}")
            return
        actual = self.tree.root() if size == self.tree.size else self._root_of_prefix(size)
        if claimed != actual:
            self._report(seq, event.subject, "not_extension",
                         f"{event.actor} witnessed size {size} with another root: the first {size} events changed")

    def _root_of_prefix(self, size: int) -> bytes:
        leaves = self.leaves
        log = MerkleLog(lambda a, b: [bytes(leaves[32 * i:32 * i + 32]) for i in range(a, b)])
        return log.root(size)

    def _finish_checkpoints(self) -> None:
        n = self.tree.size
        while self.next_cp is not None:                  # vault checkpoints beyond the log
            self._read_vault_checkpoint(self.next_cp)
            size = int(self.next_cp[0])
            self._report(size, None, "checkpoint_size_differs",
                         f"vault checkpoint covers {size} events; the log has {n}: log shorter than checkpoint")
            self._advance_cp()
        self._close_bad_run()
        if n > 0 and self.max_cp_size < n:
            self._report(self.max_cp_size + 1, None, "checkpoint_size_differs",
                         f"events {self.max_cp_size + 1}..{n} are covered by no vault checkpoint (every write "
                         "ends with one)")
        for size in sorted(self.externals_by_size):
            for ext in self.externals_by_size[size]:
                self._check_office_signature(ext.checkpoint, ext.source)
                self._report(size, None, "checkpoint_size_differs",
                             f"{_describe(ext.checkpoint, ext.source)}; the log has {n}: log shorter than "
                             "checkpoint (truncated or rolled back)")
        self._check_frontier()
        for ext in self.opts.externals:
            self._check_witnesses(ext)

    def _check_frontier(self) -> None:
        try:
            row = self.conn.execute("SELECT state FROM merkle_frontier WHERE id = 1").fetchone()
        except DatabaseError as e:
            self._unreadable("merkle_frontier", e)
            return
        stored = _as_bytes(row[0]) if row else CompactRange().to_bytes()
        if stored != self.tree.to_bytes():
            self._report(None, None, "stored_hash_differs",
                         "merkle_frontier does not match the recomputed tree (the next write would be wrong)")

    def _check_witnesses(self, ext: _External) -> None:
        cp = ext.checkpoint
        for s in cp.signatures:              # lines outside our witness names are other people's: ignored
            if not s.name.startswith(WITNESS_PREFIX):
                continue
            user = s.name.removeprefix(WITNESS_PREFIX)
            account = self.authority.account(user)
            keys = [p.key for p in account.periods] if account else []
            if not any(cosignature_time(cp, s.name, k) is not None for k in keys):
                self._report(cp.size, None, "bad_checkpoint_signature",
                             f"{_describe(cp, ext.source)}: witness signature by {user} is not valid")

    # -- (5) projection -------------------------------------------------------------------------------------

    def _compare_projection(self) -> None:
        self.replay.conn.execute("COMMIT")

        def tick() -> None:
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                self._progress()

        for table in PROJECTION_TABLES:
            try:
                for problem in _TableDiff(self.conn, self.replay.conn, table).problems(tick):
                    self.problems.append(problem)
            except DatabaseError as e:
                self._unreadable(f"table {table}", e)


def _count(conn: Connection, table: str) -> int:
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    except DatabaseError as e:
        if isinstance(e, _ProgrammingError):
            raise
        return 0        # reported when the table is read


def _as_bytes(value: object) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else b""


# ---- entry point -------------------------------------------------------------------------------------------

def verify_ledger(conn: Connection, *, office_public_key_hint: bytes | None = None,
                  checkpoints: Sequence[Checkpoint] = (), state_checkpoint: Checkpoint | None = None,
                  incremental_from: int = 0, progress: ProgressCallback | None = None, workers: int = 2,
                  incremental_root: bytes | None = None, integrity_check: bool = True,
                  verified_before: tuple[int, bytes] | None = None,
                  witnessed: Sequence[tuple[Checkpoint, str]] = ()) -> VerificationReport:
    """Verify the whole ledger behind `conn` (steps in the module docstring).

    `checkpoints` are exported checkpoint files, `state_checkpoint` the newest one seen (state.json), `witnessed`
    this vault's checkpoints cosigned by partners (with where they come from): all are held outside the database
    and are what detects a rollback or a rewrite by someone holding the office key.
    With `incremental_from`, signatures up to that seq are trusted; pass `incremental_root` (the root verified
    then) and a log whose first `incremental_from` events no longer have that root is verified in full, with a
    not_extension problem (progress then starts again from 0). `workers` processes check signatures (1: in-process;
    callers' entry modules must keep the `if __name__ == "__main__":` guard that multiprocessing needs).
    """
    externals = [_External(cp, f"checkpoint file #{i + 1}") for i, cp in enumerate(checkpoints)]
    externals += [_External(cp, source) for cp, source in witnessed]     # cosigned by partners (bundles)
    if state_checkpoint is not None:
        externals.append(_External(state_checkpoint, "state file"))
    opts = _Options(office_public_key_hint, externals, max(0, incremental_from), incremental_root, progress,
                    max(1, workers), integrity_check, verified_before)
    restart_reason: Problem | None = None
    n = _count(conn, "events")
    if verified_before is not None and verified_before[0] > n:
        restart_reason = Problem(verified_before[0], None, "checkpoint_size_differs",
                                 f"the log has {n} events, fewer than the {verified_before[0]} verified before")
        report = _Run(conn, replace(opts, incremental_from=0, incremental_root=None, anchor=None)).run()
        report.problems.insert(0, restart_reason)
        return report
    if opts.incremental_from > n:
        restart_reason = Problem(opts.incremental_from, None, "checkpoint_size_differs",
                                 f"the log has {n} events, fewer than the {opts.incremental_from} verified before")
    else:
        try:
            return _Run(conn, opts).run()
        except _RestartFull:
            restart_reason = Problem(opts.incremental_from, None, "not_extension",
                                     f"the first {opts.incremental_from} events no longer have the root verified "
                                     "before; every signature was checked again")
    report = _Run(conn, replace(opts, incremental_from=0, incremental_root=None, anchor=None)).run()
    report.problems.insert(0, restart_reason)
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report
