"""Reading statement QR codes back from a PNG/JPEG image or from a PDF (rendered at 150 dpi with pdfium)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import zxingcpp
from PIL import Image

from securemail.services.statements import PREFIX

PDF_DPI = 150


def _payloads(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image)
    return [b.text for b in found if b.text.startswith(PREFIX)]


def payloads_from_image(path: Path) -> list[str]:
    with Image.open(path) as img:
        return _payloads(img.convert("RGB"))


def payloads_from_pdf(path: Path, max_pages: int = 50) -> list[str]:
    doc = pypdfium2.PdfDocument(str(path))
    try:
        out: list[str] = []
        for index in range(min(len(doc), max_pages)):
            page = doc[index]
            bitmap = page.render(scale=PDF_DPI / 72)
            out += [p for p in _payloads(bitmap.to_pil()) if p not in out]
        return out
    finally:
        doc.close()
