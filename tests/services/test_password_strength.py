"""Passwords are checked against zxcvbn and a list of common passwords, and the message says why."""

from __future__ import annotations

import pytest

from securemail.errors import BadInputError
from securemail.i18n import tr
from securemail.services.demo import DEMO_PASSWORD
from securemail.services.password_strength import is_common, weakness
from securemail.services.session import check_password


@pytest.mark.parametrize(("password", "reason"), [
    ("password1234", "common"), ("Mật-Khẩu-2026", "common"), ("anhyeuem123456", "common"),
    ("qwertyuiop12", "common"), ("aaaaaaaaaaaa", "repeat"), ("abcdefghijk1", "sequence"),
    ("1990-01-01-1990", "simple"),
])
def test_weak_passwords_are_refused_with_a_reason(password, reason):
    assert weakness(password) == reason
    with pytest.raises(BadInputError) as e:
        check_password(password)
    assert e.value.params["field"] == "password"
    vi, en = e.value.message("vi"), e.value.message("en")
    assert vi.startswith("Mật khẩu quá dễ đoán") and en.startswith("The password is too easy to guess")
    assert "{" not in vi + en and vi != en
    assert e.value.key == f"input.password_weak.{reason}"
    assert not any(word in en for word in ("mật", "khẩu", "đây")), en  # no Vietnamese inside the English text


def test_minimum_length_still_comes_first():
    with pytest.raises(BadInputError) as e:
        check_password("abc")
    assert e.value.key == "input.password_short"


def test_demo_and_fixture_passwords_pass(kit):
    for password in (DEMO_PASSWORD, *kit.PASSWORDS.values(), "correct horse battery staple"):
        check_password(password)


def test_common_ignores_accents_case_separators_and_digits_at_the_ends():
    assert is_common("MẬT KHẨU") and is_common("2026-matkhau-2026") and is_common("Việt Nam!")
    assert not is_common("mật khẩu bưu tá đêm")


def test_every_reason_has_a_message_in_both_languages():
    for reason in ("common", "dictionary", "keyboard", "repeat", "sequence", "date", "simple"):
        vi, en = (tr(f"input.password_weak.{reason}", lang) for lang in ("vi", "en"))
        assert vi.startswith("Mật khẩu") and en.startswith("The password")
