"""item accept|show|list, bag ..., handover, arrive, out, deliver, fail, return, forward, incident, note, norm."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from securemail.cli import passwords
from securemail.cli.context import Ctx, Sub
from securemail.cli.periods import add_period, end_exclusive, period
from securemail.clock import local_text
from securemail.crypto.canonical import JsonObject
from securemail.custody.ledger import Signer
from securemail.domain.enums import BagStatus, IncidentKind, ItemStatus, Scope, Secrecy, ServiceClass, Urgency
from securemail.domain.labels import label
from securemail.errors import BadInputError, NotFoundError
from securemail.i18n import tr
from securemail.services import bags, imported_items, incidents, items, norms, transfers
from securemail.services.cosign import cosigner
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session, UserInfo
from securemail.storage.files import read_input_file


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    item = sub.add_parser("item", parents=[common], help="items").add_subparsers(dest="action", required=True)
    p = item.add_parser("accept", parents=[common], help="accept an item at the counter")
    p.add_argument("--sender")
    p.add_argument("--recipient")
    p.add_argument("--secrecy")
    p.add_argument("--service")
    p.add_argument("--urgency", help="urgency marked on the document: none, khan, thuong-khan, hoa-toc")
    p.add_argument("--appointed")
    p.add_argument("--scope", default="noi-tinh")
    p.add_argument("--doc-ref")
    p.add_argument("--doc-date")
    p.add_argument("--named-recipient")
    p.add_argument("--named-only", action="store_true")
    p.add_argument("--envelopes", help="envelopes handed in (Tuyệt mật: 2, the default for it; otherwise 1)")
    p.add_argument("--weight")
    p.add_argument("--seal")
    p.add_argument("--seal-condition", default="intact")
    p.add_argument("--description")
    p.add_argument("--recall", action="store_true")
    p.add_argument("--recall-deadline")
    p.add_argument("--copy-number")
    p.add_argument("--copies", help="number of copies (số lượng bản)")
    p.add_argument("--page-count")
    p.add_argument("--notes")
    p.add_argument("--tracking")
    p.add_argument("--messenger-name")
    p.add_argument("--messenger-id")
    p.add_argument("--messenger-signature", type=Path, help="PNG of the messenger's handwritten signature")
    p.add_argument("--imported", metavar="TRACKING",
                   help="accept an item imported from a pinned partner's bundle, with its data (nothing retyped)")
    p.set_defaults(handler=cmd_accept)
    p = item.add_parser("show", parents=[common])
    p.add_argument("tracking")
    p.set_defaults(handler=cmd_show)
    p = item.add_parser("list", parents=[common])
    for opt in ("status", "secrecy", "service", "sender-agency", "recipient-agency", "doc-ref", "holder", "agency"):
        p.add_argument(f"--{opt}")
    add_period(p, required=False)
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--imported", action="store_true",
                   help="items imported from partners and not yet accepted here")
    p.add_argument("--limit", default="200", help=f"at most this many items (1-{items.MAX_LIMIT})")
    p.set_defaults(handler=cmd_list)

    bag = sub.add_parser("bag", parents=[common], help="bags / dispatches").add_subparsers(dest="action",
                                                                                          required=True)
    p = bag.add_parser("create", parents=[common])
    p.add_argument("--destination", required=True, help="the post office the bag goes to (its code)")
    p.add_argument("--province", help="that post office's province: only items for agencies of that province go in")
    p.add_argument("--id")
    p.set_defaults(handler=cmd_bag_create)
    p = bag.add_parser("add", parents=[common])
    p.add_argument("bag")
    p.add_argument("tracking", nargs="+")
    p.set_defaults(handler=cmd_bag_add)
    p = bag.add_parser("remove", parents=[common], help="take an item out of an open bag")
    p.add_argument("bag")
    p.add_argument("tracking")
    p.set_defaults(handler=cmd_bag_remove)
    p = bag.add_parser("close", parents=[common])
    p.add_argument("bag")
    p.add_argument("--seal", required=True)
    p.set_defaults(handler=cmd_bag_close)
    p = bag.add_parser("show", parents=[common])
    p.add_argument("bag")
    p.set_defaults(handler=cmd_bag_show)
    p = bag.add_parser("list", parents=[common])
    p.add_argument("--status")
    p.set_defaults(handler=cmd_bag_list)

    p = sub.add_parser("handover", parents=[common], help="hand items (or a sealed bag) to a courier or clerk")
    p.add_argument("tracking", nargs="*")
    p.add_argument("--bag")
    p.add_argument("--to", required=True)
    p.set_defaults(handler=cmd_handover)
    p = sub.add_parser("arrive", parents=[common], help="take items or a bag from their holder at this office")
    p.add_argument("tracking", nargs="*")
    p.add_argument("--bag")
    p.add_argument("--scan", nargs="*", default=[], help="tracking numbers found in the bag")
    p.add_argument("--from", dest="giver", help="the holder handing over (co-signs)")
    p.set_defaults(handler=cmd_arrive)
    p = sub.add_parser("out", parents=[common], help="mark an item out for delivery")
    p.add_argument("tracking")
    p.set_defaults(handler=cmd_out)
    p = sub.add_parser("deliver", parents=[common], help="deliver to the recipient agency")
    p.add_argument("tracking")
    p.add_argument("--to", help="the receiving secretary's user name (co-signs)")
    p.add_argument("--person-name")
    p.add_argument("--person-id")
    p.add_argument("--person-title", help="the receiving person's position (chức vụ)")
    p.add_argument("--signature-image", type=Path)
    p.add_argument("--as-delegate", action="store_true",
                   help="receiver acts as leadership delegate (document marked Hỏa tốc, when the setting allows)")
    p.add_argument("--unopened", action="store_true",
                   help="named-only envelope received unopened by the agency's records clerk (--to)")
    p.add_argument("--receipt", action="store_true",
                   help="delivered on the recipient desk's signed receipt, imported from it")
    p.set_defaults(handler=cmd_deliver)
    p = sub.add_parser("receive", parents=[common],
                       help="agency desk: confirm receipt of an item imported from the delivering post office")
    p.add_argument("tracking")
    p.add_argument("--unopened", action="store_true",
                   help="a named-only envelope, received unopened to pass on to the named person")
    p.set_defaults(handler=cmd_receive)
    p = sub.add_parser("pass-on", parents=[common],
                       help="hand an unopened named-only envelope to the named person, who signs")
    p.add_argument("tracking")
    p.add_argument("--to", help="the named person's user name (co-signs)")
    p.add_argument("--person-name")
    p.add_argument("--person-id")
    p.add_argument("--signature-image", type=Path)
    p.add_argument("--as-delegate", action="store_true",
                   help="receiver acts as leadership delegate (Hỏa tốc, when the setting allows)")
    p.set_defaults(handler=cmd_pass_on)
    p = sub.add_parser("fail", parents=[common], help="record a failed delivery")
    p.add_argument("tracking")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_fail)
    p = sub.add_parser("return", parents=[common], help="return to sender")
    p.add_argument("tracking")
    p.add_argument("--reason", required=True)
    p.add_argument("--destination")
    p.set_defaults(handler=cmd_return)
    p = sub.add_parser("forward", parents=[common], help="forward to another agency or office")
    p.add_argument("tracking")
    p.add_argument("--destination", required=True)
    p.add_argument("--reason")
    p.set_defaults(handler=cmd_forward)

    inc = sub.add_parser("incident", parents=[common], help="incidents")
    inc.add_argument("tracking", nargs="?")
    inc.add_argument("--kind", help="seal-broken|damaged|opened|lost|misrouted|contents-mismatch")
    inc.add_argument("--description")
    inc.add_argument("--close", type=int, metavar="ID", help="close incident ID (auditor)")
    inc.add_argument("--note", help="closing note")
    inc.add_argument("--list", action="store_true")
    inc.set_defaults(handler=cmd_incident)
    p = sub.add_parser("note", parents=[common], help="add a note or correction to an item")
    p.add_argument("tracking")
    p.add_argument("text")
    p.set_defaults(handler=cmd_note)

    norm = sub.add_parser("norm", parents=[common], help="delivery-time norms").add_subparsers(dest="action",
                                                                                              required=True)
    p = norm.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_norm_list)
    p = norm.add_parser("set", parents=[common])
    p.add_argument("service")
    p.add_argument("scope")
    p.add_argument("--working-days-tenths")
    p.add_argument("--min-lead-hours")
    p.add_argument("--source", required=True)
    p.set_defaults(handler=cmd_norm_set)
    p = norm.add_parser("rates", parents=[common], help="on-time rate per service class and scope")
    add_period(p, required=True)
    p.set_defaults(handler=cmd_norm_rates)
    p = sub.add_parser("setting", parents=[common], help="office settings (admin)")
    p.add_argument("key", nargs="?", help="without a key: list the settings and their values")
    p.add_argument("value", nargs="?", help="without a value: show the setting")
    p.set_defaults(handler=cmd_setting)


def _cosign(ctx: Ctx, s: Session, username: str) -> tuple[Signer, UserInfo]:
    return cosigner(s, username, passwords.cosign_password(ctx.use_stdin, username))


def _read_png(path: Path | None) -> bytes | None:
    if path is None:
        return None
    return read_input_file(path, max_size=items.MAX_SIGNATURE_IMAGE, field="--signature-image")


def cmd_accept(ctx: Ctx) -> int:
    a = ctx.args
    raw = {"sender_agency": a.sender, "recipient_agency": a.recipient, "secrecy": a.secrecy, "service": a.service,
           "urgency": a.urgency, "scope": a.scope, "appointed_at": a.appointed, "doc_ref": a.doc_ref,
           "doc_date": a.doc_date,
           "named_recipient": a.named_recipient, "named_only": a.named_only, "envelopes": a.envelopes,
           "weight_grams": a.weight, "seal_numbers": a.seal, "seal_condition": a.seal_condition,
           "description": a.description, "recall": a.recall, "recall_deadline": a.recall_deadline,
           "copy_number": a.copy_number, "copies": a.copies, "page_count": a.page_count, "notes": a.notes,
           "tracking": a.tracking,
           "sender_person": a.messenger_name, "sender_person_id": a.messenger_id}
    messenger = None
    if a.messenger_name:
        messenger = items.ExternalPerson(a.messenger_name, a.messenger_id, _read_png(a.messenger_signature))
    if not a.imported:
        for option, value in (("--sender", a.sender), ("--recipient", a.recipient), ("--secrecy", a.secrecy),
                              ("--service", a.service)):
            if not value:
                raise BadInputError("input.required", field=option)
    with ctx.open() as s:
        if a.imported:
            tracking = imported_items.accept_imported(s, a.imported, messenger=messenger)
        else:
            tracking = items.accept_item(s, raw, messenger=messenger)
        row = items.item_row(s, tracking)
        ctx.emit({"tracking": tracking, "status": row.status, "due_at": row.due_at},
                 tr("cli.accepted", tracking=tracking, due=_when(row.due_at)))
    return 0


def item_json(s: Session, row: ItemRecord) -> JsonObject:
    """An item as `item show` and `item list` print it in JSON: its columns, then overdue and flagged."""
    out = row.as_dict()
    out["overdue"] = items.is_overdue_row(row, s.clock.now())
    out["flagged"] = row.flagged
    return out


def cmd_show(ctx: Ctx) -> int:
    with ctx.open() as s:
        try:
            row = items.item_row(s, ctx.args.tracking)
        except NotFoundError:
            return _show_foreign(ctx, s)
        doc = item_json(s, row)
        events = items.timeline(s, row.tracking)
        doc["events"] = [e.as_dict() for e in events]
        lines = [f"{row.tracking}  {label(ItemStatus(row.status), ctx.lang)}"
                 + ("  [!] " + tr("cli.flagged") if row.flagged else ""),
                 f"  {row.sender_agency} -> {row.recipient_agency}  {_kind_labels(row, ctx.lang)}",
                 "  " + tr("cli.holder_due", holder=row.holder or "-", due=_when(row.due_at))]
        for e in events:
            ok = tr("cli.sig_ok") if e.signature_ok else tr("cli.sig_bad")
            where = "" if e.origin.own else e.origin.office
            what = items.event_label(e.kind, ctx.lang)
            lines.append(f"  {where}#{e.seq:<6} {_when(e.time)}  {ok}  {what:<24} {e.actor}"
                         + (f" + {e.cosigner}" if e.cosigner else ""))
            if "due_after" in e.data:
                lines.append("          " + tr("timeline.due_changed", old=_when(e.data["due_before"]),
                                                new=_when(e.data["due_after"])))
            receipt, origin = e.data.get("receipt"), e.data.get("origin")
            if e.origin.own and isinstance(receipt, dict):     # on the recipient desk's imported receipt
                lines.append("          " + tr("timeline.receipt", office=receipt.get("office"),
                                                seq=receipt.get("seq"), name=receipt.get("name")))
            elif e.origin.own and isinstance(origin, dict):    # taken from a partner's imported event
                lines.append("          " + tr("timeline.linked", office=origin.get("office"), seq=origin.get("seq")))
        ctx.emit(doc, lines)
    return 0


def _limit(text: str) -> int:
    """--limit: a whole number from 1 to items.MAX_LIMIT (checked before the vault is opened)."""
    value = text.strip()
    if not (value.isascii() and value.lstrip("-").isdigit()) or value.count("-") > 1:
        raise BadInputError("input.not_integer", field="--limit")
    number = int(value[:20])  # more digits than that is out of range anyway (and int() of huge text is slow)
    if number < 1:
        raise BadInputError("input.too_small", field="--limit", min=1)
    if number > items.MAX_LIMIT:
        raise BadInputError("input.too_large", field="--limit", max=items.MAX_LIMIT)
    return number


def _show_foreign(ctx: Ctx, s: Session) -> int:
    """An item this vault knows only from bundles imported from partners."""
    from securemail.services.foreign_events import foreign_item, foreign_timeline  # noqa: PLC0415

    t = items.normalise_tracking(ctx.args.tracking)
    doc = foreign_item(s, t)
    if doc is None:
        raise NotFoundError("notfound.item", tracking=t)
    events = foreign_timeline(s, t)
    doc["events"] = [e.as_dict() for e in events]
    lines = [f"{t}  ({tr('cli.foreign_only')})"]
    for e in events:
        ok = tr("cli.sig_ok") if e.signature_ok else tr("cli.sig_bad")
        what = items.event_label(e.kind, ctx.lang)
        lines.append(f"  {e.origin.office}#{e.seq:<6} {_when(e.time)}  {ok}  {what:<24} "
                     f"{e.actor}" + (f" + {e.cosigner}" if e.cosigner else ""))
    ctx.emit(doc, lines)
    return 0


def _when(text: str | None) -> str:
    """A stored ISO time as an office clerk writes it: dd/mm/yyyy HH:MM (ICT)."""
    return local_text(text, "-")


def _incident_kind(value: str, lang: str) -> str:
    """An incident kind in words (the stored code is never shown)."""
    try:
        return label(IncidentKind(value), lang)
    except ValueError:
        return tr("cli.incident_other")


def _kind_labels(row: ItemRecord, lang: str) -> str:
    words = [label(Secrecy(row.secrecy), lang), label(ServiceClass(row.service), lang)]
    if row.urgency is not None and row.urgency != Urgency.NONE.value:
        words.append(f"{tr('field.urgency_short')} {label(Urgency(row.urgency), lang)}")
    return ", ".join(words)


def cmd_list(ctx: Ctx) -> int:
    a = ctx.args
    _limit(a.limit)
    filters = {"status": a.status, "secrecy": a.secrecy, "service": a.service, "sender_agency": a.sender_agency,
               "recipient_agency": a.recipient_agency, "doc_ref": a.doc_ref, "holder": a.holder}
    with ctx.open() as s:
        if a.imported:
            found = imported_items.importable(s)
            ctx.emit([r.as_dict() for r in found],
                     [f"{r.tracking}  {_when(r.accepted_at)}  {r.office:<8} {r.sender_agency} -> "
                      f"{r.recipient_agency}  {r.doc_ref or ''}" for r in found] or [tr("cli.none")])
            return 0
        since, until = period(a)
        rows = items.search_items(s, filters=filters, agency=a.agency, date_from=since,
                                  date_to=end_exclusive(until),
                                  overdue_at=s.clock.now() if a.overdue else None, limit=_limit(a.limit))
        docs = [item_json(s, r) for r in rows]
        lines = [f"{r.tracking}  {_when(r.accepted_at)}  {label(ItemStatus(r.status), ctx.lang):<22} "
                 f"{_kind_labels(r, ctx.lang):<20} {r.sender_agency} -> {r.recipient_agency}"
                 + ("  [!]" if r.flagged else "") + (f"  [{tr('cli.overdue')}]" if d["overdue"] else "")
                 for r, d in zip(rows, docs, strict=True)]
        ctx.emit(docs, lines or [tr("cli.none")])
    return 0


def cmd_bag_create(ctx: Ctx) -> int:
    with ctx.open() as s:
        bag = bags.create_bag(s, ctx.args.destination, ctx.args.id, province=ctx.args.province)
        ctx.emit({"bag": bag}, tr("cli.bag_created", bag=bag))
    return 0


def cmd_bag_add(ctx: Ctx) -> int:
    with ctx.open() as s:
        added = bags.add_to_bag(s, ctx.args.bag, ctx.args.tracking)
        ctx.emit({"bag": ctx.args.bag, "added": added}, tr("cli.bag_added", bag=ctx.args.bag, count=len(added)))
    return 0


def cmd_bag_remove(ctx: Ctx) -> int:
    with ctx.open() as s:
        bags.remove_from_bag(s, ctx.args.bag, ctx.args.tracking)
        ctx.emit({"bag": ctx.args.bag, "removed": ctx.args.tracking}, tr("cli.done"))
    return 0


def cmd_bag_close(ctx: Ctx) -> int:
    with ctx.open() as s:
        b = bags.close_bag(s, ctx.args.bag, ctx.args.seal)
        ctx.emit(b.as_dict(), tr("cli.bag_closed", bag=b.bag, seal=b.seal, count=len(b.items)))
    return 0


def cmd_bag_show(ctx: Ctx) -> int:
    with ctx.open() as s:
        b = bags.get_bag(s, ctx.args.bag)
        status = label(BagStatus(b.status), ctx.lang)
        ctx.emit(b.as_dict(), [f"{b.bag}  {status}  -> {b.destination}  {tr('cli.seal')} {b.seal or '-'}",
                               *b.items])
    return 0


def cmd_bag_list(ctx: Ctx) -> int:
    with ctx.open() as s:
        rows = bags.list_bags(s, ctx.args.status)
        ctx.emit([b.as_dict() for b in rows], [f"{b.bag}  {label(BagStatus(b.status), ctx.lang):<14} -> "
                                                f"{b.destination}  ({len(b.items)})" for b in rows] or [tr("cli.none")])
    return 0


def cmd_handover(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        signer, user = _cosign(ctx, s, a.to)
        if a.bag:
            b = bags.dispatch_bag(s, a.bag, signer, user)
            ctx.emit({"bag": b.bag, "to": user.username, "items": list(b.items)},
                     tr("cli.handed_over", count=len(b.items), to=user.full_name))
            return 0
        if not a.tracking:
            raise BadInputError("input.required", field="tracking")
        done = transfers.handover(s, a.tracking, signer, user)
        ctx.emit({"handed_over": done, "to": user.username}, tr("cli.handed_over", count=len(done), to=user.full_name))
    return 0


def cmd_arrive(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        giver = _cosign(ctx, s, a.giver)[0] if a.giver else None
        if a.bag:
            r = bags.open_bag(s, a.bag, a.scan, giver)
            ctx.emit(r.__dict__, tr("cli.bag_opened", bag=r.bag, found=len(r.found), missing=len(r.missing),
                                    extra=len(r.extra)))
            return 0 if not (r.missing or r.extra) else 1
        if not a.tracking:
            raise BadInputError("input.required", field="tracking")
        done = transfers.arrive(s, a.tracking, giver)
        ctx.emit({"arrived": done}, tr("cli.arrived", count=len(done)))
    return 0


def cmd_out(ctx: Ctx) -> int:
    with ctx.open() as s:
        transfers.out_for_delivery(s, ctx.args.tracking)
        ctx.emit({"tracking": ctx.args.tracking, "status": ItemStatus.OUT_FOR_DELIVERY.value}, tr("cli.done"))
    return 0


def cmd_deliver(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        if a.receipt:
            transfers.deliver(s, a.tracking, receipt=True)
            who = str(items.item_row(s, a.tracking).delivered_to)
        elif a.to:
            signer, user = _cosign(ctx, s, a.to)
            transfers.deliver(s, a.tracking, to=signer, to_user=user, as_delegate=a.as_delegate,
                              unopened=a.unopened, title=a.person_title, id_number=a.person_id)
            who = user.full_name
        else:
            if not a.person_name:
                raise BadInputError("input.required", field="person_name")
            person = items.ExternalPerson(a.person_name, a.person_id, _read_png(a.signature_image), a.person_title)
            transfers.deliver(s, a.tracking, person=person, as_delegate=a.as_delegate, unopened=a.unopened)
            who = a.person_name
        ctx.emit({"tracking": a.tracking, "status": ItemStatus.DELIVERED.value, "to": who},
                 tr("cli.delivered", tracking=a.tracking, to=who))
    return 0


def cmd_receive(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        imported_items.receive_imported(s, a.tracking, unopened=a.unopened)
        row = items.item_row(s, a.tracking)
        ctx.emit({"tracking": row.tracking, "status": row.status, "unopened": bool(a.unopened),
                  "holder": row.holder},
                 tr("cli.received_unopened" if a.unopened else "cli.received", tracking=row.tracking))
    return 0


def cmd_pass_on(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        if a.to:
            signer, user = _cosign(ctx, s, a.to)
            imported_items.pass_on(s, a.tracking, to=signer, to_user=user, as_delegate=a.as_delegate)
            who = user.full_name
        else:
            if not a.person_name:
                raise BadInputError("input.required", field="person_name")
            person = items.ExternalPerson(a.person_name, a.person_id, _read_png(a.signature_image))
            imported_items.pass_on(s, a.tracking, person=person, as_delegate=a.as_delegate)
            who = a.person_name
        ctx.emit({"tracking": a.tracking, "status": ItemStatus.DELIVERED.value, "to": who},
                 tr("cli.passed_on", tracking=a.tracking, to=who))
    return 0


def cmd_fail(ctx: Ctx) -> int:
    with ctx.open() as s:
        transfers.fail(s, ctx.args.tracking, ctx.args.reason)
        ctx.emit({"tracking": ctx.args.tracking, "status": ItemStatus.DELIVERY_FAILED.value}, tr("cli.done"))
    return 0


def cmd_return(ctx: Ctx) -> int:
    with ctx.open() as s:
        transfers.return_to_sender(s, ctx.args.tracking, ctx.args.reason, ctx.args.destination)
        ctx.emit({"tracking": ctx.args.tracking, "status": ItemStatus.RETURNED.value}, tr("cli.done"))
    return 0


def cmd_forward(ctx: Ctx) -> int:
    with ctx.open() as s:
        transfers.forward(s, ctx.args.tracking, ctx.args.destination, ctx.args.reason)
        ctx.emit({"tracking": ctx.args.tracking, "status": ItemStatus.FORWARDED.value}, tr("cli.done"))
    return 0


def cmd_incident(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        if a.list:
            rows = incidents.list_incidents(s, open_only=True, tracking=a.tracking)
            ctx.emit([r.as_dict() for r in rows],
                     [f"#{r.id} {r.tracking} {_incident_kind(r.kind, ctx.lang)}: {r.description}" for r in rows]
                     or [tr("cli.none")])
            return 0
        if a.close is not None:
            incidents.close_incident(s, a.close, a.note or "")
            ctx.emit({"incident": a.close, "closed": True}, tr("cli.done"))
            return 0
        if not a.tracking:
            raise BadInputError("input.required", field="tracking")
        iid = incidents.report_incident(s, a.tracking, a.kind or "", a.description or "")
        ctx.emit({"incident": iid, "tracking": a.tracking}, tr("cli.incident_opened", id=iid))
    return 0


def cmd_note(ctx: Ctx) -> int:
    with ctx.open() as s:
        incidents.add_note(s, ctx.args.tracking, ctx.args.text)
        ctx.emit({"tracking": ctx.args.tracking, "noted": True}, tr("cli.done"))
    return 0


def cmd_norm_list(ctx: Ctx) -> int:
    with ctx.open() as s:
        rows = norms.list_norms(s)
        docs = [{"service": n.service.value, "scope": n.scope.value, "working_days_tenths": n.working_days_tenths,
                 "min_lead_hours": n.min_lead_hours, "source": n.source, "is_default": n.is_default} for n in rows]
        ctx.emit(docs, [f"{label(n.service, ctx.lang):<10} {label(n.scope, ctx.lang):<10} "
                        f"{n.target_text or tr('cli.appointed')}  {n.source}" for n in rows])
    return 0


def cmd_norm_set(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        n = norms.set_norm(s, a.service, a.scope, working_days_tenths=a.working_days_tenths,
                           min_lead_hours=a.min_lead_hours, source=a.source)
        ctx.emit({"service": n.service.value, "scope": n.scope.value}, tr("cli.done"))
    return 0


def cmd_norm_rates(ctx: Ctx) -> int:
    a = ctx.args
    start, end = period(a)
    assert start is not None and end is not None  # both options are required
    with ctx.open() as s:
        rows = norms.on_time_rates(s, start, end + timedelta(days=1))
        docs = [{"service": r.service, "scope": r.scope, "met": r.met, "total": r.total,
                 "rate_percent": round(100 * r.met / r.total) if r.total else None} for r in rows]
        lines = [f"{label(ServiceClass(r.service), ctx.lang):<10} {label(Scope(r.scope), ctx.lang):<10} "
                 f"{r.met}/{r.total}" + (f"  ({round(100 * r.met / r.total)}%)" if r.total else "") for r in rows]
        ctx.emit(docs, lines or [tr("cli.none")])
    return 0


def cmd_setting(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        if a.key is None or a.value is None:
            keys = sorted(norms.SETTINGS) if a.key is None else [a.key]
            values = {k: norms.get_setting(s, k) for k in keys}
            ctx.emit(values, [f"{k:<28} {v}" for k, v in values.items()])
            return 0
        norms.set_setting(s, a.key, a.value)
        ctx.emit({a.key: a.value}, tr("cli.done"))
    return 0
