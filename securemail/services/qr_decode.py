"""Reading statement QR codes back from a PNG/JPEG image or from a PDF (rendered at 150 dpi with pdfium).

Hostile files are refused before anything is decoded or rendered: not a regular file or larger than MAX_FILE
bytes (read_input_file), an image or a page that would need more than MAX_PIXELS pixels, more than MAX_PAGES pages.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import zxingcpp
from PIL import Image

from securemail.errors import BadInputError
from securemail.services.statements import PREFIX
from securemail.storage.files import read_input_file

PDF_DPI = 150
MAX_FILE = 50 * 1024 * 1024
MAX_PIXELS = 40_000_000          # an A3 page at 300 dpi is ~17 Mpx
MAX_PAGES = 50


def _payloads(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image)
    return [b.text for b in found if b.text.startswith(PREFIX)]


def _check_pixels(width: float, height: float, path: Path, field: str) -> None:
    pixels = int(width) * int(height)
    if width <= 0 or height <= 0 or pixels > MAX_PIXELS:
        raise BadInputError("input.page_too_large", field=field, path=str(path), pixels=pixels, max=MAX_PIXELS)


def payloads_from_image(path: Path, *, field: str = "--image") -> list[str]:
    data = read_input_file(path, max_size=MAX_FILE, field=field)
    with Image.open(io.BytesIO(data)) as img:
        _check_pixels(img.width, img.height, path, field)   # header only: nothing decoded yet
        return _payloads(img.convert("RGB"))


def payloads_from_pdf(path: Path, max_pages: int = MAX_PAGES, *, field: str = "--pdf") -> list[str]:
    data = read_input_file(path, max_size=MAX_FILE, field=field)
    doc = pypdfium2.PdfDocument(data)
    try:
        scale = PDF_DPI / 72
        pages = range(min(len(doc), max_pages))
        for index in pages:  # every page's size first: refuse the file before rendering any of it
            width, height = doc.get_page_size(index)
            _check_pixels(width * scale, height * scale, path, field)
        out: list[str] = []
        for index in pages:
            page = doc[index]
            bitmap = page.render(scale=scale)
            out += [p for p in _payloads(bitmap.to_pil()) if p not in out]
        return out
    finally:
        doc.close()
