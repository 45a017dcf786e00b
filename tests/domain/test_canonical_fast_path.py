"""The fast canonicality check (stdlib C encoder) must say exactly what RFC 8785 says, for every text."""

from __future__ import annotations

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from securemail.crypto.canonical import is_canonical_encoding, parse_canonical

_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
                max_size=8)
_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_the_canonical_bytes_are_accepted(value: object) -> None:
    assert is_canonical_encoding(value, rfc8785.dumps(value))


@settings(max_examples=400, deadline=None)
@given(_values)
def test_other_spellings_are_refused_as_rfc8785_refuses_them(value: object) -> None:
    canonical = rfc8785.dumps(value)
    for spelling in (json.dumps(value).encode(), json.dumps(value, ensure_ascii=False, indent=1).encode(),
                     json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()):
        assert is_canonical_encoding(value, spelling) == (spelling == canonical)


@pytest.mark.parametrize("value", [
    {"\U0001f600": 1, "\ue000": 2},          # UTF-16 order puts the emoji (a surrogate pair) first
    {"a": "\u2028\u007f\x1f\b\f\n\r\t\"\\/"},
    {"k": "\U0001f600", "n": -0, "big": 2**53 - 1},
])
def test_the_hard_cases_agree_with_rfc8785(value: object) -> None:
    canonical = rfc8785.dumps(value)
    assert is_canonical_encoding(value, canonical)
    assert parse_canonical(canonical) == value
    stdlib = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    assert is_canonical_encoding(value, stdlib) == (stdlib == canonical)


def test_floats_and_lone_surrogates_are_never_canonical() -> None:
    with pytest.raises(ValueError):
        is_canonical_encoding({"x": 1.5}, b'{"x":1.5}')
    with pytest.raises(ValueError):
        parse_canonical(b'{"x":"\\ud800"}')
