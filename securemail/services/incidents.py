"""Incidents (seal broken, damaged, opened, lost, misrouted, contents mismatch), their closing, and notes."""

from __future__ import annotations

from securemail.custody import kinds as K
from securemail.domain.enums import IncidentKind
from securemail.domain.labels import parse_choice
from securemail.domain.text import clean_text
from securemail.errors import NotFoundError, StateError
from securemail.services.items import item_row
from securemail.services.permissions import Permission
from securemail.services.queries.incidents import IncidentRecord, select_incidents
from securemail.services.session import Session, fields_checked


def _text(value: str | None, field: str) -> str:
    with fields_checked():
        out = clean_text(value, field=field, max_len=2000, required=True, multiline=True)
    return out or ""


def report_incident(session: Session, tracking: str, kind: str, description: str) -> int:
    """Open an incident; the item is flagged wherever it appears until an auditor closes it. Returns its id."""
    session.require(Permission.REPORT_INCIDENT)
    item = item_row(session, tracking)
    with fields_checked():
        k = parse_choice(IncidentKind, kind, field="kind")
    text = _text(description, "description")
    with session.write() as ledger:
        event = ledger.append(K.ITEM_INCIDENT, item.tracking, session.signer,
                              {"incident_kind": k.value, "description": text})
    return event.seq


def close_incident(session: Session, incident_id: int, note: str) -> None:
    session.require(Permission.CLOSE_INCIDENT)
    row = session.conn.execute("SELECT tracking, closed_seq FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    if row is None:
        raise NotFoundError("notfound.incident", incident=incident_id)
    if row[1] is not None:
        raise StateError("state.incident_closed", incident=incident_id)
    text = _text(note, "text")
    with session.write() as ledger:
        ledger.append(K.ITEM_INCIDENT_CLOSED, row[0], session.signer, {"incident": incident_id, "note": text})


def list_incidents(session: Session, *, open_only: bool = True, tracking: str | None = None) -> list[IncidentRecord]:
    session.require(Permission.VIEW_ALL)
    return select_incidents(session.conn, open_only=open_only, tracking=tracking)


def add_note(session: Session, tracking: str, text: str) -> None:
    """A note or correction: a new signed event, never an edit."""
    session.require(Permission.NOTE)
    item = item_row(session, tracking)
    body = _text(text, "text")
    with session.write() as ledger:
        ledger.append(K.ITEM_NOTE, item.tracking, session.signer, {"text": body})
