"""The fast canonical encoder and canonicality check (stdlib C encoder) must say exactly what RFC 8785 says, for
every value and every text."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from securemail.crypto.canonical import _has_sixteen_digits, canonical_bytes, is_canonical_encoding, parse_canonical

_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
                max_size=8)
_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_the_canonical_bytes_are_accepted(value: object) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)
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
    assert canonical_bytes(value) == canonical
    assert is_canonical_encoding(value, canonical)
    assert parse_canonical(canonical) == value
    stdlib = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    assert is_canonical_encoding(value, stdlib) == (stdlib == canonical)


def test_floats_and_lone_surrogates_are_never_canonical() -> None:
    with pytest.raises(ValueError):
        canonical_bytes({"x": 1.5})
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_bytes({"x": "\ud800"})          # refused as rfc8785 refuses it
    with pytest.raises(ValueError):
        is_canonical_encoding({"x": 1.5}, b'{"x":1.5}')
    with pytest.raises(ValueError):
        parse_canonical(b'{"x":"\\ud800"}')


def _general(data: bytes) -> object:
    """parse_canonical as it was before its one-parse path: json.loads, then is_canonical_encoding."""
    value = json.loads(data.decode("utf-8"))
    if not is_canonical_encoding(value, data):
        raise ValueError("not canonical")
    return value


def _outcome(parse: Callable[[bytes], object], data: bytes) -> tuple[str, object]:
    try:
        return "value", parse(data)
    except ValueError as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("text", [
    b'{"n":9007199254740991}', b'{"n":9007199254740992}', b'{"n":-9007199254740991}', b'{"n":-9007199254740992}',
    b'{"n":1234567890123456789012}', b'{"n":1.5}', b'{"n":1e5}', b'{"n":-0}', b'{"n":NaN}', b'[Infinity]',
    b'{"a":1,"a":2}', b'{"b":1,"a":2}', b'{"a":"\\u00e9"}', '{"a":"é"}'.encode(), b'{"a":"\\ud800"}',
    '{"k":"\U0001f600"}'.encode(), b'{"t":"KT0000000000000001VN"}', b'{"a": 1}', b'', b'[1,2]', b'"\\u2028"',
    b'{"x":[true,false,null,{"y":"z"}]}', b'{"n":0012}', b'\xff',
    b'{"n":999999999999999}', b'{"n":-999999999999999}', b'{"n":1000000000000000}', b'{"n":99999999999999999}',
    b'{"n":9007199254740992,"s":"1234567890123456"}', b'{"s":"12345678901234567"}', b'[1,2,"123456789012345",3]',
])
def test_one_parse_says_what_the_general_path_says(text: bytes) -> None:
    """The fast path (one C parse with number hooks, one C encode) gives the general path's value or error."""
    assert _outcome(parse_canonical, text) == _outcome(_general, text)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_one_parse_agrees_on_every_spelling(value: object) -> None:
    for spelling in (rfc8785.dumps(value), json.dumps(value).encode(),
                     json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()):
        assert _outcome(parse_canonical, spelling) == _outcome(_general, spelling)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(2**64), max_value=2**64), st.text(alphabet="0123456789", max_size=20))
def test_integers_near_and_beyond_the_safe_range_take_the_general_paths_answer(n: int, digits: str) -> None:
    """Integers of up to 15 digits skip the range hook; 16 digits anywhere (even in a string) bring it back."""
    for text in (json.dumps({"n": n}).encode(), json.dumps({"n": n, "s": digits}, sort_keys=True).encode()):
        assert _outcome(parse_canonical, text) == _outcome(_general, text)


def test_a_run_of_sixteen_digits_is_found_wherever_it_is() -> None:
    assert not _has_sixteen_digits(b'{"n":999999999999999,"s":"123456789012345"}')
    assert _has_sixteen_digits(b'{"n":1000000000000000}')
    assert _has_sixteen_digits(b'{"s":"x1234567890123456y"}')
    assert not _has_sixteen_digits(("\u0661" * 16).encode())      # only ASCII digits make a JSON integer
