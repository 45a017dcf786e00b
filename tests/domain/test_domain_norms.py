"""Delivery norms (TT 16/2017 defaults) and due times across lunch breaks, weekends and holidays."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

import pytest

from securemail.domain.enums import Scope, ServiceClass
from securemail.domain.norms import (
    DEFAULT_NORMS,
    ICT,
    TT16_SOURCE,
    Norm,
    due_after_working_days,
    due_at,
    format_tenths,
    is_overdue,
    norm_for,
    on_time_rate,
)
from securemail.domain.workcalendar import WorkCalendar, parse_working_hours

TN, HT, HG = ServiceClass.THUONG, ServiceClass.HOA_TOC, ServiceClass.HEN_GIO
NOI, LIEN = Scope.NOI_TINH, Scope.LIEN_TINH


def t(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ICT)


def test_default_norms_match_tt16() -> None:
    table = {(n.service, n.scope): (n.working_days_tenths, n.min_lead_hours) for n in DEFAULT_NORMS}
    assert table == {
        (TN, NOI): (15, None),
        (TN, LIEN): (35, None),
        (HT, NOI): (10, None),
        (HT, LIEN): (25, None),
        (HG, NOI): (None, 4),
        (HG, LIEN): (None, 24),
    }
    assert TT16_SOURCE == "TT 16/2017/TT-BTTTT Đ.4 k.4 (mặc định, quản trị có thể sửa)"
    for norm in DEFAULT_NORMS:
        assert norm.source == TT16_SOURCE
        assert norm.is_default is True


def test_no_floats_in_norms() -> None:
    for norm in DEFAULT_NORMS:
        for f in fields(norm):
            assert not isinstance(getattr(norm, f.name), float)


def test_target_text() -> None:
    assert [n.target_text for n in DEFAULT_NORMS] == ["J + 1,5", "J + 3,5", "J + 1", "J + 2,5", None, None]
    assert format_tenths(0) == "0"
    assert format_tenths(105) == "10,5"


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_norm_rejects_bad_numbers(bad: object) -> None:
    with pytest.raises(ValueError, match="working_days_tenths"):
        Norm(TN, NOI, bad, None, "x", False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_lead_hours"):
        Norm(HG, NOI, None, bad, "x", False)  # type: ignore[arg-type]


def test_norm_needs_source() -> None:
    with pytest.raises(ValueError, match="source"):
        Norm(TN, NOI, 15, None, "  ", False)


def test_norm_for() -> None:
    assert norm_for(HT, LIEN).working_days_tenths == 25
    custom = (Norm(TN, NOI, 20, None, "Quyết định của Cục BĐTW", False),)
    assert norm_for(TN, NOI, custom).working_days_tenths == 20
    with pytest.raises(LookupError):
        norm_for(HT, NOI, custom)


# (accepted_at, service, scope, calendar, expected due): "J + n" counts working DAYS from the acceptance date
# (TT 16/2017 Đ.4 k.4): J + 1 ends at the close of the next working day, J + n,5 at midday of the (n+1)-th.
# March 2026: the 9th is a Monday. Holidays are the official calendar (BLLĐ 2019 Đ.112, lunar ones included).
OFFICIAL_2026 = WorkCalendar(days_off=frozenset({
    date(2026, 1, 1), date(2026, 1, 2),  # Tết Dương lịch; 02/01 swapped for Saturday 10/01
    *(date(2026, 2, d) for d in range(16, 21)),  # Tết Nguyên đán: 29 Tết (16/02) to mùng 4 (20/02)
    date(2026, 4, 26), date(2026, 4, 27),  # Giỗ Tổ Hùng Vương 10/3 âm lịch (Sunday) and the day made up
    date(2026, 4, 30), date(2026, 5, 1),  # Thursday and Friday
    date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2),  # Quốc khánh (31/08 swapped for Saturday 22/08)
}), make_up_days=frozenset({date(2026, 1, 10), date(2026, 8, 22)}))
TET_2027 = WorkCalendar(days_off=frozenset(date(2027, 2, d) for d in range(4, 11)))  # 29 Tết to mùng 5
NONE = WorkCalendar()
CASES = [
    # Monday 09:00, J + 1,5: J + 1 is Tuesday's close, J + 1,5 midday Wednesday
    (t(2026, 3, 9, 9, 0), TN, NOI, NONE, t(2026, 3, 11, 11, 30)),
    # Friday 16:00: Monday is J + 1, Tuesday midday J + 1,5
    (t(2026, 3, 13, 16, 0), TN, NOI, NONE, t(2026, 3, 17, 11, 30)),
    # accepted on Saturday (J = Saturday): J + 1 ends at Monday's close
    (t(2026, 3, 14, 10, 0), HT, NOI, NONE, t(2026, 3, 16, 17, 0)),
    # the time of day does not matter, only the date stamp: lunch break, 07:30 sharp, before opening, evening
    (t(2026, 3, 9, 12, 0), HT, NOI, NONE, t(2026, 3, 10, 17, 0)),
    (t(2026, 3, 9, 7, 30), HT, NOI, NONE, t(2026, 3, 10, 17, 0)),
    (t(2026, 3, 9, 6, 0), HT, NOI, NONE, t(2026, 3, 10, 17, 0)),
    (t(2026, 3, 9, 21, 0), HT, NOI, NONE, t(2026, 3, 10, 17, 0)),
    # Thursday evening, J + 3,5: Fri, Mon, Tue, then midday Wednesday
    (t(2026, 3, 12, 18, 0), TN, LIEN, NONE, t(2026, 3, 18, 11, 30)),
    # Wednesday 29/04 before 30/4 and 1/5: J + 1 is Monday 04/05, J + 1,5 midday Tuesday 05/05
    (t(2026, 4, 29, 15, 0), TN, NOI, OFFICIAL_2026, t(2026, 5, 5, 11, 30)),
    # Hỏa tốc liên tỉnh J + 2,5 over the same holidays: midday Wednesday 06/05
    (t(2026, 4, 29, 15, 0), HT, LIEN, OFFICIAL_2026, t(2026, 5, 6, 11, 30)),
    # without the holidays the same item is due midday Friday 01/05
    (t(2026, 4, 29, 15, 0), TN, NOI, NONE, t(2026, 5, 1, 11, 30)),
    # accepted on a holiday (30/4): J + 1 is Monday 04/05
    (t(2026, 4, 30, 10, 0), HT, NOI, OFFICIAL_2026, t(2026, 5, 4, 17, 0)),
    # Friday before Tết 2026 (16-20/02): J + 1 is Monday 23/02
    (t(2026, 2, 13, 16, 0), HT, NOI, OFFICIAL_2026, t(2026, 2, 23, 17, 0)),
    # Giỗ Tổ 2026 falls on Sunday 26/04, made up Monday 27/04: J + 1 of Friday 24/04 is Tuesday 28/04
    (t(2026, 4, 24, 10, 0), HT, NOI, OFFICIAL_2026, t(2026, 4, 28, 17, 0)),
    # Quốc khánh 2026 (31/08-02/09): J + 1 of Friday 28/08 is Thursday 03/09
    (t(2026, 8, 28, 9, 0), HT, NOI, OFFICIAL_2026, t(2026, 9, 3, 17, 0)),
    # make-up working Saturday 10/01/2026 (for 02/01): J + 1 of Friday 09/01 is that Saturday
    (t(2026, 1, 9, 10, 0), HT, NOI, OFFICIAL_2026, t(2026, 1, 10, 17, 0)),
    # 01/01 and 02/01/2026 off: J + 1 of Wednesday 31/12/2025 is Monday 05/01/2026
    (t(2025, 12, 31, 10, 0), HT, NOI, OFFICIAL_2026, t(2026, 1, 5, 17, 0)),
    # Tết 2027 (04-10/02/2027, mùng 1 on Saturday 06/02): J + 1,5 of Wednesday 03/02 is midday Friday 12/02
    (t(2027, 2, 3, 10, 0), TN, NOI, TET_2027, t(2027, 2, 12, 11, 30)),
]


@pytest.mark.parametrize(("accepted", "service", "scope", "calendar", "due"), CASES)
def test_due_at(
    accepted: datetime, service: ServiceClass, scope: Scope, calendar: WorkCalendar, due: datetime
) -> None:
    result = due_at(accepted, norm_for(service, scope), None, calendar)
    assert result == due
    assert result.utcoffset() == timedelta(hours=7)


def test_due_at_converts_other_zones() -> None:
    # 18:00 UTC on Sunday 08/03 is 01:00 on Monday 09/03 in Vietnam: J is the Monday
    accepted_utc = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
    result = due_at(accepted_utc, norm_for(TN, NOI), None)
    assert result == t(2026, 3, 11, 11, 30)
    assert result.utcoffset() == timedelta(hours=7)


def test_office_working_hours_are_a_setting() -> None:
    hours = parse_working_hours("07:00-11:00, 13:30-16:30")
    cal = WorkCalendar(hours=hours)
    assert due_at(t(2026, 3, 9, 9, 0), norm_for(TN, NOI), None, cal) == t(2026, 3, 11, 11, 0)
    assert due_at(t(2026, 3, 9, 9, 0), norm_for(HT, NOI), None, cal) == t(2026, 3, 10, 16, 30)
    assert hours.text() == "07:00-11:00,13:30-16:30"
    # a tenth that is not a half: that share of the working minutes (0,3 x 480 min = 144 min from 07:30)
    assert due_after_working_days(t(2026, 3, 9, 9, 0), 3) == t(2026, 3, 10, 9, 54)
    assert due_after_working_days(t(2026, 3, 9, 9, 0), 0) == t(2026, 3, 9, 17, 0)
    for bad in ("7:30-11:30,11:00-17:00", "17:00-07:30", "07:30", "", "25:00-26:00"):
        with pytest.raises(ValueError):
            parse_working_hours(bad)


def test_hen_gio_due_is_the_appointment() -> None:
    appointed = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert due_at(t(2026, 3, 9, 9, 0), norm_for(HG, NOI), appointed) == t(2026, 3, 9, 15, 0)
    with pytest.raises(ValueError, match="appointed"):
        due_at(t(2026, 3, 9, 9, 0), norm_for(HG, LIEN), None)


def test_appointed_time_ignored_for_day_norms() -> None:
    assert due_at(t(2026, 3, 9, 9, 0), norm_for(TN, NOI), t(2026, 3, 9, 10, 0)) == t(2026, 3, 11, 11, 30)


def test_naive_times_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 3, 9, 9, 0), norm_for(TN, NOI), None)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_overdue(t(2026, 3, 9), None, datetime(2026, 3, 9))


def test_calendar_edges() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_after_working_days(t(2026, 3, 9), -1)
    span = (date(2026, 3, 9) + timedelta(days=i) for i in range(4000))
    every_weekday = frozenset(d for d in span if d.weekday() < 5)
    with pytest.raises(ValueError, match="holiday"):
        due_after_working_days(t(2026, 3, 9), 10, every_weekday)
    cal = WorkCalendar(days_off=frozenset({date(2026, 3, 10)}), make_up_days=frozenset({date(2026, 3, 14)}))
    assert [cal.is_working_day(date(2026, 3, d)) for d in range(9, 16)] == [True, False, True, True, True, True,
                                                                             False]


def test_is_overdue() -> None:
    due = t(2026, 3, 10, 14, 30)
    assert is_overdue(due, None, due + timedelta(seconds=1))
    assert not is_overdue(due, None, due)
    assert not is_overdue(due, due, due + timedelta(days=3))
    assert is_overdue(due, due + timedelta(minutes=1), due + timedelta(minutes=1))
    assert not is_overdue(due, due - timedelta(hours=1), due + timedelta(days=9))


def test_on_time_rate() -> None:
    due = t(2026, 3, 10, 14, 30)
    pairs = [
        (due, due),  # met (at the due time)
        (due, due - timedelta(days=1)),  # met
        (due, due + timedelta(minutes=1)),  # missed
        (due, None),  # not delivered
        (due + timedelta(days=5), None),  # not delivered, not yet due
    ]
    assert on_time_rate(pairs) == (2, 3)
    assert on_time_rate(pairs, now=due + timedelta(days=1)) == (2, 4)
    assert on_time_rate([]) == (0, 0)
    assert on_time_rate(iter(pairs)) == (2, 3)
