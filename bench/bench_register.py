"""Render a 10,000-row register through securemail.documents and through plain reportlab; print the times.

    .venv/bin/python bench/bench_register.py [ROWS]

Baselines use the same rows, the same font, A4 landscape and one Table per 200 rows:
  plain-strings: SimpleDocTemplate + Table of plain strings (no wrapping: long text would run out of its cell,
    so it prints about a third of our pages)
  plain-wrapped: the same, each cell first wrapped to its column with reportlab's simpleSplit (about our
    page count: the fair comparison for the cost of our layer)
  plain-paragraphs: the same with every cell a Paragraph (wraps like ours, but no header/footer/QR/page x/y)
Ours wraps cells itself too (securemail.documents.linebreak) and hands reportlab multi-line strings.
No assertions: timing on this machine is noisy (+-30 %); compare the ratios from one run.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from securemail.documents import render_register
from securemail.documents.fonts import FONT_REGULAR
from securemail.documents.models import Imprint, RegisterData, RegisterKind
from securemail.documents.register_layouts import choose_layout
from securemail.documents.styles import make_styles

PERIOD = (date(2026, 3, 1), date(2026, 12, 31))
KIND = RegisterKind.SECRET_OUTGOING
RECIPIENTS = [
    "Công an tỉnh Gia Lai",
    "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk - Phòng Hành chính, Tổ chức và Quản trị",
    "Sở Khoa học và Công nghệ tỉnh Gia Lai",
]


def make_rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "so_thu_tu": str(i + 1),
            "so_ky_hieu": f"{i + 1}/SKHCN-VP",
            "ngay_thang": f"{1 + i % 28:02d}/{3 + i % 10:02d}/2026",
            "trich_yeu": "Công văn" if i % 3 else "Báo cáo tình hình thực hiện nhiệm vụ bảo vệ bí mật nhà nước",
            "do_mat": ("Tuyệt mật", "Tối mật", "Mật")[i % 3],
            "nguoi_ky": "Nguyễn Văn An",
            "noi_nhan": RECIPIENTS[i % 3],
            "don_vi_luu": "Văn phòng Sở",
            "so_luong": str(1 + i % 3),
            "ghi_chu": "",
        }
        for i in range(count)
    ]


def ours(rows: list[dict[str, str]], out: io.BytesIO) -> None:
    imprint = Imprint(office_name="Bưu điện tỉnh Gia Lai", printed_by="Lê Thị Thu Hà", printed_at=datetime.now())
    data = RegisterData(
        imprint=imprint,
        qr_payload="SM1:" + "A1b2C3d4" * 40,
        kind=KIND,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        agency_name="Sở Khoa học và Công nghệ tỉnh Gia Lai",
        rows=rows,
    )
    render_register(data, out)


def plain(rows: list[dict[str, str]], out: io.BytesIO, *, cells: str) -> None:
    """``cells``: "strings", "wrapped" (strings wrapped with simpleSplit) or "paragraphs"."""
    layout = choose_layout(KIND, *PERIOD)
    st = make_styles(9)
    width = landscape(A4)[0] - 30 * mm
    total = sum(c.width for c in layout.columns)
    widths = [width * c.width / total for c in layout.columns]
    keys = [c.key for c in layout.columns]
    header = [c.header for c in layout.columns]
    style = TableStyle([("FONT", (0, 0), (-1, -1), FONT_REGULAR, 8.5), ("GRID", (0, 0), (-1, -1), 0.5, "black")])
    story = []
    for start in range(0, len(rows), 200):
        chunk: list[list[object]] = [[row[k] for k in keys] for row in rows[start : start + 200]]
        data: list[list[object]] = [list(header), *chunk]
        if cells == "wrapped":  # Table's default padding is 6 points a side
            data = [
                [
                    "\n".join(simpleSplit(str(cell), FONT_REGULAR, 8.5, w - 12))
                    for cell, w in zip(line, widths, strict=True)
                ]
                for line in data
            ]
        elif cells == "paragraphs":
            data = [[Paragraph(str(cell), st.cell) for cell in line] for line in data]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(style)
        story.append(table)
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm)
    doc.build(story)


def timed(name: str, fn: Callable[[io.BytesIO], None]) -> float:
    out = io.BytesIO()
    start = time.perf_counter()
    fn(out)
    elapsed = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(out.getvalue())).pages)
    size = len(out.getvalue()) / 1e6
    print(f"{name:18s} {elapsed:7.2f} s  {pages:5d} pages  {pages / elapsed:6.1f} pages/s  {size:5.1f} MB")
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rows = make_rows(count)
    print(f"register of {count} rows, layout {choose_layout(KIND, *PERIOD).id}")
    t_ours = timed("securemail", lambda out: ours(rows, out))
    t_strings = timed("plain-strings", lambda out: plain(rows, out, cells="strings"))
    t_wrapped = timed("plain-wrapped", lambda out: plain(rows, out, cells="wrapped"))
    t_paras = timed("plain-paragraphs", lambda out: plain(rows, out, cells="paragraphs"))
    print(f"ratio securemail / plain-strings    = {t_ours / t_strings:.2f}")
    print(f"ratio securemail / plain-wrapped    = {t_ours / t_wrapped:.2f}")
    print(f"ratio securemail / plain-paragraphs = {t_ours / t_paras:.2f}")


if __name__ == "__main__":
    main()
