"""The incident (the `incidents` table: opened by an item.incident event, closed by an auditor's), and its query."""

from __future__ import annotations

from dataclasses import dataclass, fields

from securemail.crypto.canonical import JsonObject
from securemail.storage.database import Connection


@dataclass(frozen=True)
class IncidentRecord:
    id: int
    tracking: str
    kind: str                   # an IncidentKind value (older vaults may hold others)
    description: str
    opened_by: str
    opened_at: str
    closed_seq: int | None
    closed_by: str | None
    closed_at: str | None
    closing_note: str | None

    def as_dict(self) -> JsonObject:
        return {name: getattr(self, name) for name in INCIDENT_COLUMNS}


INCIDENT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(IncidentRecord))


def select_incidents(conn: Connection, *, open_only: bool, tracking: str | None) -> list[IncidentRecord]:
    """Incidents in the order they were opened: only open ones, of one item, as asked."""
    sql = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents WHERE 1 = 1"
    args: list[object] = []
    if open_only:
        sql += " AND closed_seq IS NULL"
    if tracking:
        sql += " AND tracking = ?"
        args.append(tracking)
    return [IncidentRecord(*r) for r in conn.execute(sql + " ORDER BY id", args).fetchall()]
