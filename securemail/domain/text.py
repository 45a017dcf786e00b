"""Cleaning of free text and codes typed by people (forms, CLI arguments, scanner input).

Every text is normalised to Unicode NFC. Rules of ``clean_text``:

* ``None``, or text that is empty after cleaning, gives ``None`` (or ``FieldError(field, "required")``).
* Leading and trailing whitespace is stripped. In single-line text every run of whitespace (tab included)
  becomes one space. In multi-line text CR LF and CR become LF, tabs become a space, and trailing spaces of
  each line are dropped.
* Invisible format characters with no use in Vietnamese text (zero-width space, word joiner, soft hyphen, BOM)
  are removed.
* ``FieldError(field, "bad_chars", char="U+XXXX")`` for NUL and other C0/C1 control characters (a line
  break is allowed only in multi-line text), Unicode bidirectional controls (they can make text display
  differently from what is signed), unpaired surrogates and non-characters.
* ``FieldError(field, "too_long", max_len=..., length=...)`` when longer than ``max_len`` characters
  after NFC.
"""

from __future__ import annotations

import re
import unicodedata

from securemail.domain.errors import FieldError

__all__ = ["AGENCY_CODE_MAX", "AGENCY_CODE_MIN", "clean_code", "clean_text"]

_REMOVED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[^\S\n]+\n")


def _bad_char(text: str, multiline: bool) -> str | None:
    for ch in text:
        cp = ord(ch)
        if ch == "\n" and multiline:
            continue
        if ch == "\t":
            continue
        if cp < 0x20 or 0x7F <= cp <= 0x9F or ch in _BIDI or 0xD800 <= cp <= 0xDFFF:
            return f"U+{cp:04X}"
        if 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
            return f"U+{cp:04X}"
    return None


def clean_text(
    value: str | None,
    *,
    field: str,
    max_len: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """NFC-normalise and tidy ``value``; see the module docstring for the rules."""
    raw: object = value  # callers pass loosely typed form data; check at run time too
    if raw is None:
        if required:
            raise FieldError(field, "required")
        return None
    if not isinstance(raw, str):
        raise FieldError(field, "bad_format")
    value = raw
    # Refuse absurd input before doing any work on it (a pasted file, a stuck scanner).
    if len(value) > 4 * max_len + 1024:
        raise FieldError(field, "too_long", max_len=max_len, length=len(value))
    text = value.translate(_REMOVED)
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
    bad = _bad_char(text, multiline)
    if bad is not None:
        raise FieldError(field, "bad_chars", char=bad)
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = _TRAILING.sub("\n", text.replace("\t", " ")).strip()
    else:
        text = _SPACES.sub(" ", text).strip()
    if not text:
        if required:
            raise FieldError(field, "required")
        return None
    if len(text) > max_len:
        raise FieldError(field, "too_long", max_len=max_len, length=len(text))
    return text


AGENCY_CODE_MIN = 2
AGENCY_CODE_MAX = 20
_CODE = re.compile(r"[A-Z0-9_-]{2,20}")


def clean_code(value: object, field: str) -> str:
    """An agency or office code: stripped, upper-cased, 2-20 of A-Z 0-9 ``-`` ``_`` (ASCII only).

    Raises ``FieldError(field, "required")`` when missing or blank, ``"bad_format"`` otherwise.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldError(field, "required")
    if not isinstance(value, str):
        raise FieldError(field, "bad_format")
    text = value.strip().upper()
    if not text.isascii() or _CODE.fullmatch(text) is None:
        raise FieldError(field, "bad_format", min_len=AGENCY_CODE_MIN, max_len=AGENCY_CODE_MAX)
    return text
