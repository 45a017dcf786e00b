"""Greedy line breaking of plain text to a width, for table cells drawn as strings (no Paragraph).

Breaks at spaces like a left-aligned Paragraph with ``splitLongWords``; a word wider than the whole line is
cut after a "/" or "-" where it can, else between characters (never before a combining mark). Widths come
from reportlab's ``stringWidth``: TrueType widths add up glyph by glyph (no kerning), so a line's width is the
sum of its words' and its spaces' widths, and only words need measuring: they are cached per font and size.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from reportlab.pdfbase.pdfmetrics import stringWidth

_MAX_CACHED = 50_000  # words per font and size; then the cache starts afresh
_SLACK = 1e-6  # summed widths may differ from one measurement in the last bits
_PARTS = re.compile(r"[^/-]*[/-]|[^/-]+")  # a word in pieces that each end after "/" or "-"


class Widths:
    """String widths in one font and size, cached per string."""

    def __init__(self, font: str, size: float) -> None:
        self.font = font
        self.size = size
        self._cache: dict[str, float] = {}
        self.space = self.of(" ")

    def of(self, text: str) -> float:
        width = self._cache.get(text)
        if width is None:
            if len(self._cache) >= _MAX_CACHED:
                self._cache.clear()
            width = self._cache[text] = float(stringWidth(text, self.font, self.size))
        return width


@cache
def font_widths(font: str, size: float) -> Widths:
    return Widths(font, size)


def plain_lines(text: str) -> list[str]:
    """Untrusted text as printable lines: NFC, one per hard line break, whitespace runs as one space."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]
    return lines or [""]


def wrap(lines: list[str], width: float, measure: Widths) -> list[str]:
    """``lines`` (from ``plain_lines``) broken so that none is wider than ``width``."""
    out: list[str] = []
    for line in lines:
        _wrap_line(line, width + _SLACK, measure, out)
    return out


def _wrap_line(line: str, width: float, measure: Widths, out: list[str]) -> None:
    words = line.split(" ")
    of, space = measure.of, measure.space
    if sum(map(of, words)) + space * (len(words) - 1) <= width:
        out.append(line)
        return
    current: list[str] = []
    used = 0.0
    for word in words:
        word_width = of(word)
        if current and used + space + word_width <= width:
            current.append(word)
            used += space + word_width
            continue
        if current:
            out.append(" ".join(current))
        if word_width <= width:
            current, used = [word], word_width
        else:
            *full, last = _cut_word(word, width, measure)
            out.extend(full)
            current, used = [last], of(last)
    out.append(" ".join(current))


def _cut_word(word: str, width: float, measure: Widths) -> list[str]:
    """A word too wide for a line, cut after "/" or "-" where possible (document numbers such as
    "125/QĐ-UBND"), else between characters; every piece fits, or is a single character."""
    pieces: list[str] = []
    current, used = "", 0.0
    for part in _PARTS.findall(word):
        part_width = measure.of(part)
        if current and used + part_width <= width:
            current, used = current + part, used + part_width
            continue
        if current:
            pieces.append(current)
        if part_width <= width:
            current, used = part, part_width
        else:
            *full, current = _cut_chars(part, width, measure)
            pieces.extend(full)
            used = measure.of(current)
    pieces.append(current)
    return pieces


def _cut_chars(word: str, width: float, measure: Widths) -> list[str]:
    pieces: list[str] = []
    start, used = 0, 0.0
    for index, char in enumerate(word):
        char_width = measure.of(char)
        if index > start and used + char_width > width and not unicodedata.combining(char):
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += char_width
    pieces.append(word[start:])
    return pieces
