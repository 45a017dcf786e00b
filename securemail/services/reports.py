"""Printed documents from the vault: fill the documents' data classes, sign a QR statement, render the PDF.

Receipts and delivery confirmations attest one event (its hash); manifests and reports attest the hash of their
content rows. Every statement names the checkpoint (size, root) the vault had when it was printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, TypeVar

from securemail import documents as docs
from securemail.clock import ICT, parse_iso
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.duetimes import early_minutes
from securemail.custody.kinds import kind_label
from securemail.custody.verify import VerificationReport
from securemail.documents import models as m
from securemail.documents.fonts import FontsNotFoundError
from securemail.documents.register_layouts import RegisterLayout
from securemail.domain.enums import ItemStatus, Scope, SealCondition, Secrecy, ServiceClass, Urgency
from securemail.domain.labels import label
from securemail.domain.norms import printed_source
from securemail.domain.punctuality import Outcome
from securemail.errors import BadInputError, NotFoundError, StateError, StorageError
from securemail.i18n import current_language, tr
from securemail.services import audit_trail, bags, items, norms, registers, statements
from securemail.services.directory import get_agency
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.items import ItemRecord
from securemail.services.queries.timeline import TimelineEntry
from securemail.services.session import Session, load_user

Out = Path | BinaryIO
_D = TypeVar("_D")  # a document's data model (documents.models)
def _render(fn: Callable[[_D, Out], None], data: _D, out: Out) -> None:
    try:
        fn(data, out)
    except FontsNotFoundError as e:
        raise StorageError("report.fonts_missing", detail=str(e)) from e


def event_label(kind: str, lang: str = "vi") -> str:
    """An event kind in words, from the one table (custody.kinds.RULES); papers are in Vietnamese."""
    return K.kind_label(kind, lang)


def _imprint(session: Session) -> m.Imprint:
    agency_desk = session.setting("vault_kind") == "agency"
    return m.Imprint(office_name=session.office_name, printed_by=session.user.full_name,
                     printed_at=session.clock.now().astimezone(ICT), unit=None if agency_desk else "Bưu điện KT1")


def _secrecy(value: str) -> m.Secrecy:
    s = Secrecy(value)
    return m.Secrecy(code=s.envelope_code or "", label=label(s, "vi"))


def _urgency(item: ItemRecord) -> str | None:
    """The document's urgency mark in words; None when it has none (or was not recorded, before schema 8)."""
    value = item.urgency
    if value is None or value == Urgency.NONE.value:
        return None
    return label(Urgency(value), "vi")


def _agency_name(session: Session, code: str | None) -> str:
    if not code:
        return ""
    try:
        return get_agency(session, code).name
    except NotFoundError:
        return code


def _person_name(session: Session, username: str | None) -> str:
    if not username:
        return ""
    user = load_user(session, username)
    return user.full_name if user else username


def _time(text: str | None) -> datetime | None:
    return parse_iso(text).astimezone(ICT) if text else None


def _checkpoint(session: Session) -> Checkpoint:
    """A signed checkpoint covering the log (signed now if needed): a printed statement cites it, and a receipt's
    or slip's event must lie inside it."""
    return session.checkpoint()


def _event(session: Session, tracking: str, kind: str) -> TimelineEntry:
    found = [e for e in items.timeline(session, tracking) if e.kind == kind]
    if not found:
        raise StateError("state.illegal", tracking=tracking, status="-", action=kind)
    return found[-1]


def receipt(session: Session, tracking: str, out: Out) -> str:
    """Acceptance receipt (biên nhận) for the sender; returns the QR payload."""
    session.require(Permission.PRINT_RECEIPT)
    item = items.item_row(session, tracking)
    ev = _event(session, item.tracking, K.ITEM_ACCEPTED)
    payload = statements.issue(session, "receipt", item.tracking, ev.hash, _checkpoint(session))
    norm = next((n for n in items.load_norms(session)
                 if n.service.value == item.service and n.scope.value == item.scope), None)
    basis = f"{norm.target_text} ngày làm việc ({printed_source(norm.source)})" if norm and norm.target_text else \
        ("Theo giờ hẹn" if item.appointed_at else None)
    data = m.ReceiptData(
        imprint=_imprint(session), qr_payload=payload, tracking=item.tracking,
        sender_agency=_agency_name(session, item.sender_agency), sender_person=item.sender_person or "",
        sender_person_id=item.sender_person_id, recipient_agency=_agency_name(session, item.recipient_agency),
        named_recipient=item.named_recipient, named_only=bool(item.named_only),
        secrecy=_secrecy(item.secrecy), service_class=label(ServiceClass(item.service), "vi"),
        urgency=_urgency(item), scope=label(Scope(item.scope), "vi"), doc_ref=item.doc_ref or "",
        description=item.description,
        envelopes=item.envelopes, weight_grams=item.weight_grams, seals=item.seal_numbers or "",
        seal_condition=label(SealCondition(item.seal_condition), "vi"),
        accepted_at=_time(item.accepted_at) or session.clock.now(),
        recall_deadline=datetime.fromisoformat(item.recall_deadline).replace(tzinfo=ICT)
        if item.recall_deadline else None,
        due_at=_time(item.due_at), due_basis=basis, clerk_name=_person_name(session, item.accepted_by),
        notes=item.notes)
    _render(docs.render_receipt, data, out)
    return payload


def delivery(session: Session, tracking: str, out: Out) -> str:
    """Delivery confirmation (phiếu xác nhận đã nhận)."""
    session.require(Permission.PRINT_RECEIPT)
    item = items.item_row(session, tracking)
    if item.status != ItemStatus.DELIVERED.value:
        raise StateError("state.illegal", tracking=item.tracking,
                         status=label(ItemStatus(item.status), current_language()), action="print delivery")
    ev = _event(session, item.tracking, K.ITEM_DELIVERED)
    payload = statements.issue(session, "delivery", item.tracking, ev.hash, _checkpoint(session))
    person = ev.data.get("person") or {}
    secretary = ev.data.get("to")
    receiver = _person_name(session, secretary) if secretary else person.get("name", "")
    title = ev.data.get("title") if secretary else person.get("title")
    data = m.DeliveryData(
        imprint=_imprint(session), qr_payload=payload, tracking=item.tracking,
        sender_agency=_agency_name(session, item.sender_agency),
        recipient_agency=_agency_name(session, item.recipient_agency), named_recipient=item.named_recipient,
        secrecy=_secrecy(item.secrecy), service_class=label(ServiceClass(item.service), "vi"),
        urgency=_urgency(item), doc_ref=item.doc_ref or "", envelopes=item.envelopes,
        seal_condition=label(SealCondition(item.seal_condition), "vi"),
        delivered_at=_time(item.delivered_at) or session.clock.now(), receiving_person=receiver,
        receiving_person_title=title or ("Văn thư" if secretary else None),
        receiving_person_id=(ev.data.get("id_number") if secretary else person.get("id_number")),
        delivered_by=_person_name(session, ev.actor))
    _render(docs.render_delivery, data, out)
    return payload


def manifest(session: Session, bag_id: str, out: Out) -> str:
    """Bag manifest (bảng kê chi tiết gửi) with both signature blocks."""
    session.require(Permission.PRINT_REPORTS)
    bag = bags.get_bag(session, bag_id)
    rows = [items.item_row(session, t) for t in bag.items]
    content = {"bag": bag.bag, "seal": bag.seal, "items": [r.tracking for r in rows]}
    payload = statements.issue(session, "manifest", bag.bag, statements.content_digest(content),
                               _checkpoint(session))
    data = m.ManifestData(
        imprint=_imprint(session), qr_payload=payload, bag_number=bag.bag, seal=bag.seal or "",
        from_office=session.office_name, to_office=_agency_name(session, bag.destination),
        closed_at=_bag_closed_at(session, bag.bag), handed_by=_person_name(session, bag.created_by),
        received_by=_person_name(session, bag.holder) if bag.holder != bag.created_by else None,
        items=[m.ManifestItem(tracking=r.tracking, secrecy_code=Secrecy(r.secrecy).envelope_code or "",
                              service_class=label(ServiceClass(r.service), "vi"),
                              recipient=_agency_name(session, r.recipient_agency), envelopes=r.envelopes,
                              weight_grams=r.weight_grams) for r in rows])
    _render(docs.render_manifest, data, out)
    return payload


def _bag_closed_at(session: Session, bag: str) -> datetime | None:
    row = session.conn.execute("SELECT time FROM events INDEXED BY events_subject WHERE subject = ? AND kind = ? "
                               "ORDER BY seq DESC LIMIT 1",
                               (K.bag_subject(bag), K.BAG_CLOSED)).fetchone()
    return _time(row[0]) if row else None


def custody(session: Session, tracking: str, out: Out) -> str:
    """Custody report for one item: the full timeline with each signer and signature status. Whoever may print
    receipts (a secretary, for their agency's items) or reports may print it."""
    if not allowed(session.role, Permission.PRINT_RECEIPT):
        session.require(Permission.PRINT_REPORTS)
    item = items.item_row(session, tracking)
    events = items.timeline(session, item.tracking)
    content = {"tracking": item.tracking, "events": [[e.seq, e.hash, e.signature_ok] for e in events]}
    payload = statements.issue(session, "custody", item.tracking, statements.content_digest(content),
                               _checkpoint(session))
    summary = m.ItemSummary(
        tracking=item.tracking, sender_agency=_agency_name(session, item.sender_agency),
        recipient_agency=_agency_name(session, item.recipient_agency), secrecy=_secrecy(item.secrecy),
        service_class=label(ServiceClass(item.service), "vi"), scope=label(Scope(item.scope), "vi"),
        doc_ref=item.doc_ref or "", accepted_at=_time(item.accepted_at) or session.clock.now(),
        due_at=_time(item.due_at), status=label(ItemStatus(item.status), "vi"))
    rows = [m.CustodyEvent(seq=e.seq, time=_time(e.time) or session.clock.now(), label=event_label(e.kind),
                           actor=_person_name(session, e.actor),
                           cosigner=_person_name(session, e.cosigner) if e.cosigner else
                           (e.data.get("person") or {}).get("name"),
                           place=e.data.get("location") or session.office_code,
                           signature_ok=e.signature_ok, event_hash=e.hash) for e in events]
    data = m.CustodyData(imprint=_imprint(session), qr_payload=payload, item=summary, events=rows)
    _render(docs.render_custody, data, out)
    return payload


REGISTER_KINDS = registers.KINDS


ROWS_PER_PAGE_GUESS = 9  # register rows on an A4 landscape page, for progress only


def register(session: Session, kind: str, period_start: date, period_end: date, out: Out,
             agency: str | None = None, volume: str | None = None,
             progress: Callable[[int, int], None] | None = None) -> str:
    """A register for a period of one year, printed by its owner (services.registers): the post office desk's
    handover book, or an agency desk's registers. ``agency``, if given, must be the agency of this desk.
    `progress(done, total)` is called as pages are laid out (the total is a guess until the end); it may raise to
    stop."""
    if agency and agency != session.setting("vault_agency"):
        raise BadInputError("report.register_agency_only", field="agency")

    def render(data: m.RegisterData, target: Out, layout: RegisterLayout) -> None:
        guess = len(data.rows) // ROWS_PER_PAGE_GUESS + 2

        def on_page(page: int) -> None:
            if progress is not None:
                progress(min(page, guess - 1), guess)

        _render(lambda d, o: docs.render_register(d, o, layout, on_page), data, target)
        if progress is not None:
            progress(guess, guess)

    return registers.print_register(session, kind, period_start, period_end, out, volume=volume,
                                    imprint=_imprint(session), checkpoint=_checkpoint(session), render=render)


def issuance(session: Session, number: str | None = None) -> m.Issuance:
    """How this office issues its báo cáo (NĐ 30/2020 Phụ lục I), from its settings: cơ quan chủ quản
    (superior_agency), the place of the date line (place_name, else the province), the code after the number
    (BC-report_code, else BC-office code), who signs and in which position (report_signer_title / _name, else the
    person printing, as "Người lập báo cáo"), and "Nơi nhận" (report_recipients, separated by ";"). The number is
    the one given, else left blank for the văn thư to write in when she issues it."""
    def setting(key: str) -> str:
        return (session.setting(key) or "").strip()

    title = setting("report_signer_title")
    recipients = [r.strip() for r in setting("report_recipients").replace("\n", ";").split(";") if r.strip()]
    return m.Issuance(superior=setting("superior_agency") or None, issuer=session.office_name,
                      number=(number or "").strip() or None,
                      code=f"BC-{setting('report_code') or session.office_code}",
                      place=setting("place_name") or setting("province"),
                      day=session.clock.now().astimezone(ICT).date(),
                      signer_title=title or "Người lập báo cáo",
                      signer_name=(setting("report_signer_name") if title else "") or session.user.full_name,
                      recipients=recipients)


def overdue(session: Session, period_start: date, period_end: date, out: Out, number: str | None = None) -> str:
    """Overdue and on-time report for items accepted in a period (a báo cáo: NĐ 30/2020 Phụ lục I)."""
    session.require(Permission.PRINT_REPORTS)
    now = session.clock.now()
    start = datetime.combine(period_start, datetime.min.time(), ICT)
    end = datetime.combine(period_end + timedelta(days=1), datetime.min.time(), ICT)
    rows = [r for r in items.search_items(session, date_from=start, date_to=end, limit=1_000_000) if r.due_at]
    stats: dict[tuple[str, str], list[int]] = {}
    late_rows = []
    for r in rows:  # the same rule as `norm rates` (services.norms.outcome_of): first attempt stops the clock
        s = stats.setdefault((r.service, r.scope), [0, 0, 0, 0])
        outcome = norms.outcome_of(session, r.tracking, r.service, r.due_at or "", r.first_attempt_at, now)
        s[0] += 1
        if outcome is Outcome.MET:
            s[1] += 1
        elif outcome.missed:
            s[2] += 1
            late_rows.append((r, outcome))
        else:
            s[3] += 1
    data = m.OverdueData(
        imprint=_imprint(session), qr_payload="", period_start=period_start, period_end=period_end,
        as_of=now.astimezone(ICT),
        norms_source="; ".join(sorted({printed_source(n.source) for n in norms.list_norms(session)})),
        stats=[m.ServiceStat(service_class=label(ServiceClass(sv), "vi"), scope=label(Scope(sc), "vi"),
                             total=v[0], met=v[1], late=v[2], pending=v[3]) for (sv, sc), v in sorted(stats.items())],
        early_minutes=early_minutes(session.conn), issuance=issuance(session, number),
        overdue_items=[m.OverdueItem(tracking=r.tracking,
                                     secrecy_code=Secrecy(r.secrecy).envelope_code or "",
                                     service_class=label(ServiceClass(r.service), "vi"),
                                     scope=label(Scope(r.scope), "vi"),
                                     recipient_agency=_agency_name(session, r.recipient_agency),
                                     accepted_at=_time(r.accepted_at) or now, due_at=_time(r.due_at) or now,
                                     delivered_at=_time(r.first_attempt_at),
                                     early=outcome is Outcome.EARLY,
                                     status=label(ItemStatus(r.status), "vi")) for r, outcome in late_rows])
    content = {"period": [period_start.isoformat(), period_end.isoformat()],
               "stats": [[k[0], k[1], *v] for k, v in sorted(stats.items())],
               "late": [r.tracking for r, _ in late_rows]}
    payload = statements.issue(session, "overdue", f"{period_start}:{period_end}",
                               statements.content_digest(content), _checkpoint(session))
    _render(docs.render_overdue, _with_payload(data, payload), out)
    return payload


def audit(session: Session, report: VerificationReport, out: Out, checkpoints_checked: int = 0,
          number: str | None = None) -> str:
    """Integrity audit report from a verification run (a báo cáo: NĐ 30/2020 Phụ lục I)."""
    session.require(Permission.PRINT_REPORTS)
    content = report.to_json("vi")
    digest = statements.content_digest(content)
    payload = statements.issue(session, "audit", f"size-{report.size}", digest, _checkpoint(session))
    codes = {p.code for p in report.problems}
    checks = [m.AuditCheck(label=tr(f"audit.check.{c}", "vi"), ok=not (codes & set(group)))
              for c, group in AUDIT_GROUPS.items()]
    data = m.AuditData(imprint=_imprint(session), qr_payload=payload, verified_at=session.clock.now().astimezone(ICT),
                       events_checked=report.events_checked, checkpoints_checked=checkpoints_checked,
                       ok=bool(report), content_hash=digest, checks=checks, issuance=issuance(session, number),
                       problems=[m.AuditProblem(seq=p.seq, tracking=p.item, code=p.code, message=p.message("vi"),
                                                group=_problem_group(p.code)) for p in report.problems],
                       trail=_trail_rows(session))
    _render(docs.render_audit, data, out)
    return payload


AUDIT_TRAIL_ROWS = 200


def _trail_rows(session: Session) -> list[m.AuditTrailRow]:
    """The newest entries of the application audit trail, for those who may read it (others get none)."""
    if not allowed(session.role, Permission.READ_AUDIT_TRAIL):
        return []
    return [m.AuditTrailRow(seq=e.seq, time=datetime.fromisoformat(e.time).astimezone(ICT), actor=e.actor,
                            label=kind_label(e.kind, "vi"), detail=audit_trail.describe(e, "vi"))
            for e in audit_trail.trail(session, limit=AUDIT_TRAIL_ROWS)]


AUDIT_GROUPS: dict[str, Sequence[str]] = {
    "signatures": ("bad_signature", "missing_cosignature", "unknown_signer", "key_not_valid"),
    "chains": ("broken_chain", "missing_event", "reordered_event", "malformed_event", "stored_hash_differs"),
    "merkle": ("checkpoint_root_differs", "checkpoint_size_differs", "not_extension", "bad_checkpoint_signature"),
    "projection": ("projection_differs", "illegal_transition"),
}


def _problem_group(code: str) -> str:
    """The check a problem belongs to, in words (the code itself is never printed)."""
    for group, codes in AUDIT_GROUPS.items():
        if code in codes:
            return tr(f"audit.check.{group}", "vi")
    return tr("audit.check.other", "vi")


def _with_payload(data: m.OverdueData, payload: str) -> m.OverdueData:
    from dataclasses import replace  # noqa: PLC0415

    return replace(data, qr_payload=payload)
