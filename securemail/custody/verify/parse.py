"""Step 1, parse: each stored row in seq order. Seq 1..n contiguous, the stored hash columns equal to the hashes
recomputed from the stored bytes, the body canonical and readable, and the query columns equal to the body."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from securemail.crypto.canonical import parse_canonical
from securemail.custody.events import Event, event_from_doc, event_hash, leaf_bytes
from securemail.custody.merkle import leaf_hash
from securemail.custody.verify.context import Context

EVENT_COLUMNS: Final = "seq, body, signatures, event_hash, leaf_hash, kind, subject, actor, time"


@dataclass(frozen=True)
class ParsedRow:
    seq: int
    pos: int                  # position in this run (0 = first row read)
    body: bytes
    leaf: bytes               # recomputed leaf hash
    event: Event | None       # None: malformed (reported)


def show(value: object) -> str:
    """A stored value, short enough for a problem's detail."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return f"<{len(raw)} bytes {raw[:8].hex()}...>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class RowReader:
    """Reads rows starting at `first_seq`; keeps, per position, the row's seq and event hash (for the chains)."""

    def __init__(self, ctx: Context, first_seq: int = 1) -> None:
        self.ctx = ctx
        self.expected_seq = first_seq
        self.row_seqs = array("q")
        self.event_hashes = bytearray()

    def read(self, row: Sequence[Any]) -> ParsedRow:
        seq, body_raw, sigs_raw = int(row[0]), row[1], row[2]
        body = bytes(body_raw) if body_raw is not None else b""
        sigs = sigs_raw.encode() if isinstance(sigs_raw, str) else bytes(sigs_raw or b"")
        self._check_position(seq)
        pos = len(self.row_seqs)
        self.row_seqs.append(seq)
        ehash = event_hash(body)
        leaf = leaf_hash(leaf_bytes(body, sigs))
        self.event_hashes += ehash
        self._check_stored(seq, "event_hash", row[3], ehash)
        self._check_stored(seq, "leaf_hash", row[4], leaf)
        event = self._parse(seq, body, sigs)
        if event is not None:
            self._check_columns(seq, event, row[5:9])
        return ParsedRow(seq, pos, body, leaf, event)

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

    def _check_stored(self, seq: int, column: str, stored: object, computed: bytes) -> None:
        if not isinstance(stored, bytes | bytearray | memoryview) or bytes(stored) != computed:
            shown = bytes(stored).hex()[:16] if isinstance(stored, bytes | bytearray | memoryview) else repr(stored)
            self.ctx.report(seq, None, "stored_hash_differs",
                            f"events.{column} is {shown}..., recomputed {computed.hex()[:16]}...")

    def _parse(self, seq: int, body: bytes, sigs: bytes) -> Event | None:
        """The event exactly as signed, or None (malformed_event reported)."""
        try:
            doc = parse_canonical(body)
            event = event_from_doc(doc, sigs)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self.ctx.report(seq, None, "malformed_event", f"body or signatures unreadable: {type(e).__name__}: {e}")
            return None
        if event.seq != seq:
            self.ctx.report(seq, event.subject, "reordered_event", f"row seq {seq} holds the event signed as seq "
                                                                   f"{event.seq}")
        vault = self.ctx.authority.vault_id
        if vault is not None and event.vault != vault:
            self.ctx.report(seq, event.subject, "malformed_event", f"event belongs to vault {event.vault}")
        return event

    def _check_columns(self, seq: int, event: Event, stored: Sequence[object]) -> None:
        """events.kind/subject/actor/time are copies of the body used by queries (e.g. an item's timeline)."""
        for column, value, signed in zip(("kind", "subject", "actor", "time"), stored,
                                         (event.kind, event.subject, event.actor, event.time), strict=True):
            if value != signed:
                self.ctx.report(seq, event.subject, "projection_differs",
                                f"events.{column}: vault has {show(value)}, the signed body says {show(signed)}")
