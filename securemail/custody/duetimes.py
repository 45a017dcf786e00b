"""Due-time inputs read from the projection (norms, calendar, settings) and the recomputation of open items.

Everything here reads projection tables only, which `apply_event` fills from signed events: replaying the ledger
gives the same due times (no wall clock, no package data). Recomputation happens only for directory events that
carry ``"recompute_due": 1`` (written by this version on norm.set, holidays.set and setting.set), so a ledger
written before it replays exactly as it was written.
"""

from __future__ import annotations

from datetime import date

from securemail.clock import iso, parse_iso
from securemail.domain.enums import Scope, ServiceClass
from securemail.domain.norms import Norm, due_at
from securemail.domain.punctuality import DEFAULT_EARLY_MINUTES
from securemail.domain.workcalendar import DEFAULT_HOURS, WorkCalendar, WorkingHours, parse_working_hours
from securemail.storage.database import Connection

__all__ = ["DEFAULT_SUBURBAN_LEAD_HOURS", "SETTING_DEFAULTS", "early_minutes", "load_calendar", "load_norms",
           "recompute_open_items", "setting", "suburban_lead_hours"]

DEFAULT_SUBURBAN_LEAD_HOURS = 12

# Office settings with their defaults (all set by signed setting.set events); due times and reports read the first.
SETTING_DEFAULTS: dict[str, str] = {
    "working_hours": DEFAULT_HOURS.text(),
    "hen_gio_lead_ngoai_thanh": str(DEFAULT_SUBURBAN_LEAD_HOURS),
    "hen_gio_early_minutes": str(DEFAULT_EARLY_MINUTES),
    "hoa_toc_leader_delegate": "0",
}
DUE_SETTINGS = frozenset({"working_hours"})


def setting(conn: Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row is not None else SETTING_DEFAULTS.get(key, "")


def _int_setting(conn: Connection, key: str) -> int:
    try:
        return int(setting(conn, key))
    except ValueError:
        return int(SETTING_DEFAULTS[key])


def suburban_lead_hours(conn: Connection) -> int:
    return _int_setting(conn, "hen_gio_lead_ngoai_thanh")


def early_minutes(conn: Connection) -> int:
    return _int_setting(conn, "hen_gio_early_minutes")


def working_hours(conn: Connection) -> WorkingHours:
    try:
        return parse_working_hours(setting(conn, "working_hours"))
    except ValueError:
        return DEFAULT_HOURS


def load_norms(conn: Connection) -> list[Norm]:
    rows = conn.execute("SELECT service, scope, working_days_tenths, min_lead_hours, source, is_default "
                        "FROM norms ORDER BY service, scope").fetchall()
    return [Norm(ServiceClass(r[0]), Scope(r[1]), r[2], r[3], r[4], bool(r[5])) for r in rows]


def load_calendar(conn: Connection) -> WorkCalendar:
    off: set[date] = set()
    work: set[date] = set()
    for day, kind in conn.execute("SELECT day, kind FROM holidays"):
        (work if kind == "work" else off).add(date.fromisoformat(day))
    return WorkCalendar(frozenset(off), frozenset(work), working_hours(conn))


def recompute_open_items(conn: Connection, seq: int) -> int:
    """New due times for items not yet attempted (Hẹn giờ keeps its appointment); the old ones are kept in
    ``due_changes`` with the event that changed them. Returns how many items changed."""
    norms = {(n.service.value, n.scope.value): n for n in load_norms(conn)}
    calendar = load_calendar(conn)
    rows = conn.execute("SELECT tracking, service, scope, accepted_at, due_at FROM items WHERE due_at IS NOT NULL "
                        "AND delivered_at IS NULL AND first_attempt_at IS NULL AND service != 'hen-gio' "
                        "ORDER BY tracking").fetchall()
    changed = 0
    for tracking, service, scope, accepted, old in rows:
        norm = norms.get((service, scope))
        if norm is None or norm.working_days_tenths is None:
            continue
        new = iso(due_at(parse_iso(accepted), norm, None, calendar))
        if parse_iso(new) == parse_iso(old):
            continue
        conn.execute("UPDATE items SET due_at = ? WHERE tracking = ?", (new, tracking))
        conn.execute("INSERT INTO due_changes (tracking, seq, old_due, new_due) VALUES (?, ?, ?, ?)",
                     (tracking, seq, old, new))
        changed += 1
    return changed
