"""Before writing on a subject, its projection row must agree with the log: the writer refuses otherwise.

The projection tables (items, bags) are what the services read to decide a move: who holds an item, its status.
Anyone who can open the vault can edit them, and an older page put back (security.md §1) silently undoes a
change. Verify finds both afterwards; this check stops the services from acting on them in the first place, for
the subjects an event is about to change: the row's status, holder and last event are recomputed from the signed
events of that subject (and the bag events that moved it) and compared with what the table says.
"""

from __future__ import annotations

from dataclasses import dataclass

from securemail.custody import kinds as K
from securemail.custody.events import Event
from securemail.domain.enums import BagStatus
from securemail.domain.lifecycle import STATUS_KEEPING_ACTIONS, TRANSITIONS
from securemail.storage.database import Connection

# The status each item action leads to (the lifecycle's targets do not depend on where they start).
_TARGET = {action: status.value for (_, action), status in TRANSITIONS.items() if action not in STATUS_KEEPING_ACTIONS}
_BAG_STATUS = {K.BAG_CREATED: BagStatus.OPEN.value, K.BAG_CLOSED: BagStatus.CLOSED.value,
               K.BAG_DISPATCHED: BagStatus.DISPATCHED.value, K.BAG_OPENED: BagStatus.OPENED.value}


@dataclass(frozen=True)
class Row:
    status: str | None
    holder: str | None
    last_seq: int


def stale_subjects(conn: Connection, event: Event) -> list[str]:
    """The subjects `event` changes whose projection row disagrees with the log (empty: all agree)."""
    items: list[str] = []
    bag: str | None = None
    if event.kind.startswith("item.") and event.kind not in (K.ITEM_ACCEPTED, K.ITEM_RECEIVED):
        items.append(event.subject)
        if event.kind in (K.ITEM_BAGGED, K.ITEM_UNBAGGED):
            bag = str(event.data.get("bag"))
    elif event.kind in (K.BAG_CLOSED, K.BAG_DISPATCHED, K.BAG_OPENED):
        bag = str(event.data.get("bag"))
        listed = event.data.get("items" if event.kind == K.BAG_DISPATCHED else "found")
        items += [str(t) for t in listed] if isinstance(listed, list) else []
    stale = [t for t in dict.fromkeys(items) if _item_row(conn, t) != _item_from_log(conn, t)]
    if bag is not None and _bag_row(conn, bag) != _bag_from_log(conn, bag):
        stale.append(K.bag_subject(bag))
    return stale


def _item_row(conn: Connection, tracking: str) -> Row | None:
    row = conn.execute("SELECT status, holder, last_seq FROM items WHERE tracking = ?", (tracking,)).fetchone()
    return None if row is None else Row(row[0], row[1], int(row[2]))


def _item_from_log(conn: Connection, tracking: str) -> Row | None:
    from securemail.custody.ledger import read_events  # noqa: PLC0415 - the ledger imports this module

    events = read_events(conn, "WHERE subject = ?", (tracking,))
    bags = {str(e.data.get("bag")) for e in events if e.kind == K.ITEM_BAGGED}
    for bag in sorted(bags):
        for e in read_events(conn, "WHERE subject = ? AND kind IN (?, ?)",
                             (K.bag_subject(bag), K.BAG_DISPATCHED, K.BAG_OPENED)):
            listed = e.data.get("items" if e.kind == K.BAG_DISPATCHED else "found")
            if isinstance(listed, list) and tracking in listed:
                events.append(e)
    if not events:
        return None
    status: str | None = None
    holder: str | None = None
    for e in sorted(events, key=lambda ev: ev.seq):
        rule = K.RULES.get(e.kind)
        action = rule.action if rule is not None else None
        if action is not None and action in _TARGET:
            status = _TARGET[action]
        if e.kind in (K.ITEM_ACCEPTED, K.ITEM_ARRIVED, K.BAG_OPENED):
            holder = e.actor
        elif e.kind in (K.ITEM_HANDED_OVER, K.BAG_DISPATCHED):
            to = e.data.get("to")
            holder = str(to) if to is not None else None
        elif e.kind == K.ITEM_DELIVERED:     # a named-only envelope received unopened stays with the văn thư
            holder = e.cosigner if e.data.get("unopened") is True else None
        elif e.kind == K.ITEM_RECEIVED:
            holder = e.actor if e.data.get("unopened") is True else None
        elif e.kind == K.ITEM_PASSED_ON:
            holder = None
    last = max(e.seq for e in events)
    return Row(status, holder, last)


def _bag_row(conn: Connection, bag: str) -> Row | None:
    row = conn.execute("SELECT status, holder, last_seq FROM bags WHERE bag = ?", (bag,)).fetchone()
    return None if row is None else Row(row[0], row[1], int(row[2]))


def _bag_from_log(conn: Connection, bag: str) -> Row | None:
    from securemail.custody.ledger import read_events  # noqa: PLC0415

    status: str | None = None
    holder: str | None = None
    last = 0
    for e in read_events(conn, "WHERE subject = ? AND kind IN (?, ?, ?, ?)",
                         (K.bag_subject(bag), *_BAG_STATUS)):
        status, last = _BAG_STATUS[e.kind], e.seq
        if e.kind in (K.BAG_CREATED, K.BAG_OPENED):
            holder = e.actor
        elif e.kind == K.BAG_DISPATCHED:
            to = e.data.get("to")
            holder = str(to) if to is not None else None
    return None if status is None else Row(status, holder, last)

