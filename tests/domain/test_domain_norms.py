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
    add_working_minutes,
    due_at,
    format_tenths,
    is_overdue,
    norm_for,
    on_time_rate,
)

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


# (accepted_at, service, scope, holidays, expected due). March 2026: the 9th is a Monday.
HOLIDAYS_30_4 = frozenset({date(2026, 4, 30), date(2026, 5, 1)})  # Thursday and Friday
TET_2026 = frozenset(date(2026, 2, d) for d in range(16, 21))  # Mon 16 - Fri 20 February
CASES = [
    # 1,5 days = 12 h: Mon 09:00-11:30 (2,5) + 13:00-17:00 (4) + Tue 07:30-11:30 (4) + 13:00-14:30 (1,5)
    (t(2026, 3, 9, 9, 0), TN, NOI, frozenset(), t(2026, 3, 10, 14, 30)),
    # Friday 16:00: 1 h on Friday, 8 h on Monday, 3 h on Tuesday (over the weekend)
    (t(2026, 3, 13, 16, 0), TN, NOI, frozenset(), t(2026, 3, 17, 10, 30)),
    # accepted on Saturday: the count starts Monday 07:30; 8 h ends Monday 17:00 exactly
    (t(2026, 3, 14, 10, 0), HT, NOI, frozenset(), t(2026, 3, 16, 17, 0)),
    # accepted in the lunch break: the count starts at 13:00
    (t(2026, 3, 9, 12, 0), HT, NOI, frozenset(), t(2026, 3, 10, 11, 30)),
    # accepted at 11:30 sharp (end of the morning) behaves like lunch
    (t(2026, 3, 9, 11, 30), HT, NOI, frozenset(), t(2026, 3, 10, 11, 30)),
    # accepted 07:30 sharp: a full day ends the same day at 17:00
    (t(2026, 3, 9, 7, 30), HT, NOI, frozenset(), t(2026, 3, 9, 17, 0)),
    # accepted before opening
    (t(2026, 3, 9, 6, 0), HT, NOI, frozenset(), t(2026, 3, 9, 17, 0)),
    # Thursday evening, 3,5 days = 28 h: Fri 8, Mon 8, Tue 8, Wed 4 -> Wed 11:30
    (t(2026, 3, 12, 18, 0), TN, LIEN, frozenset(), t(2026, 3, 18, 11, 30)),
    # Wednesday 15:00 before 30/4 and 1/5: 2 h Wed, then Mon 8 h, Tue 2 h
    (t(2026, 4, 29, 15, 0), TN, NOI, HOLIDAYS_30_4, t(2026, 5, 5, 9, 30)),
    # Hỏa tốc liên tỉnh 2,5 days = 20 h over the same holidays: 2 + 8 + 8 + 2 -> Wed 09:30
    (t(2026, 4, 29, 15, 0), HT, LIEN, HOLIDAYS_30_4, t(2026, 5, 6, 9, 30)),
    # without the holidays the same item is due the Friday: 2 + 8 + 2
    (t(2026, 4, 29, 15, 0), TN, NOI, frozenset(), t(2026, 5, 1, 9, 30)),
    # accepted on a holiday
    (t(2026, 4, 30, 10, 0), HT, NOI, HOLIDAYS_30_4, t(2026, 5, 4, 17, 0)),
    # Friday before Tết: 1 h on Friday, then nothing until Monday 23 February: 4 h + 3 h -> 16:00
    (t(2026, 2, 13, 16, 0), HT, NOI, TET_2026, t(2026, 2, 23, 16, 0)),
]


@pytest.mark.parametrize(("accepted", "service", "scope", "holidays", "due"), CASES)
def test_due_at(
    accepted: datetime, service: ServiceClass, scope: Scope, holidays: frozenset[date], due: datetime
) -> None:
    result = due_at(accepted, norm_for(service, scope), None, holidays)
    assert result == due
    assert result.utcoffset() == timedelta(hours=7)


def test_due_at_converts_other_zones() -> None:
    accepted_utc = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)  # 09:00 ICT
    result = due_at(accepted_utc, norm_for(TN, NOI), None)
    assert result == t(2026, 3, 10, 14, 30)
    assert result.utcoffset() == timedelta(hours=7)


def test_due_at_keeps_seconds() -> None:
    accepted = t(2026, 3, 9, 9, 0) + timedelta(seconds=17, microseconds=5)
    assert due_at(accepted, norm_for(HT, NOI), None) == t(2026, 3, 10, 9, 0) + timedelta(
        seconds=17, microseconds=5
    )


def test_hen_gio_due_is_the_appointment() -> None:
    appointed = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert due_at(t(2026, 3, 9, 9, 0), norm_for(HG, NOI), appointed) == t(2026, 3, 9, 15, 0)
    with pytest.raises(ValueError, match="appointed"):
        due_at(t(2026, 3, 9, 9, 0), norm_for(HG, LIEN), None)


def test_appointed_time_ignored_for_day_norms() -> None:
    assert due_at(t(2026, 3, 9, 9, 0), norm_for(TN, NOI), t(2026, 3, 9, 10, 0)) == t(2026, 3, 10, 14, 30)


def test_naive_times_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 3, 9, 9, 0), norm_for(TN, NOI), None)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_overdue(t(2026, 3, 9), None, datetime(2026, 3, 9))


def test_add_working_minutes_edges() -> None:
    assert add_working_minutes(t(2026, 3, 7, 12, 0), 0) == t(2026, 3, 9, 7, 30)
    assert add_working_minutes(t(2026, 3, 9, 10, 0), 90) == t(2026, 3, 9, 11, 30)
    assert add_working_minutes(t(2026, 3, 9, 10, 0), 91) == t(2026, 3, 9, 13, 1)
    with pytest.raises(ValueError, match="negative"):
        add_working_minutes(t(2026, 3, 9), -1)
    span = (date(2026, 3, 9) + timedelta(days=i) for i in range(1000))
    every_weekday = frozenset(d for d in span if d.weekday() < 5)
    with pytest.raises(ValueError, match="holiday"):
        add_working_minutes(t(2026, 3, 9), 60, every_weekday)


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
