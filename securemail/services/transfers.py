"""Custody moves of one item: hand over, arrive, out for delivery, deliver, fail, return, forward.

Every move checks role, holder and the lawful next status before anything is written; a refused move writes
nothing. Transfers carry the second signature of the other person (or an external person's recorded details).
"""

from __future__ import annotations

from collections.abc import Sequence

from securemail.crypto.canonical import JsonObject
from securemail.custody import kinds as K
from securemail.custody.ledger import Signer
from securemail.custody.rules import DELEGATE_SETTING, marked_hoa_toc, same_name
from securemail.domain.enums import ItemStatus, Role
from securemail.domain.labels import label
from securemail.domain.lifecycle import Action, is_allowed
from securemail.domain.text import clean_code, clean_text
from securemail.errors import BadInputError, PermissionDeniedError, StateError
from securemail.i18n import current_language
from securemail.services.cosign import same_person
from securemail.services.items import ExternalPerson, item_row, record_person
from securemail.services.permissions import Permission
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session, UserInfo, fields_checked


def check_move(session: Session, item: ItemRecord, action: Action, *, holder_only: bool = True) -> None:
    status = ItemStatus(item.status)
    if not is_allowed(status, action):
        raise StateError("state.illegal", tracking=item.tracking, status=label(status, current_language()),
                         action=action.value)
    if holder_only and item.holder != session.user.username:
        raise StateError("perm.not_holder", user=session.user.username, tracking=item.tracking,
                                    holder=item.holder or "-")


def _text(value: str | None, field: str, *, required: bool = True, max_len: int = 2000) -> str | None:
    with fields_checked():
        return clean_text(value, field=field, max_len=max_len, required=required, multiline=True)


def handover(session: Session, trackings: Sequence[str], to: Signer, to_user: UserInfo) -> list[str]:
    """Hand items to another user (courier or clerk), who co-signs. All or nothing."""
    session.require(Permission.HANDOVER)
    same_person(to, to_user)
    if to_user.role not in (Role.COURIER, Role.CLERK):
        raise PermissionDeniedError("perm.denied", role=to_user.role.value, action="take custody")
    with session.write() as ledger:  # checks inside the write lock: another desk may be moving the same item
        items = [item_row(session, t) for t in dict.fromkeys(trackings)]
        for item in items:
            check_move(session, item, Action.HANDOVER)
        for item in items:
            ledger.append(K.ITEM_HANDED_OVER, item.tracking, session.signer,
                          {"from": session.user.username, "to": to_user.username}, cosigner=to)
    return [i.tracking for i in items]


def arrive(session: Session, trackings: Sequence[str], giver: Signer | None) -> list[str]:
    """The clerk at this office takes items from their holder (who co-signs)."""
    session.require(Permission.ARRIVE)
    if giver is None:
        raise BadInputError("input.required", field="giver")
    with session.write() as ledger:
        items = [item_row(session, t) for t in dict.fromkeys(trackings)]
        for item in items:
            check_move(session, item, Action.ARRIVE, holder_only=False)
            if item.holder != giver.username:
                raise StateError("perm.not_holder", user=giver.username, tracking=item.tracking,
                                 holder=item.holder or "-")
        for item in items:
            ledger.append(K.ITEM_ARRIVED, item.tracking, session.signer,
                          {"from": item.holder, "location": session.office_code}, cosigner=giver)
    return [i.tracking for i in items]


def out_for_delivery(session: Session, tracking: str, note: str | None = None) -> None:
    session.require(Permission.OUT_FOR_DELIVERY)
    with session.write() as ledger:
        item = item_row(session, tracking)
        check_move(session, item, Action.OUT_FOR_DELIVERY)
        ledger.append(K.ITEM_OUT_FOR_DELIVERY, item.tracking, session.signer,
                      {"note": _text(note, "notes", required=False)})


def deliver(session: Session, tracking: str, *, to: Signer | None = None, to_user: UserInfo | None = None,
            person: ExternalPerson | None = None, as_delegate: bool = False, unopened: bool = False,
            receipt: bool = False, title: str | None = None, id_number: str | None = None) -> None:
    """Deliver to the recipient agency: its secretary co-signs (``title``, ``id_number``: her position and số định
    danh / căn cước, printed on the delivery slip; "Văn thư" when no position is given), or an external person is
    recorded (with their own title and ID), or (`receipt`) the recipient desk's signed confirmation imported from it
    stands for the co-signature. `unopened`: a named-only envelope received by the agency's văn thư, who passes it on
    to the named person later."""
    session.require(Permission.DELIVER)
    if (to is None) != (to_user is None):
        raise BadInputError("input.required", field="username")
    if to is not None and to_user is not None:
        same_person(to, to_user)
    with session.write() as ledger:
        item = item_row(session, tracking)
        check_move(session, item, Action.DELIVER)
        data: JsonObject = {"to": to_user.username if to_user else None, "agency": item.recipient_agency,
                                "as_delegate": bool(as_delegate)}
        if receipt:
            from securemail.services.imported_items import imported_receipt  # noqa: PLC0415 - it imports this

            data["receipt"] = imported_receipt(session, item)
        else:
            _check_receiver(session, item, to_user, person, as_delegate, unopened)
            if unopened:
                data["unopened"] = True
        if person is not None:
            data["person"] = record_person(session, ledger, person)
        else:       # the secretary's position and ID document, printed on the delivery slip when given
            for key, value, field in (("title", title, "person_title"), ("id_number", id_number, "person_id")):
                text = _text(value, field, required=False, max_len=200 if key == "title" else 50)
                if text is not None:
                    data[key] = text
        ledger.append(K.ITEM_DELIVERED, item.tracking, session.signer, data, cosigner=to)


def _check_receiver(session: Session, item: ItemRecord, to_user: UserInfo | None, person: ExternalPerson | None,
                    as_delegate: bool, unopened: bool = False) -> None:
    recipient_agencies = {item.recipient_agency, item.destination}
    if to_user is not None:
        if to_user.role is not Role.SECRETARY:
            raise PermissionDeniedError("perm.denied", role=to_user.role.value, action="confirm-receipt")
        if to_user.agency not in recipient_agencies:
            raise PermissionDeniedError("perm.not_recipient_secretary", user=to_user.username,
                                        agency=item.recipient_agency)
        receiver_name = to_user.full_name
    elif person is not None:
        receiver_name = person.name
    else:
        raise BadInputError("input.required", field="person_name")
    if unopened:      # the agency's văn thư registers the envelope by its outside marks and passes it on unopened
        if not item.named_only:
            raise BadInputError("input.not_named_only", field="unopened", tracking=item.tracking)
        if to_user is None:
            raise PermissionDeniedError("perm.unopened_secretary", tracking=item.tracking)
        return
    if item.named_only and not same_name(receiver_name, item.named_recipient or ""):
        if as_delegate and not marked_hoa_toc(item.urgency, item.service):
            raise PermissionDeniedError("perm.delegate_needs_hoa_toc", tracking=item.tracking)
        if not (as_delegate and session.setting(DELEGATE_SETTING) == "1"):
            raise PermissionDeniedError("perm.named_only", tracking=item.tracking, name=item.named_recipient)


def fail(session: Session, tracking: str, reason: str) -> None:
    session.require(Permission.FAIL)
    with session.write() as ledger:
        item = item_row(session, tracking)
        check_move(session, item, Action.FAIL)
        ledger.append(K.ITEM_DELIVERY_FAILED, item.tracking, session.signer, {"reason": _text(reason, "reason")})


def _redirect(session: Session, tracking: str, action: Action, kind: str, permission: Permission,
              destination: str | None, reason: str | None, *, reason_required: bool) -> None:
    session.require(permission)
    with session.write() as ledger:
        item = item_row(session, tracking)
        check_move(session, item, action)
        dest = destination or (item.sender_agency if action is Action.RETURN else None)
        with fields_checked():
            dest_code = clean_code(dest, "destination")
        ledger.append(kind, item.tracking, session.signer,
                      {"destination": dest_code, "reason": _text(reason, "reason", required=reason_required)})


def return_to_sender(session: Session, tracking: str, reason: str, destination: str | None = None) -> None:
    _redirect(session, tracking, Action.RETURN, K.ITEM_RETURNED, Permission.RETURN, destination, reason,
              reason_required=True)


def forward(session: Session, tracking: str, destination: str, reason: str | None = None) -> None:
    _redirect(session, tracking, Action.FORWARD, K.ITEM_FORWARDED, Permission.FORWARD, destination, reason,
              reason_required=False)
