"""Page furniture shared by every document: header, title, footer with page numbers, signatures, codes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeAlias

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, SimpleDocTemplate, Spacer, Table, TableStyle

from securemail.documents.fonts import FONT_REGULAR, register_fonts
from securemail.documents.models import Imprint
from securemail.documents.styles import Styles, clean, fmt_dt, markup, para

PageSize = tuple[float, float]
PAGE_A5: PageSize = A5
PAGE_A4: PageSize = A4
PAGE_A4_LANDSCAPE: PageSize = landscape(A4)

QR_CAPTION = "Quét để kiểm tra tính xác thực"
QR_MODULE = 1.8  # points per QR module (0.64 mm): 3.75 px at 150 dpi, 2.5 px at 100 dpi
QR_MIN_MODULE = 1.35  # 0.48 mm: 2.8 px at 150 dpi
QR_MAX_SIDE = 50 * mm
BARCODE_MODULE = 0.4 * mm  # Code128 X-dimension: 2.4 px at 150 dpi
FOOTER_SIZE = 7.5

_PLAIN = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT_REGULAR),  # else Table pulls Helvetica into the PDF
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Holds pages back until the end so each footer can say "Trang x/y"."""

    def __init__(self, *args: object, footer: str = "", on_page: Callable[[int], None] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._footer = unicodedata.normalize("NFC", footer)
        self._pages: list[dict[str, object]] = []
        self._on_page = on_page

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()
        if self._on_page is not None:  # progress of a long document; may raise to stop it (CancelledError)
            self._on_page(len(self._pages))

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_footer(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        margin = page_margin(self._pagesize)
        right = f"Trang {number}/{total}"
        right_w = stringWidth(right, FONT_REGULAR, FOOTER_SIZE)
        room = width - 2 * margin - right_w - 6 * mm
        left, size = self._footer, FOOTER_SIZE
        while stringWidth(left, FONT_REGULAR, size) > room and size > 5.5:
            size -= 0.25
        while stringWidth(left, FONT_REGULAR, size) > room and len(left) > 1:
            left = left[:-2] + "…"
        y = 8 * mm
        self.saveState()
        self.setStrokeColor(colors.grey)
        self.setLineWidth(0.4)
        self.line(margin, y + 3.2 * mm, width - margin, y + 3.2 * mm)
        self.setFont(FONT_REGULAR, size)
        self.drawString(margin, y, left)
        self.setFont(FONT_REGULAR, FOOTER_SIZE)
        self.drawRightString(width - margin, y, right)
        self.restoreState()


def printed_line(imprint: Imprint) -> str:
    return f"In bởi {imprint.printed_by} lúc {fmt_dt(imprint.printed_at)}"


def build_pdf(
    out: Path | BinaryIO,
    story: list[Flowable],
    *,
    imprint: Imprint,
    pagesize: PageSize,
    title: str,
    footer_note: str | None = None,
    on_page: Callable[[int], None] | None = None,
) -> None:
    """Lay out ``story`` and write the PDF, numbering pages and stamping who printed it. ``on_page(n)`` is called
    after each page is laid out (progress; raising stops the build)."""
    register_fonts()
    margin = page_margin(pagesize)
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin * 0.8,
        bottomMargin=16 * mm,
        title=title,
        author=imprint.office_name,
        subject=title,
        creator="SecureMail",
        lang="vi-VN",
        initialFontName=FONT_REGULAR,
    )
    footer = printed_line(imprint)
    if footer_note:
        footer = f"{footer_note} · {footer}"
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer, on_page=on_page))


def page_margin(pagesize: PageSize) -> float:
    return float(12 * mm if pagesize[0] < 500 else 15 * mm)


def frame_width(pagesize: PageSize) -> float:
    return pagesize[0] - 2 * page_margin(pagesize)


def official_header(
    imprint: Imprint,
    st: Styles,
    width: float,
    issuer: tuple[str | None, str] | None = None,
) -> Table:
    """Issuer (left) and the national motto (right), as on Vietnamese administrative papers.

    ``issuer`` is (superior body or None, issuing body); by default the printing office and its unit ("Bưu điện
    KT1"), or at an agency desk the agency alone.
    """
    default = (imprint.office_name, imprint.unit) if imprint.unit else (None, imprint.office_name)
    upper, lower = issuer or default
    left: list[Flowable] = [para(upper.upper(), st.center)] if upper else []
    left += [
        para(lower.upper(), st.center_bold),
        HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, hAlign="CENTER"),
    ]
    right = [
        markup("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.center_bold),
        markup("<u>Độc lập - Tự do - Hạnh phúc</u>", st.center_bold),
    ]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(_PLAIN)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return table


def title_block(title: str, st: Styles, *subtitles: str) -> list[Flowable]:
    """Document title (trusted text) and plain-text subtitles (escaped)."""
    items: list[Flowable] = [markup(clean(title).upper(), st.title)]
    items += [para(line, st.subtitle) for line in subtitles]
    items.append(Spacer(1, 3 * mm))
    return items


@dataclass(frozen=True, slots=True)
class Signature:
    title: str  # "Bên giao", "Giao dịch viên KT1", ...
    name: str | None = None  # printed name under the space, if known
    caption: str | None = None  # e.g. the signer's position, under the name


def signature_blocks(blocks: Sequence[Signature], st: Styles, width: float, space: float = 18 * mm) -> Table:
    cells: list[list[Flowable]] = []
    for block in blocks:
        cell: list[Flowable] = [
            para(block.title, st.center_bold),
            markup("(Ký, ghi rõ họ tên)", st.center_italic),
            Spacer(1, space),
        ]
        if block.name:
            cell.append(para(block.name, st.center_bold))
        if block.caption:
            cell.append(para(block.caption, st.center_italic))
        cells.append(cell)
    table = Table([cells], colWidths=[width / len(blocks)] * len(blocks))
    table.setStyle(_PLAIN)
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    table.keepWithNext = False
    return table


def barcode(value: str, st: Styles, max_width: float) -> Table:
    """Code128 of ``value`` with the value printed under it in our font."""
    if not value or not all(" " <= ch <= "~" for ch in value):
        # reportlab silently drops other characters, which would print a barcode of a different number
        raise ValueError("Code128 value must be non-empty printable ASCII")
    register_fonts()
    bar_width = BARCODE_MODULE
    probe = Code128(value, barWidth=bar_width, quiet=1, humanReadable=0, fontName=FONT_REGULAR)
    if probe.width > max_width:
        bar_width *= max_width / probe.width
    code = Code128(
        value,
        barWidth=bar_width,
        barHeight=11 * mm,
        quiet=1,
        humanReadable=0,
        fontName=FONT_REGULAR,
        fontSize=8,
    )
    table = Table([[code], [para(value, st.center)]], colWidths=[max(code.width, 30 * mm)])
    table.setStyle(_PLAIN)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 1), (0, 1), 1)]))
    return table


def qr_code(payload: str, st: Styles, module: float = QR_MODULE, max_side: float = QR_MAX_SIDE) -> Table:
    """QR (error correction M, 4-module quiet zone) of an opaque ASCII payload, with its caption. A long payload
    gets smaller modules rather than a bigger square (it must leave the page's text room), never below
    QR_MIN_MODULE, which still decodes from a 150 dpi scan."""
    if not payload or not payload.isascii():
        raise ValueError("QR payload must be a non-empty ASCII string")
    code = QrCode(payload, qrLevel="M", qrBorder=4)
    code.qr.make()
    modules = code.qr.getModuleCount() + 8
    side = modules * max(QR_MIN_MODULE, min(module, max_side / modules))
    code.width = code.height = side
    table = Table([[code], [markup(QR_CAPTION, st.center_italic)]], colWidths=[side])
    table.setStyle(_PLAIN)
    return table


FieldValue: TypeAlias = str | Flowable | list[Flowable] | None


def field_table(rows: Sequence[tuple[str, FieldValue]], st: Styles, width: float, label: float) -> Table:
    """Label / value pairs; values given as text are escaped and wrap."""
    data = [
        [para(name, st.body), para(value, st.bold) if value is None or isinstance(value, str) else value]
        for name, value in rows
    ]
    table = Table(data, colWidths=[label, width - label])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def table_width(table: Table) -> float:
    return float(sum(table._colWidths))


def side_by_side(left: Flowable, right: Flowable, width: float, right_width: float, gap: float = 4 * mm) -> Table:
    table = Table([[left, right]], colWidths=[width - right_width - gap, right_width + gap])
    table.setStyle(_PLAIN)
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return table
