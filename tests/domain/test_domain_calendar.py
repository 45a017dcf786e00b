"""Statutory days off from the `holidays` package (official calendar, lunar days included) and the rule that
decides whether an item met its due time (first attempt stops the clock; not-yet-due items left out)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from securemail.domain.norms import ICT
from securemail.domain.punctuality import Outcome, Timing, classify, tally
from securemail.domain.workcalendar import statutory_days_off, statutory_source


def t(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ICT)


@pytest.mark.parametrize(("year", "tet", "gio_to"), [
    (2026, date(2026, 2, 17), date(2026, 4, 26)),  # mùng 1 Tết Bính Ngọ; 10/3 Bính Ngọ
    (2027, date(2027, 2, 6), date(2027, 4, 16)),  # mùng 1 Tết Đinh Mùi; 10/3 Đinh Mùi
])
def test_statutory_days_off_include_the_lunar_ones(year: int, tet: date, gio_to: date) -> None:
    days = statutory_days_off(year)
    assert all(d.year == year for d in days)
    for fixed in (date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)):
        assert fixed in days
    # Tết Nguyên đán: the last day of the lunar year and the first four of the new one
    for offset in range(-1, 4):
        assert tet + timedelta(days=offset) in days
    assert "Tết" in days[tet]
    assert gio_to in days
    assert "Hùng Vương" in days[gio_to]
    # Quốc khánh: 02/9 and a day next to it
    assert date(year, 9, 1) in days or date(year, 9, 3) in days


def test_gio_to_on_a_sunday_is_made_up_on_monday() -> None:
    days = statutory_days_off(2026)
    assert date(2026, 4, 26).weekday() == 6
    assert date(2026, 4, 27) in days


def test_statutory_source_names_the_law_and_the_package_version() -> None:
    src = statutory_source()
    assert src.startswith("BLLĐ 2019 Điều 112")
    assert "holidays" in src


DUE = t(2026, 3, 11, 11, 30)
NOW = t(2026, 3, 20, 9, 0)


@pytest.mark.parametrize(("timing", "now", "expected"), [
    (Timing(DUE, DUE), NOW, Outcome.MET),  # at the due time
    (Timing(DUE, DUE - timedelta(days=1)), NOW, Outcome.MET),
    (Timing(DUE, DUE + timedelta(minutes=1)), NOW, Outcome.LATE),
    (Timing(DUE, None), NOW, Outcome.OVERDUE),
    (Timing(DUE, None), DUE, Outcome.PENDING),  # not yet due: left out of rates
    (Timing(DUE, None), DUE - timedelta(days=1), Outcome.PENDING),
    # Hẹn giờ: within the hour before the appointment is on time; well before it is not, unless noted
    (Timing(DUE, DUE - timedelta(minutes=30), appointed=True), NOW, Outcome.MET),
    (Timing(DUE, DUE - timedelta(hours=5), appointed=True), NOW, Outcome.EARLY),
    (Timing(DUE, DUE - timedelta(hours=5), appointed=True, noted=True), NOW, Outcome.MET),
    (Timing(DUE, DUE + timedelta(minutes=5), appointed=True, noted=True), NOW, Outcome.LATE),
])
def test_classify(timing: Timing, now: datetime, expected: Outcome) -> None:
    assert classify(timing, now) is expected


def test_first_attempt_stops_the_clock_and_pending_is_not_counted() -> None:
    timings = [Timing(DUE, DUE - timedelta(hours=1)),  # failed first attempt in time: met
               Timing(DUE, None),  # not attempted, overdue
               Timing(NOW + timedelta(days=2), None)]  # not yet due
    counts = tally(timings, NOW)
    assert counts[Outcome.MET] == 1 and counts[Outcome.OVERDUE] == 1 and counts[Outcome.PENDING] == 1
    assert [o for o in counts.elements() if o.counted].count(Outcome.PENDING) == 0
    assert Outcome.EARLY.missed and Outcome.OVERDUE.missed and not Outcome.PENDING.counted
    assert classify(Timing(DUE, DUE - timedelta(minutes=90), appointed=True), NOW, early_minutes=120) is Outcome.MET


def test_printed_source_drops_the_apps_remark() -> None:
    from securemail.domain.norms import TT16_SOURCE, printed_source

    assert printed_source(TT16_SOURCE) == "TT 16/2017/TT-BTTTT Đ.4 k.4"
    assert printed_source("Quyết định 5/QĐ-BĐTW") == "Quyết định 5/QĐ-BĐTW"
