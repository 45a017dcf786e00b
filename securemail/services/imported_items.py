"""Items known here from partners' bundles, taken into this vault's own custody chain without retyping them.

- A post office accepts at its counter an item an agency desk registered and exported (`accept_imported`): its
  own `item.accepted` copies the item's data from the imported `item.accepted` and links to it (data.origin).
- An agency desk's văn thư confirms receipt of an item the delivering post office exported to her
  (`receive_imported`, `item.received`, linked to the post office's last event): a named-only envelope she is not
  named on is received unopened and stays in her hands until she passes it to the named person (`pass_on`).
- The post office then records the delivery on the strength of that signed receipt (`imported_receipt`, used by
  services.transfers.deliver).

A link is {office, vault, seq, hash}: the partner's code and vault, the event's number in its log and its event
hash. `links_problems` (run by verify) checks every link of this vault's own events against the imported events.
"""

from __future__ import annotations

from dataclasses import dataclass

from securemail.crypto.canonical import JsonObject
from securemail.custody import kinds as K
from securemail.custody.authority import Authority
from securemail.custody.events import Event, event_from_stored
from securemail.custody.ledger import Signer
from securemail.custody.rules import DELEGATE_SETTING, link_shape, receipt_shape, same_name
from securemail.custody.verify import Problem
from securemail.domain.enums import ItemStatus, ServiceClass
from securemail.errors import BadInputError, NotFoundError, PermissionDeniedError, StateError
from securemail.services import items as item_service
from securemail.services.items import ExternalPerson, record_person
from securemail.services.permissions import Permission
from securemail.services.queries.imported import ImportableItem
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session, UserInfo
from securemail.storage.event_codec import load_body, load_signatures


@dataclass(frozen=True)
class Imported:
    """One imported event of an item, with the partner it came from."""

    event: Event
    office: str
    vault: str

    def link(self) -> JsonObject:
        return {"office": self.office, "vault": self.vault, "seq": self.event.seq,
                "hash": self.event.event_hash().hex()}


def _pinned_vaults(session: Session) -> dict[str, tuple[str, str, str | None]]:
    """vault id -> (code, kind, agency) of every active pin."""
    return {str(v): (str(c), str(k), a) for c, v, k, a in session.conn.execute(
        "SELECT code, vault, kind, agency FROM pins WHERE active = 1")}


def _imported(session: Session, tracking: str, kind: str | None = None) -> list[Imported]:
    """Imported events of `tracking` from vaults still pinned, oldest import first (then by their seq)."""
    pinned = _pinned_vaults(session)
    where, args = "subject = ?", [tracking]
    if kind is not None:
        where += " AND kind = ?"
        args.append(kind)
    out = []
    for vault, office, body, sigs in session.conn.execute(
            f"SELECT origin_vault, origin_office, body, signatures FROM foreign_events WHERE {where} "
            "ORDER BY import_seq, seq", args):
        if str(vault) in pinned:
            out.append(Imported(event_from_stored(bytes(body), str(sigs)), str(office), str(vault)))
    return out


def _local(session: Session, tracking: str) -> bool:
    return session.conn.execute("SELECT 1 FROM items WHERE tracking = ?", (tracking,)).fetchone() is not None


def importable(session: Session) -> list[ImportableItem]:
    """Items imported from pinned partners and not yet in this vault's own chain (newest import first), with the
    data of their acceptance: what the counter's intake form and `item accept --imported` offer."""
    seen: dict[str, ImportableItem] = {}
    pinned = _pinned_vaults(session)
    for vault, office, body, sigs in session.conn.execute(
            "SELECT origin_vault, origin_office, body, signatures FROM foreign_events f WHERE kind = ? AND NOT "
            "EXISTS (SELECT 1 FROM items i WHERE i.tracking = f.subject) ORDER BY import_seq DESC, seq DESC",
            (K.ITEM_ACCEPTED,)):
        if str(vault) not in pinned:
            continue
        e = event_from_stored(bytes(body), str(sigs))
        if e.subject in seen:
            continue
        item = dict(e.data.get("item") or {})
        try:
            item_service.check_visible(session, item.get("sender_agency"), item.get("recipient_agency"))
        except PermissionDeniedError:
            continue
        seen[e.subject] = ImportableItem(e.subject, str(office), e.time, item)
    return list(seen.values())


def accept_imported(session: Session, tracking: str, *, messenger: ExternalPerson | None = None) -> str:
    """Accept at this counter an item registered by a pinned partner: its data is the partner's, not retyped.
    The due time is counted from this acceptance when the partner is an agency desk (J = the post office's date
    stamp); an item coming from another post office keeps the due time that office gave it."""
    session.require(Permission.ACCEPT)
    t = item_service.normalise_tracking(tracking)
    if _local(session, t):
        raise BadInputError("input.duplicate_tracking", field="tracking", value=t)
    found = _imported(session, t, K.ITEM_ACCEPTED)
    if not found:
        raise NotFoundError("notfound.imported_item", tracking=t)
    source = found[-1]                                   # the partner that sent it most recently
    raw: JsonObject = {**(source.event.data.get("item") or {}), "tracking": t}
    keep_due = None
    if _pinned_vaults(session)[source.vault][1] == "office":
        keep_due = source.event.data.get("due_at")
    return item_service.accept_item(session, raw, messenger=messenger, origin=source.link(),
                                    due_override=keep_due)


def receive_imported(session: Session, tracking: str, *, unopened: bool = False) -> None:
    """At an agency desk, its văn thư confirms with her own signature receipt of an item the delivering post office
    exported here. A named-only envelope she is not named on is received unopened (NĐ 26/2020)."""
    session.require(Permission.CONFIRM_RECEIPT)
    agency = session.setting("vault_agency")
    if session.setting("vault_kind") != "agency" or agency is None:
        raise StateError("state.not_agency_desk")
    t = item_service.normalise_tracking(tracking)
    if _local(session, t):
        raise StateError("state.already_received", tracking=t)
    accepted = _imported(session, t, K.ITEM_ACCEPTED)
    if not accepted:
        raise NotFoundError("notfound.imported_item", tracking=t)
    last_vault = accepted[-1].vault
    events = [i for i in _imported(session, t) if i.vault == last_vault]
    source = max(events, key=lambda i: i.event.seq)     # where the delivering office last had it
    first = next(i for i in accepted if i.vault == last_vault).event
    item = dict(first.data.get("item") or {})
    if agency != item.get("recipient_agency"):
        raise PermissionDeniedError("perm.not_recipient_secretary", user=session.user.username,
                                    agency=item.get("recipient_agency"))
    named_only = bool(item.get("named_only"))
    if unopened and not named_only:
        raise BadInputError("input.not_named_only", field="unopened", tracking=t)
    if named_only and not unopened and not same_name(session.user.full_name, str(item.get("named_recipient") or "")):
        raise PermissionDeniedError("perm.named_only_unopened", tracking=t, name=item.get("named_recipient"))
    accepted_at = accepted[0].event.time
    with session.write() as ledger:
        ledger.append(K.ITEM_RECEIVED, t, session.signer, {
            "item": item, "accepted_at": accepted_at, "due_at": first.data.get("due_at"), "origin": source.link(),
            "unopened": bool(unopened), "location": session.office_code})


def pass_on(session: Session, tracking: str, *, to: Signer | None = None, to_user: UserInfo | None = None,
            person: ExternalPerson | None = None, as_delegate: bool = False) -> None:
    """The văn thư holding an unopened named-only envelope hands it to the named person, who signs (a user here,
    or a person recorded by name, ID and drawn signature)."""
    session.require(Permission.PASS_ON)
    if (to is None) != (to_user is None) or (to is None and person is None):
        raise BadInputError("input.required", field="person_name")
    with session.write() as ledger:
        item = item_service.item_row(session, tracking)
        if item.status != ItemStatus.DELIVERED.value or not item.named_only or item.holder is None:
            raise StateError("state.nothing_to_pass_on", tracking=item.tracking)
        if item.holder != session.user.username:
            raise StateError("perm.not_holder", user=session.user.username, tracking=item.tracking,
                             holder=item.holder)
        receiver = to_user.full_name if to_user is not None else (person.name if person is not None else "")
        delegate_ok = (as_delegate and item.service == ServiceClass.HOA_TOC.value
                       and session.setting(DELEGATE_SETTING) == "1")
        if not same_name(receiver, item.named_recipient or "") and not delegate_ok:
            raise PermissionDeniedError("perm.named_only", tracking=item.tracking, name=item.named_recipient)
        data: JsonObject = {"to": to_user.username if to_user else None, "as_delegate": bool(as_delegate)}
        if person is not None:
            data["person"] = record_person(session, ledger, person)
        ledger.append(K.ITEM_PASSED_ON, item.tracking, session.signer, data, cosigner=to)


def _partner_authority(session: Session, vault: str) -> Authority:
    rows = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE origin_vault = ? AND subject = ? "
                                "ORDER BY seq", (vault, K.DIRECTORY)).fetchall()
    return Authority.replay(event_from_stored(bytes(b), str(s)) for b, s in rows)


def imported_receipt(session: Session, item: ItemRecord) -> JsonObject:
    """The recipient desk's signed confirmation of an item this vault sent it, as a delivery's data.receipt:
    the newest `item.received` imported from a pinned agency desk of the recipient agency that links to one of this
    vault's own events of the item."""
    pinned = _pinned_vaults(session)
    agencies = {item.recipient_agency, item.destination}
    for found in reversed(_imported(session, item.tracking, K.ITEM_RECEIVED)):
        _code, kind, agency = pinned[found.vault]
        origin = found.event.data.get("origin")
        if kind != "agency" or agency not in agencies or not isinstance(origin, dict) \
                or origin.get("vault") != session.vault_id:
            continue
        account = _partner_authority(session, found.vault).account(found.event.actor)
        return {**found.link(), "name": account.full_name if account else found.event.actor, "agency": agency,
                "unopened": found.event.data.get("unopened") is True, "time": found.event.time}
    raise NotFoundError("notfound.imported_receipt", tracking=item.tracking)


# ---- verify: every link of this vault's own events leads to the imported event it names ---------------------

def links_problems(session: Session, *, after: int = 0) -> list[Problem]:
    """Events that rest on a partner's event (an imported acceptance, a receipt) checked against the imported
    copy. `after`: only events past this sequence number (a plain verify: the rest was checked before; an old
    event edited in place is caught by `verify --full`, as for the ledger itself: ADR 0008)."""
    conn = session.conn
    problems: list[Problem] = []
    for seq, body, sigs in conn.execute("SELECT seq, body, signatures FROM events WHERE kind IN (?, ?, ?) AND seq > ? "
                                        "ORDER BY seq", (K.ITEM_ACCEPTED, K.ITEM_RECEIVED, K.ITEM_DELIVERED,
                                                         int(after))):
        raw = load_body(body)
        if b'"origin":' not in raw and b'"receipt":' not in raw:
            continue        # no such key anywhere in the body (inside a JSON string a quote is escaped): no link
        e = event_from_stored(raw, load_signatures(sigs))
        link = e.data.get("receipt") if e.kind == K.ITEM_DELIVERED else e.data.get("origin")
        if link is None:
            continue
        detail = _link_problem(session, e, link)
        if detail is not None:
            problems.append(Problem(int(seq), e.subject, "foreign_unverified", detail))
    return problems


def _link_problem(session: Session, e: Event, link: object) -> str | None:
    shape = receipt_shape(link) if e.kind == K.ITEM_DELIVERED and isinstance(link, dict) else link_shape(link)
    if shape is not None or not isinstance(link, dict):
        return shape or "no link"
    row = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE origin_vault = ? AND seq = ?",
                               (link["vault"], link["seq"])).fetchone()
    if row is None:
        return f"the imported event {link['office']}#{link['seq']} it rests on is not held here"
    other = event_from_stored(bytes(row[0]), str(row[1]))
    if other.event_hash().hex() != link["hash"] or other.subject != e.subject:
        return f"the imported event {link['office']}#{link['seq']} is not the one it was linked to"
    if e.kind == K.ITEM_ACCEPTED and (other.kind != K.ITEM_ACCEPTED or other.data.get("item") != e.data.get("item")):
        return f"the item's data differ from the acceptance {link['office']}#{link['seq']} it was taken from"
    if e.kind == K.ITEM_DELIVERED:
        account = _partner_authority(session, str(link["vault"])).account(other.actor)
        if other.kind != K.ITEM_RECEIVED or (other.data.get("unopened") is True) != link["unopened"] \
                or account is None or account.full_name != link["name"]:
            return f"the receipt {link['office']}#{link['seq']} does not say what the delivery says"
    return None

