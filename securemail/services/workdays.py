"""The office's working calendar: statutory days off (computed, recorded by an admin), the government's yearly
swaps and make-up working days (added or removed one at a time). Every change is a signed holidays.set event and
changes the due times of open items (the old due time stays in the item's timeline)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from securemail.custody import kinds as K
from securemail.domain.text import clean_text
from securemail.domain.workcalendar import statutory_days_off, statutory_source
from securemail.errors import BadInputError
from securemail.services.permissions import Permission
from securemail.services.session import Session, fields_checked

__all__ = ["CalendarDay", "add_day", "list_days", "missing_years", "record_statutory", "remove_day", "set_holidays"]

KINDS = ("off", "work")


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: str  # "off" (a day off) or "work" (a make-up working day)
    origin: str  # "statutory" (computed and recorded) or "admin" (added one at a time)
    name: str | None
    source: str


def _source(text: str | None, default: str | None = None) -> str:
    with fields_checked():
        src = clean_text(text if text is not None else default, field="source", max_len=300, required=True)
    return src or ""


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise BadInputError("input.bad_format", field="year")
    return year


def _day(text: str | date) -> date:
    if isinstance(text, date):
        return text
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as e:
        raise BadInputError("input.bad_format", field="holiday", value=text) from e
    _year(day.year)
    return day


def record_statutory(session: Session, year: int, source: str | None = None) -> list[CalendarDay]:
    """Compute the statutory days off of ``year`` (lunar ones included) and record them, signed, in the ledger:
    replaying the ledger never asks the ``holidays`` package again."""
    session.require(Permission.MANAGE_SETTINGS)
    days = statutory_days_off(_year(year))
    src = _source(source, statutory_source())
    with session.write() as ledger:
        ledger.append(K.HOLIDAYS_SET, K.DIRECTORY, session.signer, {
            "op": "statutory", "year": year, "dates": [d.isoformat() for d in days],
            "names": {d.isoformat(): n for d, n in days.items()}, "source": src, "recompute_due": 1})
    return [d for d in list_days(session, year) if d.origin == "statutory"]


def add_day(session: Session, day: str | date, kind: str, source: str, name: str | None = None) -> CalendarDay:
    """One day off (a swap decided by the government: a weekday) or one make-up working day (a Saturday or
    Sunday). A weekend day off is refused: it is not a working day anyway."""
    session.require(Permission.MANAGE_SETTINGS)
    d = _day(day)
    if kind not in KINDS:
        raise BadInputError("input.bad_choice", field="kind", value=kind)
    weekend = d.weekday() >= 5
    if kind == "off" and weekend:
        raise BadInputError("calendar.weekend_off", value=d.strftime("%d/%m/%Y"))
    if kind == "work" and not weekend:
        raise BadInputError("calendar.weekday_work", value=d.strftime("%d/%m/%Y"))
    if session.conn.execute("SELECT 1 FROM holidays WHERE day = ?", (d.isoformat(),)).fetchone():
        raise BadInputError("calendar.day_exists", value=d.strftime("%d/%m/%Y"))
    src = _source(source)
    with fields_checked():
        label = clean_text(name, field="name", max_len=200)
    with session.write() as ledger:
        ledger.append(K.HOLIDAYS_SET, K.DIRECTORY, session.signer, {
            "op": "add", "day": d.isoformat(), "kind": kind, "name": label, "source": src, "recompute_due": 1})
    return CalendarDay(d, kind, "admin", label, src)


def remove_day(session: Session, day: str | date, source: str) -> None:
    """Remove one day from the calendar: one an admin added, or a computed statutory day the admin finds is not
    a day off (e.g. 24/11, reported but unconfirmed in law). Recording the statutory year again restores it."""
    session.require(Permission.MANAGE_SETTINGS)
    d = _day(day)
    row = session.conn.execute("SELECT kind FROM holidays WHERE day = ?", (d.isoformat(),)).fetchone()
    if row is None:
        raise BadInputError("calendar.no_such_day", value=d.strftime("%d/%m/%Y"))
    src = _source(source)
    with session.write() as ledger:
        ledger.append(K.HOLIDAYS_SET, K.DIRECTORY, session.signer, {
            "op": "remove", "day": d.isoformat(), "kind": row[0], "source": src, "recompute_due": 1})


def list_days(session: Session, year: int | None = None) -> list[CalendarDay]:
    sql = "SELECT day, kind, origin, name, source FROM holidays"
    args: tuple[str, ...] = ()
    if year is not None:
        sql += " WHERE day LIKE ?"
        args = (f"{year:04d}-%",)
    rows = session.conn.execute(sql + " ORDER BY day", args).fetchall()
    return [CalendarDay(date.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def missing_years(session: Session, years: Sequence[int]) -> list[int]:
    """Years among ``years`` whose statutory days off have not been recorded yet."""
    have = {int(r[0][:4]) for r in session.conn.execute("SELECT day FROM holidays WHERE origin = 'statutory'")}
    return [y for y in years if y not in have]


def set_holidays(session: Session, year: int, days: Sequence[str], source: str) -> list[date]:
    """Replace every day off of `year` with the admin's list (the older, whole-year form)."""
    session.require(Permission.MANAGE_SETTINGS)
    src = _source(source)
    _year(year)
    parsed: set[date] = set()
    for text in days:
        day = _day(text)
        if day.year != year:
            raise BadInputError("input.bad_format", field="holiday", value=text)
        parsed.add(day)
    ordered = sorted(parsed)
    with session.write() as ledger:
        ledger.append(K.HOLIDAYS_SET, K.DIRECTORY, session.signer,
                      {"year": year, "dates": [d.isoformat() for d in ordered], "source": src, "recompute_due": 1})
    return ordered
