"""Register numbers run continuously from 01/01 to 31/12 and do not change between printouts (NĐ 30/2020
Điều 15, 22); the page says "từ số ... đến số"; no date is put in place of another."""

from __future__ import annotations

from datetime import date, datetime

from pypdf import PdfReader

from securemail.clock import ICT
from securemail.services import reports


def _text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_numbers_are_per_year_and_stable(vault, tmp_path):
    """The post office's handover book (its own register): one line per acceptance here."""
    clerk = vault.open("clerk1")
    for day in (datetime(2025, 12, 29, 9, 0, tzinfo=ICT), datetime(2025, 12, 30, 9, 0, tzinfo=ICT),
                datetime(2025, 12, 31, 9, 0, tzinfo=ICT), datetime(2026, 1, 5, 9, 0, tzinfo=ICT),
                datetime(2026, 1, 6, 9, 0, tzinfo=ICT)):
        vault.clock.set(day)
        vault.accept(clerk, doc_ref=f"{day:%d%m}/CV-SND")
    whole = tmp_path / "whole.pdf"
    reports.register(clerk, "handover", date(2025, 12, 1), date(2025, 12, 31), whole, volume="02")
    assert "Từ số 1 đến số 3" in _text(whole)
    assert "Quyển số: 02" in _text(whole)
    last_day = tmp_path / "last.pdf"
    reports.register(clerk, "handover", date(2025, 12, 31), date(2025, 12, 31), last_day)
    assert "Từ số 3 đến số 3" in _text(last_day)  # the same number as in the whole month
    january = tmp_path / "jan.pdf"
    reports.register(clerk, "handover", date(2026, 1, 6), date(2026, 1, 31), january)
    assert "Từ số 2 đến số 2" in _text(january)  # numbering restarted on 01/01/2026
