"""KT1 tracking numbers in the UPU S10 layout: ``KT`` + 8-digit serial + check digit + ``VN``.

Check digit (UPU S10): weights 8 6 4 2 3 5 9 7 on the serial's digits; ``c = 11 - (sum mod 11)``, then
10 -> 0 and 11 -> 5. Example from the standard: ``RA473124829GB`` (serial 47312482, check 9).

``parse_tracking`` accepts any two-letter service indicator (pre-printed labels may use another one than
``KT``) but only the country code ``VN`` unless told otherwise.
"""

from __future__ import annotations

import re
import unicodedata

from securemail.domain.errors import FieldError

__all__ = [
    "DEFAULT_COUNTRY",
    "DEFAULT_PREFIX",
    "MAX_SERIAL",
    "is_valid_tracking",
    "make_tracking",
    "normalise_tracking",
    "parse_tracking",
    "s10_check_digit",
]

DEFAULT_PREFIX = "KT"
DEFAULT_COUNTRY = "VN"
MAX_SERIAL = 99_999_999
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_LETTERS2 = re.compile(r"[A-Z]{2}")
_S10 = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_FIELD = "tracking"


def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial given as text (leading zeros count)."""
    if len(serial) != 8 or not serial.isascii() or not serial.isdigit():
        raise ValueError("an S10 serial is exactly 8 ASCII digits")
    total = sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def make_tracking(serial: int, prefix: str = DEFAULT_PREFIX, country: str = DEFAULT_COUNTRY) -> str:
    """``make_tracking(12345678) == "KT123456785VN"``. Programming errors raise ValueError."""
    if isinstance(serial, bool) or not isinstance(serial, int) or not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be an int in 0..{MAX_SERIAL}")
    for part in (prefix, country):
        if _LETTERS2.fullmatch(part) is None:
            raise ValueError("prefix and country are two upper-case ASCII letters")
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{s10_check_digit(digits)}{country}"


def normalise_tracking(text: str) -> str:
    """NFC, strip, upper-case and drop spaces and hyphens (as typed or scanned); no validation."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFC", text)).upper()


def parse_tracking(text: str, *, country: str | None = DEFAULT_COUNTRY) -> str:
    """The canonical tracking number; else ``FieldError("tracking", "bad_format"|"bad_check_digit", value=)``.

    ``country=None`` accepts any two-letter country code.
    """
    raw: object = text
    if not isinstance(raw, str):
        raise FieldError(_FIELD, "bad_format", value=repr(raw)[:40])
    if len(raw) > 64:
        raise FieldError(_FIELD, "bad_format", value=raw[:39] + "…")
    norm = normalise_tracking(raw)
    match = _S10.fullmatch(norm) if norm.isascii() else None
    if match is None or (country is not None and match.group(4) != country):
        raise FieldError(_FIELD, "bad_format", value=norm)
    if s10_check_digit(match.group(2)) != int(match.group(3)):
        raise FieldError(_FIELD, "bad_check_digit", value=norm)
    return norm


def is_valid_tracking(text: str, *, country: str | None = DEFAULT_COUNTRY) -> bool:
    try:
        parse_tracking(text, country=country)
    except FieldError:
        return False
    return True
