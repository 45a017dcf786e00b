"""clean_text and clean_code: NFC, whitespace, control characters, length, required-ness."""

from __future__ import annotations

import pickle
import unicodedata

import pytest

from securemail.domain.errors import ERROR_CODES, FieldError
from securemail.domain.text import clean_code, clean_text

VI = "Nguyễn Thị Hường, Ủy ban nhân dân tỉnh Gia Lai, Đắk Lắk"


def _err(exc: pytest.ExceptionInfo[FieldError]) -> tuple[str, str]:
    return exc.value.field, exc.value.code


def test_nfd_vietnamese_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", VI)
    assert nfd != VI
    out = clean_text(nfd, field="name", max_len=200)
    assert out == VI
    assert out is not None and unicodedata.is_normalized("NFC", out)


def test_max_len_counts_nfc_characters() -> None:
    text = "Tuyệt mật" * 10  # 90 NFC characters, many more in NFD
    nfd = unicodedata.normalize("NFD", text)
    assert len(nfd) > 90
    assert clean_text(nfd, field="f", max_len=90) == text
    with pytest.raises(FieldError) as info:
        clean_text(nfd + "x", field="f", max_len=90)
    assert _err(info) == ("f", "too_long")
    assert info.value.params == {"max_len": 90, "length": 91}


def test_huge_text_rejected() -> None:
    with pytest.raises(FieldError) as info:
        clean_text("a" * 10_000_000, field="notes", max_len=2000, multiline=True)
    assert _err(info) == ("notes", "too_long")


def test_strip_and_collapse_single_line() -> None:
    assert clean_text("  Bưu\t cục   Pleiku \u00a0 ", field="f", max_len=50) == "Bưu cục Pleiku"


def test_multiline_keeps_line_breaks() -> None:
    raw = "  Dòng 1  \r\nDòng\t2\rDòng 3\n\n\nHết  "
    assert clean_text(raw, field="f", max_len=100, multiline=True) == "Dòng 1\nDòng 2\nDòng 3\n\n\nHết"


def test_invisible_junk_removed() -> None:
    assert clean_text("\ufeffLê\u200b Văn\u00ad A", field="f", max_len=50) == "Lê Văn A"


@pytest.mark.parametrize(
    ("raw", "char"),
    [
        ("a\x00b", "U+0000"),
        ("a\x07b", "U+0007"),
        ("a\x1bb", "U+001B"),
        ("a\x7fb", "U+007F"),
        ("a\x85b", "U+0085"),
        ("a\nb", "U+000A"),  # single-line
        ("a\rb", "U+000D"),
        ("abc\u202egnp.exe", "U+202E"),  # right-to-left override
        ("a\u2066b", "U+2066"),
        ("a\ud800b", "U+D800"),  # lone surrogate
        ("a\uffffb", "U+FFFF"),
    ],
)
def test_bad_chars(raw: str, char: str) -> None:
    with pytest.raises(FieldError) as info:
        clean_text(raw, field="name", max_len=50)
    assert _err(info) == ("name", "bad_chars")
    assert info.value.params == {"char": char}


@pytest.mark.parametrize("raw", ["a\x00b", "a\x0bb", "a\x0cb", "a\u202eb"])
def test_bad_chars_multiline(raw: str) -> None:
    with pytest.raises(FieldError) as info:
        clean_text(raw, field="notes", max_len=50, multiline=True)
    assert _err(info) == ("notes", "bad_chars")


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", "\u200b"])
def test_empty_is_none_or_required(raw: str | None) -> None:
    assert clean_text(raw, field="f", max_len=10, multiline=True) is None
    with pytest.raises(FieldError) as info:
        clean_text(raw, field="f", max_len=10, required=True, multiline=True)
    assert _err(info) == ("f", "required")


def test_non_string_rejected() -> None:
    with pytest.raises(FieldError) as info:
        clean_text(12, field="f", max_len=10)  # type: ignore[arg-type]
    assert _err(info) == ("f", "bad_format")


@pytest.mark.parametrize(
    ("raw", "out"),
    [("ubnd-gl", "UBND-GL"), (" TU_GL ", "TU_GL"), ("ab", "AB"), ("A" * 20, "A" * 20), ("kt1", "KT1")],
)
def test_clean_code(raw: str, out: str) -> None:
    assert clean_code(raw, "sender_agency") == out


@pytest.mark.parametrize("raw", ["A", "A" * 21, "UB ND", "UBND/GL", "ĐẮK", "ＡＢ", "A.B", 12])
def test_clean_code_bad_format(raw: object) -> None:
    with pytest.raises(FieldError) as info:
        clean_code(raw, "recipient_agency")
    assert _err(info) == ("recipient_agency", "bad_format")


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_clean_code_required(raw: object) -> None:
    with pytest.raises(FieldError) as info:
        clean_code(raw, "sender_agency")
    assert _err(info) == ("sender_agency", "required")


def test_field_error_shape() -> None:
    err = FieldError("weight_grams", "too_large", max=5)
    assert isinstance(err, ValueError)
    assert (err.field, err.code, err.params) == ("weight_grams", "too_large", {"max": 5})
    assert str(err) == "weight_grams: too_large, max=5"
    assert repr(err) == "FieldError('weight_grams', 'too_large', max=5)"
    assert "required" in ERROR_CODES


def test_field_error_pickles() -> None:
    err = pickle.loads(pickle.dumps(FieldError("f", "too_long", max_len=3)))
    assert (err.field, err.code, err.params) == ("f", "too_long", {"max_len": 3})
