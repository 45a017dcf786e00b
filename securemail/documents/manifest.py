"""Bảng kê chi tiết gửi: the list of items in one bag / dispatch, signed by both parties."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents.layout import (
    PAGE_A4,
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
from securemail.documents.models import ManifestData
from securemail.documents.styles import EMPTY, fmt_dt, fmt_grams, make_styles, markup, para
from securemail.documents.tables import grid_then, mm_widths

TITLE = "Bảng kê chi tiết gửi"
HEADERS = ["STT", "Số hiệu bưu gửi", "Độ mật", "Dịch vụ", "Nơi nhận", "Số bì", "Khối lượng"]
WIDTHS_MM = [10, 34, 14, 20, 0, 12, 20]  # 0: takes the rest


def render_manifest(data: ManifestData, out: Path | BinaryIO) -> None:
    st = make_styles(9.5)
    width = frame_width(PAGE_A4)
    qr = qr_code(data.qr_payload, st)
    fields = field_table(
        [
            ("Số túi / chuyến thư", data.bag_number),
            ("Số niêm phong túi", data.seal),
            ("Bưu cục gửi", data.from_office),
            ("Bưu cục nhận", data.to_office),
            ("Thời điểm đóng túi", fmt_dt(data.closed_at)),
        ],
        st,
        width - table_width(qr) - 6 * mm,
        38 * mm,
    )
    widths = mm_widths(WIDTHS_MM, width)
    rows: list[list[Flowable]] = [
        [
            para(str(number), st.cell_center),
            para(item.tracking, st.cell),
            para(item.secrecy_code or EMPTY, st.cell_center),
            para(item.service_class, st.cell),
            para(item.recipient, st.cell),
            para(str(item.envelopes), st.cell_center),
            para(fmt_grams(item.weight_grams), st.cell_right),
        ]
        for number, item in enumerate(data.items, start=1)
    ]
    if data.items:
        weights = [i.weight_grams for i in data.items if i.weight_grams is not None]
        rows.append(
            [
                markup("", st.cell),
                para("Tổng cộng", st.bold),
                markup("", st.cell),
                markup("", st.cell),
                para(f"{len(data.items)} bưu gửi", st.bold),
                para(str(sum(i.envelopes for i in data.items)), st.cell_center),
                para(fmt_grams(sum(weights)) if weights else EMPTY, st.cell_right),
            ]
        )
    story: list[Flowable] = [
        official_header(data.imprint, st, width),
        *title_block(TITLE, st, f"Túi số {data.bag_number}"),
        barcode(data.bag_number, st, width * 0.5),
        Spacer(1, 2 * mm),
        side_by_side(fields, qr, width, table_width(qr), gap=6 * mm),
        Spacer(1, 4 * mm),
    ]
    tail: list[Flowable] = [Spacer(1, 2 * mm), para(f"Ghi chú: {data.notes}", st.body)] if data.notes else []
    tail += [
        Spacer(1, 6 * mm),
        signature_blocks([Signature("Bên giao", data.handed_by), Signature("Bên nhận", data.received_by)], st, width),
    ]
    story += grid_then(HEADERS, rows, widths, st, tail, empty_text="Túi không có bưu gửi")
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A4,
        title=f"{TITLE} {data.bag_number}",
        footer_note=f"Túi {data.bag_number}",
    )
