"""Biên nhận bưu gửi KT1: the A5 acceptance receipt handed to the sender's messenger."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from securemail.documents.layout import (
    PAGE_A5,
    FieldValue,
    Signature,
    barcode,
    build_pdf,
    field_table,
    frame_width,
    official_header,
    qr_code,
    side_by_side,
    signature_blocks,
    table_width,
    title_block,
)
from securemail.documents.models import ReceiptData, Secrecy
from securemail.documents.styles import Styles, fmt_dt, fmt_grams, make_styles, markup, para

TITLE = "Biên nhận bưu gửi KT1"
NAMED_ONLY = "Chỉ người có tên mới được bóc bì"


def secrecy_text(secrecy: Secrecy) -> str:
    return f"{secrecy.code} — {secrecy.label}" if secrecy.code else secrecy.label


def _named(data: ReceiptData, st: Styles) -> list[Flowable] | None:
    if not data.named_recipient:
        return None
    cell: list[Flowable] = [para(data.named_recipient, st.bold)]
    if data.named_only:
        cell.append(markup(f"<u>{NAMED_ONLY}</u>", st.bold))
    return cell


def _parties(data: ReceiptData, st: Styles) -> list[tuple[str, FieldValue]]:
    """Long free-text fields: full width."""
    person = data.sender_person
    if data.sender_person_id:
        person = f"{person} (số định danh / căn cước: {data.sender_person_id})"
    rows: list[tuple[str, FieldValue]] = [
        ("Cơ quan gửi", data.sender_agency),
        ("Người nộp", person),
        ("Nơi nhận", data.recipient_agency),
    ]
    named = _named(data, st)
    if named:
        rows.append(("Người nhận đích danh", named))
    rows.append(("Số, ký hiệu tài liệu", data.doc_ref))
    if data.description:
        rows.append(("Trích yếu", data.description))
    if data.notes:
        rows.append(("Ghi chú", data.notes))
    return rows


def _handling(data: ReceiptData, st: Styles) -> list[tuple[str, FieldValue]]:
    """Short fields: printed beside the QR code."""
    rows: list[tuple[str, FieldValue]] = [
        ("Độ mật", secrecy_text(data.secrecy)),
        ("Dịch vụ, phạm vi", f"{data.service_class} — {data.scope}"),
    ]
    if data.urgency:
        rows.append(("Độ khẩn", data.urgency))
    rows += [
        ("Số bì, khối lượng", f"{data.envelopes} bì" + (f" — {fmt_grams(data.weight_grams)}"
                                                        if data.weight_grams is not None else "")),
        ("Số niêm phong", data.seals),
        ("Tình trạng niêm phong", data.seal_condition),
    ]
    if data.recall_deadline:
        rows.append(("Tài liệu thu hồi", f"Hạn thu hồi {fmt_dt(data.recall_deadline)}"))
    due: FieldValue = fmt_dt(data.due_at)
    if data.due_basis:
        due = [para(fmt_dt(data.due_at), st.bold), para(data.due_basis, st.small)]
    rows += [
        ("Chấp nhận lúc", fmt_dt(data.accepted_at)),
        ("Thời hạn phát", due),
        ("Giao dịch viên", data.clerk_name),
    ]
    return rows


def render_receipt(data: ReceiptData, out: Path | BinaryIO) -> None:
    st = make_styles(8.5)
    width = frame_width(PAGE_A5)
    qr = qr_code(data.qr_payload, st)
    gap = 3 * mm
    handling = field_table(_handling(data, st), st, width - table_width(qr) - gap, 30 * mm)
    signatures = signature_blocks(
        [Signature("Người nộp", data.sender_person), Signature("Giao dịch viên KT1", data.clerk_name)],
        st,
        width,
        space=14 * mm,
    )
    story: list[Flowable] = [
        official_header(data.imprint, st, width),
        *title_block(TITLE, st),
        barcode(data.tracking, st, width * 0.8),
        Spacer(1, 2 * mm),
        field_table(_parties(data, st), st, width, 30 * mm),
        KeepTogether([side_by_side(handling, qr, width, table_width(qr), gap=gap), Spacer(1, 3 * mm), signatures]),
    ]
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A5,
        title=f"{TITLE} {data.tracking}",
        footer_note=data.tracking,
    )
