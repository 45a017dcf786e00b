"""The bag (the `bags` table with its items and, once opened, what the signed opening found), and its queries."""

from __future__ import annotations

from dataclasses import dataclass

from securemail.crypto.canonical import JsonObject
from securemail.custody import kinds as K
from securemail.custody.events import data_of_row, unreadable
from securemail.domain.enums import BagStatus
from securemail.storage.database import Connection

BAG_COLUMNS = ("bag", "destination", "status", "seal", "created_by", "created_at", "holder", "last_seq", "province")


@dataclass(frozen=True)
class BagRecord:
    bag: str
    destination: str
    status: str
    seal: str | None
    created_by: str
    created_at: str
    holder: str | None
    last_seq: int
    province: str | None
    items: tuple[str, ...]                  # tracking numbers, sorted
    missing: tuple[str, ...] | None = None  # an opened bag: what its signed opening found missing
    extra: tuple[str, ...] | None = None    # ... and found in it though not on the manifest

    def as_dict(self) -> JsonObject:
        """The bag as JSON shows it: the columns, its items, and for an opened bag what was missing or extra."""
        out: JsonObject = {name: getattr(self, name) for name in BAG_COLUMNS}
        out["items"] = list(self.items)
        if self.missing is not None:
            out["missing"] = list(self.missing)
        if self.extra is not None:
            out["extra"] = list(self.extra)
        return out


def _data(seq: int, body: bytes) -> JsonObject:
    try:
        return data_of_row(body)
    except ValueError as e:
        raise unreadable(int(seq)) from e


def bags_of_item(conn: Connection, tracking: str) -> list[str]:
    """Every bag the item was put in, from its item.bagged events (in order, once each)."""
    bags: dict[str, None] = {}
    for seq, body in conn.execute("SELECT seq, body FROM events INDEXED BY events_subject WHERE subject = ? "
                                  "AND kind = ? ORDER BY seq", (tracking, K.ITEM_BAGGED)):
        bag = _data(seq, body).get("bag")
        if isinstance(bag, str) and bag:
            bags[bag] = None
    return list(bags)


def bag_items(conn: Connection, bag: str) -> list[str]:
    return [str(r[0]) for r in conn.execute("SELECT tracking FROM bag_items WHERE bag = ? ORDER BY tracking", (bag,))]


def fetch_bag(conn: Connection, bag: str) -> BagRecord | None:
    row = conn.execute(f"SELECT {', '.join(BAG_COLUMNS)} FROM bags WHERE bag = ?", (bag,)).fetchone()
    if row is None:
        return None
    missing = extra = None
    if row[2] == BagStatus.OPENED.value:  # what the signed opening found missing or extra
        found = conn.execute("SELECT seq, body FROM events INDEXED BY events_subject WHERE subject = ? AND kind = ? "
                             "ORDER BY seq DESC LIMIT 1", (K.bag_subject(row[0]), K.BAG_OPENED)).fetchone()
        data = _data(found[0], found[1]) if found else {}
        missing = tuple(data.get("missing") or ())
        extra = tuple(data.get("extra") or ())
    bag_id, destination, status, seal, created_by, created_at, holder, last_seq, province = row
    return BagRecord(bag_id, destination, status, seal, created_by, created_at, holder, last_seq, province,
                     tuple(bag_items(conn, bag_id)), missing, extra)


def bag_ids(conn: Connection, status: str | None = None) -> list[str]:
    """Bag numbers, newest first (of one status, if given)."""
    sql = "SELECT bag FROM bags" + (" WHERE status = ?" if status else "") + " ORDER BY created_at DESC"
    return [str(r[0]) for r in conn.execute(sql, (status,) if status else ())]
