"""Whether an item met its due time: one rule for the overdue report (PDF) and `norm rates`.

* The clock stops at the FIRST delivery attempt (TT 16/2017: the end-to-end time runs to the first attempt;
  an item whose first attempt was in time is on time even if that attempt failed).
* An item not yet attempted whose due time has not passed is PENDING and left out of on-time rates.
* An item not yet attempted whose due time has passed is OVERDUE (counted as missed).
* Hẹn giờ: the appointment is the due time. A first attempt more than ``early_minutes`` before it is EARLY, which
  is not on time unless someone recorded a note on the item explaining it (e.g. the recipient asked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum, unique

__all__ = ["DEFAULT_EARLY_MINUTES", "Outcome", "Timing", "classify", "tally"]

DEFAULT_EARLY_MINUTES = 60


@unique
class Outcome(StrEnum):
    MET = "met"
    LATE = "late"  # first attempt after the due time
    OVERDUE = "overdue"  # no attempt yet and the due time has passed
    EARLY = "early"  # Hẹn giờ attempted well before the appointment, without a note
    PENDING = "pending"  # no attempt yet, not yet due: left out of rates

    @property
    def counted(self) -> bool:
        return self is not Outcome.PENDING

    @property
    def missed(self) -> bool:
        return self in (Outcome.LATE, Outcome.OVERDUE, Outcome.EARLY)


@dataclass(frozen=True, slots=True)
class Timing:
    """What decides an item's outcome (all datetimes timezone-aware)."""

    due: datetime
    first_attempt: datetime | None
    appointed: bool = False  # Hẹn giờ: ``due`` is the appointment
    noted: bool = False  # a note was recorded on the item


def classify(t: Timing, now: datetime, early_minutes: int = DEFAULT_EARLY_MINUTES) -> Outcome:
    if t.first_attempt is None:
        return Outcome.OVERDUE if now > t.due else Outcome.PENDING
    if t.first_attempt > t.due:
        return Outcome.LATE
    if t.appointed and t.first_attempt < t.due - timedelta(minutes=early_minutes) and not t.noted:
        return Outcome.EARLY
    return Outcome.MET


def tally(timings: Iterable[Timing], now: datetime, early_minutes: int = DEFAULT_EARLY_MINUTES) -> Counter[Outcome]:
    return Counter(classify(t, now, early_minutes) for t in timings)
