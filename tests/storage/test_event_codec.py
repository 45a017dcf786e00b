"""The stored form of events (storage/event_codec.py, ADR 0021): exactly the canonical bytes back, bounded, refused
when it is not a stored form; its dictionary never changes."""

from __future__ import annotations

import base64
import hashlib
import unicodedata
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securemail.crypto.canonical import canonical_bytes
from securemail.storage import event_codec
from securemail.storage.event_codec import (
    MAX_BODY,
    StoredFormError,
    load_body,
    load_signatures,
    store_body,
    store_signatures,
)
from securemail.storage.event_dictionary import BODY_DICTIONARY_V1

# Every stored body of format 1 was deflated with this dictionary: a change would make them unreadable.
DICTIONARY_V1_SHA256 = "a0bc16343920d5817be3a1f904fc3a47100ad99e8d9b4350266a3100c591a7a9"


def test_the_dictionary_is_the_one_every_stored_body_was_made_with():
    assert hashlib.sha256(BODY_DICTIONARY_V1).hexdigest() == DICTIONARY_V1_SHA256
    assert len(BODY_DICTIONARY_V1) <= 32 * 1024       # deflate's window: more would never be reached


_VI = st.sampled_from(["Nguyễn Thị Thu Hà", "Đặng Văn Hưng", "Ủy ban nhân dân tỉnh Gia Lai", "Bưu điện",
                       "Niêm phong bì ngoài bị rách", "𝔸𝕓 😀 𠜎", "tab\tnew\nline \"q\" \\", "\u0000\u001f"])
_TEXT = st.one_of(_VI, st.text(max_size=40), _VI.map(lambda s: unicodedata.normalize("NFD", s)))
_HEX = st.binary(min_size=32, max_size=32).map(bytes.hex)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _TEXT | _HEX,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=25)
_EVENT = st.fixed_dictionaries({
    "v": st.just(1), "vault": st.binary(min_size=16, max_size=16).map(bytes.hex), "seq": st.integers(1, 10**9),
    "time": st.just("2025-01-21T13:54:00.000000+07:00"), "kind": st.sampled_from(["item.delivered", "bag.closed"]),
    "subject": st.from_regex(r"KT[0-9]{9}VN", fullmatch=True), "actor": _TEXT, "cosigner": st.none() | _TEXT,
    "prev": st.none() | _HEX, "data": st.dictionaries(_TEXT, _JSON, max_size=6)})


@settings(max_examples=300, deadline=None)
@given(st.one_of(_EVENT, _JSON))
def test_a_canonical_body_comes_back_byte_for_byte(value):
    body = canonical_bytes(value)
    stored = store_body(body)
    assert load_body(stored) == body
    assert load_body(memoryview(stored)) == body


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_come_back_too(raw):
    """A damaged or forged body is kept exactly as it is, for verification to find (and \\x01 \\x02 bytes, which
    canonical JSON never holds, take the unpacked form)."""
    assert load_body(store_body(raw)) == raw


def test_a_typical_body_is_a_fraction_of_its_size():
    body = (b'{"actor":"buuta1","cosigner":"vtcq01","data":{"agency":"CQ01","as_delegate":false,"to":"vtcq01"},'
            b'"kind":"item.delivered","prev":"' + b"a3" * 32 + b'","seq":10167,"subject":"KT000038156VN",'
            b'"time":"2025-01-21T13:54:00.000000+07:00","v":1,"vault":"' + b"07" * 16 + b'"}')
    assert len(store_body(body)) < len(body) / 2


_SIG = st.binary(min_size=64, max_size=64).map(lambda b: base64.b64encode(b).decode())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"by": _TEXT, "role": st.sampled_from(["actor", "cosigner", "witness"]),
                                       "sig": _SIG | _TEXT}), max_size=3))
def test_signatures_come_back_byte_for_byte(sigs):
    canonical = canonical_bytes(sigs)
    assert load_signatures(store_signatures(canonical)) == canonical


def test_ordinary_signatures_take_the_compact_form():
    sigs = canonical_bytes([{"by": "buuta1", "role": "actor", "sig": base64.b64encode(bytes(range(64))).decode()},
                            {"by": "vănthư", "role": "cosigner", "sig": base64.b64encode(bytes(64)).decode()}])
    stored = store_signatures(sigs)
    assert stored[0] == 0x01 and len(stored) < len(sigs) * 0.7
    assert load_signatures(stored) == sigs


@pytest.mark.parametrize("odd", [b"[ ]", b"not json", b'[{"by":"a","role":"actor","sig":"AA=="}]', b""])
def test_other_signatures_are_kept_as_they_are(odd):
    stored = store_signatures(odd)
    assert stored[:1] == b"\x00" and load_signatures(stored) == odd


def _raw_deflate(data: bytes, zdict: bytes = BODY_DICTIONARY_V1) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=zdict)
    return c.compress(data) + c.flush()


def test_a_stored_body_never_inflates_beyond_the_limit():
    bomb = b"\x02" + _raw_deflate(b"[" * (64 * MAX_BODY))         # 64 MiB of '[' in ~64 KB
    assert len(bomb) < MAX_BODY
    with pytest.raises(StoredFormError, match="beyond"):
        load_body(bomb)
    huge = b"[" * (MAX_BODY + 1)          # only a damaged or forged row: kept as it is, refused when parsed
    assert store_body(huge)[:1] == b"\x00" and load_body(store_body(huge)) == huge


@pytest.mark.parametrize("damage", [
    lambda s: b"",                          # empty
    lambda s: b"\x07" + s[1:],              # a form this program does not know
    lambda s: s[:-3],                       # cut short
    lambda s: s + b"\x00\x00",              # bytes after the end of the deflate stream
    lambda s: s[:1] + bytes([s[1] ^ 0xFF]) + s[2:],   # flipped bits
    lambda s: b"\x01" + _raw_deflate(b'{"prev":\x01abc'),   # a packed hash cut short
    lambda s: b"\x02" + _raw_deflate(b"{}", zdict=b"another dictionary"),
])
def test_a_damaged_stored_body_is_refused_not_guessed(damage):
    stored = store_body(b'{"kind":"item.note","prev":"' + b"ab" * 32 + b'","v":1}')
    try:
        out = load_body(damage(stored))
    except StoredFormError:
        return
    assert out != load_body(stored)      # (a flipped bit may still inflate: to other bytes, whose hash differs)


@pytest.mark.parametrize("stored", [b"", b"\x05[]", b"\x01\x01\x03ab", b"\x01\x03\x01" + bytes(64),
                                    b"\x01\x01\x02ab" + bytes(63)])
def test_damaged_stored_signatures_are_refused(stored):
    with pytest.raises(StoredFormError):
        load_signatures(stored)


def test_the_codec_never_stores_what_it_cannot_give_back(monkeypatch):
    monkeypatch.setattr(event_codec, "_unpack_hex", lambda packed: packed + b"!")
    with pytest.raises(StoredFormError, match="give the body back"):
        store_body(b'{"prev":"' + b"00" * 32 + b'"}')
