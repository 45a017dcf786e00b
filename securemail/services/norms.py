"""Delivery-time norms (editable by admins, defaults from TT 16/2017 marked as such), settings, overdue lists."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from securemail.clock import ICT, iso, parse_iso
from securemail.crypto.canonical import JsonObject
from securemail.custody import kinds as K
from securemail.custody.duetimes import DUE_SETTINGS, early_minutes, setting
from securemail.documents.register_layouts import LayoutChoiceError, get_layout
from securemail.domain.enums import Scope, ServiceClass
from securemail.domain.item import parse_int
from securemail.domain.labels import parse_choice
from securemail.domain.norms import Norm
from securemail.domain.punctuality import Outcome, Timing, classify
from securemail.domain.text import clean_text
from securemail.domain.workcalendar import parse_working_hours
from securemail.errors import BadInputError
from securemail.services.items import load_norms, search_items
from securemail.services.permissions import Permission
from securemail.services.queries.items import ItemRecord
from securemail.services.registers import LAYOUT_SETTING, columns_problem
from securemail.services.session import Session, fields_checked
from securemail.services.workdays import set_holidays

__all__ = ["SETTINGS", "RateRow", "get_setting", "list_norms", "on_time_rates", "outcome_of", "overdue_items",
           "set_holidays", "set_norm", "set_setting"]


def _choice(*allowed: str) -> Callable[[str], bool]:
    return lambda value: value in allowed


def _int_between(low: int, high: int) -> Callable[[str], bool]:
    return lambda value: value.isdigit() and low <= int(value) <= high


def _text_up_to(limit: int) -> Callable[[str], bool]:
    return lambda value: 0 < len(value) <= limit and value.isprintable()


def _hours_ok(value: str) -> bool:
    try:
        parse_working_hours(value)
    except ValueError:
        return False
    return True


# key -> check of the value. Working hours change due times of open items (the event says so).
SETTINGS: dict[str, Callable[[str], bool]] = {
    "hoa_toc_leader_delegate": _choice("0", "1"),
    "working_hours": _hours_ok,
    "hen_gio_lead_ngoai_thanh": _int_between(0, 168),
    "hen_gio_early_minutes": _int_between(0, 7 * 24 * 60),
    # printed on the reports (NĐ 30/2020 Phụ lục I) and on register covers
    "superior_agency": _text_up_to(200),       # cơ quan chủ quản, above the issuer's name
    "place_name": _text_up_to(100),            # địa danh of the date line ("Gia Lai, ngày ...")
    "report_signer_title": _text_up_to(200),   # chức vụ of the person signing reports
    "report_signer_name": _text_up_to(200),
    "report_recipients": _text_up_to(1000),    # "Nơi nhận", one per line (separated by ";")
    "report_code": _text_up_to(40),            # the issuer's abbreviation in "Số: .../BC-..."
}


def list_norms(session: Session) -> list[Norm]:
    return sorted(load_norms(session), key=lambda n: (n.service.value, n.scope.value))


def set_norm(session: Session, service: str, scope: str, *, working_days_tenths: object = None,
             min_lead_hours: object = None, source: str) -> Norm:
    """Edit one norm; open items get new due times at once (recorded with the old one)."""
    session.require(Permission.MANAGE_SETTINGS)
    with fields_checked():
        svc = parse_choice(ServiceClass, service, field="service")
        scp = parse_choice(Scope, scope, field="scope")
        days = parse_int(working_days_tenths, "working_days_tenths")
        lead = parse_int(min_lead_hours, "min_lead_hours")
        src = clean_text(source, field="source", max_len=300, required=True)
    if (svc is ServiceClass.HEN_GIO) != (days is None):
        raise BadInputError("input.required", field="working_days_tenths" if days is None else "service")
    with session.write() as ledger:
        ledger.append(K.NORM_SET, K.DIRECTORY, session.signer, {
            "service": svc.value, "scope": scp.value, "working_days_tenths": days, "min_lead_hours": lead,
            "source": src, "recompute_due": 1})
    return Norm(svc, scp, days, lead, src or "", False)


def set_setting(session: Session, key: str, value: str) -> None:
    session.require(Permission.MANAGE_SETTINGS)
    value = unicodedata.normalize("NFC", value.strip())
    if key.startswith(LAYOUT_SETTING):
        _check_layout_setting(key, value)
    else:
        check = SETTINGS.get(key)
        if check is None or not check(value):
            raise BadInputError("input.bad_choice", field="key", value=f"{key}={value}"[:80])
    if key == "working_hours":
        value = parse_working_hours(value).text()
    data: JsonObject = {"key": key, "value": value}
    if key in DUE_SETTINGS:
        data["recompute_due"] = 1
    with session.write() as ledger:
        ledger.append(K.SETTING_SET, K.DIRECTORY, session.signer, data)


def _check_layout_setting(key: str, value: str) -> None:
    """register_layout.<id>: a JSON list of columns for one shipped layout (services.registers)."""
    layout_id = key[len(LAYOUT_SETTING):]
    try:
        get_layout(layout_id)
    except LayoutChoiceError as e:
        raise BadInputError("input.bad_choice", field="key", value=key[:80]) from e
    problem = columns_problem(value)
    if problem is not None:
        raise BadInputError("report.layout_bad", field="key", layout=layout_id, problem=problem)


def get_setting(session: Session, key: str) -> str:
    return setting(session.conn, key)


@dataclass(frozen=True)
class RateRow:
    service: str
    scope: str
    met: int
    total: int


def overdue_items(session: Session, now: datetime | None = None, limit: int = 10000) -> list[ItemRecord]:
    return search_items(session, overdue_at=now or session.clock.now(), limit=limit)


def _noted(session: Session, tracking: str) -> bool:
    return session.conn.execute("SELECT 1 FROM events INDEXED BY events_subject WHERE subject = ? AND kind = ? "
                                "LIMIT 1",
                                (tracking, K.ITEM_NOTE)).fetchone() is not None


def outcome_of(session: Session, tracking: str, service: str, due_at: str, first_attempt_at: str | None,
               now: datetime) -> Outcome:
    """How one item stands against its due time: the rule of both the overdue report and `norm rates`
    (securemail.domain.punctuality)."""
    timing = Timing(due=parse_iso(due_at),
                    first_attempt=parse_iso(first_attempt_at) if first_attempt_at else None,
                    appointed=service == ServiceClass.HEN_GIO.value,
                    noted=service == ServiceClass.HEN_GIO.value and _noted(session, tracking))
    return classify(timing, now, early_minutes(session.conn))


def on_time_rates(session: Session, date_from: datetime, date_to: datetime,
                  now: datetime | None = None) -> list[RateRow]:
    """Per service class and scope: items whose first attempt met the due time / items counted (not yet due
    and not yet attempted: left out), for a period of acceptance."""
    session.require(Permission.PRINT_REPORTS)
    now = now or session.clock.now()
    cur = session.conn.execute(
        "SELECT tracking, service, scope, due_at, first_attempt_at FROM items WHERE accepted_at >= ? "
        "AND accepted_at < ? AND due_at IS NOT NULL", (iso(date_from.astimezone(ICT)), iso(date_to.astimezone(ICT))))
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for tracking, service, scope, due_at, first_attempt_at in cur.fetchall():
        groups.setdefault((service, scope), []).append(
            outcome_of(session, tracking, service, due_at, first_attempt_at, now))
    out = []
    for (service, scope), outcomes in sorted(groups.items()):
        counted = [o for o in outcomes if o.counted]
        out.append(RateRow(service, scope, sum(o is Outcome.MET for o in counted), len(counted)))
    return out
