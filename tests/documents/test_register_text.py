"""Register cells are plain strings wrapped by us: long text wraps inside its column and page, a record taller
than a page continues on the next one, and user text is printed literally (NFC, never markup)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import doc_samples as s
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from securemail.documents import render_register
from securemail.documents.fonts import FONT_BOLD, FONT_REGULAR
from securemail.documents.layout import PAGE_A4_LANDSCAPE, frame_width, page_margin
from securemail.documents.models import RegisterData
from securemail.documents.register import layout_for
from securemail.documents.tables import CONTINUED

CELL_SIZE = 8.5  # st.cell and st.cell_head at base size 9; no other text on a register has this size
PADDING = 2.5
SENTENCE = (
    "Báo cáo kết quả kiểm tra công tác bảo vệ bí mật nhà nước tại các cơ quan, đơn vị, địa phương trên địa bàn "
    "tỉnh Gia Lai năm 2025; đề xuất biện pháp khắc phục tồn tại, hạn chế và phương hướng nhiệm vụ trọng tâm "
    "năm 2026 (lần {n})."
)


def abstract(chars: int) -> str:
    text = " ".join(SENTENCE.format(n=n) for n in range(1, chars // 100 + 2))
    return text[:chars].rsplit(" ", 1)[0]


def with_rows(count: int, **changes: dict[str, str]) -> RegisterData:
    """``s.register(count)`` with some rows changed: ``row3={"trich_yeu": ...}`` changes the third row."""
    rows = s.register_rows(count)
    for name, values in changes.items():
        rows[int(name.removeprefix("row")) - 1].update(values)
    return replace(s.register(count), rows=rows)


@dataclass(frozen=True)
class Fragment:
    page: int
    x: float
    y: float
    width: float
    text: str


def cell_fragments(path: Path) -> list[Fragment]:
    """Every line drawn in a table cell, with its position and width (from the font it was drawn in)."""
    found: list[Fragment] = []
    for number, page in enumerate(PdfReader(path).pages, start=1):

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, number: int = number) -> None:
            if not text.strip() or abs(size - CELL_SIZE) > 1e-6:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = FONT_BOLD if "Bold" in str(font["/BaseFont"]) else FONT_REGULAR
            line = text.rstrip("\n")
            found.append(Fragment(number, x, y, stringWidth(line, name, size), line))

        page.extract_text(visitor_text=visit)
    return found


def column_edges(data: RegisterData) -> list[tuple[float, float]]:
    columns = layout_for(data).columns
    width = frame_width(PAGE_A4_LANDSCAPE)
    total = sum(c.width for c in columns)
    left = page_margin(PAGE_A4_LANDSCAPE)  # the grid spans the frame, padding included
    edges = []
    for column in columns:
        right = left + width * column.width / total
        edges.append((left, right))
        left = right
    return edges


def assert_inside_cells(data: RegisterData, fragments: list[Fragment]) -> None:
    edges = column_edges(data)
    page_height = PAGE_A4_LANDSCAPE[1]
    assert fragments
    for f in fragments:
        column = [(lo, hi) for lo, hi in edges if lo <= f.x < hi]
        assert column, f"starts outside the grid: {f}"
        left, right = column[0]
        assert f.x >= left + PADDING - 0.01, f
        assert f.x + f.width <= right - PADDING + 0.01, f"runs out of its column: {f}"
        assert 16 * mm < f.y < page_height - 12 * mm, f"outside the page's frame: {f}"


def lines_of(text: str, fragments: list[Fragment], sep: str = " ") -> list[Fragment]:
    """The consecutive fragments (lines of one cell, drawn one after the other) that make up ``text``."""
    texts = [f.text for f in fragments]
    for start, first in enumerate(texts):
        if not text.startswith(first):
            continue
        for end in range(start + 1, len(texts) + 1):
            joined = sep.join(texts[start:end])
            if joined == text:
                return fragments[start:end]
            if not text.startswith(joined):
                break
    raise AssertionError(f"not drawn as consecutive lines: {text[:40]}...")


def pages_text(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


def test_600_character_abstract_wraps_inside_its_cell(tmp_path: Path) -> None:
    long = abstract(600)
    assert 580 <= len(long) <= 600
    data = with_rows(8, row3={"trich_yeu": long})
    out = tmp_path / "600.pdf"
    render_register(data, out)
    pages = pages_text(out)
    assert " ".join(long.split()) in " ".join(pages)  # every word, in order, one line after the other
    fragments = cell_fragments(out)
    assert_inside_cells(data, fragments)
    lines = lines_of(long, fragments)
    assert len(lines) >= 10, "the abstract should wrap onto many lines"
    assert len({f.page for f in lines}) == 1, "a record shorter than a page stays on one page"
    assert len({round(f.x, 3) for f in lines}) == 1, "one column, left-aligned"


def test_3000_character_abstract_continues_on_the_next_pages(tmp_path: Path) -> None:
    long = abstract(3000)
    data = with_rows(6, row2={"trich_yeu": long, "noi_nhan": abstract(900)})
    out = tmp_path / "3000.pdf"
    render_register(data, out)  # one table row this tall would not fit any page: reportlab raises LayoutError
    pages = pages_text(out)
    total = len(pages)
    tokens = " ".join(pages).split()
    position = 0
    for word in long.split():  # every word comes back out, in order, across the pages
        position = tokens.index(word, position) + 1
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in text
        if number > 1:  # the cover is a page of its own
            assert text.count("Ghi chú (10)") == 1
    resumed = [text for text in pages if CONTINUED in text]
    assert resumed, "the record should carry over a page break"
    for text in resumed:  # "(tiếp)" only where the record resumes, right under the page's header row
        assert text.count(CONTINUED) == 1
        assert text.split("(10) ", 1)[1].startswith(CONTINUED)
    assert_inside_cells(data, cell_fragments(out))
    assert " 3 3/SKHCN-VP " in " ".join(pages)  # the rows after it follow


def test_user_text_is_printed_literally_and_composed(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk")
    data = with_rows(
        3,
        row1={"noi_nhan": "<b>Công an</b> & <i>tỉnh</i>", "ghi_chu": "Dòng một\nDòng hai"},
        row2={"noi_nhan": nfd, "so_ky_hieu": "125/QĐ-UBND-VPUBNDTINHGIALAI"},
    )
    out = tmp_path / "literal.pdf"
    render_register(data, out)
    text = " ".join(pages_text(out))
    assert "<b>Công an</b> & <i>tỉnh</i>" in text
    assert "&amp;" not in text
    assert unicodedata.normalize("NFC", nfd) in text
    assert "Dòng một Dòng hai" in text
    fragments = cell_fragments(out)
    assert_inside_cells(data, fragments)
    number = [f.text for f in lines_of("125/QĐ-UBND-VPUBNDTINHGIALAI", fragments, sep="")]
    assert len(number) > 1 and number[0][-1] in "/-"  # too wide for its column: cut after a "/" or "-"


def test_empty_register_renders(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    render_register(replace(s.register(0), rows=[]), out)
    text = " ".join(pages_text(out))
    # on the cover, under the title on the first page of entries, and as the table's only row
    assert text.count("Không có mục nào trong kỳ") == 2
    assert "không có mục nào trong kỳ" in text
    assert "Ghi chú (10)" in text
