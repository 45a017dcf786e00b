"""What each user looks for: searching items by any field, sorted by any listed column, keyset-paged, with totals;
and the ready-made views of each role (what a courier holds, what is on its way to a secretary's agency...).

Visibility is the one rule of services.items (`_where`): a secretary only ever sees her agency's items.
Paging is by keyset on (sort column, tracking), never OFFSET: a page deep in a million items costs what the
first does (platform.md). Text searches ("in part": tracking, seal, document number, person) are LIKE scans
bounded by the page size; combine them with a date range on big vaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from securemail.clock import ICT, iso
from securemail.domain.enums import ItemStatus, Role
from securemail.domain.text import clean_text
from securemail.errors import BadInputError
from securemail.services import items
from securemail.services.queries.items import ItemRecord, select_page
from securemail.services.session import Session, fields_checked
from securemail.storage.database import FOLD_FUNCTION, fold_text

MAX_TEXT = 100
# Where a person's name or user name is kept: sender's messenger, named recipient, receiver, holder, accepting clerk.
PERSON_COLUMNS = ("sender_person", "named_recipient", "delivered_to", "holder", "accepted_by")
OPEN_STATUSES = (ItemStatus.ACCEPTED, ItemStatus.IN_BAG, ItemStatus.DISPATCHED, ItemStatus.IN_TRANSIT,
                 ItemStatus.ARRIVED, ItemStatus.OUT_FOR_DELIVERY, ItemStatus.DELIVERY_FAILED, ItemStatus.FORWARDED)


class Sort(StrEnum):
    """Columns a list can be sorted by; each maps to one SQL expression with an index behind it."""

    ACCEPTED = "accepted"
    DUE = "due"
    TRACKING = "tracking"
    STATUS = "status"
    SENDER = "sender"
    RECIPIENT = "recipient"
    HOLDER = "holder"


SORT_SQL: dict[Sort, str] = {
    Sort.ACCEPTED: "accepted_at",
    Sort.DUE: "ifnull(due_at, '')",        # items_due_order (schema) indexes this very expression
    Sort.TRACKING: "tracking",
    Sort.STATUS: "status",
    Sort.SENDER: "sender_agency",
    Sort.RECIPIENT: "recipient_agency",
    Sort.HOLDER: "ifnull(holder, '')",
}


@dataclass(frozen=True)
class ItemQuery:
    """A search. Empty fields do not filter. Text fields match anywhere in the field, case-insensitively."""

    tracking: str = ""            # part of a tracking number
    seal: str = ""                # part of a seal number
    doc_ref: str = ""             # part of the document number and code (số, ký hiệu)
    person: str = ""              # part of a name or user name: sender's messenger, named recipient, receiver,
                                  # holder, accepting clerk
    agency: str = ""              # agency code, as sender or recipient
    recipient_agency: str = ""
    holder: str = ""              # exact user name
    statuses: tuple[str, ...] = ()
    secrecy: str = ""
    service: str = ""
    date_from: datetime | None = None   # accepted at or after
    date_to: datetime | None = None     # accepted before
    overdue_at: datetime | None = None  # only items not delivered and due before this time
    sort: Sort = Sort.ACCEPTED
    descending: bool = True


@dataclass(frozen=True)
class Page:
    rows: list[ItemRecord]
    cursor: str | None  # give back as `after` for the next page; None: no more rows


@dataclass(frozen=True)
class Totals:
    items: int
    envelopes: int
    overdue: int        # not delivered and past the due time, as of `now`


def _clean(value: str, name: str) -> str:
    with fields_checked():
        return clean_text(value, field=name, max_len=MAX_TEXT) or ""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(session: Session, q: ItemQuery) -> tuple[list[str], list[object]]:
    filters = {"secrecy": q.secrecy or None, "service": q.service or None,
               "recipient_agency": q.recipient_agency or None, "holder": q.holder or None}
    where, args = items._where(session, filters, q.agency or None, q.date_from, q.date_to, q.overdue_at,
                               q.statuses)
    for name, column in (("tracking", "tracking"), ("seal", "seal_numbers"), ("doc_ref", "doc_ref")):
        text = _clean(getattr(q, name), name)
        if text:
            where.append(f"{column} LIKE ? ESCAPE '\\'")
            args.append(_like(text))
    person = _clean(q.person, "person")
    if person:
        # One fold per row, of the five names joined by a control character (not five: the fold is a Python
        # function, 3.4 s for a search without a match at 1,000,000 items). Same matches: the fold keeps the
        # separator and treats each name alone, and a cleaned query holds no control character.
        names = " || char(31) || ".join(f"ifnull({c}, '')" for c in PERSON_COLUMNS)
        where.append(f"{FOLD_FUNCTION}({names}) LIKE ? ESCAPE '\\'")
        args.append(_like(str(fold_text(person))))
    return where, args


def _cursor(row: ItemRecord, sort: Sort) -> str:
    value = {Sort.ACCEPTED: row.accepted_at, Sort.DUE: row.due_at or "",
             Sort.TRACKING: row.tracking, Sort.STATUS: row.status, Sort.SENDER: row.sender_agency,
             Sort.RECIPIENT: row.recipient_agency, Sort.HOLDER: row.holder or ""}[sort]
    return f"{value}|{row.tracking}"  # tracking numbers hold no "|": split at the last one


def search(session: Session, query: ItemQuery, *, after: str | None = None, limit: int = 200) -> Page:
    """One page of items matching `query`, in its sort order; `after` is the previous page's cursor."""
    if not 1 <= limit <= 10_000:
        raise BadInputError("input.too_large", field="limit", min=1, max=10_000)
    where, args = _where(session, query)
    expr = SORT_SQL[query.sort]
    direction = "DESC" if query.descending else "ASC"
    if after:
        value, _, tracking = after.rpartition("|")
        where.append(f"({expr}, tracking) {'<' if query.descending else '>'} (?, ?)")
        args += [value, tracking]
    rows = select_page(session.conn, where, args, f"{expr} {direction}, tracking {direction}", limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _cursor(rows[-1], query.sort) if more and rows else None)


def totals(session: Session, query: ItemQuery, now: datetime) -> Totals:
    """How many items match, their envelopes, and how many of them are overdue now (one SQL statement)."""
    where, args = _where(session, query)
    sql = ("SELECT count(*), ifnull(sum(envelopes), 0), "
           "ifnull(sum(delivered_at IS NULL AND due_at IS NOT NULL AND due_at < ?), 0) FROM items"
           + (" WHERE " + " AND ".join(where) if where else ""))
    count, envelopes, overdue = session.conn.execute(sql, (iso(now.astimezone(ICT)), *args)).fetchone()
    return Totals(int(count), int(envelopes), int(overdue))


# ---- the ready-made views of each role ----------------------------------------------------------------------

class View(StrEnum):
    ALL = "all"
    I_HOLD = "i-hold"                  # courier (and clerk): items in my custody, not yet delivered
    ON_ITS_WAY = "on-its-way"          # secretary: addressed to my agency, not yet delivered
    TO_CONFIRM = "to-confirm"          # secretary: out for delivery to my agency: I confirm receipt next
    OVERDUE = "overdue"


# The first view is what the Items tab opens on (until the user picks another: remembered per role).
ROLE_VIEWS: dict[Role, tuple[View, ...]] = {
    Role.COURIER: (View.I_HOLD, View.ALL),
    Role.SECRETARY: (View.ALL, View.TO_CONFIRM, View.ON_ITS_WAY),
    Role.CLERK: (View.ALL, View.I_HOLD, View.OVERDUE),
    Role.AUDITOR: (View.ALL, View.OVERDUE),
    Role.ADMIN: (View.ALL, View.OVERDUE),
}


def view_query(session: Session, view: View, base: ItemQuery | None = None) -> ItemQuery:
    """`base` narrowed to `view` for the signed-in user."""
    q = base or ItemQuery()
    open_ = tuple(s.value for s in OPEN_STATUSES)
    if view is View.I_HOLD:
        return replace(q, holder=session.user.username, statuses=q.statuses or open_)
    if view is View.ON_ITS_WAY:
        return replace(q, recipient_agency=session.user.agency or "\x00", statuses=q.statuses or open_)
    if view is View.TO_CONFIRM:
        return replace(q, recipient_agency=session.user.agency or "\x00",
                       statuses=(ItemStatus.OUT_FOR_DELIVERY.value,))
    if view is View.OVERDUE:
        return replace(q, overdue_at=session.clock.now(), sort=Sort.DUE, descending=False)
    return q


def views_for(role: Role) -> Sequence[View]:
    return ROLE_VIEWS.get(role, (View.ALL,))
