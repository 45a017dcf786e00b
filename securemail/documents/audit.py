"""Integrity audit report: the outcome of a verification run and every problem it found."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents import official
from securemail.documents.layout import qr_code
from securemail.documents.models import AuditData
from securemail.documents.styles import EMPTY, Styles, fmt_dt, make_styles, markup, para
from securemail.documents.tables import grid, grid_then, mm_widths

TITLE = "Báo cáo kiểm tra tính toàn vẹn"
RESULT_OK = "Đạt — không phát hiện vấn đề"
RESULT_PROBLEMS = "Không đạt — phát hiện vấn đề"
CHECK_HEADERS = ["Nội dung kiểm tra", "Kết quả", "Chi tiết"]
CHECK_WIDTHS_MM = [62, 22, 0]
PROBLEM_HEADERS = ["Số thứ tự sự kiện", "Bưu gửi", "Loại vấn đề", "Mô tả"]
PROBLEM_WIDTHS_MM = [18, 28, 36, 0]
TRAIL_HEADERS = ["Số TT", "Thời điểm", "Người dùng", "Hoạt động", "Chi tiết"]
TRAIL_WIDTHS_MM = [16, 32, 26, 44, 0]
RED = "#b00000"


def _result(ok: bool, count: int) -> str:
    if ok:
        return f"<b>{RESULT_OK}</b>"
    return f'<font color="{RED}"><b>{RESULT_PROBLEMS} ({count})</b></font>'


def _ok_cell(ok: bool, st: Styles) -> Flowable:
    return markup("Đạt" if ok else f'<font color="{RED}"><b>Không đạt</b></font>', st.cell_center)


def render_audit(data: AuditData, out: Path | BinaryIO) -> None:
    """A báo cáo in the presentation of NĐ 30/2020 Phụ lục I (documents.official)."""
    body = official.body_styles()
    st = official.table_styles()
    width = official.WIDTH
    iss = data.issuance or official.default_issuance(data.imprint, "BC")
    checks = [[para(c.label, st.cell), _ok_cell(c.ok, st), para(c.detail or EMPTY, st.cell)] for c in data.checks]
    problems = [
        [
            para(EMPTY if p.seq is None else str(p.seq), st.cell_center),
            para(p.tracking or EMPTY, st.cell),
            para(p.group or EMPTY, st.cell),
            para(p.message, st.cell),
        ]
        for p in data.problems
    ]
    facts = (
        f"Kiểm tra lúc {fmt_dt(data.verified_at)}: {data.events_checked:,} sự kiện".replace(",", ".")
        + f", {data.checkpoints_checked} điểm kiểm tra nhận từ bên ngoài."
    )
    qr = qr_code(data.qr_payload, make_styles(7, serif=True))
    story: list[Flowable] = [
        official.heading(iss),
        *official.title("Báo cáo", ["Kết quả kiểm tra tính toàn vẹn của sổ nhật ký bưu gửi KT1"]),
        para(facts, body.body),
        Spacer(1, 1 * mm),
        markup("Kết quả: " + _result(data.ok, len(data.problems)), body.body),
        para(f"Mã băm nội dung báo cáo: {data.content_hash}", make_styles(10, serif=True).body),
        Spacer(1, 3 * mm),
    ]
    if checks:
        story += [
            markup("<b>1. Các bước kiểm tra</b>", body.body),
            Spacer(1, 2 * mm),
            *grid(CHECK_HEADERS, checks, mm_widths(CHECK_WIDTHS_MM, width), st),
            Spacer(1, 4 * mm),
        ]
    story += [markup(f"<b>{'2' if checks else '1'}. Danh sách vấn đề</b>", body.body), Spacer(1, 2 * mm)]
    tail: list[Flowable] = [Spacer(1, 6 * mm), official.closing(iss, qr)]
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
                                   body.body), Spacer(1, 2 * mm)],
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
    official.build_official_pdf(out, story, imprint=data.imprint, title_text=TITLE)
