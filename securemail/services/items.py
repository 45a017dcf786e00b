"""Accepting items at the counter, reading them back, searching, and each item's signed timeline."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from securemail.clock import ICT, iso, parse_iso
from securemail.crypto.canonical import JsonObject
from securemail.custody import duetimes
from securemail.custody import kinds as K
from securemail.custody.events import Event
from securemail.custody.ledger import LedgerWriter, read_events
from securemail.custody.partial_replay import PartialReplay
from securemail.custody.projection import ITEM_FIELDS
from securemail.domain.enums import Role, Scope, ServiceClass
from securemail.domain.errors import FieldError
from securemail.domain.item import ItemDraft, validate_item
from securemail.domain.norms import Norm, due_at
from securemail.domain.tracking import make_tracking, parse_tracking
from securemail.domain.workcalendar import WorkCalendar
from securemail.errors import BadInputError, NotFoundError, PermissionDeniedError
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.bags import bags_of_item
from securemail.services.queries.items import EITHER_AGENCY, ItemRecord, fetch_item, select_page
from securemail.services.queries.timeline import Origin, TimelineEntry
from securemail.services.session import Session, field_error, fields_checked

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_IMAGE = 512 * 1024


@dataclass(frozen=True)
class ExternalPerson:
    """Someone without an account (a messenger, a remote recipient): recorded by name, ID and drawn signature."""

    name: str
    id_number: str | None  # số định danh / căn cước
    signature_png: bytes | None
    title: str | None = None  # chức vụ (position), where known


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return 1 if value else 0
    if hasattr(value, "value"):
        return value.value  # enums
    return value


def draft_to_data(draft: ItemDraft) -> JsonObject:
    return {f: _jsonable(getattr(draft, f)) for f in ITEM_FIELDS}


def load_norms(session: Session) -> list[Norm]:
    return list(counter_inputs(session).norms)


def load_calendar(session: Session) -> WorkCalendar:
    """Days off, make-up working days (holidays.set events) and the office's working hours (setting.set)."""
    return counter_inputs(session).calendar


@dataclass(frozen=True)
class CounterInputs:
    """What every accept reads besides the form, all changed only by directory events (norm.set, holidays.set,
    setting.set, agency.added / agency.changed): remembered together by the session's read cache (ADR 0022)."""

    norms: tuple[Norm, ...]
    calendar: WorkCalendar
    suburban: Mapping[str, bool]        # every agency's code: outside the inner city (ngoại thành)?


def counter_inputs(session: Session) -> CounterInputs:
    def load() -> CounterInputs:
        conn = session.conn
        agencies = {str(code): bool(suburban) for code, suburban in conn.execute("SELECT code, suburban FROM agencies")}
        return CounterInputs(tuple(duetimes.load_norms(conn)), duetimes.load_calendar(conn), MappingProxyType(agencies))
    return session.cache.get("counter", load)


def _check_suburban_lead(session: Session, inputs: CounterInputs, draft: ItemDraft, now: datetime) -> None:
    """Hẹn giờ nội tỉnh to an agency outside the inner city (ngoại thành): accepted at least 12 h (a setting)
    before the appointment, not the 4 h of the inner city (TT 16/2017 Đ.4 k.4)."""
    if draft.service is not ServiceClass.HEN_GIO or draft.scope is not Scope.NOI_TINH or draft.appointed_at is None:
        return
    if not inputs.suburban.get(draft.recipient_agency, False):
        return
    hours = duetimes.suburban_lead_hours(session.conn)
    earliest = now.astimezone(ICT) + timedelta(hours=hours)
    if draft.appointed_at < earliest:
        raise field_error(FieldError("appointed_at", "appointed_too_soon", hours=hours, earliest=earliest.isoformat()))


def record_person(session: Session, ledger: LedgerWriter, person: ExternalPerson | None) -> JsonObject | None:
    """Validate an external person's details and store their signature image; the event covers its hash."""
    if person is None:
        return None
    from securemail.domain.text import clean_text  # noqa: PLC0415

    with fields_checked():
        name = clean_text(person.name, field="person_name", max_len=200, required=True)
        id_number = clean_text(person.id_number, field="person_id", max_len=50)
        title = clean_text(person.title, field="person_title", max_len=200)
    out: JsonObject = {"name": name, "id_number": id_number, "signature_sha256": None}
    if title is not None:
        out["title"] = title
    if person.signature_png is not None:
        data = person.signature_png
        if not data.startswith(PNG_MAGIC) or len(data) > MAX_SIGNATURE_IMAGE:
            raise BadInputError("input.bad_format", field="signature_image")
        digest = hashlib.sha256(data).digest()
        ledger.attach(digest, "image/png", data)
        out["signature_sha256"] = digest.hex()
    return out


def _next_tracking(session: Session) -> str:
    # The counter equals count(*) of items (a trigger keeps it), without reading the table; a counter put back by
    # hand only costs the loop below a few probes of the primary key.
    row = session.conn.execute("SELECT value FROM counters WHERE name = 'items'").fetchone()
    serial = int(row[0]) + 1 if row else 1
    while True:
        tracking = make_tracking(serial)
        if not session.conn.execute("SELECT 1 FROM items WHERE tracking = ?", (tracking,)).fetchone():
            return tracking
        serial += 1


def accept_item(session: Session, raw: Mapping[str, object], *, messenger: ExternalPerson | None = None,
                origin: JsonObject | None = None, due_override: str | None = None) -> str:
    """Record an item handed in at the counter; returns its tracking number. With `origin` (the link to a
    partner's imported acceptance, services.imported_items) the item's data are the partner's, validated here and
    stored as they came; `due_override` keeps the due time another post office gave it."""
    session.require(Permission.ACCEPT)
    now = session.clock.now()
    inputs = counter_inputs(session)
    with fields_checked():
        draft = validate_item(raw, now=now, norms=inputs.norms)
    for field, code in (("sender_agency", draft.sender_agency), ("recipient_agency", draft.recipient_agency)):
        if code not in inputs.suburban:
            raise BadInputError("notfound.agency", field=field, code=code)
    _check_suburban_lead(session, inputs, draft, now)
    norm = next((n for n in inputs.norms if n.service == draft.service and n.scope == draft.scope), None)
    due = due_at(now, norm, draft.appointed_at, inputs.calendar) if norm is not None else None
    due_text = due_override if due_override is not None else (iso(due) if due else None)
    with session.write() as ledger:  # number allocated under the write lock: two desks never get the same one
        if draft.tracking:
            tracking = draft.tracking
            if session.conn.execute("SELECT 1 FROM items WHERE tracking = ?", (tracking,)).fetchone():
                raise BadInputError("input.duplicate_tracking", field="tracking", value=tracking)
        else:
            tracking = _next_tracking(session)
        item = draft_to_data(draft)
        if origin is not None:
            item = {f: raw[f] for f in ITEM_FIELDS if f in raw}
        data: JsonObject = {"item": item, "due_at": due_text, "location": session.office_code}
        if origin is not None:
            data["origin"] = origin
        person = record_person(session, ledger, messenger)
        if person is not None:
            data["person"] = person
        ledger.append(K.ITEM_ACCEPTED, tracking, session.signer, data)
    return tracking


def normalise_tracking(text: str) -> str:
    try:
        return parse_tracking(text)
    except FieldError as e:
        raise BadInputError(f"input.{e.code}", field="tracking", value=text) from e


def item_row(session: Session, tracking: str) -> ItemRecord:
    """The current state of one item, as the projection holds it; enforces who may see it."""
    t = normalise_tracking(tracking)
    item = fetch_item(session.conn, t)
    if item is None:
        raise NotFoundError("notfound.item", tracking=t)
    check_visible(session, item.sender_agency, item.recipient_agency)
    return item


def check_visible(session: Session, sender_agency: str | None, recipient_agency: str | None) -> None:
    """May this user see an item between these agencies (a secretary: only her agency's)."""
    if allowed(session.role, Permission.VIEW_ALL):
        return
    if session.role is Role.SECRETARY and session.user.agency in (sender_agency, recipient_agency):
        return
    raise PermissionDeniedError("perm.denied", role=session.role.value, action="view")


def event_label(kind: str, lang: str) -> str:
    """The words for a kind of event, from the one table (custody.kinds.RULES)."""
    return K.kind_label(kind, lang)


def timeline(session: Session, tracking: str) -> list[TimelineEntry]:
    """The item's events (and those of bags it travelled in), each with whether its signatures verify now: first
    those imported from partner vaults (marked with their origin, re-verified), then this vault's own."""
    from securemail.services.foreign_events import foreign_timeline  # noqa: PLC0415 - it imports this module

    t = item_row(session, tracking).tracking  # also checks that this user may see the item
    return merge_by_time(foreign_timeline(session, t), own_timeline(session, t))


def merge_by_time(foreign: list[TimelineEntry], own: list[TimelineEntry]) -> list[TimelineEntry]:
    """Partners' events and this vault's own in the order they happened: each list keeps its own order (its log's),
    and at equal times a partner's event comes first (what was sent comes before what was done with it)."""
    def when(e: TimelineEntry) -> datetime:
        try:
            return parse_iso(e.time)
        except (ValueError, TypeError):
            return datetime.max.replace(tzinfo=ICT)
    foreign = sorted(foreign, key=when)         # several partners' logs, each in its own order
    out: list[TimelineEntry] = []
    i = j = 0
    while i < len(foreign) or j < len(own):
        if j >= len(own) or (i < len(foreign) and when(foreign[i]) <= when(own[j])):
            out.append(foreign[i])
            i += 1
        else:
            out.append(own[j])
            j += 1
    return out


def own_timeline(session: Session, t: str) -> list[TimelineEntry]:
    """This vault's own events of item `t` (already checked visible)."""
    subjects = [t] + [K.bag_subject(b) for b in bags_of_item(session.conn, t)]
    marks = ",".join("?" for _ in subjects)
    events = read_events(session.conn, f"WHERE subject IN ({marks})", tuple(subjects))
    authority = session.authority
    changes = {r[0]: (r[1], r[2]) for r in session.conn.execute(
        "SELECT seq, old_due, new_due FROM due_changes WHERE tracking = ?", (t,))}
    if changes:  # the norm, holiday or working-hours events that moved this item's due time
        marks = ",".join("?" for _ in changes)
        events = sorted([*events, *read_events(session.conn, f"WHERE seq IN ({marks})", tuple(changes))],
                        key=lambda e: e.seq)
    here = Origin(session.office_code, session.vault_id, own=True)
    refused = _refused_where_they_stood(session, [e for e in events if e.subject in subjects])
    out = []
    for e in events:
        if e.subject != t and t not in e.data.get("items", [t]) and e.seq not in changes:
            continue
        data = e.data
        if e.seq in changes:
            data = {**e.data, "due_before": changes[e.seq][0], "due_after": changes[e.seq][1]}
        out.append(TimelineEntry(e.seq, e.kind, e.actor, e.cosigner, e.time, e.subject, data,
                                 e.event_hash().hex(), authority.judge(e).holds() and e.seq not in refused, here))
    return out


def _refused_where_they_stood(session: Session, own: list[Event]) -> set[int]:
    """The seqs of the item's and its bags' events (`own`, in log order) that the custody rules refuse where the
    item stood (a holder's missing co-signature, not the holder, a forbidden status move, ...): what `verify`
    reports about them. Replayed in memory with the events that set the scene, as the writer applied them."""
    marks = ",".join("?" for _ in K.SCENE_KINDS)
    scene = read_events(session.conn, f"WHERE kind IN ({marks})", tuple(sorted(K.SCENE_KINDS)))
    mine = {e.seq for e in own}
    refused: set[int] = set()
    replay = PartialReplay()
    try:
        for e in sorted([*own, *(e for e in scene if e.seq not in mine)], key=lambda e: e.seq):
            if e.seq not in mine:
                replay.apply(e)
            elif replay.refusals(session.authority, e):
                refused.add(e.seq)
    finally:
        replay.close()
    return refused


SEARCH_FILTERS = ("status", "secrecy", "service", "sender_agency", "recipient_agency", "doc_ref", "holder")


def _where(session: Session, filters: Mapping[str, str | None] | None, agency: str | None,
           date_from: datetime | None, date_to: datetime | None, overdue_at: datetime | None,
           statuses: Sequence[str] = ()) -> tuple[list[str], list[object]]:
    """The WHERE clauses shared by search and count: filters, who may see what, dates, overdue."""
    where: list[str] = []
    args: list[object] = []
    for key, value in (filters or {}).items():
        if value is None or value == "":
            continue
        if key not in SEARCH_FILTERS:
            raise BadInputError("input.bad_choice", field=key, value=key)
        where.append(f"{key} = ?")
        args.append(value)
    if statuses:
        where.append(f"status IN ({', '.join('?' for _ in statuses)})")
        args += list(statuses)
    if agency:
        where.append(EITHER_AGENCY)
        args += [agency, agency]
    if session.role is Role.SECRETARY:
        where.append(EITHER_AGENCY)
        args += [session.user.agency, session.user.agency]
    elif not allowed(session.role, Permission.VIEW_ALL):
        raise PermissionDeniedError("perm.denied", role=session.role.value, action="view")
    # Stored times are ICT ISO strings and compare as text: bring bounds to the same offset first.
    if date_from:
        where.append("accepted_at >= ?")
        args.append(iso(date_from.astimezone(ICT)))
    if date_to:
        where.append("accepted_at < ?")
        args.append(iso(date_to.astimezone(ICT)))
    if overdue_at:
        where.append("delivered_at IS NULL AND due_at IS NOT NULL AND due_at < ?")
        args.append(iso(overdue_at.astimezone(ICT)))
    return where, args




MAX_LIMIT = 1_000_000


def search_items(session: Session, *, filters: Mapping[str, str | None] | None = None, agency: str | None = None,
                 date_from: datetime | None = None, date_to: datetime | None = None, overdue_at: datetime | None = None,
                 after: str | None = None, limit: int = 200) -> list[ItemRecord]:
    """Keyset-paged search (`after` = last accepted_at|tracking seen); every filter uses an index."""
    if not 1 <= limit <= MAX_LIMIT:
        raise BadInputError("input.too_large" if limit > MAX_LIMIT else "input.too_small", field="limit",
                            min=1, max=MAX_LIMIT)
    where, args = _where(session, filters, agency, date_from, date_to, overdue_at)
    if after:
        at, _, trk = after.partition("|")
        where.append("(accepted_at, tracking) < (?, ?)")
        args += [at, trk]
    return select_page(session.conn, where, args, "accepted_at DESC, tracking DESC", int(limit))


def count_items(session: Session, *, filters: Mapping[str, str | None] | None = None, statuses: Sequence[str] = (),
                agency: str | None = None, overdue_at: datetime | None = None, date_from: datetime | None = None,
                date_to: datetime | None = None) -> int:
    """How many items match (same filters and visibility as search_items), counted by the database."""
    where, args = _where(session, filters, agency, date_from, date_to, overdue_at, statuses)
    sql = "SELECT count(*) FROM items" + (" WHERE " + " AND ".join(where) if where else "")
    return int(session.conn.execute(sql, args).fetchone()[0])


def is_overdue_row(item: ItemRecord, now: datetime) -> bool:
    due = item.due_at
    if not due:
        return False
    delivered = item.delivered_at
    return parse_iso(delivered) > parse_iso(due) if delivered else now > parse_iso(due)
