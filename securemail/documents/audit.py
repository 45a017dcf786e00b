"""Integrity audit report: the outcome of a verification run and every problem it found."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents.layout import (
    PAGE_A4,
    Signature,
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
from securemail.documents.models import AuditData
from securemail.documents.styles import EMPTY, Styles, fmt_dt, make_styles, markup, para
from securemail.documents.tables import grid, grid_then, mm_widths

TITLE = "Báo cáo kiểm tra tính toàn vẹn"
RESULT_OK = "OK — Không phát hiện vấn đề"
RESULT_PROBLEMS = "PROBLEMS — Phát hiện vấn đề"
CHECK_HEADERS = ["Nội dung kiểm tra", "Kết quả", "Chi tiết"]
CHECK_WIDTHS_MM = [70, 25, 0]
PROBLEM_HEADERS = ["Số TT sự kiện", "Bưu gửi", "Mã lỗi", "Mô tả"]
PROBLEM_WIDTHS_MM = [18, 30, 46, 0]
TRAIL_HEADERS = ["Số TT", "Thời điểm", "Người dùng", "Hoạt động", "Chi tiết"]
TRAIL_WIDTHS_MM = [16, 32, 26, 44, 0]
RED = "#b00000"


def _result(ok: bool, count: int, st: Styles) -> Flowable:
    if ok:
        return markup(f"<b>{RESULT_OK}</b>", st.body)
    return markup(f'<font color="{RED}"><b>{RESULT_PROBLEMS} ({count})</b></font>', st.body)


def _ok_cell(ok: bool, st: Styles) -> Flowable:
    return markup("Đạt" if ok else f'<font color="{RED}"><b>Không đạt</b></font>', st.cell_center)


def render_audit(data: AuditData, out: Path | BinaryIO) -> None:
    st = make_styles(9.5)
    width = frame_width(PAGE_A4)
    qr = qr_code(data.qr_payload, st)
    fields = field_table(
        [
            ("Thời điểm kiểm tra", fmt_dt(data.verified_at)),
            ("Số sự kiện đã kiểm tra", f"{data.events_checked:,}".replace(",", ".")),
            ("Số điểm kiểm tra (checkpoint)", f"{data.checkpoints_checked:,}".replace(",", ".")),
            ("Kết quả", _result(data.ok, len(data.problems), st)),
            ("Mã băm nội dung báo cáo", para(data.content_hash, st.small)),
        ],
        st,
        width - table_width(qr) - 6 * mm,
        46 * mm,
    )
    checks = [[para(c.label, st.cell), _ok_cell(c.ok, st), para(c.detail or EMPTY, st.cell)] for c in data.checks]
    problems = [
        [
            para(EMPTY if p.seq is None else str(p.seq), st.cell_center),
            para(p.tracking or EMPTY, st.cell),
            para(p.code, st.cell),
            para(p.message, st.cell),
        ]
        for p in data.problems
    ]
    story: list[Flowable] = [
        official_header(data.imprint, st, width),
        *title_block(TITLE, st, f"Kiểm tra lúc {fmt_dt(data.verified_at)}"),
        side_by_side(fields, qr, width, table_width(qr), gap=6 * mm),
        Spacer(1, 4 * mm),
    ]
    if checks:
        story += [
            markup("<b>1. Các bước kiểm tra</b>", st.body),
            Spacer(1, 2 * mm),
            *grid(CHECK_HEADERS, checks, mm_widths(CHECK_WIDTHS_MM, width), st),
            Spacer(1, 5 * mm),
        ]
    story += [markup(f"<b>{'2' if checks else '1'}. Danh sách vấn đề</b>", st.body), Spacer(1, 2 * mm)]
    signature = signature_blocks([Signature("Người kiểm tra", data.imprint.printed_by)], st, width / 2)
    signature.hAlign = "RIGHT"
    tail: list[Flowable] = [Spacer(1, 8 * mm), signature]
    trail = [
        [para(str(r.seq), st.cell_center), para(fmt_dt(r.time), st.cell), para(r.actor, st.cell),
         para(r.label, st.cell), para(r.detail or EMPTY, st.cell)]
        for r in data.trail
    ]
    number = 3 if checks else 2
    story += grid_then(
        PROBLEM_HEADERS,
        problems,
        mm_widths(PROBLEM_WIDTHS_MM, width),
        st,
        [Spacer(1, 5 * mm), markup(f"<b>{number}. Nhật ký sử dụng ứng dụng ({len(trail)} mục gần nhất)</b>",
                                   st.body), Spacer(1, 2 * mm)],
        empty_text="Không phát hiện vấn đề",
    )
    story += grid_then(
        TRAIL_HEADERS,
        trail,
        mm_widths(TRAIL_WIDTHS_MM, width),
        st,
        tail,
        empty_text="Không có mục nào (hoặc người in không có quyền xem nhật ký)",
    )
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A4,
        title=TITLE,
        footer_note=f"Mã băm {data.content_hash[:16]}",
    )
