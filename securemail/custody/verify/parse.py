"""Step 1, parse: each stored row in seq order. Seq 1..n contiguous, the stored hash columns equal to the hashes
recomputed from the stored bytes, the body canonical and readable, and the query columns equal to the body.

What a row proves on its own is checked in batches by the worker processes (rows.py, with the event signatures);
this module keeps the order: positions, the seqs and event hashes read so far (for the chains), the vault id the
authority knows. `RowStream` keeps the workers a few batches ahead of the main process, which meanwhile runs the
order-dependent steps on the batches already checked (so both cores are busy)."""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from itertools import islice
from typing import Any, Final, NamedTuple

from securemail.custody import kinds as K
from securemail.custody.events import Event, event_from_fields
from securemail.custody.verify.context import Context
from securemail.custody.verify.rows import (
    KeyHints,
    Row,
    Verdict,
    check_row,
    check_rows,
    check_rows_packed,
    key_hints,
    plain_row,
    show,
    unpack,
)
from securemail.storage.database import Connection, DatabaseError
from securemail.storage.event_codec import StoredFormError, load_body

__all__ = ["EVENT_COLUMNS", "ParsedRow", "RowReader", "RowStream", "directory_key_hints", "show"]

EVENT_COLUMNS: Final = "seq, body, signatures, event_hash, leaf_hash, kind, subject, actor, time"
Results = list[tuple[Any, ...]]
BATCH_ROWS: Final = 256         # rows per task sent to a worker
FIRST_BATCH_ROWS: Final = 32    # the first tasks are small, so the main process starts at once


class ParsedRow(NamedTuple):    # a tuple: one per event, built at the main process's pace
    seq: int
    pos: int                  # position in this run (0 = first row read)
    body: bytes
    leaf: bytes               # recomputed leaf hash
    event: Event | None       # None: malformed (reported)
    verdicts: tuple[Verdict, ...] = ()   # the workers' signature results (hints: see rows.py)


class RowReader:
    """Reads rows starting at `first_seq`; keeps, per position, the row's seq and event hash (for the chains)."""

    def __init__(self, ctx: Context, first_seq: int = 1) -> None:
        self.ctx = ctx
        self.expected_seq = first_seq
        self.row_seqs = array("q")
        self.event_hashes = bytearray()

    def read(self, row: Sequence[Any], hints: KeyHints | None = None, signatures_from: int | None = None) \
            -> ParsedRow:
        """One row checked in this process (small runs, tests)."""
        plain = plain_row(row)
        return self.accept(plain, check_row(plain, hints or {}, _NO_SIGNATURES if signatures_from is None
                                            else signatures_from))

    def accept(self, row: Row, result: Sequence[Any]) -> ParsedRow:
        """The row with what a worker found about it (rows.check_row), in the order of the log."""
        seq = int(row[0])
        ehash, leaf, before, after, fields, verdicts, body = result
        self._check_position(seq)
        pos = len(self.row_seqs)
        self.row_seqs.append(seq)
        self.event_hashes += ehash
        report = self.ctx.report
        for code, subject, detail in before:
            report(seq, subject, code, detail)
        if fields is None:
            return ParsedRow(seq, pos, body, leaf, None)
        event = event_from_fields(fields)
        known = self.ctx.authority.vault_id
        if known is not None and event.vault != known:
            report(seq, event.subject, "malformed_event", f"event belongs to vault {event.vault}")
        for code, subject_, detail in after:
            report(seq, subject_, code, detail)
        return ParsedRow(seq, pos, body, leaf, event, verdicts)

    def hash_at(self, pos: int) -> bytes:
        return bytes(self.event_hashes[32 * pos:32 * pos + 32])

    def _check_position(self, seq: int) -> None:
        if seq > self.expected_seq:
            gap = f"events {self.expected_seq}..{seq - 1} are missing" if seq - 1 > self.expected_seq else \
                f"event {self.expected_seq} is missing"
            self.ctx.report(self.expected_seq, None, "missing_event", gap)
        elif seq < self.expected_seq:
            self.ctx.report(seq, None, "reordered_event", f"row seq {seq} where {self.expected_seq} was expected")
        self.expected_seq = max(self.expected_seq, seq + 1)


_NO_SIGNATURES: Final = 1 << 62      # RowReader.read without a signatures_from: the workers check no signature


def directory_key_hints(conn: Connection) -> KeyHints:
    """The keys the enrolments and key rotations name (rows.key_hints), read by the kind index."""
    try:
        rows = conn.execute("SELECT seq, body FROM events WHERE kind IN (?, ?) ORDER BY seq",
                            (K.USER_ENROLLED, K.USER_KEY_ROTATED))
        return key_hints([(int(seq), body) for seq, body in _readable(rows)])
    except DatabaseError:
        return {}       # hints only: every signature is then checked the usual way (and the table reported)


def _readable(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, bytes]]:
    for seq, body in rows:
        if isinstance(seq, int) and isinstance(body, bytes):
            try:
                yield seq, load_body(body)
            except StoredFormError:
                continue        # reported by the row's own check


class RowStream:
    """The rows of `cursor` parsed and checked in batches (by the workers when the checker has a pool), yielded in
    order. A DatabaseError while reading is raised after every row read before it has been yielded."""

    def __init__(self, ctx: Context, reader: RowReader, cursor: Iterable[Sequence[Any]], *, signatures_from: int,
                 hints: KeyHints) -> None:
        self.ctx = ctx
        self.reader = reader
        self.rows = iter(cursor)
        self.signatures_from = signatures_from
        self.hints = hints
        self.error: DatabaseError | None = None
        self.batches = 0
        self.ahead: deque[tuple[list[Row], Future[bytes] | bytes | Results]] = deque()

    def prime(self) -> None:
        """Read the first batches and hand them to the workers now, so that they work while this process does
        something else first (the integrity check). Nothing is reported and nothing is accepted here: the rows
        are yielded, in order, by iterating. A no-op without a pool (a batch would be checked here at once)."""
        if self.ctx.sigs.pooled():
            self._fill(self.ctx.sigs.tasks_ahead())

    def _fill(self, limit: int) -> None:
        sigs = self.ctx.sigs
        while self.error is None and len(self.ahead) < limit:
            batch = self._next_batch()
            if not batch:
                break
            self.ahead.append((batch, sigs.run(check_rows_packed, batch, self.hints, self.signatures_from)
                               if sigs.pooled() else check_rows(batch, self.hints, self.signatures_from)))

    def __iter__(self) -> Iterator[ParsedRow]:
        sigs = self.ctx.sigs
        ahead = self.ahead
        limit = sigs.tasks_ahead()
        while True:
            self._fill(limit)
            if not ahead:
                break
            batch, task = ahead.popleft()
            results = unpack(sigs.result(task, check_rows, batch, self.hints, self.signatures_from))
            accept = self.reader.accept
            for row, result in zip(batch, results, strict=True):
                yield accept(row, result)
        if self.error is not None:
            raise self.error

    def _next_batch(self) -> list[Row]:
        size = FIRST_BATCH_ROWS if self.batches < 2 else BATCH_ROWS
        self.batches += 1
        out: list[Row] = []
        try:
            for row in islice(self.rows, size):
                out.append(plain_row(row))
        except DatabaseError as e:
            self.error = e
        return out
