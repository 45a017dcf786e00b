"""apply_event alone decides due times: recomputation only for events that ask for it (so ledgers written
before it replay as written), from the recorded calendar, never from the wall clock or the holidays package."""

from __future__ import annotations

from typing import Any

import pytest

from securemail.custody import kinds as K
from securemail.custody.events import Event
from securemail.custody.projection import ProjectionError, apply_event
from securemail.storage.database import open_memory
from securemail.storage.schema import migrate

ACCEPTED = "2026-04-29T15:00:00.000000+07:00"  # Wednesday before 30/4 and 1/5
OLD_DUE = "2026-05-01T11:30:00.000000+07:00"  # J + 1,5 without the holidays


def _event(seq: int, kind: str, data: dict[str, Any], subject: str = K.DIRECTORY) -> Event:
    return Event(vault="v", seq=seq, time=ACCEPTED, kind=kind, subject=subject, actor="admin", prev=None, data=data)


@pytest.fixture
def conn():
    c = open_memory()
    migrate(c)
    c.execute("BEGIN")
    apply_event(c, _event(1, K.VAULT_CREATED, {"office_code": "GL01"}))
    item = {"sender_agency": "S", "recipient_agency": "R", "secrecy": "mat", "service": "thuong",
            "scope": "noi-tinh", "named_only": 0, "envelopes": 1, "seal_condition": "intact", "recall": 0}
    apply_event(c, _event(2, K.ITEM_ACCEPTED, {"item": item, "due_at": OLD_DUE}, subject="KT1"))
    yield c
    c.execute("ROLLBACK")
    c.close()


def _due(conn) -> str:
    return str(conn.execute("SELECT due_at FROM items WHERE tracking = 'KT1'").fetchone()[0])


def test_old_events_do_not_recompute(conn):
    apply_event(conn, _event(3, K.HOLIDAYS_SET, {"year": 2026, "dates": ["2026-04-30", "2026-05-01"], "source": "x"}))
    assert _due(conn) == OLD_DUE
    assert conn.execute("SELECT count(*) FROM due_changes").fetchone()[0] == 0


def test_recorded_days_move_open_items(conn):
    apply_event(conn, _event(3, K.HOLIDAYS_SET, {
        "op": "statutory", "year": 2026, "dates": ["2026-04-30", "2026-05-01"], "names": {}, "source": "BLLĐ",
        "recompute_due": 1}))
    assert _due(conn).startswith("2026-05-05T11:30")  # J + 1 Monday 04/05, J + 1,5 midday Tuesday
    assert conn.execute("SELECT seq, old_due FROM due_changes").fetchall() == [(3, OLD_DUE)]
    apply_event(conn, _event(4, K.SETTING_SET, {"key": "working_hours", "value": "07:00-11:00,13:30-16:30",
                                                "recompute_due": 1}))
    assert _due(conn).startswith("2026-05-05T11:00")
    apply_event(conn, _event(5, K.HOLIDAYS_SET, {"op": "remove", "day": "2026-05-01", "kind": "off",
                                                 "source": "x", "recompute_due": 1}))
    assert _due(conn).startswith("2026-05-04T11:00")  # 01/05 works again: J + 1 Friday 01/05, J + 1,5 midday Monday
    with pytest.raises(ProjectionError):
        apply_event(conn, _event(6, K.HOLIDAYS_SET, {"op": "remove", "day": "2026-05-01", "kind": "off",
                                                     "source": "x"}))
