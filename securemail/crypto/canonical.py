"""Exactly one function decides which bytes are hashed and signed: RFC 8785 (JCS) JSON.

Floats are refused (they have no single spelling); integers must fit in 2^53. Large numbers, times and ids
travel as strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import rfc8785

# A JSON value as json.loads gives it (str, int, bool, None, list, dict; floats are refused where bytes are
# signed). Left open (Any): events, bundles and state files are read at the edge and checked field by field there.
JsonValue = Any
# A JSON object: an event's data, a document printed with --json, a state file. Typed rows never travel as one:
# services hand out the read models of securemail.services.queries (ADR 0019).
JsonObject = dict[str, JsonValue]

_MAX_SAFE = 2**53 - 1


def _check(value: JsonValue, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE:
            raise ValueError(f"integer out of range at {path}")
        return
    if isinstance(value, float):
        raise ValueError(f"float at {path}: not allowed in canonical data")
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"non-string key at {path}")
            _check(v, f"{path}.{k}")
        return
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _check(v, f"{path}[{i}]")
        return
    raise ValueError(f"unsupported type {type(value).__name__} at {path}")


# The stdlib's C encoder with JCS's separators and key order: RFC 8785's bytes for what `_check` admits as long as
# no character lies beyond U+FFFF (see is_canonical_encoding); used by both the encoder and the checks.
_C_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode
_BEYOND_BMP = re.compile(rb"[\xf0-\xff]")   # UTF-8 lead bytes of characters beyond U+FFFF (and invalid bytes)


def _within_bmp(data: bytes) -> bool:
    """No character beyond U+FFFF (and no invalid lead byte) in `data`: code point order is UTF-16 order."""
    return data.isascii() or _BEYOND_BMP.search(data) is None


def canonical_bytes(value: JsonValue) -> bytes:
    """RFC 8785 canonical JSON of `value` (dicts, lists, str, int, bool, None).

    The C encoder gives exactly RFC 8785's bytes for the values `_check` admits as long as no character lies beyond
    U+FFFF (the rule is_canonical_encoding states and tests/domain/test_canonical_fast_path.py checks against the
    rfc8785 module); anything else, and any value it cannot encode (a lone surrogate), goes to rfc8785 itself, whose
    errors are unchanged. The pure-Python encoder was a fifth of an accept's time (issue 15)."""
    _check(value, "$")
    try:
        fast = _C_ENCODE(value).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError):
        fast = None
    if fast is not None and _within_bmp(fast):
        return fast
    out: bytes = rfc8785.dumps(value)
    return out


MAX_DEPTH = 32                 # events and statements nest 3-4 levels; anything deeper is hostile
MAX_SIZE = 1024 * 1024         # bytes of one document


def check_limits(data: bytes | str, *, max_size: int = MAX_SIZE, max_depth: int = MAX_DEPTH) -> None:
    """Refuse (ValueError) a JSON text larger than `max_size` or nesting deeper than `max_depth`, before any
    recursive parser or encoder sees it (Python's json and rfc8785 recurse and would raise RecursionError)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > max_size:
        raise ValueError(f"JSON text larger than {max_size} bytes")
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return  # cannot nest deeper than the number of openers (the common case: no scan)
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:      # backslash
                escaped = True
            elif byte == 0x22:      # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > max_depth:
                raise ValueError(f"JSON nested deeper than {max_depth} levels")
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1


def loads_bounded(data: bytes | str, *, max_size: int = MAX_SIZE, max_depth: int = MAX_DEPTH) -> JsonValue:
    """json.loads with size and depth limits; ValueError for anything malformed or too big."""
    check_limits(data, max_size=max_size, max_depth=max_depth)
    return json.loads(data)


def parse_canonical(data: bytes) -> JsonValue:
    """Parse bytes that must already be canonical; raises ValueError if re-encoding differs, if the text is larger
    than MAX_SIZE or nests deeper than MAX_DEPTH."""
    text = data.decode("utf-8")
    check_limits(data)
    value = _parsed_if_plainly_canonical(text, data)
    if value is not _UNDECIDED:
        return value
    value = json.loads(text)             # the general path: _check names what canonical_bytes refuses
    if not is_canonical_encoding(value, data):
        raise ValueError("not canonical")
    return value


class _NotPlain(Exception):  # control flow: a float, NaN/Infinity or too large an integer; the general path names it
    pass


def _refuse_number(_text: str) -> Any:
    raise _NotPlain


def _safe_int(text: str) -> int:
    value = int(text)
    if -_MAX_SAFE <= value <= _MAX_SAFE:
        return value
    raise _NotPlain


_UNDECIDED: Any = object()
# Two C decoders made once (json.loads with hooks builds a decoder per call): both refuse floats and NaN/Infinity;
# the second also checks every integer's range, which costs a Python call per integer. The first is enough when the
# text has no run of 16 digits: a JSON integer token of at most 15 digits lies within +-(10^15 - 1) < 2^53 - 1.
_DECODE_PLAIN = json.JSONDecoder(parse_float=_refuse_number, parse_constant=_refuse_number).decode
_DECODE_PLAIN_CHECKING_INTS = json.JSONDecoder(parse_float=_refuse_number, parse_constant=_refuse_number,
                                               parse_int=_safe_int).decode
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_SIXTEEN_DIGITS = b"0" * 16


def _has_sixteen_digits(data: bytes) -> bool:
    """Whether `data` holds a run of 16 ASCII digits (a translate and a find: several times faster than a regex)."""
    return _SIXTEEN_DIGITS in data.translate(_DIGITS_AS_ZERO)


def _parsed_if_plainly_canonical(text: str, data: bytes) -> JsonValue:
    """The value of `data` when one C parse and one C encode prove it canonical, else _UNDECIDED.

    Proven when: the parser met no float or NaN/Infinity and no integer beyond +-(2^53 - 1) (the hooks raise, or
    the text has no run of 16 digits at all; so `_check` holds, as every other value the parser makes is a str,
    bool, None, list or str-keyed dict), no character lies beyond U+FFFF (the case in which is_canonical_encoding
    itself takes the C encoder), and the C encoder gives back exactly `text`. Then is_canonical_encoding(value,
    data) is true by its own definition; anything else takes the general path, which gives the same answer or error
    as before."""
    if not _within_bmp(data):
        return _UNDECIDED
    decode = _DECODE_PLAIN_CHECKING_INTS if _has_sixteen_digits(data) else _DECODE_PLAIN
    try:
        value = decode(text)
        again = _C_ENCODE(value)
    except (_NotPlain, ValueError, TypeError, RecursionError):
        return _UNDECIDED
    return value if again == text else _UNDECIDED


def is_canonical_encoding(value: JsonValue, data: bytes) -> bool:
    """Whether `data` is exactly canonical_bytes(value) (ValueError for values canonical_bytes refuses).

    Verification asks this once per stored body, so it takes the C encoder when that gives the same bytes as
    RFC 8785 for this text: with no character beyond U+FFFF (no UTF-8 byte >= 0xF0), code point order of keys is
    UTF-16 order, and the stdlib's escapes, integers and separators are JCS's for the values _check admits
    (tests/domain/test_canonical_fast_path.py compares both encoders). Anything else goes to rfc8785."""
    _check(value, "$")
    return encodes_to(value, data)


def encodes_to(value: JsonValue, data: bytes) -> bool:
    """Whether `data` is exactly canonical_bytes(value), for a value already known to pass `_check` (e.g. one
    made only of str and lists or str-keyed dicts of them); is_canonical_encoding checks that first."""
    if _within_bmp(data):
        try:
            fast = _C_ENCODE(value)
            return fast.encode("utf-8") == data
        except (UnicodeEncodeError, ValueError):
            return False          # e.g. a lone surrogate from a \ud800 escape: never canonical
    out: bytes = rfc8785.dumps(value)
    return out == data
