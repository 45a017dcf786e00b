"""Grid tables, chunked so that long reports lay out in linear time.

One platypus Table per ~100 rows keeps splitting cheap (a Table re-builds its tail at every page break). A
chunk repeats the column header at the top of every page, but not where it merely continues the previous
chunk in the middle of a page, so the printout reads as one table.

``grid`` takes flowable cells (short documents); ``text_grid`` takes untrusted plain text, which it wraps
itself and hands to reportlab as multi-line strings: no Paragraph to parse, wrap and draw per cell, so a
register of 10,000 rows lays out in seconds. A record taller than ``max_lines`` lines is printed as a few
table rows with no rule between them ("continuation rows"), so reportlab can carry it over a page break
instead of failing; where such a piece starts a page, its first column says "(tiếp)".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from securemail.documents.fonts import FONT_REGULAR
from securemail.documents.linebreak import font_widths, plain_lines, wrap
from securemail.documents.styles import Styles, markup

CHUNK_ROWS = 100
MAX_ROW_LINES = 20  # a record taller than this is split into continuation rows (A4 landscape holds ~40)
CONTINUED = "(tiếp)"
Cell: TypeAlias = Flowable | str
Row: TypeAlias = Sequence[Cell]

StyleCommand = tuple[object, ...]  # one TableStyle command: ("GRID", (0, 0), (-1, -1), 0.5, colors.black)
_PADDING: list[StyleCommand] = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
]
_BASE: list[StyleCommand] = [("FONT", (0, 0), (-1, -1), FONT_REGULAR), *_PADDING]  # else Table pulls in Helvetica
_GRID: list[StyleCommand] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
_RULE = (0.5, colors.black)
_HEAD_BACKGROUND: list[StyleCommand] = [("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88))]
_HEAD: list[StyleCommand] = [*_HEAD_BACKGROUND, ("VALIGN", (0, 0), (-1, 0), "MIDDLE")]
_SIDE_PADDING = 2.5 + 2.5


@dataclass(frozen=True, slots=True)
class _Look:
    """How the cells look.

    Flowable grids: ``_BASE`` and ``_HEAD`` applied cell by cell, ``pad`` the bottom padding of some body
    columns (room for a handwritten signature). Text grids: one shared CellStyle per column for the header
    (``head``), the body (``body``) and body rows that the next row continues (``open``: no room for a
    signature, which goes under the end of the record), so building a Table, as at every page break, costs
    nothing per cell.
    """

    pad: Mapping[int, float] = field(default_factory=dict)
    head: Sequence[CellStyle] = ()
    body: Sequence[CellStyle] = ()
    open: Sequence[CellStyle] = ()


class _Chunk(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Up to ``chunk`` records; draws the header row when it starts a page (or the table).

    ``joined[i]``: body row i continues row i - 1 (no rule between them); ``resumed[i]``: row i as printed
    when it starts a page; ``heights``: the body row heights, if known.
    """

    def __init__(
        self,
        header: Row,
        rows: Sequence[Row],
        widths: Sequence[float],
        look: _Look,
        *,
        first: bool,
        joined: Sequence[bool] = (),
        resumed: Mapping[int, Row] | None = None,
        heights: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.hAlign = "CENTER"  # placed like the Table it draws (it is wider than the frame less its padding)
        self._header = header
        self._rows = rows
        self._widths = widths
        self._look = look
        self._first = first
        self._joined = joined
        self._resumed = resumed or {}
        self._heights = heights
        self._table: Table | None = None
        self._table_header = False

    def _with_header(self) -> bool:
        frame = getattr(self, "_frame", None)
        return self._first or frame is None or bool(getattr(frame, "_atTop", True))

    def _make(self, header: bool) -> Table:
        resume = header and 0 in self._resumed
        body = [list(row) for row in self._rows]
        if resume:
            body[0] = list(self._resumed[0])
        data = [list(self._header), *body] if header else body
        heights = None if self._heights is None or resume else list(self._heights)
        row_heights = None if heights is None else [None, *heights] if header else heights
        top = 1 if header else 0
        look = self._look
        if not look.body:
            table = Table(data, colWidths=list(self._widths), rowHeights=row_heights, repeatRows=top)
            style = [*_BASE, *(_HEAD if header else []), *self._rules(top)]
            style += [("BOTTOMPADDING", (col, top), (col, -1), extra) for col, extra in look.pad.items()]
        else:
            # reportlab only reads cell styles (its own splits share them too), so rows can share lists
            head, closed, open_ = list(look.head), list(look.body), list(look.open)
            ends = [*(not joined for joined in self._joined[1:]), True]
            styles = [head] if header else []
            styles += [closed if end else open_ for end in ends]
            table = Table(
                data,
                colWidths=list(self._widths),
                rowHeights=row_heights,
                repeatRows=top,
                normalizedData=1,
                cellStyles=styles,
            )
            style = [*(_HEAD_BACKGROUND if header else []), *self._rules(top)]
        table.setStyle(TableStyle(style))
        return table

    def _rules(self, top: int) -> list[StyleCommand]:
        """A full grid, except below a row that the next one continues."""
        if not any(self._joined[1:]):
            return _GRID
        count = len(self._rows)
        rules: list[StyleCommand] = [("BOX", (0, 0), (-1, -1), *_RULE), ("LINEAFTER", (0, 0), (-2, -1), *_RULE)]
        if top:
            rules.append(("LINEBELOW", (0, 0), (-1, 0), *_RULE))
        run: int | None = None  # first of the current run of rows that end a record
        for i in range(count + 1):
            ends = i < count and (i + 1 == count or not self._joined[i + 1])
            if ends and run is None:
                run = i
            elif not ends and run is not None:
                rules.append(("LINEBELOW", (0, run + top), (-1, i - 1 + top), *_RULE))
                run = None
        return rules

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
        if len(parts) < 2:
            return parts
        parts[0].setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), *_RULE)]))  # even mid-record
        # The rest starts the next page: a chunk of its own, with the header; reuse the row heights computed.
        printed = len(parts[0]._cellvalues)
        done = printed - (1 if header else 0)
        known = list(table._rowHeights)[printed:]
        rest = _Chunk(
            self._header,
            self._rows[done:],
            self._widths,
            self._look,
            first=True,
            joined=self._joined[done:],
            resumed={i - done: row for i, row in self._resumed.items() if i >= done},
            heights=known if len(known) == len(self._rows) - done and None not in known else None,
        )
        return [parts[0], rest]

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
        return [_empty([markup(h, st.cell_head) for h in headers], markup(empty_text, st.cell_center), widths)]
    head = [markup(h, st.cell_head) for h in headers]
    look = _Look(pad=pad or {})
    return [
        _Chunk(head, rows[start : start + chunk], widths, look, first=start == 0 and not continued)
        for start in range(0, len(rows), chunk)
    ]


def text_grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    st: Styles,
    *,
    empty_text: str = "Không có dữ liệu",
    chunk: int = CHUNK_ROWS,
    pad: Mapping[int, float] | None = None,
    max_lines: int = MAX_ROW_LINES,
) -> list[Flowable]:
    """``grid`` of untrusted plain text: headers and cells are printed literally (NFC; newlines kept).

    Text is wrapped to the column widths in the fonts of ``st.cell_head`` (header) and ``st.cell`` (body).
    """
    body_font, head_font = st.cell, st.cell_head
    pad = pad or {}
    look = _Look(
        head=[_cell_style(head_font, align="CENTER", valign="MIDDLE")] * len(widths),
        body=[_cell_style(body_font, bottom=pad.get(col, 2.5)) for col in range(len(widths))],
        open=[_cell_style(body_font, bottom=1.0)] * len(widths),
    )
    room = [w - _SIDE_PADDING for w in widths]
    head_measure = font_widths(head_font.fontName, head_font.fontSize)
    head = ["\n".join(wrap(plain_lines(h), w, head_measure)) for h, w in zip(headers, room, strict=True)]
    if not rows:
        return [_empty(head, empty_text, widths, (head_font, body_font))]
    measure = font_widths(body_font.fontName, body_font.fontSize)
    marker = wrap([CONTINUED], room[0], measure)
    flowables: list[Flowable] = []
    for start in range(0, len(rows), chunk):
        body: list[Row] = []
        joined: list[bool] = []
        resumed: dict[int, Row] = {}
        for row in rows[start : start + chunk]:
            cells = [wrap(plain_lines(text), w, measure) for text, w in zip(row, room, strict=True)]
            tallest = max(map(len, cells))
            for offset in range(0, tallest, max_lines):
                piece = ["\n".join(lines[offset : offset + max_lines]) for lines in cells]
                if offset:
                    resumed[len(body)] = ["\n".join([*marker, piece[0]]).rstrip("\n"), *piece[1:]]
                joined.append(offset > 0)
                body.append(piece)
        flowables.append(_Chunk(head, body, widths, look, first=start == 0, joined=joined, resumed=resumed))
    return flowables


def _cell_style(font: ParagraphStyle, *, align: str = "LEFT", valign: str = "TOP", bottom: float = 2.5) -> CellStyle:
    style = CellStyle(f"sm-{font.name}-{align}-{valign}-{bottom}")
    style.fontname, style.fontsize, style.leading = font.fontName, font.fontSize, font.leading
    style.alignment, style.valign = align, valign
    style.leftPadding = style.rightPadding = 2.5
    style.topPadding, style.bottomPadding = 1.5, bottom
    return style


def _empty(head: Row, message: Cell, widths: Sequence[float], fonts: Sequence[ParagraphStyle] = ()) -> Table:
    """The header and one row saying there is nothing; ``fonts``: (header, body) when those are strings."""
    table = Table([list(head), [message]], colWidths=list(widths), repeatRows=1)
    text: list[StyleCommand] = []
    for row, font in enumerate(fonts):
        text.append(("FONT", (0, row), (-1, row), font.fontName, font.fontSize, font.leading))
    if fonts:
        text.append(("ALIGN", (0, 0), (-1, -1), "CENTER"))
    table.setStyle(TableStyle([*_BASE, *_GRID, *_HEAD, ("SPAN", (0, 1), (-1, 1)), *text]))
    return table


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
