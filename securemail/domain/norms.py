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

Nội tỉnh Hẹn giờ asks 4 h in the inner city (nội thành) and 12 h outside it (ngoại thành): the norm holds the
nội thành minimum; agencies marked ngoại thành use the office setting ``hen_gio_lead_ngoai_thanh`` (default 12 h).
The norms are data: admins may edit them, and every norm carries its source and whether it is still the default.

No floats: working days are kept in integer tenths (1,5 days -> 15).

How "J + n" is counted (TT 16/2017: "J là ngày nhận gửi, được thể hiện bằng dấu ngày trên bưu gửi"; "n là số
ngày làm việc"): J is the acceptance DATE (Asia/Ho_Chi_Minh), n a number of working days of the office's
``WorkCalendar`` (securemail.domain.workcalendar):

* J + n (whole n) ends at the close of the n-th working day after J: J + 1 at the close of the next working day.
* J + n,5 ends at the middle (the close of the morning session) of the (n + 1)-th working day after J:
  J + 1,5 at midday of the second working day after J, J + 3,5 at midday of the fourth.
* Other tenths (an admin's norm such as J + 0,3) end that share of the working minutes into the day.
* Hẹn giờ: due at the appointed time itself.
* The clock stops at the FIRST delivery attempt (delivered, or failed at the address): see
  securemail.domain.punctuality.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from securemail.domain.enums import Scope, ServiceClass
from securemail.domain.workcalendar import WorkCalendar

__all__ = [
    "DEFAULT_NORMS",
    "ICT",
    "TT16_SOURCE",
    "Norm",
    "due_after_working_days",
    "due_at",
    "format_tenths",
    "is_overdue",
    "norm_for",
    "on_time_rate",
    "printed_source",
]

ICT = timezone(timedelta(hours=7), "ICT")
TT16_SOURCE = "TT 16/2017/TT-BTTTT Đ.4 k.4 (mặc định, quản trị có thể sửa)"


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


def printed_source(source: str) -> str:
    """The source as printed on papers for the public: without the app's own remark on the default."""
    return source.replace(" (mặc định, quản trị có thể sửa)", "").strip()


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


def _calendar(holidays: WorkCalendar | frozenset[date]) -> WorkCalendar:
    return holidays if isinstance(holidays, WorkCalendar) else WorkCalendar(days_off=holidays)


def due_after_working_days(accepted_at: datetime, tenths: int,
                           calendar: WorkCalendar | frozenset[date] = frozenset()) -> datetime:
    """The end of "J + tenths/10" for an item accepted at ``accepted_at`` (see the module docstring), in ICT."""
    if tenths < 0:
        raise ValueError("tenths must not be negative")
    cal = _calendar(calendar)
    day = _aware(accepted_at, "accepted_at").astimezone(ICT).date()
    whole, frac = divmod(tenths, 10)
    for _ in range(whole + (1 if frac else 0)):
        day = cal.next_working_day(day)
    hours = cal.hours
    if frac == 0:
        end = hours.close
    elif frac == 5 and len(hours.periods) > 1:
        end = hours.midday
    else:
        end = hours.after_minutes(hours.minutes * frac // 10)
    return datetime.combine(day, end, ICT)


def due_at(
    accepted_at: datetime,
    norm: Norm,
    appointed_at: datetime | None,
    holidays: WorkCalendar | frozenset[date] = frozenset(),
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
    return due_after_working_days(accepted_at, norm.working_days_tenths, holidays)


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
