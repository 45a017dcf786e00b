"""Delivery-time norms for KT1 items and the due time that follows from them.

Defaults (TT 16/2017/TT-BTTTT Điều 4 khoản 4; domain.md, addendum). "J + n": J is the acceptance date, n the
maximum number of working days. Secrecy classes A/B/C use the ordinary (thường) targets.

=========  ===========  ============
service    nội tỉnh     liên tỉnh
=========  ===========  ============
thường     J + 1,5      J + 3,5
hỏa tốc    J + 1        J + 2,5
hẹn giờ    at the appointed time; accepted at least 4 h (nội tỉnh) / 24 h (liên tỉnh) before it
=========  ===========  ============

The circular asks 4 h in the inner city and 12 h outside it for nội tỉnh; the app does not know which, so
the default is the 4 h minimum and an administrator may raise it. The norms are data: admins may edit them,
and every norm carries its source and whether it is still the default.

No floats: working days are kept in integer tenths (1,5 days -> 15).

How "J + n" is counted here (our interpretation; the circular does not define the clock):

* Working time is Monday to Friday, 07:30-11:30 and 13:00-17:00 Asia/Ho_Chi_Minh (UTC+07:00), i.e. 8 working
  hours a day, except the dates in ``holidays`` (public holidays, Tết; the caller supplies them).
* "J + n" is n x 8 working hours counted from the moment of acceptance (a tenth of a day is 48 minutes).
  Accepted outside working time (evening, lunch break, weekend, holiday), the count starts at the next start
  of working time. When the hours run out exactly at the end of a working period, that end is the due time.
* Hẹn giờ: due at the appointed time itself.
* An item is on time when its first delivery attempt (delivered, or failed delivery at the address;
  TT 15/2022: end-to-end time runs to the *first* attempt) is at or before the due time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from securemail.domain.enums import Scope, ServiceClass

__all__ = [
    "DEFAULT_NORMS",
    "ICT",
    "TT16_SOURCE",
    "WORKDAY_MINUTES",
    "WORKING_PERIODS",
    "Norm",
    "add_working_minutes",
    "due_at",
    "format_tenths",
    "is_overdue",
    "is_working_day",
    "norm_for",
    "on_time_rate",
]

ICT = timezone(timedelta(hours=7), "ICT")
TT16_SOURCE = "TT 16/2017/TT-BTTTT Đ.4 k.4 (mặc định, quản trị có thể sửa)"

WORKING_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
WORKDAY_MINUTES = 480
_MINUTES_PER_TENTH = WORKDAY_MINUTES // 10  # 48


@dataclass(frozen=True, slots=True)
class Norm:
    """One delivery-time target for ``service`` x ``scope``.

    At most ``working_days_tenths`` / 10 working days (``None``: at the appointed time); for Hẹn giờ,
    ``min_lead_hours`` is the least time between acceptance and the appointment.
    """

    service: ServiceClass
    scope: Scope
    working_days_tenths: int | None
    min_lead_hours: int | None
    source: str
    is_default: bool

    def __post_init__(self) -> None:
        for name in ("working_days_tenths", "min_lead_hours"):
            value: object = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be None or a non-negative int")
        if not self.source.strip():
            raise ValueError("a norm needs its source")

    @property
    def target_text(self) -> str | None:
        """ "J + 1,5" (Vietnamese decimal comma), or None for an appointed-time norm."""
        if self.working_days_tenths is None:
            return None
        return f"J + {format_tenths(self.working_days_tenths)}"


def format_tenths(tenths: int) -> str:
    """15 -> "1,5", 10 -> "1", 25 -> "2,5"."""
    whole, frac = divmod(tenths, 10)
    return str(whole) if frac == 0 else f"{whole},{frac}"


DEFAULT_NORMS: tuple[Norm, ...] = (
    Norm(ServiceClass.THUONG, Scope.NOI_TINH, 15, None, TT16_SOURCE, True),
    Norm(ServiceClass.THUONG, Scope.LIEN_TINH, 35, None, TT16_SOURCE, True),
    Norm(ServiceClass.HOA_TOC, Scope.NOI_TINH, 10, None, TT16_SOURCE, True),
    Norm(ServiceClass.HOA_TOC, Scope.LIEN_TINH, 25, None, TT16_SOURCE, True),
    Norm(ServiceClass.HEN_GIO, Scope.NOI_TINH, None, 4, TT16_SOURCE, True),
    Norm(ServiceClass.HEN_GIO, Scope.LIEN_TINH, None, 24, TT16_SOURCE, True),
)


def norm_for(service: ServiceClass, scope: Scope, norms: Sequence[Norm] = DEFAULT_NORMS) -> Norm:
    """The norm for ``service`` x ``scope`` (first match in ``norms``); LookupError if there is none."""
    for norm in norms:
        if norm.service == service and norm.scope == scope:
            return norm
    raise LookupError(f"no delivery norm for {service.value}/{scope.value}")


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_minutes(start: datetime, minutes: int, holidays: frozenset[date] = frozenset()) -> datetime:
    """``start`` plus ``minutes`` of working time (see the module docstring), as an ICT datetime."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    local = _aware(start, "start").astimezone(ICT)
    remaining = timedelta(minutes=minutes)
    day = local.date()
    limit = 14 + len(holidays) + 2 * (minutes // WORKDAY_MINUTES + 1)
    for _ in range(limit):
        if is_working_day(day, holidays):
            for begin, end in WORKING_PERIODS:
                period_end = datetime.combine(day, end, ICT)
                cursor = max(local, datetime.combine(day, begin, ICT))
                if cursor >= period_end:
                    continue
                available = period_end - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("no working time found (is every day a holiday?)")


def due_at(
    accepted_at: datetime,
    norm: Norm,
    appointed_at: datetime | None,
    holidays: frozenset[date] = frozenset(),
) -> datetime:
    """When the item must be delivered (first attempt) at the latest, in ICT.

    For an appointed-time norm (``working_days_tenths is None``) that is ``appointed_at``, which is then
    required; otherwise ``appointed_at`` is ignored.
    """
    _aware(accepted_at, "accepted_at")
    if norm.working_days_tenths is None:
        if appointed_at is None:
            raise ValueError(f"the {norm.service.value} norm needs an appointed time")
        return _aware(appointed_at, "appointed_at").astimezone(ICT)
    return add_working_minutes(accepted_at, norm.working_days_tenths * _MINUTES_PER_TENTH, holidays)


def is_overdue(due: datetime, delivered_at: datetime | None, now: datetime) -> bool:
    """Delivered (first attempt) after ``due``, or not yet delivered and ``now`` is past ``due``."""
    _aware(due, "due")
    _aware(now, "now")
    if delivered_at is not None:
        return _aware(delivered_at, "delivered_at") > due
    return now > due


def on_time_rate(
    pairs: Iterable[tuple[datetime, datetime | None]],
    *,
    now: datetime | None = None,
) -> tuple[int, int]:
    """(met, total) over ``(due, delivered_at)`` pairs.

    A delivered item counts as met when delivered at or before its due time. An item not yet delivered is left
    out, unless ``now`` is given and its due time has passed: then it counts as missed.
    """
    met = total = 0
    for due, delivered_at in pairs:
        _aware(due, "due")
        if delivered_at is None:
            if now is not None and _aware(now, "now") > due:
                total += 1
            continue
        total += 1
        if _aware(delivered_at, "delivered_at") <= due:
            met += 1
    return met, total
