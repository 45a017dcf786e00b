"""The stored form of an event's signed bytes (schema 14, docs/adr/0021-compact-event-storage.md).

The events table keeps each event's canonical body and signatures (RFC 8785 bytes, what is hashed and signed) in a
compact form; these functions turn one into the other, exactly. Every reader and writer of `events.body` and
`events.signatures` goes through them. Hashes and signatures are always over the canonical bytes; bundles, exports
and receipts carry the canonical bytes too. A stored value that does not decode raises StoredFormError (a
ValueError): the verifier reports it like any other damaged row, readers refuse it; nothing is guessed.

Body, first byte:
- 0x01: the body with every quoted run of 64 or 32 lowercase hex digits (prev, vault) replaced by 0x01 + 32 bytes
  or 0x02 + 16 bytes, then raw deflate (RFC 1951) with the preset dictionary BODY_DICTIONARY_V1;
- 0x02: raw deflate of the body as is, same dictionary (bodies that hold a byte 0x01 or 0x02 themselves: canonical
  JSON never does, but the codec keeps any bytes exactly);
- 0x00: the bytes as they are, for a body larger than MAX_BODY (which verification refuses: only a damaged or
  forged schema-13 row can hold one, and the migration keeps it as it was).
Signatures, first byte:
- 0x01: for each signature its role (0x01 actor, 0x02 cosigner), the signer's name (1 byte length, UTF-8) and the
  64 signature bytes: exactly `[{"by":..,"role":..,"sig":"<base64>"},..]` again;
- 0x00: the canonical bytes as they are (anything the compact form would not give back byte for byte).
Every encoding is decoded again before it is returned, so a stored value always gives back the very bytes given.
Decoding is bounded: a body never inflates beyond MAX_BODY bytes (canonical.MAX_SIZE, the largest document), nor
unpacks beyond it (memory stays within twice the limit).
"""

from __future__ import annotations

import base64
import re
import zlib
from typing import Final

from securemail.crypto.canonical import MAX_SIZE
from securemail.storage.event_dictionary import BODY_DICTIONARY_V1

MAX_BODY: Final = MAX_SIZE         # the largest document the program parses (1 MiB)

_PACKED_DEFLATE: Final = 0x01
_DEFLATE: Final = 0x02
_BODY_VERBATIM: Final = 0x00
_SIGS_VERBATIM: Final = 0x00
_SIGS_COMPACT: Final = 0x01

_HEX_RUN: Final = re.compile(rb'"([0-9a-f]{64}|[0-9a-f]{32})"')
_HASH_MARK: Final = 0x01           # followed by 32 bytes: a quoted 64-digit hex string
_ID_MARK: Final = 0x02             # followed by 16 bytes: a quoted 32-digit hex string
_MARK: Final = re.compile(rb"[\x01\x02]")
_ROLES: Final = {"actor": 0x01, "cosigner": 0x02}
_ROLE_NAMES: Final = {code: name for name, code in _ROLES.items()}
_SIG_BYTES: Final = 64

# deflateSetDictionary hashes the whole dictionary: priming one compressor and copying it per body costs a third.
_PRIMED: Final = zlib.compressobj(9, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, zdict=BODY_DICTIONARY_V1)


class StoredFormError(ValueError):
    """A stored body or signatures value that is not in any stored form this program knows."""


# ---- bodies ------------------------------------------------------------------------------------------------------

def store_body(canonical: bytes) -> bytes:
    """The stored form of a body's bytes (any bytes; they are kept exactly)."""
    if len(canonical) > MAX_BODY:
        return bytes([_BODY_VERBATIM]) + canonical    # nothing to inflate: refused when parsed, as before
    if _HASH_MARK in canonical or _ID_MARK in canonical:
        stored = bytes([_DEFLATE]) + _deflate(canonical)
    else:
        stored = bytes([_PACKED_DEFLATE]) + _deflate(_HEX_RUN.sub(_pack_hex, canonical))
    if load_body(stored) != canonical:     # never store what would not give the same bytes back
        raise StoredFormError("stored form does not give the body back")
    return stored


def load_body(stored: object) -> bytes:
    """The canonical bytes of a stored body (a column's value); StoredFormError if it is not one."""
    data = _bytes_of(stored)
    if not data:
        raise StoredFormError("empty stored body")
    form = data[0]
    if form == _BODY_VERBATIM:
        return data[1:]
    if form == _DEFLATE:
        return _inflate(data[1:])
    if form == _PACKED_DEFLATE:
        return _unpack_hex(_inflate(data[1:]))
    raise StoredFormError(f"unknown stored body form {form:#04x}")


def _bytes_of(stored: object) -> bytes:
    if isinstance(stored, bytes | bytearray | memoryview):
        return bytes(stored)
    raise StoredFormError(f"stored value is {type(stored).__name__}, not bytes")


def _deflate(data: bytes) -> bytes:
    c = _PRIMED.copy()
    return c.compress(data) + c.flush()


def _inflate(payload: bytes) -> bytes:
    d = zlib.decompressobj(-15, zdict=BODY_DICTIONARY_V1)
    try:
        out = d.decompress(payload, MAX_BODY + 1)
    except zlib.error as e:
        raise StoredFormError(f"stored body does not inflate: {e}") from None
    if len(out) > MAX_BODY or d.unconsumed_tail:
        raise StoredFormError(f"stored body inflates beyond {MAX_BODY} bytes")
    if not d.eof or d.unused_data:
        raise StoredFormError("stored body is truncated or has bytes after its end")
    return out


def _pack_hex(match: re.Match[bytes]) -> bytes:
    digits = match.group(1)
    return bytes([_HASH_MARK if len(digits) == 64 else _ID_MARK]) + bytes.fromhex(digits.decode("ascii"))


def _unpack_hex(packed: bytes) -> bytes:
    mark = _MARK.search(packed)
    if mark is None:
        return packed
    parts: list[bytes] = []
    start = 0
    while mark is not None:
        i = mark.start()
        size = 32 if packed[i] == _HASH_MARK else 16
        raw = packed[i + 1:i + 1 + size]
        if len(raw) != size:
            raise StoredFormError("stored body ends inside a packed hex string")
        parts += (packed[start:i], b'"', raw.hex().encode("ascii"), b'"')
        start = i + 1 + size
        mark = _MARK.search(packed, start)
    parts.append(packed[start:])
    out = b"".join(parts)
    if len(out) > MAX_BODY:
        raise StoredFormError(f"stored body unpacks beyond {MAX_BODY} bytes")
    return out


# ---- signatures --------------------------------------------------------------------------------------------------

def store_signatures(canonical: bytes) -> bytes:
    """The stored form of a signatures list's canonical bytes (any bytes; they are kept exactly)."""
    compact = _compact_signatures(canonical)
    if compact is not None and _expand_signatures(compact) == canonical:
        return bytes([_SIGS_COMPACT]) + compact
    return bytes([_SIGS_VERBATIM]) + canonical


def load_signatures(stored: object) -> bytes:
    """The canonical bytes of stored signatures (a column's value); StoredFormError if they are not a stored form."""
    data = _bytes_of(stored)
    if not data:
        raise StoredFormError("empty stored signatures")
    if data[0] == _SIGS_VERBATIM:
        if len(data) - 1 > MAX_BODY:
            raise StoredFormError(f"stored signatures larger than {MAX_BODY} bytes")
        return data[1:]
    if data[0] == _SIGS_COMPACT:
        return _expand_signatures(data[1:])
    raise StoredFormError(f"unknown stored signatures form {data[0]:#04x}")


# One signature as canonical_bytes writes it: a name that needs no escape, a known role, 64 bytes in base64.
_SIG_ITEM: Final = re.compile(
    rb'\{"by":"([^"\\\x00-\x1f]{1,255})","role":"(actor|cosigner)","sig":"([A-Za-z0-9+/]{86}==)"\}')


def _compact_signatures(canonical: bytes) -> bytes | None:
    if not (canonical.startswith(b"[") and canonical.endswith(b"]")):
        return None
    out = bytearray()
    pos, end = 1, len(canonical) - 1
    while pos < end:
        match = _SIG_ITEM.match(canonical, pos, end)
        if match is None:
            return None
        by, role, sig = match.groups()
        out += bytes([_ROLES[role.decode()], len(by)]) + by + base64.b64decode(sig, validate=True)
        pos = match.end()
        if pos < end:
            if canonical[pos:pos + 1] != b",":
                return None
            pos += 1
            if pos == end:
                return None
    return bytes(out)


def _expand_signatures(compact: bytes) -> bytes:
    items: list[bytes] = []
    i, n = 0, len(compact)
    while i < n:
        if i + 2 > n:
            raise StoredFormError("stored signatures end inside a signature")
        role = _ROLE_NAMES.get(compact[i])
        size = compact[i + 1]
        by = compact[i + 2:i + 2 + size]
        sig = compact[i + 2 + size:i + 2 + size + _SIG_BYTES]
        if role is None or size == 0 or len(by) != size or len(sig) != _SIG_BYTES:
            raise StoredFormError("stored signatures are not in their compact form")
        items.append(b'{"by":"' + by + b'","role":"' + role.encode() + b'","sig":"' + base64.b64encode(sig) + b'"}')
        i += 2 + size + _SIG_BYTES
    return b"[" + b",".join(items) + b"]"
