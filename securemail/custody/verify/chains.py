"""Step 3, chains: each event's `prev` is the hash of its subject's previous event (None for the first)."""

from __future__ import annotations

from collections.abc import Callable

from securemail.custody.events import Event
from securemail.custody.verify.context import Context
from securemail.custody.verify.parse import RowReader


class ChainStep:
    def __init__(self, ctx: Context, rows: RowReader,
                 before: Callable[[str], tuple[int, bytes] | None] | None = None) -> None:
        self.ctx = ctx
        self.rows = rows
        self.before = before                          # (seq, hash) of a subject's last event before this run
        self.last_of_subject: dict[str, int] = {}     # subject -> position of its latest event

    def event(self, seq: int, pos: int, event: Event) -> None:
        previous = self._previous(event.subject)
        expected = None if previous is None else previous[1].hex()
        if event.prev != expected:
            if previous is None:
                detail = f"prev is {str(event.prev)[:16]}... but this is the first event of {event.subject}"
            else:
                detail = (f"prev is {str(event.prev)[:16]}..., the previous event of {event.subject} "
                          f"(seq {previous[0]}) has hash {str(expected)[:16]}...")
            self.ctx.report(seq, event.subject, "broken_chain", detail)
        self.last_of_subject[event.subject] = pos

    def _previous(self, subject: str) -> tuple[int, bytes] | None:
        pos = self.last_of_subject.get(subject)
        if pos is not None:
            return self.rows.row_seqs[pos], self.rows.hash_at(pos)
        return self.before(subject) if self.before is not None else None
