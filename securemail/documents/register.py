"""Registers (sổ) for a period, in the layout in force for that period (A4 landscape): a cover page with the fields
of the official covers (superior body, keeping unit, title, year, dates, "từ số ... đến số", "quyển số"), then the
entries with room to sign. Nothing but the register is printed: no notes about how the columns were established
(that is data of the layout, see register_layouts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from securemail.documents.layout import (
    PAGE_A4_LANDSCAPE,
    build_pdf,
    frame_width,
    official_header,
    qr_code,
)
from securemail.documents.models import RegisterData
from securemail.documents.register_layouts import (
    LayoutChoiceError,
    RegisterColumn,
    RegisterLayout,
    choose_layout,
    get_layout,
)
from securemail.documents.styles import EMPTY, clean, fmt_date, make_styles, markup, para
from securemail.documents.tables import text_grid

SIGNATURE_SPACE = 9 * mm


def layout_for(data: RegisterData) -> RegisterLayout:
    """The layout named in the data, else the one in force for the whole period (raises if none/several)."""
    if data.layout_id is None:
        return choose_layout(data.kind, data.period_start, data.period_end)
    layout = get_layout(data.layout_id)
    if layout.kind != data.kind:
        raise LayoutChoiceError(f"mẫu sổ '{layout.id}' không dùng cho loại sổ {data.kind.value}")
    return layout


def _header(number: int, column: RegisterColumn) -> str:
    return f"{column.header}\n({number})"


def _cells(row: Mapping[str, str | None], columns: Sequence[RegisterColumn]) -> list[str]:
    return [row.get(column.key) or "" for column in columns]


def number_range(data: RegisterData) -> str:
    """ "Từ số 12 đến số 40", or the words for an empty period."""
    if data.first_number is None or data.last_number is None:
        return "Không có mục nào trong kỳ"
    return f"Từ số {data.first_number} đến số {data.last_number}"


def _cover(data: RegisterData, layout: RegisterLayout, width: float) -> list[Flowable]:
    st = make_styles(13)
    big = make_styles(20)
    lines: list[Flowable] = [
        official_header(data.imprint, make_styles(12), width * 0.8,
                        issuer=(data.superior_agency, data.agency_name)),
        Spacer(1, 28 * mm),
        markup(clean(layout.title).upper(), big.center_bold),
        Spacer(1, 10 * mm),
        para(f"Năm: {data.period_start.year}", st.center_bold),
        Spacer(1, 3 * mm),
        para(f"Từ ngày {fmt_date(data.period_start)} đến ngày {fmt_date(data.period_end)}", st.center),
        para(number_range(data), st.center),
        para(f"Quyển số: {data.volume or EMPTY}", st.center),
        Spacer(1, 14 * mm),
        para(f"Mẫu sổ: {layout.basis}", make_styles(10).center_italic),
        Spacer(1, 6 * mm),
    ]
    qr = qr_code(data.qr_payload, make_styles(8))
    qr.hAlign = "CENTER"
    lines.append(qr)
    return lines


def render_register(data: RegisterData, out: Path | BinaryIO, layout: RegisterLayout | None = None,
                    on_page: Callable[[int], None] | None = None) -> None:
    """``layout``: the layout with the vault's configured columns (default: the shipped one for the period)."""
    layout = layout or layout_for(data)
    st = make_styles(9)
    width = frame_width(PAGE_A4_LANDSCAPE)
    total = sum(c.width for c in layout.columns)
    widths = [width * c.width / total for c in layout.columns]
    headers = [_header(n, c) for n, c in enumerate(layout.columns, start=1)]
    rows = [_cells(row, layout.columns) for row in data.rows]
    signature_pad = {n: SIGNATURE_SPACE for n, c in enumerate(layout.columns) if c.signature}
    story: list[Flowable] = [
        *_cover(data, layout, width),
        PageBreak(),
        markup(clean(layout.title).upper(), st.center_bold),
        para(f"{data.agency_name} — năm {data.period_start.year} — {number_range(data).lower()}", st.center),
        Spacer(1, 3 * mm),
        *text_grid(headers, rows, widths, st, empty_text="Không có mục nào trong kỳ", pad=signature_pad),
    ]
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A4_LANDSCAPE,
        title=layout.title,
        footer_note=f"{layout.title} {data.agency_name} năm {data.period_start.year}",
        on_page=on_page,
    )
