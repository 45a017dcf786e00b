"""The QR and Code128 on the printed papers decode from a 150 dpi render to exactly what was passed in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import doc_samples as s
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from securemail.documents import render_audit, render_delivery, render_receipt, render_register


def first_page(pdf: Path, dpi: int = 150) -> Image.Image:
    document = pdfium.PdfDocument(str(pdf))
    try:
        image: Image.Image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return image


def decoded(pdf: Path, dpi: int = 150) -> dict[str, str]:
    return {r.format.name: r.text for r in zxingcpp.read_barcodes(first_page(pdf, dpi))}


@pytest.mark.parametrize("length", [250, 330, 400])
def test_receipt_qr_and_barcode_decode(length: int, tmp_path: Path) -> None:
    qr = s.payload("receipt", length)
    out = tmp_path / "receipt.pdf"
    render_receipt(s.receipt(qr_payload=qr), out)
    codes = decoded(out)
    assert codes["QRCode"] == qr
    assert codes["Code128"] == s.TRACKING


def test_receipt_with_digit_tracking_number(tmp_path: Path) -> None:
    tracking = "2603120000457"
    out = tmp_path / "receipt.pdf"
    render_receipt(s.receipt(tracking=tracking), out)
    assert decoded(out)["Code128"] == tracking


def test_qr_still_decodes_at_100_dpi(tmp_path: Path) -> None:
    out = tmp_path / "receipt.pdf"
    render_receipt(s.receipt(), out)
    assert decoded(out, dpi=100)["QRCode"] == s.payload("receipt")


def test_other_documents_carry_their_qr(tmp_path: Path) -> None:
    cases: list[tuple[Callable[[Any, Path], None], Any]] = [
        (render_delivery, s.delivery()),
        (render_register, s.register(5)),
        (render_audit, s.audit()),
    ]
    for number, (render, data) in enumerate(cases):
        out = tmp_path / f"doc{number}.pdf"
        render(data, out)
        assert decoded(out)["QRCode"] == data.qr_payload
