"""canonical_bytes (the C encoder where it gives RFC 8785's bytes) agrees with the rfc8785 module for every value the
ledger signs; the bench's check before caching a vault (bench/quick_canonical.py) names any event that does not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from securemail.crypto import canonical

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import quick_canonical

_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
                max_size=8)
_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_canonical_bytes_are_rfc8785_bytes(value: object) -> None:
    assert canonical.canonical_bytes(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [
    {"\U0001f600": 1, "\ue000": 2},          # UTF-16 order puts the emoji (a surrogate pair) first
    {"a": "\u2028\u007f\x1f\b\f\n\r\t\"\\/", "b": "Nguyễn Thị Hồng"},
    {"k": "\U0001f600", "n": -0, "big": 2**53 - 1, "list": [True, False, None, []], "empty": {}},
])
def test_the_hard_cases_agree_with_rfc8785(value: object) -> None:
    assert canonical.canonical_bytes(value) == rfc8785.dumps(value)


def test_floats_are_refused_first() -> None:
    with pytest.raises(ValueError):
        canonical.canonical_bytes({"x": 1.5})


def test_a_lone_surrogate_is_refused_as_rfc8785_refuses_it() -> None:
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical.canonical_bytes({"x": "\ud800"})


def test_an_event_not_in_rfc8785_encoding_is_named(tmp_path: Path) -> None:
    """The check run before a vault is cached: every stored body re-encoded by rfc8785 itself."""
    from securemail.storage.database import open_database

    conn = open_database(tmp_path / "v.db", bytes(32), create=True)
    conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, body BLOB, signatures TEXT)")
    good = rfc8785.dumps({"a": 1, "b": "Hồng"})
    conn.execute("INSERT INTO events VALUES (1, ?, '[]')", (good,))
    conn.execute("INSERT INTO events VALUES (2, ?, '[]')", (b'{"b":"H\\u1ed3ng","a":1}',))
    conn.execute("INSERT INTO events VALUES (3, ?, '[ ]')", (good,))
    assert quick_canonical.not_rfc8785(conn) == [2, 3]
    conn.close()
