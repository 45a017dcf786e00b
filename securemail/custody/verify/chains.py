"""Step 3, chains: each event's `prev` is the hash of its subject's previous event (None for the first)."""

from __future__ import annotations

from securemail.custody.events import Event
from securemail.custody.verify.context import Context
from securemail.custody.verify.parse import RowReader


class ChainStep:
    def __init__(self, ctx: Context, rows: RowReader) -> None:
        self.ctx = ctx
        self.rows = rows
        self.last_of_subject: dict[str, int] = {}     # subject -> position of its latest event

    def event(self, seq: int, pos: int, event: Event) -> None:
        before = self.last_of_subject.get(event.subject)
        expected = None if before is None else self.rows.hash_at(before).hex()
        if event.prev != expected:
            if before is None:
                detail = f"prev is {str(event.prev)[:16]}... but this is the first event of {event.subject}"
            else:
                detail = (f"prev is {str(event.prev)[:16]}..., the previous event of {event.subject} "
                          f"(seq {self.rows.row_seqs[before]}) has hash {str(expected)[:16]}...")
            self.ctx.report(seq, event.subject, "broken_chain", detail)
        self.last_of_subject[event.subject] = pos
