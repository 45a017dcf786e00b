"""The plain (incremental) run: only what is new since the auditor's signed verified record, in time that follows
the new events, not the vault.

The verified record (state.json, signed by the auditor: size, root, the hash of the directory's latest event, and
the compact range at that size) anchors what was checked before. This run then checks:

    - the compact range has the signed root (so, with the new leaves, it gives the consistency of the new tree with
      the verified one: RFC 9162 consistency, without reading the old leaves);
    - the directory's events up to the record form an unbroken chain ending at the signed head (the authority is
      rebuilt from them);
    - every new event: position, stored hashes, canonical body, signatures, chain link (to the subject's previous
      event, old or new), custody rules and transitions;
    - the vault checkpoints after the record, the outside records, the stored frontier;
    - the projection rows the new events touched, replayed from their subjects' histories (whose chains end in the
      new, signed links).

It refuses rather than guesses: whenever it cannot decide alone (a new event that recomputes every open item's due
time, an outside record older than the verified one whose prefix root the stored hashes cannot tie to the verified
root, a subject history that does not chain, any problem at all),
it returns None and the caller runs the full verification, whose report is the one the user sees. What it does
not re-read is the old part of the log itself (every old leaf, page and row): that is `verify --full`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from securemail.custody import kinds as K
from securemail.custody.events import Event, event_from_stored, event_hash
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.verify.chains import ChainStep
from securemail.custody.verify.checkpoints import MerkleStep, prefix_root
from securemail.custody.verify.context import Context, Options
from securemail.custody.verify.directory import DirectoryStep
from securemail.custody.verify.outside import OutsideStep
from securemail.custody.verify.parse import EVENT_COLUMNS, ParsedRow, RowReader, RowStream, directory_key_hints
from securemail.custody.verify.projection import Replay, TableDiff, TableShape
from securemail.custody.verify.report import VerificationReport
from securemail.custody.verify.transitions import TransitionStep
from securemail.storage.database import Connection, DatabaseError
from securemail.storage.event_codec import load_body, load_signatures

__all__ = ["Since", "run_incremental"]

MAX_SUBJECTS: Final = 100_000        # a closure larger than this is verified in full
_DIRECTORY_TABLES: Final = ("users", "agencies", "norms", "settings", "holidays", "pins")
_BY_TRACKING: Final = ("items", "bag_items", "incidents", "due_changes")


@dataclass(frozen=True)
class Since:
    """The auditor's signed verified record: `size` events had `root`; `directory_head` is the event hash of the
    latest directory event among them; `frontier` the compact range at `size` (unsigned, checked against root)."""

    size: int
    root: bytes
    directory_head: bytes | None
    frontier: CompactRange

    def holds(self) -> bool:
        return self.frontier.size == self.size and self.frontier.root() == self.root


class _CannotDecide(Exception):  # control flow: the full run decides
    pass


def run_incremental(conn: Connection, opts: Options, since: Since) -> VerificationReport | None:
    """The report of the new part, or None when only a full run can decide (see the module docstring)."""
    if not since.holds():
        return None
    try:
        return _IncrementalRun(conn, opts, since).run()
    except (_CannotDecide, DatabaseError, ValueError, KeyError, TypeError):
        return None


class _IncrementalRun:
    def __init__(self, conn: Connection, opts: Options, since: Since) -> None:
        self.conn = conn
        self.since = since
        new = count_new(conn, since.size)
        self.ctx = ctx = Context(conn, opts, total_events=new, total=2 * new, expected_signatures=new)
        self.replay = Replay()
        self.rows = RowReader(ctx, first_seq=since.size + 1)
        self.directory = DirectoryStep(ctx, signatures_from=since.size, from_genesis=False)
        self.transitions = TransitionStep(ctx, self.replay.conn)
        self.merkle = MerkleStep(ctx, self.transitions, tree=since.frontier.copy(),
                                 checkpoints_after=_last_checkpoint_before(conn, since.size), keep_leaves=True)
        self.merkle.last_good_cp = since.size
        self.outside = OutsideStep(ctx)
        self.merkle.watch(self.outside.sizes(), self.outside.at_size)
        self.old_heads: dict[str, tuple[int, bytes]] = {}     # subject -> (seq, event hash) of its last old event
        self.directory_events: list[Event] = []
        self.chains = ChainStep(ctx, self.rows, before=self._old_head)

    def run(self) -> VerificationReport | None:
        ctx = self.ctx
        try:
            new = self._read_new()                                  # (1) the new rows
            if any(r.event is not None and r.event.data.get("recompute_due") for r in new):
                raise _CannotDecide
            self._directory()                                       # (2) the directory up to the record
            # (6) outside records before and at the verified size, once the authority knows their signers
            self._older_records()
            self.merkle.at_size()
            tracked, bags = self._prime([r.event for r in new if r.event is not None])   # (5) old histories
            for r in new:
                self._event(r)                                      # (2)-(5a) for each new event
            self.merkle.finish()                                    # (4) checkpoints after the record
            self.outside.finish(self.merkle.tree.size)              # (6)
            ctx.problems.extend(ctx.sigs.finish())                  # (2) signatures from the workers
            self._compare(tracked, bags)                            # (5) the rows the new events touched
        finally:
            ctx.sigs.finish()
            self.replay.close()
        if ctx.problems:
            return None                  # the full run names the problems (and finds any in the old part)
        ctx.done = ctx.total
        ctx.progress()
        return VerificationReport(events_checked=len(self.rows.row_seqs), size=self.merkle.tree.size,
                                  root=self.merkle.tree.root(), problems=[], signatures_checked=ctx.sigs.checked,
                                  incremental_from=self.since.size, frontier=self.merkle.tree.to_bytes())

    def _older_records(self) -> None:
        """Outside records older than the verified size (the state file's checkpoint lags the log between two
        signed checkpoints: ADR 0016) are compared with the root of that prefix, derived from stored hashes that
        must extend to the verified root."""
        anchor = (self.since.size, self.since.root)
        for size in sorted(s for s in self.outside.by_size if s < self.since.size):
            root = prefix_root(self.conn, size, anchor)
            if root is None:
                raise _CannotDecide
            self.outside.at_size(size, root)

    # -- (1) the new rows -----------------------------------------------------------------------------------

    def _read_new(self) -> list[ParsedRow]:
        """Checked as the full run checks them (parse.RowStream: by the workers when there are enough)."""
        rows = self.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq",
                                 (self.since.size,))
        out = []
        for r in RowStream(self.ctx, self.rows, rows, signatures_from=self.since.size,
                           hints=directory_key_hints(self.conn)):
            out.append(r)
            self.ctx.tick()
        return out

    # -- (2) the directory, anchored by the signed head -----------------------------------------------------

    def _directory(self) -> None:
        """The authority replayed as the full run replays it: the genesis pair and every key-changing event have
        their signatures checked again (they decide whose keys count); other old signatures are not."""
        history = self._history(K.DIRECTORY)
        head = self.old_heads.get(K.DIRECTORY)
        if (head[1] if head else None) != self.since.directory_head:
            raise _CannotDecide
        step = DirectoryStep(self.ctx, signatures_from=self.since.size)
        for pos, (event, body) in enumerate(history):
            step.event(event.seq, pos, event, body)
        step.finish()
        if self.ctx.problems:
            raise _CannotDecide
        self.directory_events = [event for event, _ in history]

    def _history(self, subject: str) -> list[tuple[Event, bytes]]:
        """The subject's events (and bodies) up to the record, their chain checked; its head remembered."""
        rows = self.conn.execute("SELECT seq, body, signatures FROM events WHERE subject = ? AND seq <= ? "
                                 "ORDER BY seq", (subject, self.since.size)).fetchall()
        events, prev = [], None
        for seq, stored, sigs in rows:
            body = load_body(stored)
            event = event_from_stored(body, load_signatures(sigs))
            if event.seq != int(seq) or event.subject != subject or event.prev != prev:
                raise _CannotDecide
            digest = event_hash(body)
            prev = digest.hex()
            self.old_heads[subject] = (int(seq), digest)
            events.append((event, body))
        return events

    def _old_head(self, subject: str) -> tuple[int, bytes] | None:
        return self.old_heads.get(subject)

    # -- (5) the old histories of every subject the new events touch ----------------------------------------

    def _prime(self, new: list[Event]) -> tuple[set[str], set[str]]:
        tracked: set[str] = set()
        bags: set[str] = set()
        todo = [e.subject for e in new]
        todo += [K.bag_subject(str(e.data["bag"])) for e in new if isinstance(e.data.get("bag"), str)]
        history: dict[str, list[Event]] = {K.DIRECTORY: self.directory_events}
        while todo:
            subject = todo.pop()
            if subject in history:
                continue
            if len(history) > MAX_SUBJECTS:
                raise _CannotDecide
            events = history[subject] = [event for event, _ in self._history(subject)]
            if subject.startswith("bag:"):
                bags.add(subject.removeprefix("bag:"))
                todo += [str(r[0]) for r in self.conn.execute("SELECT tracking FROM bag_items WHERE bag = ?",
                                                             (subject.removeprefix("bag:"),))]
            else:
                tracked.add(subject)
                todo += [K.bag_subject(str(e.data["bag"])) for e in events if isinstance(e.data.get("bag"), str)]
        for event in sorted((e for events in history.values() for e in events), key=lambda e: e.seq):
            if self.replay.apply(event, event.seq) is not None:
                raise _CannotDecide
            self.transitions.last_time[event.subject] = event.time
        self.transitions.take_latest_time()
        return tracked, bags

    # -- each new event -------------------------------------------------------------------------------------

    def _event(self, r: ParsedRow) -> None:
        event = r.event
        if event is not None and event.kind == K.CHECKPOINT_WITNESSED:
            self.merkle.witnessed_claim(r.seq, event)
        self.merkle.append(r.leaf)
        if event is not None:
            self.directory.event(r.seq, r.pos, event, r.body, r.verdicts)
            self.chains.event(r.seq, r.pos, event)
            self.transitions.event(r.seq, event)
            problem = self.replay.apply(event, r.seq)
            if problem is not None:
                self.ctx.problems.append(problem)
        self.merkle.at_size()

    # -- (5) compare the touched rows -----------------------------------------------------------------------

    def _compare(self, tracked: set[str], bags: set[str]) -> None:
        self.replay.settle()
        self.replay.conn.execute("COMMIT")
        jobs: list[tuple[str, str, tuple[Any, ...]]] = [(t, "", ()) for t in _DIRECTORY_TABLES]
        jobs += [(t, "WHERE tracking = ?", (k,)) for t in _BY_TRACKING for k in sorted(tracked)]
        jobs += [("bags", "WHERE bag = ?", (b,)) for b in sorted(bags)]
        shapes = {table: TableShape.of(self.conn, table) for table in {job[0] for job in jobs}}
        for table, where, args in jobs:
            diff = TableDiff(self.conn, self.replay.conn, table, where, args, shapes[table])
            self.ctx.problems.extend(diff.problems(self.ctx.tick))


def count_new(conn: Connection, size: int) -> int:
    return int(conn.execute("SELECT count(*) FROM events WHERE seq > ?", (size,)).fetchone()[0])


def _last_checkpoint_before(conn: Connection, size: int) -> int:
    row = conn.execute("SELECT max(size) FROM checkpoints WHERE size <= ?", (size,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def log_end(conn: Connection) -> int:
    """The highest seq (the primary key's last entry: no count over the table)."""
    row = conn.execute("SELECT max(seq) FROM events").fetchone()
    return int(row[0] or 0)

