"""Vietnamese and English labels for every enumeration member, and lenient parsing of typed-in choices.

``label(Secrecy.TUYET_MAT, "vi") == "Tuyệt mật"``. All Vietnamese text is NFC.
``parse_choice(Secrecy, "tuyệt mật", field="secrecy")`` accepts the CLI value, the member name, either label,
and for secrecy the envelope letter (A/B/C), ignoring case, diacritics, spaces, hyphens and underscores.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from securemail.domain.enums import (
    BagStatus,
    IncidentKind,
    ItemStatus,
    Role,
    Scope,
    SealCondition,
    Secrecy,
    ServiceClass,
    Urgency,
)
from securemail.domain.errors import FieldError
from securemail.domain.lifecycle import Action

__all__ = ["LABELS", "LANGUAGES", "fold", "label", "parse_choice"]

E = TypeVar("E", bound=StrEnum)

LANGUAGES: tuple[str, ...] = ("vi", "en")

_Table = dict[str, tuple[str, str]]  # value -> (vi, en)

_RAW: dict[type[StrEnum], _Table] = {
    Role: {
        Role.ADMIN: ("Quản trị", "Administrator"),
        Role.CLERK: ("Giao dịch viên KT1", "KT1 clerk"),
        Role.COURIER: ("Bưu tá / áp tải", "Courier / escort"),
        Role.SECRETARY: ("Văn thư cơ quan", "Agency secretary"),
        Role.AUDITOR: ("Kiểm tra, bảo vệ bí mật nhà nước", "Auditor"),
    },
    Secrecy: {
        Secrecy.NONE: ("Không mật", "Not classified"),
        Secrecy.MAT: ("Mật", "Confidential"),
        Secrecy.TOI_MAT: ("Tối mật", "Secret"),
        Secrecy.TUYET_MAT: ("Tuyệt mật", "Top secret"),
    },
    ServiceClass: {
        ServiceClass.THUONG: ("Thường", "Ordinary"),
        ServiceClass.HOA_TOC: ("Hỏa tốc", "Express"),
        ServiceClass.HEN_GIO: ("Hẹn giờ", "Appointed time"),
    },
    Urgency: {
        Urgency.NONE: ("Không khẩn", "Not urgent"),
        Urgency.KHAN: ("Khẩn", "Urgent"),
        Urgency.THUONG_KHAN: ("Thượng khẩn", "Very urgent"),
        Urgency.HOA_TOC: ("Hỏa tốc", "Flash"),
    },
    Scope: {
        Scope.NOI_TINH: ("Nội tỉnh", "Intra-province"),
        Scope.LIEN_TINH: ("Liên tỉnh", "Inter-province"),
    },
    ItemStatus: {
        ItemStatus.ACCEPTED: ("Đã chấp nhận", "Accepted"),
        ItemStatus.IN_BAG: ("Đã vào túi thư", "In a bag"),
        ItemStatus.DISPATCHED: ("Đã gửi đi", "Dispatched"),
        ItemStatus.IN_TRANSIT: ("Đang vận chuyển", "In transit"),
        ItemStatus.ARRIVED: ("Đã đến bưu cục", "Arrived at office"),
        ItemStatus.OUT_FOR_DELIVERY: ("Đang đi phát", "Out for delivery"),
        ItemStatus.DELIVERED: ("Đã phát", "Delivered"),
        ItemStatus.DELIVERY_FAILED: ("Phát không thành công", "Delivery failed"),
        ItemStatus.RETURNED: ("Đã chuyển hoàn", "Returned to sender"),
        ItemStatus.FORWARDED: ("Đã chuyển tiếp", "Forwarded"),
    },
    IncidentKind: {
        IncidentKind.SEAL_BROKEN: ("Niêm phong bị phá", "Seal broken"),
        IncidentKind.DAMAGED: ("Bưu gửi bị hư hỏng", "Damaged"),
        IncidentKind.OPENED: ("Bị bóc mở", "Opened"),
        IncidentKind.LOST: ("Thất lạc", "Lost"),
        IncidentKind.MISROUTED: ("Chuyển sai hướng", "Misrouted"),
        IncidentKind.CONTENTS_MISMATCH: ("Nội dung không khớp", "Contents do not match"),
    },
    SealCondition: {
        SealCondition.INTACT: ("Nguyên vẹn", "Intact"),
        SealCondition.DAMAGED: ("Hư hại", "Damaged"),
        SealCondition.BROKEN: ("Bị phá", "Broken"),
    },
    BagStatus: {
        BagStatus.OPEN: ("Đang mở", "Open"),
        BagStatus.CLOSED: ("Đã đóng", "Closed"),
        BagStatus.DISPATCHED: ("Đã gửi đi", "Dispatched"),
        BagStatus.OPENED: ("Đã mở túi", "Opened on arrival"),
    },
    Action: {
        Action.ACCEPT: ("Chấp nhận", "Accept"),
        Action.BAG: ("Cho vào túi thư", "Put in a bag"),
        Action.UNBAG: ("Lấy ra khỏi túi thư", "Take out of the bag"),
        Action.DISPATCH: ("Giao túi thư đi", "Dispatch the bag"),
        Action.HANDOVER: ("Bàn giao", "Hand over"),
        Action.ARRIVE: ("Xác nhận đến", "Record arrival"),
        Action.OUT_FOR_DELIVERY: ("Đưa đi phát", "Send out for delivery"),
        Action.DELIVER: ("Phát", "Deliver"),
        Action.FAIL: ("Phát không thành công", "Record failed delivery"),
        Action.RETURN: ("Chuyển hoàn", "Return to sender"),
        Action.FORWARD: ("Chuyển tiếp", "Forward"),
        Action.INCIDENT: ("Ghi nhận sự cố", "Record an incident"),
        Action.CLOSE_INCIDENT: ("Đóng sự cố", "Close an incident"),
        Action.NOTE: ("Ghi chú / đính chính", "Note / correction"),
        Action.RECEIVE: ("Xác nhận đã nhận (văn thư cơ quan)", "Confirm receipt (agency records clerk)"),
        Action.PASS_ON: ("Chuyển bì còn nguyên cho người có tên", "Pass on unopened to the named person"),
    },
}

# Keyed by (enum class, value): members of different enums may share a value ("damaged", "opened"), and a
# StrEnum member compares equal to its plain string.
LABELS: Mapping[tuple[type[StrEnum], str], tuple[str, str]] = MappingProxyType(
    {
        (cls, str(value)): (unicodedata.normalize("NFC", vi), unicodedata.normalize("NFC", en))
        for cls, table in _RAW.items()
        for value, (vi, en) in table.items()
    }
)


def label(member: StrEnum, lang: str) -> str:
    """The label of ``member`` in ``lang`` ("vi" or "en"; "vi_VN", "en-US" and the like are accepted)."""
    base = lang.replace("-", "_").split("_", 1)[0].lower()
    if base not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    try:
        vi, en = LABELS[(type(member), member.value)]
    except KeyError:
        raise ValueError(f"no label for {type(member).__name__}.{member.name}") from None
    return vi if base == "vi" else en


def fold(text: str) -> str:
    """A key for loose matching: no diacritics (đ -> d), case-folded, without spaces, hyphens, underscores."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.casefold() if not (ch.isspace() or ch in "-_./"))


def _aliases(member: StrEnum) -> list[str]:
    names = [member.value, member.name]
    pair = LABELS.get((type(member), member.value))
    if pair is not None:
        names.extend(pair)
    if isinstance(member, Secrecy) and member.envelope_code is not None:
        names.append(member.envelope_code)
    return names


def _lookup(cls: type[StrEnum]) -> dict[str, StrEnum]:
    found: dict[str, StrEnum] = {}
    clashes: set[str] = set()
    for member in cls:
        for alias in _aliases(member):
            key = fold(alias)
            if key in found and found[key] is not member:
                clashes.add(key)
            found[key] = member
    for key in clashes:  # an ambiguous spelling matches nothing rather than the wrong thing
        del found[key]
    return found


_LOOKUPS: dict[type[StrEnum], dict[str, StrEnum]] = {cls: _lookup(cls) for cls in _RAW}

_MAX_CHOICE_LEN = 100


def parse_choice(cls: type[E], value: object, *, field: str) -> E:
    """Read a member of ``cls`` from a member, a CLI value, or a label typed loosely.

    Raises ``FieldError(field, "required")`` for None or blank text, and
    ``FieldError(field, "bad_choice", value=...)`` for anything else that does not match.
    """
    if isinstance(value, cls):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldError(field, "required")
    if not isinstance(value, str) or len(value) > _MAX_CHOICE_LEN:
        raise FieldError(field, "bad_choice", value=_shorten(value))
    table = _LOOKUPS.get(cls)
    if table is None:
        table = _LOOKUPS.setdefault(cls, _lookup(cls))
    member = table.get(fold(unicodedata.normalize("NFC", value)))
    if member is None:
        raise FieldError(field, "bad_choice", value=_shorten(value))
    return cls(member.value)


def _shorten(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
