"""Printed documents from the vault: fill the documents' data classes, sign a QR statement, render the PDF.

Receipts and delivery confirmations attest one event (its hash); manifests and reports attest the hash of their
content rows. Every statement names the checkpoint (size, root) the vault had when it was printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from securemail import documents as docs
from securemail.clock import ICT, parse_iso
from securemail.custody import kinds as K
from securemail.custody.duetimes import early_minutes
from securemail.custody.ledger import latest_checkpoint
from securemail.custody.verify import VerificationReport
from securemail.documents import models as m
from securemail.documents.fonts import FontsNotFoundError
from securemail.domain.enums import ItemStatus, Scope, SealCondition, Secrecy, ServiceClass
from securemail.domain.labels import label
from securemail.domain.norms import printed_source
from securemail.domain.punctuality import Outcome
from securemail.errors import BadInputError, NotFoundError, StateError, StorageError
from securemail.i18n import current_language, tr
from securemail.services import bags, items, norms, statements
from securemail.services.directory import get_agency
from securemail.services.permissions import Permission, allowed
from securemail.services.session import Session, load_user

Out = Path | BinaryIO
def _render(fn: Callable[[Any, Out], None], data: Any, out: Out) -> None:
    try:
        fn(data, out)
    except FontsNotFoundError as e:
        raise StorageError("report.fonts_missing", detail=str(e)) from e


def event_label(kind: str, lang: str = "vi") -> str:
    """An event kind in words, from the one table (custody.kinds.RULES); papers are in Vietnamese."""
    return K.kind_label(kind, lang)


def _imprint(session: Session) -> m.Imprint:
    return m.Imprint(office_name=session.office_name, printed_by=session.user.full_name,
                     printed_at=session.clock.now().astimezone(ICT))


def _secrecy(value: str) -> m.Secrecy:
    s = Secrecy(value)
    return m.Secrecy(code=s.envelope_code or "", label=label(s, "vi"))


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


def _checkpoint(session: Session) -> Any:
    cp = latest_checkpoint(session.conn)
    if cp is None:
        raise NotFoundError("notfound.checkpoint")
    return cp


def _event(session: Session, tracking: str, kind: str) -> dict[str, Any]:
    found = [e for e in items.timeline(session, tracking) if e["kind"] == kind]
    if not found:
        raise StateError("state.illegal", tracking=tracking, status="-", action=kind)
    return found[-1]


def receipt(session: Session, tracking: str, out: Out) -> str:
    """Acceptance receipt (biên nhận) for the sender; returns the QR payload."""
    session.require(Permission.PRINT_RECEIPT)
    item = items.item_row(session, tracking)
    ev = _event(session, item["tracking"], K.ITEM_ACCEPTED)
    payload = statements.issue(session, "receipt", item["tracking"], ev["hash"], _checkpoint(session))
    norm = next((n for n in items.load_norms(session)
                 if n.service.value == item["service"] and n.scope.value == item["scope"]), None)
    basis = f"{norm.target_text} ngày làm việc ({printed_source(norm.source)})" if norm and norm.target_text else \
        ("Theo giờ hẹn" if item["appointed_at"] else None)
    data = m.ReceiptData(
        imprint=_imprint(session), qr_payload=payload, tracking=item["tracking"],
        sender_agency=_agency_name(session, item["sender_agency"]), sender_person=item["sender_person"] or "",
        sender_person_id=item["sender_person_id"], recipient_agency=_agency_name(session, item["recipient_agency"]),
        named_recipient=item["named_recipient"], named_only=bool(item["named_only"]),
        secrecy=_secrecy(item["secrecy"]), service_class=label(ServiceClass(item["service"]), "vi"),
        scope=label(Scope(item["scope"]), "vi"), doc_ref=item["doc_ref"] or "", description=item["description"],
        envelopes=item["envelopes"], weight_grams=item["weight_grams"], seals=item["seal_numbers"] or "",
        seal_condition=label(SealCondition(item["seal_condition"]), "vi"),
        accepted_at=_time(item["accepted_at"]) or session.clock.now(),
        recall_deadline=datetime.fromisoformat(item["recall_deadline"]).replace(tzinfo=ICT)
        if item["recall_deadline"] else None,
        due_at=_time(item["due_at"]), due_basis=basis, clerk_name=_person_name(session, item["accepted_by"]),
        notes=item["notes"])
    _render(docs.render_receipt, data, out)
    return payload


def delivery(session: Session, tracking: str, out: Out) -> str:
    """Delivery confirmation (phiếu xác nhận đã nhận)."""
    session.require(Permission.PRINT_RECEIPT)
    item = items.item_row(session, tracking)
    if item["status"] != ItemStatus.DELIVERED.value:
        raise StateError("state.illegal", tracking=item["tracking"],
                         status=label(ItemStatus(item["status"]), current_language()), action="print delivery")
    ev = _event(session, item["tracking"], K.ITEM_DELIVERED)
    payload = statements.issue(session, "delivery", item["tracking"], ev["hash"], _checkpoint(session))
    person = ev["data"].get("person") or {}
    receiver = _person_name(session, ev["data"].get("to")) if ev["data"].get("to") else person.get("name", "")
    data = m.DeliveryData(
        imprint=_imprint(session), qr_payload=payload, tracking=item["tracking"],
        sender_agency=_agency_name(session, item["sender_agency"]),
        recipient_agency=_agency_name(session, item["recipient_agency"]), named_recipient=item["named_recipient"],
        secrecy=_secrecy(item["secrecy"]), service_class=label(ServiceClass(item["service"]), "vi"),
        doc_ref=item["doc_ref"] or "", envelopes=item["envelopes"],
        seal_condition=label(SealCondition(item["seal_condition"]), "vi"),
        delivered_at=_time(item["delivered_at"]) or session.clock.now(), receiving_person=receiver,
        receiving_person_title="Văn thư" if ev["data"].get("to") else None,
        receiving_person_id=person.get("id_number"),
        delivered_by=_person_name(session, ev["actor"]))
    _render(docs.render_delivery, data, out)
    return payload


def manifest(session: Session, bag_id: str, out: Out) -> str:
    """Bag manifest (bảng kê chi tiết gửi) with both signature blocks."""
    session.require(Permission.PRINT_REPORTS)
    bag = bags.get_bag(session, bag_id)
    rows = [items.item_row(session, t) for t in bag["items"]]
    content = {"bag": bag["bag"], "seal": bag["seal"], "items": [r["tracking"] for r in rows]}
    payload = statements.issue(session, "manifest", bag["bag"], statements.content_digest(content),
                               _checkpoint(session))
    data = m.ManifestData(
        imprint=_imprint(session), qr_payload=payload, bag_number=bag["bag"], seal=bag["seal"] or "",
        from_office=session.office_name, to_office=_agency_name(session, bag["destination"]),
        closed_at=_bag_closed_at(session, bag["bag"]), handed_by=_person_name(session, bag["created_by"]),
        received_by=_person_name(session, bag["holder"]) if bag["holder"] != bag["created_by"] else None,
        items=[m.ManifestItem(tracking=r["tracking"], secrecy_code=Secrecy(r["secrecy"]).envelope_code or "",
                              service_class=label(ServiceClass(r["service"]), "vi"),
                              recipient=_agency_name(session, r["recipient_agency"]), envelopes=r["envelopes"],
                              weight_grams=r["weight_grams"]) for r in rows])
    _render(docs.render_manifest, data, out)
    return payload


def _bag_closed_at(session: Session, bag: str) -> datetime | None:
    row = session.conn.execute("SELECT time FROM events WHERE subject = ? AND kind = ? ORDER BY seq DESC LIMIT 1",
                               (K.bag_subject(bag), K.BAG_CLOSED)).fetchone()
    return _time(row[0]) if row else None


def custody(session: Session, tracking: str, out: Out) -> str:
    """Custody report for one item: the full timeline with each signer and signature status. Whoever may print
    receipts (a secretary, for their agency's items) or reports may print it."""
    if not allowed(session.role, Permission.PRINT_RECEIPT):
        session.require(Permission.PRINT_REPORTS)
    item = items.item_row(session, tracking)
    events = items.timeline(session, item["tracking"])
    content = {"tracking": item["tracking"], "events": [[e["seq"], e["hash"], e["signature_ok"]] for e in events]}
    payload = statements.issue(session, "custody", item["tracking"], statements.content_digest(content),
                               _checkpoint(session))
    summary = m.ItemSummary(
        tracking=item["tracking"], sender_agency=_agency_name(session, item["sender_agency"]),
        recipient_agency=_agency_name(session, item["recipient_agency"]), secrecy=_secrecy(item["secrecy"]),
        service_class=label(ServiceClass(item["service"]), "vi"), scope=label(Scope(item["scope"]), "vi"),
        doc_ref=item["doc_ref"] or "", accepted_at=_time(item["accepted_at"]) or session.clock.now(),
        due_at=_time(item["due_at"]), status=label(ItemStatus(item["status"]), "vi"))
    rows = [m.CustodyEvent(seq=e["seq"], time=_time(e["time"]) or session.clock.now(), label=event_label(e["kind"]),
                           actor=_person_name(session, e["actor"]),
                           cosigner=_person_name(session, e["cosigner"]) if e["cosigner"] else
                           (e["data"].get("person") or {}).get("name"),
                           place=e["data"].get("location") or session.office_code,
                           signature_ok=e["signature_ok"], event_hash=e["hash"]) for e in events]
    data = m.CustodyData(imprint=_imprint(session), qr_payload=payload, item=summary, events=rows)
    _render(docs.render_custody, data, out)
    return payload


REGISTER_KINDS = {"outgoing": m.RegisterKind.SECRET_OUTGOING, "incoming": m.RegisterKind.SECRET_INCOMING,
                  "post": m.RegisterKind.POST_OUTGOING}


def _register_row(session: Session, kind: m.RegisterKind, n: int, r: dict[str, Any]) -> dict[str, str]:
    secrecy = Secrecy(r["secrecy"])
    abstract = "(Tuyệt mật: không ghi trích yếu)" if secrecy is Secrecy.TUYET_MAT else (r["description"] or "")
    accepted = _time(r["accepted_at"])
    delivered = _time(r["delivered_at"])
    note = f"{r['tracking']} — {label(ItemStatus(r['status']), 'vi')}"
    common = {"so_thu_tu": str(n), "so_ky_hieu": r["doc_ref"] or "", "trich_yeu": abstract,
              "do_mat": label(secrecy, "vi"), "ghi_chu": note}
    doc_date = r["doc_date"] and date.fromisoformat(r["doc_date"]).strftime("%d/%m/%Y")
    if kind is m.RegisterKind.SECRET_INCOMING:
        return common | {"ngay_den": delivered.strftime("%d/%m/%Y") if delivered else "", "so_den": str(n),
                         "co_quan_ban_hanh": _agency_name(session, r["sender_agency"]),
                         "ngay_thang": doc_date or "", "don_vi_nhan": r["delivered_to"] or ""}
    if kind is m.RegisterKind.POST_OUTGOING:
        return {"ngay_chuyen": accepted.strftime("%d/%m/%Y") if accepted else "", "so_ky_hieu": r["doc_ref"] or "",
                "noi_nhan": _agency_name(session, r["recipient_agency"]), "so_luong_bi": str(r["envelopes"]),
                "ky_nhan": "", "ghi_chu": note}
    recipient = _agency_name(session, r["recipient_agency"])
    if r["delivered_to"]:
        recipient += f" — {r['delivered_to']}"
    return common | {"ngay_thang": doc_date or "",
                     "nguoi_ky": "", "noi_nhan": recipient, "don_vi_luu": "", "so_luong": str(r["envelopes"])}


def _numbered_rows(session: Session, kind: m.RegisterKind, filters: dict[str, str], start: datetime,
                   end: datetime) -> list[tuple[int, dict[str, Any]]]:
    """The register's entries in [start, end) with their numbers: continuous from 01/01 to 31/12 of each year
    (NĐ 30/2020 Điều 15, 22), so a row keeps its number whatever period is printed (entries are never
    removed: the ledger is append-only). The entries before the period are counted by the database, not read:
    a register late in the year must not load the whole year (docs: 30 days of 3,000 items a day)."""
    secret_only = kind is m.RegisterKind.SECRET_OUTGOING or kind is m.RegisterKind.SECRET_INCOMING
    levels = [s.value for s in Secrecy if s is not Secrecy.NONE] if secret_only else [None]
    year_start = datetime.combine(date(start.year, 1, 1), datetime.min.time(), ICT)
    before = sum(items.count_items(session, filters=filters | {"secrecy": level}, date_from=year_start,
                                   date_to=start) for level in levels)
    rows = list(reversed(items.search_items(session, filters=filters, date_from=start, date_to=end,
                                            limit=items.MAX_LIMIT)))
    if secret_only:
        rows = [r for r in rows if r["secrecy"] != Secrecy.NONE.value]
    out: list[tuple[int, dict[str, Any]]] = []
    counters: dict[int, int] = {start.year: before}
    for r in rows:
        year = (_time(r["accepted_at"]) or start).astimezone(ICT).year
        counters[year] = counters.get(year, 0) + 1
        out.append((counters[year], r))
    return out


ROWS_PER_PAGE_GUESS = 9  # register rows on an A4 landscape page, for progress only


def register(session: Session, kind: str, period_start: date, period_end: date, out: Out,
             agency: str | None = None, volume: str | None = None,
             progress: Callable[[int, int], None] | None = None) -> str:
    """A register for a period in the layout in force then (refuses a period that crosses a change of form).
    `progress(done, total)` is called while rows are prepared and pages laid out; it may raise to stop."""
    session.require(Permission.PRINT_REPORTS)
    rk = REGISTER_KINDS.get(kind)
    if rk is None:
        raise BadInputError("input.bad_choice", field="kind", value=kind)
    try:
        layout = docs.choose_layout(rk, period_start, period_end)
    except docs.PeriodStraddlesError as e:
        parts = "; ".join(f"{lo:%d/%m/%Y}-{hi:%d/%m/%Y}" for _, lo, hi in e.parts)
        raise BadInputError("report.period_straddles", field="date_from", parts=parts) from e
    except docs.LayoutChoiceError as e:
        raise BadInputError("report.no_layout", field="date_from") from e
    start = datetime.combine(period_start, datetime.min.time(), ICT)
    end = datetime.combine(period_end + timedelta(days=1), datetime.min.time(), ICT)
    filters = {}
    if agency:
        filters["recipient_agency" if rk is m.RegisterKind.SECRET_INCOMING else "sender_agency"] = agency
    numbered = _numbered_rows(session, rk, filters, start, end)
    pages_guess = len(numbered) // ROWS_PER_PAGE_GUESS + 1
    total = len(numbered) + pages_guess
    table = []
    for i, (n, r) in enumerate(numbered):
        table.append(_register_row(session, rk, n, r))
        if progress is not None and i % 500 == 0:
            progress(i, total)
    del numbered
    ident = f"{layout.id}:{period_start.isoformat()}:{period_end.isoformat()}"
    payload = statements.issue(session, "register", ident, statements.content_digest(table), _checkpoint(session))
    unit = _agency_name(session, agency) if agency else session.office_name

    def on_page(page: int) -> None:
        if progress is not None:
            progress(len(table) + min(page, pages_guess - 1), total)

    try:
        docs.render_register(m.RegisterData(imprint=_imprint(session), qr_payload=payload, kind=rk,
                                            period_start=period_start, period_end=period_end, agency_name=unit,
                                            rows=table, layout_id=layout.id, volume=volume), out, on_page)
    except FontsNotFoundError as e:
        raise StorageError("report.fonts_missing", detail=str(e)) from e
    if progress is not None:
        progress(total, total)
    return payload


def overdue(session: Session, period_start: date, period_end: date, out: Out) -> str:
    """Overdue and on-time report for items accepted in a period."""
    session.require(Permission.PRINT_REPORTS)
    now = session.clock.now()
    start = datetime.combine(period_start, datetime.min.time(), ICT)
    end = datetime.combine(period_end + timedelta(days=1), datetime.min.time(), ICT)
    rows = [r for r in items.search_items(session, date_from=start, date_to=end, limit=1_000_000) if r["due_at"]]
    stats: dict[tuple[str, str], list[int]] = {}
    late_rows = []
    for r in rows:  # the same rule as `norm rates` (services.norms.outcome_of): first attempt stops the clock
        s = stats.setdefault((r["service"], r["scope"]), [0, 0, 0, 0])
        outcome = norms.outcome_of(session, r, now)
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
        early_minutes=early_minutes(session.conn),
        overdue_items=[m.OverdueItem(tracking=r["tracking"],
                                     secrecy_code=Secrecy(r["secrecy"]).envelope_code or "",
                                     service_class=label(ServiceClass(r["service"]), "vi"),
                                     scope=label(Scope(r["scope"]), "vi"),
                                     recipient_agency=_agency_name(session, r["recipient_agency"]),
                                     accepted_at=_time(r["accepted_at"]) or now, due_at=_time(r["due_at"]) or now,
                                     delivered_at=_time(r["first_attempt_at"]),
                                     early=outcome is Outcome.EARLY,
                                     status=label(ItemStatus(r["status"]), "vi")) for r, outcome in late_rows])
    content = {"period": [period_start.isoformat(), period_end.isoformat()],
               "stats": [[k[0], k[1], *v] for k, v in sorted(stats.items())],
               "late": [r["tracking"] for r, _ in late_rows]}
    payload = statements.issue(session, "overdue", f"{period_start}:{period_end}",
                               statements.content_digest(content), _checkpoint(session))
    _render(docs.render_overdue, _with_payload(data, payload), out)
    return payload


def audit(session: Session, report: VerificationReport, out: Out, checkpoints_checked: int = 0) -> str:
    """Integrity audit report from a verification run."""
    session.require(Permission.PRINT_REPORTS)
    content = report.to_json("vi")
    digest = statements.content_digest(content)
    payload = statements.issue(session, "audit", f"size-{report.size}", digest, _checkpoint(session))
    codes = {p.code for p in report.problems}
    checks = [m.AuditCheck(label=tr(f"audit.check.{c}", "vi"), ok=not (codes & set(group)))
              for c, group in AUDIT_GROUPS.items()]
    data = m.AuditData(imprint=_imprint(session), qr_payload=payload, verified_at=session.clock.now().astimezone(ICT),
                       events_checked=report.events_checked, checkpoints_checked=checkpoints_checked,
                       ok=bool(report), content_hash=digest, checks=checks,
                       problems=[m.AuditProblem(seq=p.seq, tracking=p.item, code=p.code, message=p.message("vi"))
                                 for p in report.problems])
    _render(docs.render_audit, data, out)
    return payload


AUDIT_GROUPS: dict[str, Sequence[str]] = {
    "signatures": ("bad_signature", "missing_cosignature", "unknown_signer", "key_not_valid"),
    "chains": ("broken_chain", "missing_event", "reordered_event", "malformed_event", "stored_hash_differs"),
    "merkle": ("checkpoint_root_differs", "checkpoint_size_differs", "not_extension", "bad_checkpoint_signature"),
    "projection": ("projection_differs", "illegal_transition"),
}


def _with_payload(data: m.OverdueData, payload: str) -> m.OverdueData:
    from dataclasses import replace  # noqa: PLC0415

    return replace(data, qr_payload=payload)
