"""Enum values (the CLI spellings), secrecy properties, bilingual labels and loose parsing of choices."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

import pytest

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
from securemail.domain.labels import LABELS, fold, label, parse_choice
from securemail.domain.lifecycle import Action

ALL_ENUMS: list[type[StrEnum]] = [
    Role,
    Secrecy,
    ServiceClass,
    Urgency,
    Scope,
    ItemStatus,
    IncidentKind,
    SealCondition,
    BagStatus,
    Action,
]


def test_cli_values() -> None:
    assert [m.value for m in Role] == ["admin", "clerk", "courier", "secretary", "auditor"]
    assert [m.value for m in Secrecy] == ["none", "mat", "toi-mat", "tuyet-mat"]
    assert [m.value for m in ServiceClass] == ["thuong", "hoa-toc", "hen-gio"]
    assert [m.value for m in Scope] == ["noi-tinh", "lien-tinh"]
    assert [m.value for m in ItemStatus] == [
        "accepted",
        "in-bag",
        "dispatched",
        "in-transit",
        "arrived",
        "out-for-delivery",
        "delivered",
        "delivery-failed",
        "returned",
        "forwarded",
    ]
    assert [m.value for m in IncidentKind] == [
        "seal-broken",
        "damaged",
        "opened",
        "lost",
        "misrouted",
        "contents-mismatch",
    ]
    assert [m.value for m in SealCondition] == ["intact", "damaged", "broken"]
    assert [m.value for m in BagStatus] == ["open", "closed", "dispatched", "opened"]


def test_secrecy_properties() -> None:
    assert [s.envelope_code for s in Secrecy] == [None, "C", "B", "A"]
    assert [s.envelopes_required for s in Secrecy] == [1, 1, 1, 2]
    assert sorted(Secrecy, key=lambda s: s.rank) == [
        Secrecy.NONE,
        Secrecy.MAT,
        Secrecy.TOI_MAT,
        Secrecy.TUYET_MAT,
    ]
    assert not Secrecy.NONE.is_secret
    assert Secrecy.MAT.is_secret


@pytest.mark.parametrize("cls", ALL_ENUMS, ids=lambda c: c.__name__)
def test_every_member_has_nfc_labels_in_both_languages(cls: type[StrEnum]) -> None:
    vi_labels = set()
    for member in cls:
        for lang in ("vi", "en"):
            text = label(member, lang)
            assert text.strip() == text
            assert text
            assert unicodedata.is_normalized("NFC", text)
        vi_labels.add(label(member, "vi"))
    assert len(vi_labels) == len(cls), "two members share a Vietnamese label"


def test_labels_table_has_nothing_extra() -> None:
    expected = {(cls, m.value) for cls in ALL_ENUMS for m in cls}
    assert set(LABELS) == expected


@pytest.mark.parametrize(
    ("member", "vi", "en"),
    [
        (Secrecy.TUYET_MAT, "Tuyệt mật", "Top secret"),
        (Secrecy.TOI_MAT, "Tối mật", "Secret"),
        (Secrecy.MAT, "Mật", "Confidential"),
        (ServiceClass.HOA_TOC, "Hỏa tốc", "Express"),
        (ServiceClass.HEN_GIO, "Hẹn giờ", "Appointed time"),
        (Scope.NOI_TINH, "Nội tỉnh", "Intra-province"),
        (Scope.LIEN_TINH, "Liên tỉnh", "Inter-province"),
        (ItemStatus.ACCEPTED, "Đã chấp nhận", "Accepted"),
        (ItemStatus.DELIVERED, "Đã phát", "Delivered"),
    ],
)
def test_known_labels(member: StrEnum, vi: str, en: str) -> None:
    assert label(member, "vi") == unicodedata.normalize("NFC", vi)
    assert label(member, "en") == en
    assert label(member, "vi_VN") == label(member, "vi")
    assert label(member, "en-US") == en


def test_members_sharing_a_value_keep_their_own_labels() -> None:
    # SealCondition.DAMAGED == IncidentKind.DAMAGED as strings; the labels must not be confused.
    assert label(SealCondition.DAMAGED, "vi") != label(IncidentKind.DAMAGED, "vi")
    assert label(BagStatus.OPENED, "en") != label(IncidentKind.OPENED, "en")


def test_label_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        label(Secrecy.MAT, "fr")


def test_fold() -> None:
    assert fold("Tuyệt Mật") == "tuyetmat"
    assert fold("ĐÃ PHÁT") == "daphat"
    assert fold("hen-gio") == fold("Hẹn giờ") == fold("HEN_GIO")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tuyet-mat", Secrecy.TUYET_MAT),
        ("TUYET_MAT", Secrecy.TUYET_MAT),
        ("Tuyệt mật", Secrecy.TUYET_MAT),
        (unicodedata.normalize("NFD", "tuyệt mật"), Secrecy.TUYET_MAT),
        ("tuyet mat", Secrecy.TUYET_MAT),
        ("A", Secrecy.TUYET_MAT),
        ("b", Secrecy.TOI_MAT),
        ("Mật", Secrecy.MAT),
        ("Top secret", Secrecy.TUYET_MAT),
        (" none ", Secrecy.NONE),
        ("Không mật", Secrecy.NONE),
        (Secrecy.MAT, Secrecy.MAT),
    ],
)
def test_parse_secrecy(typed: object, expected: Secrecy) -> None:
    result = parse_choice(Secrecy, typed, field="secrecy")
    assert result is expected


@pytest.mark.parametrize(
    ("cls", "typed", "expected"),
    [
        (ServiceClass, "Hỏa tốc", ServiceClass.HOA_TOC),
        (ServiceClass, "HOA TOC", ServiceClass.HOA_TOC),
        (ServiceClass, "hen-gio", ServiceClass.HEN_GIO),
        (Scope, "liên tỉnh", Scope.LIEN_TINH),
        (SealCondition, "nguyên vẹn", SealCondition.INTACT),
        (IncidentKind, "seal-broken", IncidentKind.SEAL_BROKEN),
        (Role, "Auditor", Role.AUDITOR),
    ],
)
def test_parse_other_choices(cls: type[StrEnum], typed: str, expected: StrEnum) -> None:
    assert parse_choice(cls, typed, field="f") is expected


@pytest.mark.parametrize("cls", ALL_ENUMS, ids=lambda c: c.__name__)
def test_every_value_and_label_parses_back(cls: type[StrEnum]) -> None:
    for member in cls:
        for spelling in (member.value, member.name, label(member, "vi"), label(member, "en")):
            assert parse_choice(cls, spelling, field="f") is member
            assert parse_choice(cls, unicodedata.normalize("NFD", spelling.upper()), field="f") is member


@pytest.mark.parametrize("typed", ["secret-ish", "D", 3, 1.0, "x" * 500, ["mat"]])
def test_parse_choice_bad_choice(typed: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_choice(Secrecy, typed, field="secrecy")
    assert (info.value.field, info.value.code) == ("secrecy", "bad_choice")
    assert len(str(info.value.params["value"])) <= 40


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_parse_choice_required(typed: object) -> None:
    with pytest.raises(FieldError) as info:
        parse_choice(Scope, typed, field="scope")
    assert (info.value.field, info.value.code) == ("scope", "required")
