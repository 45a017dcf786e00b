"""Step 5a, transitions: the custody rules that depend on the state, the same ones the writer applies (times
never go back for a subject; who may hand over, deliver... what, in which state)."""

from __future__ import annotations

from datetime import datetime

from securemail.custody.events import Event
from securemail.custody.rules import custody_refusals, parse_time, time_refusal
from securemail.custody.verify.context import Context
from securemail.storage.database import Connection


class TransitionStep:
    def __init__(self, ctx: Context, state: Connection) -> None:
        self.ctx = ctx
        self.state = state                                    # the replayed projection before this event
        self.last_time: dict[str, str] = {}                   # subject -> time of its latest event
        self.latest_time: tuple[datetime, int] | None = None  # the latest event time since the last checkpoint

    def event(self, seq: int, event: Event) -> None:
        t = time_refusal(event, self.last_time.get(event.subject))
        if t is not None:
            self.ctx.report(seq, event.subject, t.code, t.detail)
        else:
            self.last_time[event.subject] = event.time
            when = parse_time(event.time)
            if when is not None and (self.latest_time is None or when > self.latest_time[0]):
                self.latest_time = (when, seq)
        for r in custody_refusals(self.state, self.ctx.authority, event):
            self.ctx.report(seq, event.subject, r.code, r.detail)

    def take_latest_time(self) -> tuple[datetime, int] | None:
        """The latest event time since the previous call (a checkpoint must not be dated before it)."""
        latest, self.latest_time = self.latest_time, None
        return latest
