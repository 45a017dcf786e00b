"""Register layouts are data chosen by date; long registers chunk, number pages and repeat the header per page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import doc_samples as s
import pytest
from pypdf import PdfReader

from securemail.documents import render_register
from securemail.documents.models import RegisterData, RegisterKind
from securemail.documents.register_layouts import (
    LAYOUTS,
    NEW_BASIS_FROM,
    LayoutChoiceError,
    PeriodStraddlesError,
    choose_layout,
    get_layout,
    split_period,
)

OUT = RegisterKind.SECRET_OUTGOING
IN = RegisterKind.SECRET_INCOMING
POST = RegisterKind.POST_OUTGOING


def pages_text(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


@pytest.mark.parametrize(
    ("kind", "start", "end", "expected"),
    [
        (OUT, date(2025, 1, 1), date(2025, 12, 31), "tt24-2020-m14"),
        (OUT, date(2026, 2, 1), date(2026, 2, 28), "tt24-2020-m14"),
        (OUT, date(2026, 3, 1), date(2026, 3, 31), "nd63-2026-di"),
        (IN, date(2026, 2, 28), date(2026, 2, 28), "tt24-2020-m15"),
        (IN, date(2026, 3, 1), date(2026, 12, 31), "nd63-2026-den"),
        (POST, date(2024, 1, 1), date(2027, 12, 31), "nd30-2020-buudien"),
    ],
)
def test_layout_chosen_by_date(kind: RegisterKind, start: date, end: date, expected: str) -> None:
    assert choose_layout(kind, start, end).id == expected


def test_period_straddling_the_change_is_refused_with_its_parts() -> None:
    with pytest.raises(PeriodStraddlesError) as caught:
        choose_layout(OUT, date(2026, 2, 15), date(2026, 3, 15))
    parts = [(layout.id, lo, hi) for layout, lo, hi in caught.value.parts]
    assert parts == [
        ("tt24-2020-m14", date(2026, 2, 15), date(2026, 2, 28)),
        ("nd63-2026-di", date(2026, 3, 1), date(2026, 3, 15)),
    ]
    assert parts == [(lt.id, lo, hi) for lt, lo, hi in split_period(OUT, date(2026, 2, 15), date(2026, 3, 15))]


def test_no_layout_before_the_first_form_or_for_backwards_periods() -> None:
    with pytest.raises(LayoutChoiceError):
        choose_layout(OUT, date(2019, 1, 1), date(2019, 12, 31))
    with pytest.raises(LayoutChoiceError):
        choose_layout(OUT, date(2020, 6, 1), date(2020, 7, 31))  # starts before TT 24/2020 took effect
    with pytest.raises(LayoutChoiceError):
        choose_layout(OUT, date(2026, 3, 2), date(2026, 3, 1))


def test_layouts_are_well_formed() -> None:
    ids = [layout.id for layout in LAYOUTS]
    assert len(ids) == len(set(ids))
    for layout in LAYOUTS:
        keys = [c.key for c in layout.columns]
        assert len(keys) == len(set(keys)), layout.id
        assert all(c.width > 0 for c in layout.columns)
        assert layout.effective_to is None or layout.effective_from <= layout.effective_to
    assert len(get_layout("tt24-2020-m14").columns) == 9  # form 14: A4, 09 columns (confirmed)
    assert get_layout("tt24-2020-m14").effective_to == date(2026, 2, 28)
    assert get_layout("nd63-2026-di").effective_from == NEW_BASIS_FROM
    assert [c.header for c in get_layout("nd63-2026-den").columns][:3] == ["Số thứ tự", "Ngày đến", "Số đến"]
    assert not get_layout("nd30-2020-buudien").unconfirmed
    assert get_layout("nd63-2026-di").unconfirmed


def test_how_columns_were_established_is_data_never_a_footnote(tmp_path: Path) -> None:
    """Columns that cannot be confirmed from the official text are configurable data (issue 11, item 5): the page
    carries the register only, with the legal text it follows on the cover."""
    out = tmp_path / "secret.pdf"
    render_register(s.register(3), out)
    text = " ".join(pages_text(out))
    assert "(*)" not in text and "chưa được xác nhận" not in text and "bên thứ ba" not in text
    assert "Mẫu sổ: Phụ lục III, Nghị định số 63/2026/NĐ-CP" in text
    assert get_layout("nd63-2026-di").provenance  # ... kept as data
    post = RegisterData(
        imprint=s.IMPRINT, qr_payload=s.payload("post"), kind=POST, period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31), agency_name=s.SENDER, first_number=1, last_number=1,
        rows=[{"ngay_chuyen": "02/03/2026", "so_ky_hieu": "15/SKHCN-VP", "noi_nhan": s.RECIPIENT, "so_luong_bi": "2"}],
    )  # fmt: skip
    out = tmp_path / "post.pdf"
    render_register(post, out)
    text = " ".join(pages_text(out))
    assert "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN" in text
    assert "Ký nhận và dấu bưu điện" in text
    assert "Từ số 1 đến số 1" in text


def test_render_refuses_straddling_period_and_wrong_layout(tmp_path: Path) -> None:
    with pytest.raises(PeriodStraddlesError):
        render_register(s.register(3, date(2026, 2, 1), date(2026, 3, 31)), tmp_path / "x.pdf")
    forced = s.register(3)
    forced = RegisterData(**{**{f: getattr(forced, f) for f in forced.__slots__}, "layout_id": "tt24-2020-m15"})
    with pytest.raises(LayoutChoiceError):
        render_register(forced, tmp_path / "y.pdf")


def test_layout_can_be_forced_for_a_reprint(tmp_path: Path) -> None:
    data = s.register(3, date(2026, 2, 1), date(2026, 2, 28))
    out = tmp_path / "old.pdf"
    render_register(data, out)
    assert "Thông tư số 24/2020/TT-BCA" in " ".join(pages_text(out))


def test_long_register_numbers_pages_and_repeats_header_once_per_page(tmp_path: Path) -> None:
    out = tmp_path / "register.pdf"
    rows = 650  # four chunks of up to 200 rows
    render_register(s.register(rows), out)
    pages = pages_text(out)
    total = len(pages)
    assert total > 5
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in text
        if number > 1:  # the cover is a page of its own
            assert text.count("Ghi chú (10)") == 1, f"page {number}: column header missing or repeated mid-page"
    everything = " ".join(pages)
    for serial in (1, 200, 201, 400, 401, 650):
        assert f" {serial} {serial}/SKHCN-VP " in everything
    assert "Từ số 1 đến số 650" in everything
