"""Password strength: the zxcvbn estimator (guesses an attacker needs) plus a list of common passwords.

`weakness(password)` returns None for an acceptable password, else a reason; check_password (services.session)
raises the message "input.password_weak.<reason>", which says why in the user's language.
"""

from __future__ import annotations

import re
import unicodedata

MIN_SCORE = 3                    # zxcvbn 0-4; 3 = "safely unguessable" online (~10^8 guesses and more)
_ESTIMATE_CHARS = 100            # zxcvbn is super-linear in length; the first 100 characters decide anyway

# Common passwords that zxcvbn's English lists miss: Vietnamese words typed without accents, the product, the
# postal service. zxcvbn's own frequency lists (top passwords, words, names) are checked as well.
COMMON_PASSWORDS: tuple[str, ...] = (
    "matkhau", "matkhaumoi", "matkhaucuatoi", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "iloveyou", "toiyeuem",
    "vietnam", "vietnamvodich", "hanoi", "saigon", "hochiminh", "danang", "haiphong", "buudien", "buudienvietnam",
    "vnpost", "vnpt", "viettel", "mobifone", "vinaphone", "baomat", "bimat", "tuyetmat", "toimat", "matkhau123",
    "securemail", "admin", "administrator", "nguoidung", "taikhoan", "dangnhap", "chucmungnammoi", "hello",
    "xinchao", "welcome", "password", "passw0rd",
    "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abc", "abcd", "abcdef", "abcdefgh", "abcdefghij", "aaaaaa",
    "123456", "1234567", "12345678", "123456789", "1234567890", "0123456789", "987654321", "111111", "000000",
    "666666", "888888", "999999", "147258369", "123123", "112233", "nguyen", "tran", "le", "pham", "hoang", "huynh",
    "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly", "minh", "anh", "linh", "huong", "trang",
    "thao", "hung", "dung", "tuan", "nam", "long", "hoa", "mai", "lan", "thu", "thuy", "ngoc", "phuong", "quang",
)
_COMMON = frozenset(COMMON_PASSWORDS)

_REASONS = {"spatial": "keyboard", "repeat": "repeat", "sequence": "sequence", "regex": "date", "date": "date"}


def _skeleton(password: str) -> str:
    """Lower case, accents and đ removed, only letters and digits: 'Mật-Khẩu 2026!' -> 'matkhau2026'."""
    text = unicodedata.normalize("NFD", password.lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)))


def is_common(password: str) -> bool:
    """A common password, give or take accents, separators, capitals and digits or a year at either end."""
    skeleton = _skeleton(password)
    core = skeleton.strip("0123456789")
    return skeleton in _COMMON or core in _COMMON


def weakness(password: str) -> str | None:
    """None if `password` is strong enough, else why not: common, dictionary, keyboard, repeat, sequence, date,
    simple (messages "input.password_weak.<reason>")."""
    if is_common(password):
        return "common"
    if not _skeleton(password).strip("0123456789"):
        return "simple"  # digits and punctuation only
    # Imported on first use: zxcvbn's word lists take a tenth of a second to load, and only a new password needs them.
    from zxcvbn import zxcvbn  # noqa: PLC0415

    estimate = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=list(COMMON_PASSWORDS))
    if int(estimate["score"]) >= MIN_SCORE:
        return None
    weak = [m for m in estimate["sequence"] if m.get("pattern") != "bruteforce"]
    if not weak:
        return "simple"
    worst = max(weak, key=lambda m: len(str(m.get("token", ""))))
    pattern = str(worst.get("pattern"))
    if pattern == "dictionary":
        return "common" if worst.get("dictionary_name") in ("passwords", "user_inputs") else "dictionary"
    return _REASONS.get(pattern, "simple")
