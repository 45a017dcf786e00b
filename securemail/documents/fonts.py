"""Be Vietnam Pro (receipts, slips, registers) and Liberation Serif (the báo cáo reports: Times New Roman-compatible,
NĐ 30/2020 Phụ lục I), registered once with reportlab.

reportlab's own fonts cannot print Vietnamese, so every string on every document uses the names exported here.
TrueType fonts are embedded as subsets by reportlab, so the PDFs print the same anywhere.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from securemail.resources import resources_dir

FONT_REGULAR: Final = "BeVietnamPro"
FONT_BOLD: Final = "BeVietnamPro-Bold"
FONT_ITALIC: Final = "BeVietnamPro-Italic"
FONT_BOLD_ITALIC: Final = "BeVietnamPro-BoldItalic"
SERIF_REGULAR: Final = "LiberationSerif"
SERIF_BOLD: Final = "LiberationSerif-Bold"
SERIF_ITALIC: Final = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC: Final = "LiberationSerif-BoldItalic"

_FILES: Final = {
    FONT_REGULAR: "BeVietnamPro-Regular.ttf",
    FONT_BOLD: "BeVietnamPro-Bold.ttf",
    FONT_ITALIC: "BeVietnamPro-Italic.ttf",
    FONT_BOLD_ITALIC: "BeVietnamPro-BoldItalic.ttf",
    SERIF_REGULAR: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_lock = threading.Lock()
_registered: list[Path] = []  # the folder the fonts were registered from, once


class FontsNotFoundError(FileNotFoundError):
    """The font files are not where SecureMail looks for them."""


def fonts_dir() -> Path:
    """The folder holding the TTFs (see securemail.resources)."""
    return resources_dir() / "fonts"


def register_fonts() -> None:
    """Register the four styles and the family mapping (for <b>/<i>). Safe to call repeatedly."""
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = fonts_dir()
        missing = [name for name in _FILES.values() if not (folder / name).is_file()]
        if missing:
            raise FontsNotFoundError(f"font files missing in {folder}: {', '.join(missing)}")
        for font_name, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(font_name, str(folder / file_name)))
        pdfmetrics.registerFontFamily(
            FONT_REGULAR, normal=FONT_REGULAR, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(
            SERIF_REGULAR, normal=SERIF_REGULAR, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic=SERIF_BOLD_ITALIC
        )
        _registered.append(folder)
