"""Our line breaking for plain-string table cells: every line fits, no text is lost, widths are reportlab's."""

from __future__ import annotations

import unicodedata

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from securemail.documents.fonts import FONT_BOLD, FONT_REGULAR, register_fonts
from securemail.documents.linebreak import font_widths, plain_lines, wrap

TEXT = (
    "Báo cáo kết quả kiểm tra công tác bảo vệ bí mật nhà nước tại các cơ quan, đơn vị, địa phương trên địa bàn "
    "tỉnh Gia Lai năm 2025, số 125/QĐ-UBND-VPUBNDTINHGIALAI-KHCN ngày 10/03/2026"
)


@pytest.fixture(autouse=True)
def fonts() -> None:
    register_fonts()


@pytest.mark.parametrize("font", [FONT_REGULAR, FONT_BOLD])
@pytest.mark.parametrize("width", [30.0, 55.0, 120.0, 400.0])
def test_every_line_fits_and_no_text_is_lost(font: str, width: float) -> None:
    lines = wrap(plain_lines(TEXT), width, font_widths(font, 8.5))
    for line in lines:
        assert stringWidth(line, font, 8.5) <= width + 1e-6 or len(line) == 1, line
    assert "".join("".join(lines).split()) == "".join(TEXT.split())
    assert [w for line in lines for w in line.split()][:5] == TEXT.split()[:5]  # broken at spaces first


def test_text_that_fits_is_left_alone_and_whitespace_is_tidied() -> None:
    measure = font_widths(FONT_REGULAR, 8.5)
    assert wrap(plain_lines("Công an tỉnh Gia Lai"), 200, measure) == ["Công an tỉnh Gia Lai"]
    assert wrap(plain_lines("  a \t b\r\nc\n\nd\n"), 200, measure) == ["a b", "c", "", "d"]
    assert wrap(plain_lines(""), 200, measure) == [""]


def test_too_wide_words_are_cut_after_slash_or_dash_else_between_letters() -> None:
    measure = font_widths(FONT_REGULAR, 8.5)
    assert wrap(["9995/SKHCN-VP"], 54, measure) == ["9995/", "SKHCN-VP"]
    pieces = wrap(["X" * 40], 50, measure)
    assert len(pieces) > 1 and "".join(pieces) == "X" * 40
    assert wrap(["XX"], 0.1, measure) == ["X", "X"]  # at least one character a line, never an endless loop


def test_input_is_composed_and_combining_marks_stay_with_their_letter() -> None:
    nfd = unicodedata.normalize("NFD", "Đắk Lắk")
    assert plain_lines(nfd) == ["Đắk Lắk"]
    odd = "q\u0323\u0301" * 12  # no precomposed form: the marks stay combining after NFC
    pieces = wrap(plain_lines(odd), 20, font_widths(FONT_REGULAR, 8.5))
    assert "".join(pieces) == unicodedata.normalize("NFC", odd)
    assert all(not unicodedata.combining(piece[0]) for piece in pieces)
