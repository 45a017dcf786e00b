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


EITHER_AGENCY = "(sender_agency = ? OR recipient_agency = ?)"   # one agency, as sender or recipient


def page_sql(where: Sequence[str], args: Sequence[object], order: str, limit: int) -> tuple[str, list[object]]:
    """The SQL of the first `limit` items matching `where`, in `order`, and its parameters.

    "Sender or recipient is X" (a secretary's agency, the agency filter) runs as two scans in order, one on each
    agency index, merged; as one OR, SQLite collects every match of both indexes and sorts them before it can
    return a page: 0.5 s for a secretary's first page at 1,000,000 items against 1-2 ms (issue 15)."""
    starts = [sum(c.count("?") for c in where[:i]) for i in range(len(where))]   # each clause's first argument
    for i, clause in enumerate(where):
        if clause != EITHER_AGENCY:
            continue
        at = starts[i]
        rest, rest_args, agency = [*where[:i], *where[i + 1:]], [*args[:at], *args[at + 2:]], args[at]
        if any(c in ("sender_agency = ?", "recipient_agency = ?") and args[starts[j]] == agency
               for j, c in enumerate(where)):
            return page_sql(rest, rest_args, order, limit)   # already one of the two: the OR adds nothing
        branches, params = [], []
        for column in ("sender_agency", "recipient_agency"):   # each: its first page, by its own index
            branches.append(f"SELECT r FROM (SELECT rowid AS r FROM items WHERE "
                            f"{' AND '.join([*rest, f'{column} = ?'])} ORDER BY {order} LIMIT ?)")
            params += [*rest_args, agency, limit]
        # Merged by row id: an item the agency sent to itself comes once.
        return (f"{SELECT_ITEMS} WHERE rowid IN ({' UNION '.join(branches)}) ORDER BY {order} LIMIT ?",
                [*params, limit])
    sql = SELECT_ITEMS + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order} LIMIT ?"
    return sql, [*args, limit]


def select_page(conn: Connection, where: Sequence[str], args: Sequence[object], order: str,
                limit: int) -> list[ItemRecord]:
    """The first `limit` items matching every clause of `where`, in `order` (see page_sql)."""
    sql, params = page_sql(where, args, order, limit)
    return [item_from_row(r) for r in conn.execute(sql, params).fetchall()]
