"""A 10,000-item register through securemail.documents vs bare reportlab of the same rows.

Bare: SimpleDocTemplate + one Table per 200 rows, same font, A4 landscape, each cell wrapped to its column with
reportlab's simpleSplit (about our page count: the fair comparison for the cost of our layer: header, footer, QR,
page x/y). Both PDFs are checked to open (pypdf) after timing.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from harness import Context, Result, timed
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

ORDER = 50

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


def run(ctx: Context) -> list[Result]:
    count = ctx.pick(300, 10_000, 10_000)
    rows = make_rows(count)
    mine, bare = io.BytesIO(), io.BytesIO()
    t_ours = timed(lambda: ours(rows, mine))
    t_bare = timed(lambda: plain(rows, bare, cells="wrapped"))
    pages = len(PdfReader(io.BytesIO(mine.getvalue())).pages)
    bare_pages = len(PdfReader(io.BytesIO(bare.getvalue())).pages)
    return [Result(f"register of {count:,} rows ({pages:,} pages)", t_ours, t_bare, "s",
                   f"bare reportlab Table, wrapped cells ({bare_pages:,} pages)")]
