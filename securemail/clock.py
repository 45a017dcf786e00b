"""Injected time. Logic never reads the wall clock itself; services receive a Clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol

ICT = timezone(timedelta(hours=7), "ICT")


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware current time."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(ICT)


class FixedClock:
    """A clock for tests and demos: starts at a given time and moves only when told."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when


def iso(ts: datetime) -> str:
    """The one textual form of a time stored in the ledger (microseconds, with offset)."""
    if ts.tzinfo is None:
        raise ValueError("naive datetime")
    return ts.isoformat(timespec="microseconds")


def local_text(value: str | datetime | None, empty: str = "") -> str:
    """A time as people here write it, in Vietnam time: dd/mm/yyyy HH:MM (the CLI and the app both use this)."""
    if not value:
        return empty
    moment = parse_iso(value) if isinstance(value, str) else value
    return moment.astimezone(ICT).strftime("%d/%m/%Y %H:%M")


def parse_iso(text: str) -> datetime:
    ts = datetime.fromisoformat(text)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=ICT)
    return ts
