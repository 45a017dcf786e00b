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
from securemail.l10n.catalogue import catalogue

__all__ = ["LABELS", "LANGUAGES", "fold", "label", "parse_choice"]

E = TypeVar("E", bound=StrEnum)

LANGUAGES: tuple[str, ...] = ("vi", "en")

# The English label of every member: the msgid of its entry in the gettext catalogue (msgctxt "label:<Enum>"),
# whose msgstr is the Vietnamese (docs/adr/0015-i18n-gettext-catalogue.md).
_EN: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        Role.ADMIN: "Administrator",
        Role.CLERK: "KT1 clerk",
        Role.COURIER: "Courier / escort",
        Role.SECRETARY: "Agency secretary",
        Role.AUDITOR: "Auditor",
    },
    Secrecy: {
        Secrecy.NONE: "Not classified",
        Secrecy.MAT: "Confidential",
        Secrecy.TOI_MAT: "Secret",
        Secrecy.TUYET_MAT: "Top secret",
    },
    ServiceClass: {
        ServiceClass.THUONG: "Ordinary",
        ServiceClass.HOA_TOC: "Express",
        ServiceClass.HEN_GIO: "Appointed time",
    },
    Urgency: {
        Urgency.NONE: "Not urgent",
        Urgency.KHAN: "Urgent",
        Urgency.THUONG_KHAN: "Very urgent",
        Urgency.HOA_TOC: "Flash",
    },
    Scope: {
        Scope.NOI_TINH: "Intra-province",
        Scope.LIEN_TINH: "Inter-province",
    },
    ItemStatus: {
        ItemStatus.ACCEPTED: "Accepted",
        ItemStatus.IN_BAG: "In a bag",
        ItemStatus.DISPATCHED: "Dispatched",
        ItemStatus.IN_TRANSIT: "In transit",
        ItemStatus.ARRIVED: "Arrived at office",
        ItemStatus.OUT_FOR_DELIVERY: "Out for delivery",
        ItemStatus.DELIVERED: "Delivered",
        ItemStatus.DELIVERY_FAILED: "Delivery failed",
        ItemStatus.RETURNED: "Returned to sender",
        ItemStatus.FORWARDED: "Forwarded",
    },
    IncidentKind: {
        IncidentKind.SEAL_BROKEN: "Seal broken",
        IncidentKind.DAMAGED: "Damaged",
        IncidentKind.OPENED: "Opened",
        IncidentKind.LOST: "Lost",
        IncidentKind.MISROUTED: "Misrouted",
        IncidentKind.CONTENTS_MISMATCH: "Contents do not match",
    },
    SealCondition: {
        SealCondition.INTACT: "Intact",
        SealCondition.DAMAGED: "Damaged",
        SealCondition.BROKEN: "Broken",
    },
    BagStatus: {
        BagStatus.OPEN: "Open",
        BagStatus.CLOSED: "Closed",
        BagStatus.DISPATCHED: "Dispatched",
        BagStatus.OPENED: "Opened on arrival",
    },
    Action: {
        Action.ACCEPT: "Accept",
        Action.BAG: "Put in a bag",
        Action.UNBAG: "Take out of the bag",
        Action.DISPATCH: "Dispatch the bag",
        Action.HANDOVER: "Hand over",
        Action.ARRIVE: "Record arrival",
        Action.OUT_FOR_DELIVERY: "Send out for delivery",
        Action.DELIVER: "Deliver",
        Action.FAIL: "Record failed delivery",
        Action.RETURN: "Return to sender",
        Action.FORWARD: "Forward",
        Action.INCIDENT: "Record an incident",
        Action.CLOSE_INCIDENT: "Close an incident",
        Action.NOTE: "Note / correction",
        Action.RECEIVE: "Confirm receipt (agency records clerk)",
        Action.PASS_ON: "Pass on unopened to the named person",
    },
}

# Keyed by (enum class, value): members of different enums may share a value ("damaged", "opened"), and a
# StrEnum member compares equal to its plain string.
LABEL_CONTEXT = "label:"


def _vietnamese(cls: type[StrEnum], en: str) -> str:
    return catalogue("vi").text(en, context=f"{LABEL_CONTEXT}{cls.__name__}") or en


LABELS: Mapping[tuple[type[StrEnum], str], tuple[str, str]] = MappingProxyType(
    {
        (cls, str(value)): (unicodedata.normalize("NFC", _vietnamese(cls, en)), unicodedata.normalize("NFC", en))
        for cls, table in _EN.items()
        for value, en in table.items()
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


_LOOKUPS: dict[type[StrEnum], dict[str, StrEnum]] = {cls: _lookup(cls) for cls in _EN}

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
