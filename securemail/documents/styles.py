"""Paragraph styles, safe paragraphs from untrusted text, and date formats."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from securemail.documents.fonts import (
    FONT_BOLD,
    FONT_ITALIC,
    FONT_REGULAR,
    SERIF_BOLD,
    SERIF_ITALIC,
    SERIF_REGULAR,
    register_fonts,
)

EMPTY = "—"


@dataclass(frozen=True, slots=True)
class Styles:
    """One set of styles per base font size (A5 receipts print smaller than A4 reports)."""

    body: ParagraphStyle
    bold: ParagraphStyle
    italic: ParagraphStyle
    small: ParagraphStyle
    center: ParagraphStyle
    center_bold: ParagraphStyle
    center_italic: ParagraphStyle
    right: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle


def make_styles(size: float, *, serif: bool = False) -> Styles:
    """Styles at a base size: Be Vietnam Pro, or (``serif``) Liberation Serif, the Times New Roman-compatible face
    NĐ 30/2020 Phụ lục I asks of administrative documents."""
    register_fonts()
    lead = size * 1.25
    regular, bold, italic = (SERIF_REGULAR, SERIF_BOLD, SERIF_ITALIC) if serif else \
        (FONT_REGULAR, FONT_BOLD, FONT_ITALIC)
    family = "serif" if serif else "sans"

    def style(name: str, font: str = regular, fs: float = size, align: int = TA_LEFT) -> ParagraphStyle:
        return ParagraphStyle(
            f"sm-{family}-{name}-{size}",
            fontName=font,
            fontSize=fs,
            leading=fs * 1.25,
            alignment=align,
            splitLongWords=1,
            wordWrap=None,
        )

    cell_size = size - 0.5
    return Styles(
        body=style("body"),
        bold=style("bold", bold),
        italic=style("italic", italic),
        small=style("small", fs=size - 1.5),
        center=style("center", align=TA_CENTER),
        center_bold=style("center-bold", bold, align=TA_CENTER),
        center_italic=style("center-italic", italic, align=TA_CENTER),
        right=style("right", align=TA_RIGHT),
        title=ParagraphStyle(
            f"sm-{family}-title-{size}",
            fontName=bold,
            fontSize=size + 5,
            leading=(size + 5) * 1.25,
            alignment=TA_CENTER,
            spaceBefore=lead * 0.6,
            spaceAfter=2,
        ),
        subtitle=style("subtitle", italic, align=TA_CENTER),
        cell=style("cell", fs=cell_size),
        cell_center=style("cell-center", fs=cell_size, align=TA_CENTER),
        cell_right=style("cell-right", fs=cell_size, align=TA_RIGHT),
        cell_head=style("cell-head", bold, fs=cell_size, align=TA_CENTER),
    )


def clean(text: str) -> str:
    """NFC-normalise and escape untrusted text for Paragraph markup; newlines become line breaks."""
    safe = escape(unicodedata.normalize("NFC", text))
    return "<br/>".join(safe.splitlines()) if "\n" in safe or "\r" in safe else safe


def para(text: str | None, style: ParagraphStyle) -> Paragraph:
    """A paragraph of untrusted plain text (never markup)."""
    return Paragraph(clean(text) if text else EMPTY, style)


def markup(trusted_markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup written in this package; interpolate user text only through ``clean``."""
    return Paragraph(trusted_markup, style)


def fmt_dt(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else EMPTY


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else EMPTY


def fmt_grams(value: int | None) -> str:
    return EMPTY if value is None else f"{value:,} g".replace(",", ".")
