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


def custody_refusals(conn: Connection, authority: Authority, e: Event) -> list[Refusal]:
    """What is wrong with `e` given the current state of its subject (empty: nothing)."""
    out = _secretary_scope(conn, authority, e)
    if e.kind == K.ITEM_DELIVERED:
        out += _delivery(conn, authority, e)
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
    if e.cosigner is not None:
        account = authority.account(e.cosigner)
        if account is not None:
            _, agency = account.role_at(e.seq)
            if agency not in {recipient, destination}:
                out.append(Refusal("illegal_transition", f"{e.cosigner} is the secretary of {agency}, not of the "
                                                         f"recipient agency {recipient}"))
            receiver = account.full_name
    else:
        person = e.data.get("person")
        receiver = str(person.get("name") or "") if isinstance(person, dict) else None
    if named_only and receiver is not None and not same_name(receiver, named or ""):
        setting = conn.execute("SELECT value FROM settings WHERE key = ?", (DELEGATE_SETTING,)).fetchone()
        delegate_ok = (e.data.get("as_delegate") is True and marked_hoa_toc(urgency, service)
                       and setting is not None and setting[0] == "1")
        if not delegate_ok:
            out.append(Refusal("illegal_transition", f"only {named!r} may receive {e.subject} (named-only), "
                                                     f"not {receiver!r}"))
    return out
