"""Bags / dispatches: make up, seal, hand over as a unit, open at arrival against the manifest."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from securemail.custody import kinds as K
from securemail.custody.ledger import Signer
from securemail.domain.enums import BagStatus, IncidentKind, Role
from securemail.domain.labels import label
from securemail.domain.lifecycle import Action
from securemail.domain.text import clean_code, clean_text
from securemail.errors import BadInputError, NotFoundError, PermissionDeniedError, StateError
from securemail.i18n import current_language
from securemail.services.cosign import same_person
from securemail.services.items import item_row, normalise_tracking
from securemail.services.permissions import Permission
from securemail.services.queries.bags import BagRecord, bag_ids, fetch_bag
from securemail.services.queries.items import ItemRecord
from securemail.services.queries.timeline import TimelineEntry
from securemail.services.session import Session, UserInfo, fields_checked
from securemail.services.transfers import check_move


@dataclass(frozen=True)
class BagOpening:
    bag: str
    found: list[str]
    missing: list[str]
    extra: list[str]


def compare_manifest(bag: str, expected: Sequence[str], scanned: Sequence[str]) -> BagOpening:
    """The manifest against what was scanned (already normalised): found in scan order, missing sorted, extra in
    scan order. The receive-bag screen shows it live; open_bag records exactly this."""
    manifest = set(expected)
    seen = list(dict.fromkeys(scanned))
    found = [t for t in seen if t in manifest]
    return BagOpening(bag, found, sorted(manifest - set(found)), [t for t in seen if t not in manifest])


def missing_from_bag(timeline: Sequence[TimelineEntry], tracking: str) -> str | None:
    """The bag this item was missing from when it was opened: the latest opening in its timeline says so."""
    for event in reversed(timeline):
        if event.kind == K.BAG_OPENED:
            data = event.data
            return str(data.get("bag")) if tracking in (data.get("missing") or []) else None
    return None


def get_bag(session: Session, bag: str) -> BagRecord:
    session.require(Permission.VIEW_ALL)
    found = fetch_bag(session.conn, bag.strip().upper())
    if found is None:
        raise NotFoundError("notfound.bag", bag=bag)
    return found


def list_bags(session: Session, status: str | None = None) -> list[BagRecord]:
    session.require(Permission.VIEW_ALL)
    return [get_bag(session, b) for b in bag_ids(session.conn, status)]


def _require_status(bag: BagRecord, status: BagStatus, action: str) -> None:
    if bag.status != status.value:
        raise StateError("state.bag", bag=bag.bag, status=label(BagStatus(bag.status), current_language()),
                         action=action)


def create_bag(session: Session, destination: str, bag_id: str | None = None, *, province: str | None = None) -> str:
    """Open a bag for the post office ``destination`` (its code), in ``province``: only items for agencies of that
    province go in. (A bag addressed to an agency code takes only that agency's items.)"""
    session.require(Permission.MANAGE_BAGS)
    with fields_checked():
        dest = clean_code(destination, "destination")
        bag = clean_code(bag_id, "bag") if bag_id else None
        prov = clean_text(province, field="province", max_len=100)
    if bag is None:
        day = session.clock.now().strftime("%Y%m%d")
        n = session.conn.execute("SELECT count(*) FROM bags WHERE bag LIKE ?", (f"T{day}-%",)).fetchone()[0] + 1
        bag = f"T{day}-{n:03d}"
    if session.conn.execute("SELECT 1 FROM bags WHERE bag = ?", (bag,)).fetchone():
        raise StateError("state.bag", bag=bag, status="exists", action="create")
    with session.write() as ledger:
        data = {"bag": bag, "destination": dest}
        if prov:
            data["province"] = prov
        ledger.append(K.BAG_CREATED, K.bag_subject(bag), session.signer, data)
    return bag


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFC", " ".join((text or "").split())).casefold()


def _province_of(session: Session, code: str) -> str | None:
    row = session.conn.execute("SELECT province FROM agencies WHERE code = ?", (code,)).fetchone()
    return str(row[0]) if row is not None and row[0] else None


def _check_destination(session: Session, bag: BagRecord, item: ItemRecord) -> None:
    """Refuse an item for another province than the bag's: the province of the destination post office (recorded
    when the bag was made), or, for a bag addressed to an agency, that agency's province."""
    bag_province = bag.province or _province_of(session, bag.destination)
    target = item.destination or item.recipient_agency
    item_province = _province_of(session, target)
    if bag_province and item_province and _fold(bag_province) != _fold(item_province):
        raise BadInputError("bag.wrong_destination", tracking=item.tracking, bag=bag.bag,
                            destination=f"{bag.destination} ({bag_province})",
                            recipient=f"{target} ({item_province})")


def add_to_bag(session: Session, bag: str, trackings: Sequence[str]) -> list[str]:
    session.require(Permission.MANAGE_BAGS)
    with session.write() as ledger:
        b = get_bag(session, bag)
        _require_status(b, BagStatus.OPEN, "add")
        items = [item_row(session, t) for t in dict.fromkeys(trackings)]
        for item in items:
            check_move(session, item, Action.BAG)
            _check_destination(session, b, item)
        for item in items:
            ledger.append(K.ITEM_BAGGED, item.tracking, session.signer, {"bag": b.bag})
    return [i.tracking for i in items]


def remove_from_bag(session: Session, bag: str, tracking: str) -> None:
    session.require(Permission.MANAGE_BAGS)
    with session.write() as ledger:
        b = get_bag(session, bag)
        _require_status(b, BagStatus.OPEN, "remove")
        item = item_row(session, tracking)
        if item.bag != b.bag:
            raise NotFoundError("notfound.item", tracking=tracking)
        ledger.append(K.ITEM_UNBAGGED, item.tracking, session.signer, {"bag": b.bag})


def close_bag(session: Session, bag: str, seal: str) -> BagRecord:
    session.require(Permission.MANAGE_BAGS)
    with fields_checked():
        seal_text = clean_text(seal, field="seal", max_len=100, required=True)
    with session.write() as ledger:
        b = get_bag(session, bag)
        _require_status(b, BagStatus.OPEN, "close")
        ledger.append(K.BAG_CLOSED, K.bag_subject(b.bag), session.signer,
                      {"bag": b.bag, "seal": seal_text, "items": list(b.items)})
        ledger.request_checkpoint()       # a batch: a closed bag is signed off (docs/adr/0016)
    return get_bag(session, b.bag)


def dispatch_bag(session: Session, bag: str, to: Signer, to_user: UserInfo) -> BagRecord:
    """Hand the sealed bag to a courier as one unit; the courier co-signs; every item in it moves."""
    session.require(Permission.MANAGE_BAGS)
    same_person(to, to_user)
    if to_user.role is not Role.COURIER:
        raise PermissionDeniedError("perm.denied", role=to_user.role.value, action="take a bag")
    with session.write() as ledger:
        b = get_bag(session, bag)
        _require_status(b, BagStatus.CLOSED, "dispatch")
        if b.holder != session.user.username:
            raise StateError("perm.not_holder", user=session.user.username, tracking=b.bag,
                             holder=b.holder or "-")
        ledger.append(K.BAG_DISPATCHED, K.bag_subject(b.bag), session.signer,
                      {"bag": b.bag, "to": to_user.username, "seal": b.seal, "items": list(b.items)}, cosigner=to)
    return get_bag(session, b.bag)


def open_bag(session: Session, bag: str, scanned: Sequence[str], giver: Signer | None) -> BagOpening:
    """Receive a bag at this office: scanned contents are checked against the manifest; any missing or extra
    item is flagged as an incident in the same transaction."""
    session.require(Permission.ARRIVE)
    seen = list(dict.fromkeys(normalise_tracking(t) for t in scanned))
    with session.write() as ledger:
        b = get_bag(session, bag)
        _require_status(b, BagStatus.DISPATCHED, "open")
        if b.holder != (giver.username if giver else None):
            raise StateError("perm.not_holder", user=giver.username if giver else "-", tracking=b.bag,
                             holder=b.holder or "-")
        check = compare_manifest(b.bag, b.items, seen)
        expected, found, missing, extra = set(b.items), check.found, check.missing, check.extra
        ledger.append(K.BAG_OPENED, K.bag_subject(b.bag), session.signer,
                      {"bag": b.bag, "location": session.office_code, "expected": sorted(expected),
                       "found": found, "missing": missing, "extra": extra}, cosigner=giver)
        for t in missing:
            ledger.append(K.ITEM_INCIDENT, t, session.signer, {
                "incident_kind": IncidentKind.LOST.value,
                "description": f"Không có trong túi {b.bag} khi mở (thiếu so với bảng kê) / "
                               f"missing from bag {b.bag} at opening"})
        for t in extra:
            if session.conn.execute("SELECT 1 FROM items WHERE tracking = ?", (t,)).fetchone():
                ledger.append(K.ITEM_INCIDENT, t, session.signer, {
                    "incident_kind": IncidentKind.MISROUTED.value,
                    "description": f"Có trong túi {b.bag} nhưng không có trong bảng kê / "
                                   f"found in bag {b.bag} but not on its manifest"})
    return BagOpening(b.bag, found, missing, extra)
