"""Delivery-time norms (editable by admins, defaults from TT 16/2017 marked as such), settings, overdue lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from securemail.clock import ICT, iso, parse_iso
from securemail.custody import kinds as K
from securemail.domain.enums import Scope, ServiceClass
from securemail.domain.errors import FieldError
from securemail.domain.item import parse_int
from securemail.domain.labels import parse_choice
from securemail.domain.norms import Norm, on_time_rate
from securemail.domain.text import clean_text
from securemail.errors import BadInputError
from securemail.services.items import load_norms, search_items
from securemail.services.permissions import Permission
from securemail.services.session import Session, field_error

SETTINGS = {"hoa_toc_leader_delegate": ("0", "1")}


def list_norms(session: Session) -> list[Norm]:
    return sorted(load_norms(session), key=lambda n: (n.service.value, n.scope.value))


def set_norm(session: Session, service: str, scope: str, *, working_days_tenths: object = None,
             min_lead_hours: object = None, source: str) -> Norm:
    session.require(Permission.MANAGE_SETTINGS)
    try:
        svc = parse_choice(ServiceClass, service, field="service")
        scp = parse_choice(Scope, scope, field="scope")
        days = parse_int(working_days_tenths, "working_days_tenths")
        lead = parse_int(min_lead_hours, "min_lead_hours")
        src = clean_text(source, field="source", max_len=300, required=True)
    except FieldError as e:
        raise field_error(e) from e
    if (svc is ServiceClass.HEN_GIO) != (days is None):
        raise BadInputError("input.required", field="working_days_tenths" if days is None else "service")
    with session.write() as ledger:
        ledger.append(K.NORM_SET, K.DIRECTORY, session.signer, {
            "service": svc.value, "scope": scp.value, "working_days_tenths": days, "min_lead_hours": lead,
            "source": src})
    return Norm(svc, scp, days, lead, src or "", False)


def set_setting(session: Session, key: str, value: str) -> None:
    session.require(Permission.MANAGE_SETTINGS)
    if key not in SETTINGS or value not in SETTINGS[key]:
        raise BadInputError("input.bad_choice", field="key", value=f"{key}={value}")
    with session.write() as ledger:
        ledger.append(K.SETTING_SET, K.DIRECTORY, session.signer, {"key": key, "value": value})


@dataclass(frozen=True)
class RateRow:
    service: str
    scope: str
    met: int
    total: int


def overdue_items(session: Session, now: datetime | None = None, limit: int = 10000) -> list[dict[str, Any]]:
    return search_items(session, overdue_at=now or session.clock.now(), limit=limit)


def on_time_rates(session: Session, date_from: datetime, date_to: datetime,
                  now: datetime | None = None) -> list[RateRow]:
    """Per service class and scope: items delivered by their due time / items due, for a period of acceptance."""
    session.require(Permission.PRINT_REPORTS)
    now = now or session.clock.now()
    rows = session.conn.execute(
        "SELECT service, scope, due_at, delivered_at FROM items WHERE accepted_at >= ? AND accepted_at < ? "
        "AND due_at IS NOT NULL", (iso(date_from.astimezone(ICT)), iso(date_to.astimezone(ICT)))).fetchall()
    groups: dict[tuple[str, str], list[tuple[datetime, datetime | None]]] = {}
    for service, scope, due, delivered in rows:
        groups.setdefault((service, scope), []).append((parse_iso(due), parse_iso(delivered) if delivered else None))
    out = []
    for (service, scope), pairs in sorted(groups.items()):
        met, total = on_time_rate(pairs, now=now)
        out.append(RateRow(service, scope, met, total))
    return out


def set_holidays(session: Session, year: int, days: Sequence[str], source: str) -> list[date]:
    """Replace the public holidays (days off) of `year`; due times skip them from then on."""
    session.require(Permission.MANAGE_SETTINGS)
    try:
        src = clean_text(source, field="source", max_len=300, required=True)
    except FieldError as e:
        raise field_error(e) from e
    if not 2000 <= year <= 2100:
        raise BadInputError("input.bad_format", field="year")
    parsed: set[date] = set()
    for text in days:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError as e:
            raise BadInputError("input.bad_format", field="holiday", value=text) from e
        if day.year != year:
            raise BadInputError("input.bad_format", field="holiday", value=text)
        parsed.add(day)
    ordered = sorted(parsed)
    with session.write() as ledger:
        ledger.append(K.HOLIDAYS_SET, K.DIRECTORY, session.signer,
                      {"year": year, "dates": [d.isoformat() for d in ordered], "source": src})
    return ordered
