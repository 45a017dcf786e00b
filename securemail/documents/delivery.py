"""Phiếu xác nhận đã nhận: the delivery confirmation signed by the receiving agency."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents.layout import (
    PAGE_A4,
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
from securemail.documents.models import DeliveryData
from securemail.documents.receipt import secrecy_text
from securemail.documents.styles import fmt_dt, make_styles, markup

TITLE = "Phiếu xác nhận đã nhận"
STATEMENT = "Cơ quan nhận xác nhận đã nhận bưu gửi nêu trên, đủ số bì, với tình trạng niêm phong như đã ghi."


def render_delivery(data: DeliveryData, out: Path | BinaryIO) -> None:
    st = make_styles(10)
    width = frame_width(PAGE_A4)
    receiver = data.receiving_person
    if data.receiving_person_title:
        receiver = f"{receiver} — {data.receiving_person_title}"
    rows: list[tuple[str, FieldValue]] = [
        ("Số hiệu bưu gửi", data.tracking),
        ("Cơ quan gửi", data.sender_agency),
        ("Cơ quan nhận", data.recipient_agency),
    ]
    if data.named_recipient:
        rows.append(("Người nhận đích danh", data.named_recipient))
    rows += [
        ("Độ mật", secrecy_text(data.secrecy)),
        ("Dịch vụ", data.service_class),
    ]
    if data.urgency:
        rows.append(("Độ khẩn", data.urgency))
    rows += [
        ("Số, ký hiệu tài liệu", data.doc_ref),
        ("Số bì", str(data.envelopes)),
        ("Tình trạng niêm phong khi nhận", data.seal_condition),
        ("Thời điểm nhận", fmt_dt(data.delivered_at)),
        ("Người nhận", receiver),
    ]
    rows.append(("Số định danh / căn cước", data.receiving_person_id))
    rows.append(("Người giao", data.delivered_by))
    qr = qr_code(data.qr_payload, st)
    signatures = signature_blocks(
        [
            Signature("Người giao", data.delivered_by),
            Signature("Người nhận", data.receiving_person, caption=data.receiving_person_title),
        ],
        st,
        width - table_width(qr) - 6 * mm,
    )
    story: list[Flowable] = [
        official_header(data.imprint, st, width),
        *title_block(TITLE, st),
        barcode(data.tracking, st, width * 0.6),
        Spacer(1, 3 * mm),
        field_table(rows, st, width, 52 * mm),
        Spacer(1, 3 * mm),
        markup(STATEMENT, st.italic),
        Spacer(1, 5 * mm),
        side_by_side(signatures, qr, width, table_width(qr), gap=6 * mm),
    ]
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A4,
        title=f"{TITLE} {data.tracking}",
        footer_note=data.tracking,
    )
