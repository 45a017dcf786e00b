"""Custody rules that depend on the state of the item: checked by the ledger writer before every append (so every
service obeys them) and by the verifier on replay (so an event written around the services is reported).

The rest of the rules live in two other single places: who may sign (custody.authority with the table in
custody.kinds) and which moves are lawful from which status by whom holding the item (custody.projection with
domain.lifecycle). Everything here reads the projection the event is about to be applied to - the live tables
when writing, the replayed in-memory tables when verifying - and the authority for people.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from securemail.custody import kinds as K
from securemail.custody.authority import Authority, Refusal
from securemail.custody.events import Event
from securemail.domain.enums import Role, ServiceClass, Urgency
from securemail.storage.database import Connection

DELEGATE_SETTING = "hoa_toc_leader_delegate"


def parse_time(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo is not None else None


def time_refusal(e: Event, previous: str | None) -> Refusal | None:
    """Event times carry an offset and never run backwards for a subject."""
    now = parse_time(e.time)
    if now is None:
        return Refusal("malformed_event", f"time {e.time!r} is not an ISO-8601 time with an offset")
    before = parse_time(previous) if previous is not None else None
    if before is not None and now < before:
        return Refusal("illegal_transition", f"dated {e.time}, before the previous event of {e.subject} "
                                             f"({previous})")
    return None


def marked_hoa_toc(urgency: str | None, service: str | None) -> bool:
    """The document's urgency mark is Hỏa tốc (NĐ 26/2020: a named-only envelope marked Hỏa tốc whose addressee is
    absent goes to the leadership's delegate). Items accepted before the mark was recorded (``urgency`` NULL) are
    judged by their service class, as they were when written."""
    if urgency is None:
        return service == ServiceClass.HOA_TOC.value
    return urgency == Urgency.HOA_TOC.value


def same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())
    return norm(a) == norm(b)


# The fields each audit-trail event may carry, each a short string or a count: nothing else (no item text, no
# secret) can be filed in the trail, by the services or around them.
AUDIT_FIELDS: dict[str, frozenset[str]] = {
    K.APP_LOGIN: frozenset({"via"}),
    K.APP_LOGIN_FAILED: frozenset({"id", "at", "user", "dropped"}),
    K.APP_LOCKED: frozenset({"reason"}),
    K.APP_EXPORTED: frozenset({"what", "file"}),
    K.APP_PRINTED: frozenset({"document", "subject", "file", "printer"}),
    K.APP_BACKUP: frozenset({"folder", "events"}),
}
AUDIT_VALUE_MAX = 300


def audit_refusals(e: Event) -> list[Refusal]:
    allowed = AUDIT_FIELDS.get(e.kind)
    if allowed is None:
        return []
    extra = sorted(set(e.data) - allowed)
    if extra:
        return [Refusal("malformed_event", f"{e.kind} carries fields it may not: {', '.join(extra)}")]
    for key, value in e.data.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)) or \
                (isinstance(value, str) and len(value) > AUDIT_VALUE_MAX):
            return [Refusal("malformed_event", f"{e.kind}: {key} is not a short text or a number")]
    return []


def custody_refusals(conn: Connection, authority: Authority, e: Event) -> list[Refusal]:
    """What is wrong with `e` given the current state of its subject (empty: nothing)."""
    if e.kind in K.AUDIT_KINDS:
        return audit_refusals(e)
    out = _secretary_scope(conn, authority, e)
    if e.kind == K.ITEM_DELIVERED:
        out += _delivery(conn, authority, e)
    elif e.kind == K.ITEM_RECEIVED:
        out += _received(conn, authority, e)
    elif e.kind == K.ITEM_PASSED_ON:
        out += _passed_on(conn, authority, e)
    elif e.cosigner is None and isinstance(e.data.get("person"), dict):
        out += _from_a_person(conn, e)      # without a person, the authority reports the missing co-signer
    return out


def _from_a_person(conn: Connection, e: Event) -> list[Refusal]:
    """A person without an account may hand in only what no user here holds."""
    if e.kind == K.ITEM_ARRIVED:
        row = conn.execute("SELECT holder FROM items WHERE tracking = ?", (e.subject,)).fetchone()
        what, opening = e.subject, "arrival"
    elif e.kind == K.BAG_OPENED:
        row = conn.execute("SELECT holder FROM bags WHERE bag = ?", (str(e.data.get("bag")),)).fetchone()
        what, opening = "the bag", "opening"
    else:
        return []
    if row is None or row[0] is None:
        return []
    return [Refusal("missing_cosignature", f"{what} is held by {row[0]}, who must co-sign its {opening}")]


def _secretary_scope(conn: Connection, authority: Authority, e: Event) -> list[Refusal]:
    """An agency secretary acts only on items sent by or to their own agency (as the services show them)."""
    account = authority.account(e.actor)
    if account is None or not e.kind.startswith("item.") or e.kind == K.ITEM_ACCEPTED:
        return []
    role, agency = account.role_at(e.seq)
    if role != Role.SECRETARY.value:
        return []
    row = conn.execute("SELECT sender_agency, recipient_agency FROM items WHERE tracking = ?",
                       (e.subject,)).fetchone()
    if row is None or agency in (row[0], row[1]):
        return []
    return [Refusal("illegal_transition", f"{e.actor} is the secretary of {agency}; {e.subject} goes from {row[0]} "
                                          f"to {row[1]}")]


def _delivery(conn: Connection, authority: Authority, e: Event) -> list[Refusal]:
    row = conn.execute("SELECT recipient_agency, destination, named_only, named_recipient, service, urgency "
                       "FROM items WHERE tracking = ?", (e.subject,)).fetchone()
    if row is None:
        return []                      # the projection reports the unknown item
    recipient, destination, named_only, named, service, urgency = row
    out: list[Refusal] = []
    if e.data.get("agency") != recipient:
        out.append(Refusal("illegal_transition", f"delivery names agency {e.data.get('agency')!r}, the item is for "
                                                 f"{recipient}"))
    receiver: str | None = None
    unopened = e.data.get("unopened") is True
    clerk_of_recipient = False         # the recipient agency's văn thư, who may receive a named-only envelope
    receipt = e.data.get("receipt")
    if e.cosigner is not None:
        account = authority.account(e.cosigner)
        if account is not None:
            role, agency = account.role_at(e.seq)
            if agency not in {recipient, destination}:
                out.append(Refusal("illegal_transition", f"{e.cosigner} is the secretary of {agency}, not of the "
                                                         f"recipient agency {recipient}"))
            receiver = account.full_name
            clerk_of_recipient = role == Role.SECRETARY.value and agency in {recipient, destination}
    elif isinstance(receipt, dict):
        shape = receipt_shape(receipt)
        if shape is not None or isinstance(e.data.get("person"), dict):
            out.append(Refusal("malformed_event", shape or "a delivery with both a receipt and a person"))
        else:
            receiver, unopened = str(receipt["name"]), receipt["unopened"] is True
            clerk_of_recipient = receipt["agency"] in {recipient, destination}
            if not clerk_of_recipient:
                out.append(Refusal("illegal_transition", f"the receipt is from the desk of {receipt['agency']}, "
                                                         f"the item is for {recipient}"))
    else:
        person = e.data.get("person")
        receiver = str(person.get("name") or "") if isinstance(person, dict) else None
    out += _unopened(e, bool(named_only), unopened, clerk_of_recipient)
    if named_only and receiver is not None and not unopened:
        out += _named_only(conn, e, named, urgency, service, receiver)
    return out


def _unopened(e: Event, named_only: bool, unopened: bool, clerk_of_recipient: bool) -> list[Refusal]:
    """Only a named-only envelope is received unopened, and only by the recipient agency's văn thư."""
    if not unopened:
        return []
    if not named_only:
        return [Refusal("illegal_transition", f"{e.subject} is not named-only: it is not received unopened")]
    if not clerk_of_recipient:
        return [Refusal("illegal_transition", f"only the records clerk of the recipient agency receives {e.subject} "
                                              "unopened")]
    return []


def _named_only(conn: Connection, e: Event, named: str | None, urgency: str | None, service: str | None,
                receiver: str) -> list[Refusal]:
    """A named-only envelope is opened by the named person only (or, document marked Hỏa tốc, by a delegate when
    the setting allows)."""
    if same_name(receiver, named or ""):
        return []
    setting = conn.execute("SELECT value FROM settings WHERE key = ?", (DELEGATE_SETTING,)).fetchone()
    if (e.data.get("as_delegate") is True and marked_hoa_toc(urgency, service) and setting is not None
            and setting[0] == "1"):
        return []
    return [Refusal("illegal_transition", f"only {named!r} may receive {e.subject} (named-only), not {receiver!r}")]


def _setting(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _received(conn: Connection, authority: Authority, e: Event) -> list[Refusal]:
    """At an agency desk, its văn thư confirms receipt of an item addressed to the desk's agency."""
    item = e.data.get("item")
    origin = e.data.get("origin")
    if not isinstance(item, dict) or link_shape(origin) is not None:
        return [Refusal("malformed_event", "a receipt without the item's data or the link to the imported event")]
    agency = _setting(conn, "vault_agency")
    if _setting(conn, "vault_kind") != "agency" or agency is None:
        return [Refusal("illegal_transition", "only an agency desk confirms receipt of an item")]
    if agency not in {item.get("recipient_agency"), e.data.get("destination")}:
        return [Refusal("illegal_transition", f"{e.subject} is for {item.get('recipient_agency')}, this desk is "
                                              f"of {agency}")]
    account = authority.account(e.actor)
    receiver = account.full_name if account is not None else e.actor
    unopened = e.data.get("unopened") is True
    named_only = bool(item.get("named_only"))
    out = _unopened(e, named_only, unopened, True)
    if named_only and not unopened and not same_name(receiver, str(item.get("named_recipient") or "")):
        out.append(Refusal("illegal_transition", f"{receiver} is not {item.get('named_recipient')!r}: the "
                                                 "named-only envelope is received unopened"))
    return out


def _passed_on(conn: Connection, authority: Authority, e: Event) -> list[Refusal]:
    """The văn thư holding an unopened named-only envelope hands it to the named person, who signs."""
    row = conn.execute("SELECT holder, named_only, named_recipient, urgency, service FROM items WHERE tracking = ?",
                       (e.subject,)).fetchone()
    if row is None:
        return []
    holder, named_only, named, urgency, service = row
    if not named_only or holder is None:
        return [Refusal("illegal_transition", f"{e.subject} was not received unopened: nothing to pass on")]
    if holder != e.actor:
        return [Refusal("illegal_transition", f"{e.subject} is held unopened by {holder}, not {e.actor}")]
    if e.cosigner is not None:
        account = authority.account(e.cosigner)
        receiver = account.full_name if account is not None else e.cosigner
    else:
        person = e.data.get("person")
        receiver = str(person.get("name") or "") if isinstance(person, dict) else ""
    return _named_only(conn, e, named, urgency, service, receiver)


def link_shape(link: object) -> str | None:
    """Why `link` is not a reference to an imported event ({office, vault, seq, hash}), or None."""
    if not isinstance(link, dict):
        return "no link to the imported event"
    if not (isinstance(link.get("office"), str) and isinstance(link.get("vault"), str)
            and type(link.get("seq")) is int and isinstance(link.get("hash"), str)):
        return "the link to the imported event lacks office, vault, seq or hash"
    return None


def receipt_shape(receipt: dict[str, object]) -> str | None:
    """Why a delivery's `receipt` (the recipient desk's confirmation) is unusable, or None."""
    shape = link_shape(receipt)
    if shape is not None:
        return shape
    if not (isinstance(receipt.get("name"), str) and isinstance(receipt.get("agency"), str)
            and isinstance(receipt.get("unopened"), bool)):
        return "the receipt lacks the receiver's name, agency or unopened mark"
    return None
