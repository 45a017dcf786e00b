"""Registers (sổ đăng ký) for a period, in the official layout in force for that period (A4 landscape)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents.layout import (
    PAGE_A4_LANDSCAPE,
    build_pdf,
    field_table,
    frame_width,
    official_header,
    qr_code,
    side_by_side,
    table_width,
    title_block,
)
from securemail.documents.models import RegisterData
from securemail.documents.register_layouts import (
    LayoutChoiceError,
    RegisterColumn,
    RegisterLayout,
    choose_layout,
    get_layout,
)
from securemail.documents.styles import fmt_date, make_styles, para
from securemail.documents.tables import text_grid

UNCONFIRMED_NOTE = "cột chưa được xác nhận với văn bản gốc"
SIGNATURE_SPACE = 7 * mm
SERIAL_KEY = "so_thu_tu"


def layout_for(data: RegisterData) -> RegisterLayout:
    """The layout named in the data, else the one in force for the whole period (raises if none/several)."""
    if data.layout_id is None:
        return choose_layout(data.kind, data.period_start, data.period_end)
    layout = get_layout(data.layout_id)
    if layout.kind != data.kind:
        raise LayoutChoiceError(f"mẫu sổ '{layout.id}' không dùng cho loại sổ {data.kind.value}")
    return layout


def _header(number: int, column: RegisterColumn) -> str:
    star = "" if column.confirmed else " (*)"
    return f"{column.header}{star}\n({number})"


def _cells(row: Mapping[str, str | None], columns: Sequence[RegisterColumn]) -> list[str]:
    return [row.get(column.key) or "" for column in columns]


def _serials(data: RegisterData, layout: RegisterLayout) -> str:
    """Entry count and, when the layout numbers its rows, the first and last serial numbers."""
    if not data.rows:
        return "Không có mục nào trong kỳ"
    if SERIAL_KEY not in {c.key for c in layout.columns}:
        return f"{len(data.rows)} mục"
    first, last = data.rows[0].get(SERIAL_KEY) or "—", data.rows[-1].get(SERIAL_KEY) or "—"
    return f"{len(data.rows)} mục, từ số {first} đến số {last}"


def render_register(data: RegisterData, out: Path | BinaryIO,
                    on_page: Callable[[int], None] | None = None) -> None:
    layout = layout_for(data)
    st = make_styles(9)
    width = frame_width(PAGE_A4_LANDSCAPE)
    qr = qr_code(data.qr_payload, st)
    cover = field_table(
        [
            ("Cơ quan, đơn vị", data.agency_name),
            ("Kỳ đăng ký", f"Từ ngày {fmt_date(data.period_start)} đến ngày {fmt_date(data.period_end)}"),
            ("Năm mở sổ; quyển số", f"{data.period_start.year}; quyển số {data.volume or '—'}"),
            ("Số mục", _serials(data, layout)),
            ("Mẫu sổ", layout.source),
        ],
        st,
        width - table_width(qr) - 10 * mm,
        42 * mm,
    )
    total = sum(c.width for c in layout.columns)
    widths = [width * c.width / total for c in layout.columns]
    headers = [_header(n, c) for n, c in enumerate(layout.columns, start=1)]
    rows = [_cells(row, layout.columns) for row in data.rows]
    signature_pad = {n: SIGNATURE_SPACE for n, c in enumerate(layout.columns) if c.signature}
    story: list[Flowable] = [
        official_header(data.imprint, st, width, issuer=(data.superior_agency, data.agency_name)),
        *title_block(layout.title, st, f"Từ ngày {fmt_date(data.period_start)} đến ngày {fmt_date(data.period_end)}"),
        side_by_side(cover, qr, width, table_width(qr), gap=10 * mm),
        Spacer(1, 4 * mm),
        *text_grid(headers, rows, widths, st, empty_text="Không có mục nào trong kỳ", pad=signature_pad),
    ]
    if layout.unconfirmed:
        names = "; ".join(c.header for c in layout.unconfirmed)
        story += [Spacer(1, 2 * mm), para(f"(*) Các {UNCONFIRMED_NOTE}: {names}.", st.small)]
    build_pdf(
        out,
        story,
        imprint=data.imprint,
        pagesize=PAGE_A4_LANDSCAPE,
        title=layout.title,
        footer_note=f"{layout.title} {fmt_date(data.period_start)}-{fmt_date(data.period_end)}",
        on_page=on_page,
    )
