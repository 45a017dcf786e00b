"""Working days and working hours of one post office: what "J + n" counts in.

* Working days are Monday to Friday, except days off (public holidays, the government's yearly swaps), plus
  make-up working days (a Saturday or Sunday the government turns into a working day in exchange for a day off).
* Working hours are per office (a signed ``setting.set`` of ``working_hours``); the default is
  07:30-11:30 and 13:00-17:00. The first period is the morning session: "J + n,5" ends at its close.
* The statutory days off (Bộ luật Lao động 2019 Điều 112: 01/01, Tết Nguyên đán, Giỗ Tổ Hùng Vương 10/3 âm lịch,
  30/4, 01/5, 02/9 and the day next to it, with the days made up when they fall on a weekend) are computed by the
  maintained ``holidays`` package (lunar dates included). That computation is never replayed: an admin's signed
  ``holidays.set`` event records the list it gave for one year, so the ledger alone decides every due time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

__all__ = [
    "DEFAULT_HOURS",
    "WorkCalendar",
    "WorkingHours",
    "parse_working_hours",
    "statutory_days_off",
    "statutory_source",
]

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Working periods of a day, in order, not overlapping (e.g. morning and afternoon sessions)."""

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("at least one working period")
        previous_end: time | None = None
        for begin, end in self.periods:
            if not begin < end or (previous_end is not None and begin < previous_end):
                raise ValueError("working periods must be increasing and not overlap")
            previous_end = end

    @property
    def close(self) -> time:
        """End of the working day."""
        return self.periods[-1][1]

    @property
    def midday(self) -> time:
        """End of the morning session (the middle of the working day)."""
        return self.periods[0][1]

    @property
    def minutes(self) -> int:
        return sum(_minutes(end) - _minutes(begin) for begin, end in self.periods)

    def after_minutes(self, minutes: int) -> time:
        """The time of day at which ``minutes`` of working time have passed since the day's start."""
        left = minutes
        for begin, end in self.periods:
            length = _minutes(end) - _minutes(begin)
            if left <= length:
                return _time(_minutes(begin) + left)
            left -= length
        return self.close

    def text(self) -> str:
        return ",".join(f"{b:%H:%M}-{e:%H:%M}" for b, e in self.periods)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def parse_working_hours(text: str) -> WorkingHours:
    """ "07:30-11:30,13:00-17:00" -> WorkingHours; ValueError if malformed."""
    periods = []
    for part in text.split(","):
        match = _PERIOD.match(part)
        if match is None:
            raise ValueError(f"bad working period {part!r} (HH:MM-HH:MM)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"bad working period {part!r}")
        periods.append((time(h1, m1), time(h2, m2)))
    return WorkingHours(tuple(periods))


DEFAULT_HOURS = WorkingHours(((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))))


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Days off, make-up working days and working hours: everything "J + n" needs."""

    days_off: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()
    hours: WorkingHours = field(default=DEFAULT_HOURS)

    def is_working_day(self, day: date) -> bool:
        if day in self.days_off:
            return False
        return day.weekday() < 5 or day in self.make_up_days

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for _ in range(3660):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within ten years (is every day a holiday?)")


def statutory_days_off(year: int) -> dict[date, str]:
    """Vietnam's statutory days off in ``year`` with their Vietnamese names, from the ``holidays`` package."""
    import holidays  # noqa: PLC0415 - heavy import, only when an admin records a year

    calendar = holidays.country_holidays("VN", years=year, language="vi")
    return {day: str(name) for day, name in sorted(calendar.items()) if day.year == year}


def statutory_source() -> str:
    """Where the computed list comes from, recorded with it (package version included)."""
    from importlib.metadata import version  # noqa: PLC0415

    return f"BLLĐ 2019 Điều 112 (tính bằng gói holidays {version('holidays')})"
