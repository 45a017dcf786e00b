"""The item as the projection holds it (the `items` table), and the queries that read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from securemail.crypto.canonical import JsonObject
from securemail.storage.database import Connection, DbRow


@dataclass(frozen=True)
class ItemRecord:
    """One row of `items`; the field order is the table's column order (and the CLI's JSON key order)."""

    tracking: str
    sender_agency: str
    recipient_agency: str
    secrecy: str
    service: str
    scope: str
    appointed_at: str | None
    doc_ref: str | None
    doc_date: str | None
    named_recipient: str | None
    named_only: int
    envelopes: int
    weight_grams: int | None
    seal_numbers: str | None
    seal_condition: str
    description: str | None
    recall: int
    recall_deadline: str | None
    copy_number: int | None
    page_count: int | None
    notes: str | None
    sender_person: str | None
    sender_person_id: str | None
    status: str
    holder: str | None
    location: str | None
    bag: str | None
    destination: str | None
    accepted_at: str
    accepted_by: str
    due_at: str | None
    delivered_at: str | None
    delivered_to: str | None
    open_incidents: int
    last_seq: int
    first_attempt_at: str | None
    urgency: str | None
    copies: int | None

    @property
    def flagged(self) -> bool:
        """An incident about this item is still open."""
        return bool(self.open_incidents)

    def as_dict(self) -> JsonObject:
        """The row as JSON shows it: every column, in the table's order."""
        return {name: getattr(self, name) for name in ITEM_COLUMNS}


ITEM_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ItemRecord))
SELECT_ITEMS = f"SELECT {', '.join(ITEM_COLUMNS)} FROM items"


def item_from_row(row: DbRow) -> ItemRecord:
    """A record from a row selected with SELECT_ITEMS."""
    return ItemRecord(*row)


def fetch_item(conn: Connection, tracking: str) -> ItemRecord | None:
    row = conn.execute(f"{SELECT_ITEMS} WHERE tracking = ?", (tracking,)).fetchone()
    return None if row is None else item_from_row(row)


def select_items(conn: Connection, where: Sequence[str], args: Sequence[object], tail: str = "",
                 tail_args: Sequence[object] = ()) -> list[ItemRecord]:
    """Items matching every clause of `where` (ANDed), then `tail` (ORDER BY ... LIMIT ?)."""
    sql = SELECT_ITEMS + (" WHERE " + " AND ".join(where) if where else "") + (f" {tail}" if tail else "")
    return [item_from_row(r) for r in conn.execute(sql, (*args, *tail_args)).fetchall()]
