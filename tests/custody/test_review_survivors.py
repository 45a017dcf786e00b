"""Tests for the mutation survivors found in review (issue 16 item 5).

Each test fails if the guard it names is removed: a shrinking log accepted as consistent, a fetch that returns more
hashes than asked for, a float in canonical JSON, tracking-number errors that lose the value or choke on non-strings.
"""

from __future__ import annotations

import pytest

from securemail.crypto.canonical import canonical_bytes
from securemail.custody.merkle.hashing import leaf_hash
from securemail.custody.merkle.log import MerkleLog
from securemail.custody.merkle.proof_checks import verify_consistency
from securemail.custody.merkle.tree import consistency_proof, root_from_leaf_hashes
from securemail.domain.errors import FieldError
from securemail.domain.tracking import parse_tracking

LEAVES = [leaf_hash(bytes([i])) for i in range(16)]


def _root(n: int) -> bytes:
    return root_from_leaf_hashes(LEAVES[:n])


@pytest.mark.parametrize(("bigger", "smaller"), [(11, 6), (5, 3), (16, 15), (8, 4), (2, 1)])
def test_a_shrinking_log_is_never_consistent(bigger: int, smaller: int) -> None:
    # The real proof that `smaller` grew into `bigger`, offered the wrong way round in every order of the roots:
    # without the size guard, RFC 9162's loop accepts (11 -> 6) with the roots swapped.
    proof = consistency_proof(LEAVES[:bigger], smaller)
    assert verify_consistency(smaller, bigger, _root(smaller), _root(bigger), proof)
    for old_root, new_root in ((_root(bigger), _root(smaller)), (_root(smaller), _root(bigger))):
        assert not verify_consistency(bigger, smaller, old_root, new_root, proof)


def test_a_fetch_returning_extra_hashes_is_refused() -> None:
    log = MerkleLog(lambda start, end: LEAVES[start:end + 1], chunk_level=1)
    with pytest.raises(ValueError, match="returned"):
        log.root(5)


def test_a_fetch_returning_too_few_hashes_is_refused() -> None:
    log = MerkleLog(lambda start, end: LEAVES[start:end - 1], chunk_level=1)
    with pytest.raises(ValueError, match="returned"):
        log.root(5)


def test_an_honest_fetch_gives_the_same_root_as_the_list() -> None:
    log = MerkleLog(lambda start, end: LEAVES[start:end], chunk_level=1)
    assert all(log.root(n) == _root(n) for n in range(len(LEAVES) + 1))


@pytest.mark.parametrize("value", [1.0, 0.5, {"a": [1, 2.5]}, [{"nested": {"x": -0.0}}]])
def test_floats_are_banned_from_canonical_json(value: object) -> None:
    with pytest.raises(ValueError, match=r"float at .*not allowed"):
        canonical_bytes(value)  # type: ignore[arg-type]


def test_integers_and_text_stay_canonical() -> None:
    assert canonical_bytes({"b": 1, "a": "Đà Nẵng"}) == '{"a":"Đà Nẵng","b":1}'.encode()


@pytest.mark.parametrize(
    ("typed", "code", "shown"),
    [
        ("kt 12345678-4 vn", "bad_check_digit", "KT123456784VN"),
        ("kt 1234-5678 5vn", None, None),  # valid once normalised: no error
        ("xx 12345 vn", "bad_format", "XX12345VN"),
        ("KT123456785US", "bad_format", "KT123456785US"),
    ],
)
def test_tracking_errors_report_the_value_seen(typed: str, code: str | None, shown: str | None) -> None:
    if code is None:
        assert parse_tracking(typed) == "KT123456785VN"
        return
    with pytest.raises(FieldError) as caught:
        parse_tracking(typed)
    assert (caught.value.field, caught.value.code) == ("tracking", code)
    assert caught.value.params["value"] == shown


def test_a_very_long_tracking_value_is_cut_in_the_error() -> None:
    with pytest.raises(FieldError) as caught:
        parse_tracking("K" * 500)
    shown = caught.value.params["value"]
    assert isinstance(shown, str) and len(shown) == 40 and shown.endswith("…")


@pytest.mark.parametrize("value", [None, 123456785, b"KT123456785VN", ["KT123456785VN"]])
def test_non_string_tracking_input_is_a_field_error_not_a_crash(value: object) -> None:
    with pytest.raises(FieldError) as caught:
        parse_tracking(value)  # type: ignore[arg-type]
    assert caught.value.code == "bad_format"
    assert caught.value.params["value"] == repr(value)[:40]
