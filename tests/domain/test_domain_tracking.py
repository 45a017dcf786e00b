"""S10 tracking numbers: check digits against the UPU example and hand-worked cases, parsing, rejection."""

from __future__ import annotations

import pytest

from securemail.domain.errors import FieldError
from securemail.domain.tracking import (
    is_valid_tracking,
    make_tracking,
    normalise_tracking,
    parse_tracking,
    s10_check_digit,
)


def test_upu_example_check_digit() -> None:
    # UPU S10 / Wikipedia: 47312482 -> S = 200, 200 mod 11 = 2, C = 9; "RA473124829GB".
    assert s10_check_digit("47312482") == 9
    assert parse_tracking("RA473124829GB", country=None) == "RA473124829GB"
    assert is_valid_tracking("RA473124829GB", country=None)
    assert not is_valid_tracking("RA473124828GB", country=None)


@pytest.mark.parametrize(
    ("serial", "check"),
    [
        ("12345678", 5),  # 8+12+12+8+15+30+63+56 = 204, 204 mod 11 = 6 -> 5
        ("00000001", 4),  # 7 -> 11 - 7 = 4
        ("00000003", 1),  # 21 mod 11 = 10 -> 1
        ("00000008", 0),  # 56 mod 11 = 1 -> 10 -> 0
        ("00000000", 5),  # 0 -> 11 -> 5
        ("99999999", 5),  # 9 * 44 = 396 = 36 * 11 -> 11 -> 5
    ],
)
def test_check_digit_cases(serial: str, check: int) -> None:
    assert s10_check_digit(serial) == check


def test_make_tracking() -> None:
    assert make_tracking(12345678) == "KT123456785VN"
    assert make_tracking(8) == "KT000000080VN"
    assert make_tracking(0) == "KT000000005VN"
    assert make_tracking(47312482, prefix="RA", country="GB") == "RA473124829GB"
    for serial in (0, 1, 8, 999, 12345678, 99999999):
        assert is_valid_tracking(make_tracking(serial))


@pytest.mark.parametrize("serial", [-1, 100_000_000, True])
def test_make_tracking_rejects_bad_serial(serial: int) -> None:
    with pytest.raises(ValueError, match="serial"):
        make_tracking(serial)


@pytest.mark.parametrize("prefix", ["kt", "K", "KTT", "K1", "Đ1"])
def test_make_tracking_rejects_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="letters"):
        make_tracking(1, prefix=prefix)


@pytest.mark.parametrize(
    "typed",
    [
        "KT123456785VN",
        " kt123456785vn ",
        "KT 1234 5678 5 VN",
        "KT-123-456-785-VN",
        "kt\u2013123456785\u2013vn",
    ],
)
def test_parse_normalises(typed: str) -> None:
    assert normalise_tracking(typed) == "KT123456785VN"
    assert parse_tracking(typed) == "KT123456785VN"


def test_other_service_indicator_accepted() -> None:
    number = make_tracking(12345678, prefix="RR")
    assert parse_tracking(number) == number


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "KT12345678VN",  # serial too short
        "KT1234567855VN",  # too long
        "K1123456785VN",
        "KT123456785V1",
        "KT123456785GB",  # other country unless country=None
        "KT１２３４５６７８５VN",  # full-width digits
        "KT12345678\u0665VN",  # Arabic-Indic digit
        "X" * 1000,
    ],
)
def test_parse_bad_format(typed: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_tracking(typed)
    assert (info.value.field, info.value.code) == ("tracking", "bad_format")
    assert not is_valid_tracking(typed)


@pytest.mark.parametrize("check", [d for d in range(10) if d != 5])
def test_parse_bad_check_digit(check: int) -> None:
    with pytest.raises(FieldError) as info:
        parse_tracking(f"KT12345678{check}VN")
    assert (info.value.field, info.value.code) == ("tracking", "bad_check_digit")
    assert info.value.params["value"] == f"KT12345678{check}VN"


def test_exactly_one_check_digit_is_valid() -> None:
    for serial in range(0, 100_000_000, 999_983):
        digits = f"{serial:08d}"
        valid = [c for c in range(10) if is_valid_tracking(f"KT{digits}{c}VN")]
        assert valid == [s10_check_digit(digits)]


def test_single_digit_error_caught_when_weighted_sum_class_differs() -> None:
    # S10 folds 10 -> 0 and 11 -> 5, so a changed digit goes unnoticed only when it moves the check value
    # between those pairs (e.g. 12345678 -> 32345678: sums 204 and 220, both give 5).
    assert is_valid_tracking("KT323456785VN")
    assert not is_valid_tracking("KT123456775VN")  # 204 - 7 = 197, 197 mod 11 = 10 -> 1


def test_s10_check_digit_rejects_non_serials() -> None:
    for bad in ("1234567", "123456789", "1234567a", "１２３４５６７８"):
        with pytest.raises(ValueError, match="8 ASCII digits"):
            s10_check_digit(bad)
