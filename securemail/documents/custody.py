"""Báo cáo chuỗi lưu giữ: one item's full custody timeline with each signer and signature status."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents.layout import (
    PAGE_A4,
    barcode,
    build_pdf,
    field_table,
    frame_width,
    official_header,
    qr_code,
    side_by_side,
    table_width,
    title_block,
)
from securemail.documents.models import CustodyData, CustodyEvent
from securemail.documents.receipt import secrecy_text
from securemail.documents.styles import EMPTY, Styles, fmt_dt, make_styles, markup, para
from securemail.documents.tables import grid

TITLE = "Báo cáo chuỗi lưu giữ"
VALID = "Hợp lệ"
INVALID = "KHÔNG hợp lệ"
HASH_PREFIX = 12
HEADERS = [
    "Số TT sự kiện",
    "Thời gian",
    "Sự kiện",
    "Người thực hiện",
    "Người ký cùng",
    "Địa điểm",
    "Chữ ký",
    "Mã băm",
]
WIDTHS_MM = [13, 25, 22, 27, 27, 24, 17, 25]


def _status(ok: bool, st: Styles) -> Flowable:
    if ok:
        return markup(VALID, st.cell_center)
    return markup(f'<font color="#b00000"><b>{INVALID}</b></font>', st.cell_center)


def _row(event: CustodyEvent, st: Styles) -> list[Flowable]:
    return [
        para(str(event.seq), st.cell_center),
        para(fmt_dt(event.time), st.cell),
        para(event.label, st.cell),
        para(event.actor, st.cell),
        para(event.cosigner or EMPTY, st.cell),
        para(event.place, st.cell),
        _status(event.signature_ok, st),
        para(event.event_hash[:HASH_PREFIX], st.cell),
    ]


def render_custody(data: CustodyData, out: Path | BinaryIO) -> None:
    st = make_styles(9)
    width = frame_width(PAGE_A4)
    item = data.item
    qr = qr_code(data.qr_payload, st)
    fields = field_table(
        [
            ("Số hiệu bưu gửi", item.tracking),
            ("Cơ quan gửi", item.sender_agency),
            ("Cơ quan nhận", item.recipient_agency),
            ("Độ mật", secrecy_text(item.secrecy)),
            ("Dịch vụ, phạm vi", f"{item.service_class} — {item.scope}"),
            ("Số, ký hiệu tài liệu", item.doc_ref),
            ("Chấp nhận lúc", fmt_dt(item.accepted_at)),
            ("Thời hạn phát", fmt_dt(item.due_at)),
            ("Trạng thái hiện tại", item.status),
        ],
        st,
        width - table_width(qr) - 6 * mm,
        36 * mm,
    )
    bad = sum(1 for e in data.events if not e.signature_ok)
    summary = f"{len(data.events)} sự kiện; "
    summary += f'<font color="#b00000"><b>{bad} chữ ký {INVALID}</b></font>' if bad else "tất cả chữ ký hợp lệ"
    widths = [w * mm for w in WIDTHS_MM]
    story: list[Flowable] = [
        official_header(data.imprint, st, width),
        *title_block(TITLE, st, f"Bưu gửi {item.tracking}"),
        barcode(item.tracking, st, width * 0.5),
        Spacer(1, 2 * mm),
        side_by_side(fields, qr, width, table_width(qr), gap=6 * mm),
        Spacer(1, 4 * mm),
        markup(f"<b>Diễn biến lưu giữ</b>: {summary}", st.body),
        Spacer(1, 2 * mm),
        *grid(HEADERS, [_row(e, st) for e in data.events], widths, st, empty_text="Chưa có sự kiện"),
        Spacer(1, 2 * mm),
        markup(f"Mã băm: {HASH_PREFIX} ký tự đầu của mã băm sự kiện trong sổ cái.", st.small),
    ]
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A4,
        title=f"{TITLE} {item.tracking}",
        footer_note=item.tracking,
    )
