"""Grid tables of paragraphs, chunked so that long reports lay out in linear time.

One platypus Table per ~200 rows keeps splitting cheap (a single giant Table re-wraps its tail at every page
break). A chunk repeats the column header at the top of every page, but not where it merely continues the
previous chunk in the middle of a page, so the printout reads as one table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from securemail.documents.fonts import FONT_REGULAR
from securemail.documents.styles import Styles, markup

CHUNK_ROWS = 200
Row = Sequence[Flowable]

_GRID: list[Any] = [
    ("FONT", (0, 0), (-1, -1), FONT_REGULAR),  # else Table pulls Helvetica into the PDF
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
]
_HEAD: list[Any] = [
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
]


class _Chunk(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Up to CHUNK_ROWS body rows; draws the header row when it starts a page (or the table)."""

    def __init__(
        self, header: Row, rows: Sequence[Row], widths: Sequence[float], *, first: bool, pad: Mapping[int, float]
    ) -> None:
        super().__init__()
        self._pad = pad
        self._header = header
        self._rows = rows
        self._widths = widths
        self._first = first
        self._table: Table | None = None
        self._table_header = False

    def _with_header(self) -> bool:
        frame = getattr(self, "_frame", None)
        return self._first or frame is None or bool(getattr(frame, "_atTop", True))

    def _make(self, header: bool, skip: int = 0, heights: Sequence[float] | None = None) -> Table:
        """The chunk's rows from ``skip`` on, with or without the header; ``heights``: body rows, if known."""
        body_rows = [list(r) for r in self._rows[skip:]]
        data = [list(self._header), *body_rows] if header else body_rows
        row_heights = None if heights is None else [None, *heights] if header else list(heights)
        table = Table(data, colWidths=list(self._widths), rowHeights=row_heights, repeatRows=1 if header else 0)
        body = 1 if header else 0
        padding = [("BOTTOMPADDING", (col, body), (col, -1), extra) for col, extra in self._pad.items()]
        table.setStyle(TableStyle((_GRID + _HEAD if header else _GRID) + padding))
        return table

    def _get(self, header: bool) -> Table:
        """The table for this position, reusing the one just wrapped (wrap then split is the usual order)."""
        if self._table is None or self._table_header != header:
            self._table, self._table_header = self._make(header), header
        return self._table

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self._get(self._with_header()).wrap(avail_width, avail_height)
        return float(width), float(height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        header = self._with_header()
        table = self._get(header)
        parts: list[Flowable] = table.split(avail_width, avail_height)
        if header or len(parts) < 2:
            return parts
        # The rest starts the next page, so it needs the header; reuse the row heights already computed.
        done = len(parts[0]._cellvalues)
        known = list(table._rowHeights)[done:]
        heights = known if len(known) == len(self._rows) - done and None not in known else None
        return [parts[0], self._make(True, skip=done, heights=heights)]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def grid(
    headers: Sequence[str],
    rows: Sequence[Row],
    widths: Sequence[float],
    st: Styles,
    *,
    empty_text: str = "Không có dữ liệu",
    chunk: int = CHUNK_ROWS,
    continued: bool = False,
    pad: Mapping[int, float] | None = None,
) -> list[Flowable]:
    """A bordered table with a grey header row; ``headers`` is trusted markup, cells are flowables.

    ``pad`` adds bottom padding to the body cells of some columns (room for a handwritten signature).
    """
    if not rows:
        head = [markup(h, st.cell_head) for h in headers]
        table = Table([head, [markup(empty_text, st.cell_center)]], colWidths=list(widths), repeatRows=1)
        table.setStyle(TableStyle([*_GRID, *_HEAD, ("SPAN", (0, 1), (-1, 1))]))
        return [table]
    flowables: list[Flowable] = []
    for start in range(0, len(rows), chunk):
        head = [markup(h, st.cell_head) for h in headers]
        flowables.append(
            _Chunk(head, rows[start : start + chunk], widths, first=start == 0 and not continued, pad=pad or {})
        )
    return flowables


def grid_then(
    headers: Sequence[str],
    rows: Sequence[Row],
    widths: Sequence[float],
    st: Styles,
    tail: Sequence[Flowable],
    *,
    keep_rows: int = 3,
    empty_text: str = "Không có dữ liệu",
) -> list[Flowable]:
    """``grid`` followed by ``tail`` (e.g. signatures), never leaving the tail alone on a page."""
    if len(rows) <= keep_rows:
        return [KeepTogether([*grid(headers, rows, widths, st, empty_text=empty_text), *tail])]
    body = grid(headers, rows[:-keep_rows], widths, st)
    last = grid(headers, rows[-keep_rows:], widths, st, continued=True)
    return [*body, KeepTogether([*last, *tail])]


def mm_widths(spec_mm: Sequence[float], width: float) -> list[float]:
    """Column widths from millimetres; a 0 entry takes whatever width is left."""
    fixed = sum(spec_mm) * mm
    return [w * mm if w else width - fixed for w in spec_mm]
