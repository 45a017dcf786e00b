"""The registers (sổ), each printed by its owner from its owner's records.

- The post office desk (a vault made with ``init --kind office``) keeps its own handover book: what the KT1 desk
  received and handed on, one line per transfer, with the full names of both sides and room for the receiver to
  sign (Luật Bảo vệ bí mật nhà nước Điều 13: "vào sổ theo dõi riêng, người nhận phải ký nhận").
- An agency desk (``init --kind agency --agency CODE``) keeps the agency's Sổ đăng ký bí mật nhà nước đi / đến and
  its Sổ gửi văn bản đi bưu điện, printed by the agency's văn thư: "đi" lists what the agency registered here and
  sent, "đến" what was addressed to the agency and received here (delivered here, or known from another vault's
  verified bundle that records its delivery to the agency).

Numbers run continuously from 01/01 to 31/12 (NĐ 30/2020 Điều 15, 22) in the order the entries were recorded in
this vault (the ledger's order, which never changes), so a line keeps its number whatever period is printed. A
register book covers one year: a period that crosses 31/12 is refused. No date stands in for another: a missing
document date is left blank.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from securemail import documents as docs
from securemail.clock import ICT, parse_iso
from securemail.crypto.canonical import JsonObject
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.events import Event, event_from_row, event_from_stored
from securemail.documents import models as m
from securemail.documents.register_layouts import (
    LayoutDataError,
    RegisterLayout,
    parse_columns,
)
from securemail.domain.enums import Role, SealCondition, Secrecy, ServiceClass, Urgency
from securemail.domain.labels import label
from securemail.errors import BadInputError, NotFoundError, PermissionDeniedError
from securemail.services import statements
from securemail.services.directory import get_agency
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.items import ItemRecord, fetch_item
from securemail.services.session import Session, load_user
from securemail.storage.event_codec import load_body

Out = Path | BinaryIO

KINDS: dict[str, m.RegisterKind] = {"handover": m.RegisterKind.HANDOVER_BOOK,
                                    "outgoing": m.RegisterKind.SECRET_OUTGOING,
                                    "incoming": m.RegisterKind.SECRET_INCOMING,
                                    "post": m.RegisterKind.POST_OUTGOING}
AGENCY_KINDS = frozenset({m.RegisterKind.SECRET_OUTGOING, m.RegisterKind.SECRET_INCOMING,
                          m.RegisterKind.POST_OUTGOING})
NAMED_ONLY_NOTE = "Chỉ người có tên mới được bóc bì: vào sổ theo số, ký hiệu ngoài bì"
LAYOUT_SETTING = "register_layout."  # + layout id: the columns an administrator configured (JSON)

# Local events that put a line in the desk's handover book: something received or handed on.
HANDOVER_BOOK_KINDS = (K.ITEM_ACCEPTED, K.ITEM_ARRIVED, K.ITEM_HANDED_OVER, K.ITEM_DELIVERED, K.BAG_DISPATCHED,
                       K.BAG_OPENED)


@dataclass(frozen=True)
class Entry:
    """One line of a register: where it stands in this vault's record (numbers follow ``order``), the moment it
    was recorded here (its year is the year of its number) and its cells."""

    order: tuple[int, int, str]
    recorded: datetime
    cells: dict[str, str]


def _time(text: str | None) -> datetime | None:
    return parse_iso(text).astimezone(ICT) if text else None


def _day(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _day_time(value: datetime | None) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value else ""


def _doc_date(text: object) -> str:
    return date.fromisoformat(str(text)).strftime("%d/%m/%Y") if text else ""


class _Names:
    """Names for codes, looked up once per printout: agencies, users (full names), the vault's own name."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._agencies: dict[str, str] = {}
        self._people: dict[str, str] = {}

    def agency(self, code: object) -> str:
        if not code:
            return ""
        key = str(code)
        if key not in self._agencies:
            try:
                self._agencies[key] = get_agency(self._session, key).name
            except NotFoundError:
                self._agencies[key] = key
        return self._agencies[key]

    def person(self, username: object) -> str:
        if not username:
            return ""
        key = str(username)
        if key not in self._people:
            user = load_user(self._session, key)
            self._people[key] = user.full_name if user else key
        return self._people[key]


# ---- numbering -------------------------------------------------------------------------------------------------

def numbered(entries: Iterable[Entry]) -> list[tuple[int, Entry]]:
    """Each entry with its number: 1, 2, ... within the year it was recorded, in the order of this vault's record."""
    counters: dict[int, int] = {}
    out: list[tuple[int, Entry]] = []
    for entry in sorted(entries, key=lambda e: e.order):
        year = entry.recorded.year
        counters[year] = counters.get(year, 0) + 1
        out.append((counters[year], entry))
    return out


# ---- the post office desk's handover book ----------------------------------------------------------------------

def _event_rows(session: Session, kinds: Iterable[str], until: datetime) -> Iterator[tuple[Event, datetime]]:
    marks = ",".join("?" for _ in kinds)
    rows = session.conn.execute(f"SELECT body, signatures FROM events WHERE kind IN ({marks}) ORDER BY seq",
                                tuple(kinds)).fetchall()
    for body, sigs in rows:
        e = event_from_row(body, sigs)
        t = _time(e.time)
        if t is not None and t < until:
            yield e, t


def _item(session: Session, tracking: str) -> ItemRecord | None:
    """The item's current row here (None if it is not known here); registers print only what does not change."""
    return fetch_item(session.conn, tracking)


def _item_data(session: Session, tracking: str) -> JsonObject:
    """The item's fields here as a partner's accepted data reads ({} if unknown): the incoming register takes both."""
    item = _item(session, tracking)
    return {} if item is None else item.as_dict()


def _person_of(e: Event) -> str:
    person = e.data.get("person")
    if not isinstance(person, dict):
        return ""
    name = str(person.get("name") or "")
    title = person.get("title")
    return f"{name}, {title}" if title else name


def handover_entries(session: Session, until: datetime) -> list[Entry]:
    names = _Names(session)
    out: list[Entry] = []
    for e, t in _event_rows(session, HANDOVER_BOOK_KINDS, until):
        what = K.kind_label(e.kind, "vi")
        cells: dict[str, str] = {"thoi_gian": _day_time(t), "viec": what}
        if e.kind.startswith("bag."):
            bag = str(e.data.get("bag") or "")
            contents = [str(x) for x in (e.data.get("items") or e.data.get("found") or [])]
            secrecies = [row.secrecy for x in contents if (row := _item(session, x)) is not None]
            codes = sorted({Secrecy(s).envelope_code or "" for s in secrecies if s} - {""})
            cells |= {"so_hieu": f"Túi thư {bag}", "dau_mat": ", ".join(codes),
                      "so_bi": str(len(contents)),
                      "ghi_chu": f"{len(contents)} bưu gửi: {', '.join(contents)}" if contents else ""}
        else:
            item = _item(session, e.subject)
            secrecy = Secrecy(item.secrecy) if item and item.secrecy else Secrecy.NONE
            service = label(ServiceClass(item.service), "vi") if item and item.service else ""
            seal = label(SealCondition(item.seal_condition), "vi") if item and item.seal_condition else ""
            cells |= {"so_hieu": e.subject, "dau_mat": secrecy.envelope_code or "", "dich_vu": service,
                      "so_ky_hieu": (item.doc_ref if item else None) or "",
                      "so_bi": str((item.envelopes if item else None) or ""), "niem_phong": seal}
        giver, receiver = _sides(e, names, session)
        cells |= {"ben_giao": giver, "ben_nhan": receiver}
        out.append(Entry((e.seq, 0, ""), t, cells))
    return out


def _sides(e: Event, names: _Names, session: Session) -> tuple[str, str]:
    """(who handed over, who received), full names with their agency where they are not of this office."""
    actor = names.person(e.actor)
    if e.kind == K.ITEM_ACCEPTED:
        item = e.data.get("item") or {}
        person = str(item.get("sender_person") or "")
        agency = names.agency(item.get("sender_agency"))
        return (f"{person} ({agency})" if person else agency), actor
    if e.kind in (K.ITEM_ARRIVED, K.BAG_OPENED):
        return (names.person(e.cosigner) if e.cosigner else _person_of(e)), actor
    if e.kind == K.ITEM_DELIVERED:
        receiver = names.person(e.cosigner) if e.cosigner else _person_of(e)
        if e.cosigner and e.data.get("title"):
            receiver = f"{receiver}, {e.data['title']}"
        agency = names.agency(e.data.get("agency"))
        return actor, (f"{receiver} ({agency})" if agency else receiver)
    return actor, names.person(e.cosigner)      # handed over, bag dispatched: the co-signer took it


# ---- the agency desk's registers -------------------------------------------------------------------------------

def _agency_of_vault(session: Session) -> str:
    agency = session.setting("vault_agency")
    if (session.setting("vault_kind") or "office") != "agency" or not agency:
        raise BadInputError("report.register_agency_only", field="kind")
    return agency


def _abstract(item: JsonObject) -> str:
    if item.get("secrecy") == Secrecy.TUYET_MAT.value:
        return ""                # Tuyệt mật: no abstract is written (NĐ 63/2026)
    return str(item.get("description") or "")


def _urgency_note(item: JsonObject) -> str:
    urgency = item.get("urgency")
    if urgency in (None, Urgency.NONE.value):
        return ""
    return label(Urgency(str(urgency)), "vi")


def _notes(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def outgoing_entries(session: Session, kind: m.RegisterKind, until: datetime) -> list[Entry]:
    """What this agency registered here and sent: secret items for the đi register, every item for the post
    register. Numbered in the order they were registered."""
    agency = _agency_of_vault(session)
    names = _Names(session)
    out: list[Entry] = []
    for e, t in _event_rows(session, (K.ITEM_ACCEPTED,), until):
        item = dict(e.data.get("item") or {})
        if item.get("sender_agency") != agency:
            continue
        secrecy = Secrecy(item.get("secrecy") or Secrecy.NONE.value)
        if kind is m.RegisterKind.SECRET_OUTGOING and not secrecy.is_secret:
            continue
        if kind is m.RegisterKind.POST_OUTGOING:
            sent = _first_time(session, e.subject, (K.ITEM_HANDED_OVER, K.ITEM_DELIVERED, K.BAG_DISPATCHED))
            cells = {"ngay_chuyen": _day(sent), "so_ky_hieu": str(item.get("doc_ref") or ""),
                     "noi_nhan": names.agency(item.get("recipient_agency")),
                     "so_luong_bi": str(item.get("envelopes") or ""),
                     "ghi_chu": _notes(_urgency_note(item), f"Số hiệu KT1 {e.subject}")}
        else:
            recipient = names.agency(item.get("recipient_agency"))
            if item.get("named_recipient"):
                recipient = f"{recipient} ({item['named_recipient']})"
            cells = {"so_ky_hieu": str(item.get("doc_ref") or ""), "ngay_thang": _doc_date(item.get("doc_date")),
                     "trich_yeu": _abstract(item), "do_mat": label(secrecy, "vi"), "noi_nhan": recipient,
                     "so_luong": str(item.get("copies") or ""),
                     "ghi_chu": _notes(_urgency_note(item), f"Số hiệu KT1 {e.subject}")}
        out.append(Entry((e.seq, 0, ""), t, cells))
    return out


def _first_time(session: Session, tracking: str, kinds: tuple[str, ...]) -> datetime | None:
    """When the item first left this desk (handed over, delivered, or dispatched in a bag); None if it has not."""
    direct = session.conn.execute(
        "SELECT time FROM events INDEXED BY events_subject "
        f"WHERE subject = ? AND kind IN ({','.join('?' for _ in kinds)}) ORDER BY seq LIMIT 1",
        (tracking, *kinds)).fetchone()
    if direct is not None:
        return _time(direct[0])
    for (body,) in session.conn.execute("SELECT body FROM events WHERE kind = ? ORDER BY seq", (K.BAG_DISPATCHED,)):
        doc = json.loads(load_body(body))
        if tracking in ((doc.get("data") or {}).get("items") or []):
            return _time(doc.get("time"))
    return None


def incoming_entries(session: Session, until: datetime) -> list[Entry]:
    """Secret items addressed to this agency and received here: delivered here (the local delivery event records
    them), or delivered to the agency per another vault's verified bundle (recorded here when it was imported).
    An item is entered once, at the first of these records."""
    agency = _agency_of_vault(session)
    names = _Names(session)
    seen: set[str] = set()
    out: list[Entry] = []
    receipts: list[tuple[tuple[int, int, str], datetime, JsonObject, datetime | None, str]] = []
    for e, t in _event_rows(session, (K.ITEM_DELIVERED,), until):
        if e.data.get("agency") == agency:
            receipts.append(((e.seq, 0, ""), t, _item_data(session, e.subject), t, e.subject))
    for import_seq, vault, seq, body, sigs in session.conn.execute(
            "SELECT import_seq, origin_vault, seq, body, signatures FROM foreign_events WHERE kind = ? "
            "ORDER BY import_seq, origin_vault, seq", (K.ITEM_DELIVERED,)).fetchall():
        e = event_from_stored(bytes(body), sigs)
        if e.data.get("agency") != agency:
            continue
        imported = session.conn.execute("SELECT time FROM events WHERE seq = ?", (import_seq,)).fetchone()
        recorded = _time(imported[0]) if imported else None
        if recorded is None or recorded >= until:
            continue
        receipts.append(((int(import_seq), int(seq), str(vault)), recorded, _foreign_item(session, e.subject),
                         _time(e.time), e.subject))
    for order, recorded, item, arrived, tracking in sorted(receipts, key=lambda r: r[0]):
        if tracking in seen or not item or item.get("secrecy") in (None, Secrecy.NONE.value):
            continue
        seen.add(tracking)
        named = item.get("named_recipient") if item.get("named_only") else None
        cells = {"ngay_den": _day(arrived), "co_quan_ban_hanh": names.agency(item.get("sender_agency")),
                 "so_ky_hieu": str(item.get("doc_ref") or ""), "ngay_thang": _doc_date(item.get("doc_date")),
                 "trich_yeu": _abstract(item), "do_mat": label(Secrecy(str(item["secrecy"])), "vi"),
                 "don_vi_nhan": f"{named}" if named else "",
                 "ghi_chu": _notes(_urgency_note(item), NAMED_ONLY_NOTE if named else "", f"Số hiệu KT1 {tracking}")}
        out.append(Entry(order, recorded, cells))
    return out


def _foreign_item(session: Session, tracking: str) -> JsonObject:
    row = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE subject = ? AND kind = ? "
                               "ORDER BY import_seq LIMIT 1", (tracking, K.ITEM_ACCEPTED)).fetchone()
    if row is None:
        return _item_data(session, tracking)
    return dict(event_from_stored(bytes(row[0]), row[1]).data.get("item") or {})


# ---- layouts configured by an administrator ---------------------------------------------------------------------

def configured(session: Session, layout: RegisterLayout) -> RegisterLayout:
    """The layout with the columns an administrator set for this vault (a signed setting), if any."""
    raw = session.setting(LAYOUT_SETTING + layout.id)
    if not raw:
        return layout
    try:
        return layout.with_columns(parse_columns(json.loads(raw)))
    except (ValueError, LayoutDataError):
        return layout        # refused when set; a damaged value falls back to the shipped columns


def columns_problem(value: str) -> str | None:
    """What is wrong with a JSON column list, in words (None: nothing)."""
    try:
        parse_columns(json.loads(value))
    except json.JSONDecodeError as e:
        return f"JSON: {e.msg} (dòng {e.lineno})"
    except LayoutDataError as e:
        return str(e)
    return None


# ---- printing ---------------------------------------------------------------------------------------------------

def _may_print(session: Session, kind: m.RegisterKind) -> None:
    if allowed(session.role, Permission.PRINT_REPORTS):
        return
    if kind in AGENCY_KINDS and session.role is Role.SECRETARY and session.user.agency == \
            session.setting("vault_agency"):
        return                          # the agency's văn thư prints the agency's registers
    raise PermissionDeniedError("perm.denied", role=session.role.value, action=Permission.PRINT_REPORTS.value)


def check_owner(session: Session, kind: m.RegisterKind) -> None:
    """A register is printed by its owner: the handover book at a post office, the others at an agency desk."""
    if kind is m.RegisterKind.HANDOVER_BOOK:
        if (session.setting("vault_kind") or "office") != "office":
            raise BadInputError("report.register_office_only", field="kind")
    else:
        _agency_of_vault(session)


def entries_for(session: Session, kind: m.RegisterKind, until: datetime) -> list[Entry]:
    check_owner(session, kind)
    if kind is m.RegisterKind.HANDOVER_BOOK:
        return handover_entries(session, until)
    if kind is m.RegisterKind.SECRET_INCOMING:
        return incoming_entries(session, until)
    return outgoing_entries(session, kind, until)


def print_register(session: Session, kind_name: str, period_start: date, period_end: date, out: Out, *,
                   volume: str | None, imprint: m.Imprint, checkpoint: Checkpoint,
                   render: Callable[[m.RegisterData, Out, RegisterLayout], None]) -> str:
    """Render the register ``kind_name`` (handover | outgoing | incoming | post) for a period of one year with the
    vault's configured columns; returns the signed QR statement over its rows."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise BadInputError("input.bad_choice", field="kind", value=kind_name)
    check_owner(session, kind)
    _may_print(session, kind)
    if period_start.year != period_end.year:
        raise BadInputError("report.register_one_year", field="date_to", year=period_start.year)
    try:
        layout = configured(session, docs.choose_layout(kind, period_start, period_end))
    except docs.PeriodStraddlesError as e:
        parts = "; ".join(f"{lo:%d/%m/%Y}-{hi:%d/%m/%Y}" for _, lo, hi in e.parts)
        raise BadInputError("report.period_straddles", field="date_from", parts=parts) from e
    except docs.LayoutChoiceError as e:
        raise BadInputError("report.no_layout", field="date_from") from e
    start = datetime.combine(period_start, datetime.min.time(), ICT)
    end = datetime.combine(period_end + timedelta(days=1), datetime.min.time(), ICT)
    lines = [(n, e) for n, e in numbered(entries_for(session, kind, end)) if e.recorded >= start]
    rows = [{"so_thu_tu": str(n), "so_den": str(n), **e.cells} for n, e in lines]
    ident = f"{layout.id}:{period_start.isoformat()}:{period_end.isoformat()}"
    payload = statements.issue(session, "register", ident, statements.content_digest(rows), checkpoint)
    if kind in AGENCY_KINDS:
        unit = session.setting("vault_agency_name") or _Names(session).agency(session.setting("vault_agency"))
    else:
        unit = session.office_name
    data = m.RegisterData(imprint=imprint, qr_payload=payload, kind=kind, period_start=period_start,
                          period_end=period_end, agency_name=unit, rows=rows, layout_id=layout.id, volume=volume,
                          superior_agency=session.setting("superior_agency") or None,
                          first_number=lines[0][0] if lines else None, last_number=lines[-1][0] if lines else None)
    render(data, out, layout)
    return payload
