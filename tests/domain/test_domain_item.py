"""validate_item: conversion of loosely typed input, and every error naming the right field and code."""

from __future__ import annotations

import unicodedata
from dataclasses import FrozenInstanceError, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from securemail.domain.enums import Scope, SealCondition, Secrecy, ServiceClass, Urgency
from securemail.domain.errors import ERROR_CODES, FieldError
from securemail.domain.item import (
    DESCRIPTION_MAX,
    DOC_REF_MAX,
    INT_MAX,
    NAME_MAX,
    NOTES_MAX,
    PERSON_ID_MAX,
    SEALS_MAX,
    ItemDraft,
    item_errors,
    validate_item,
)
from securemail.domain.norms import DEFAULT_NORMS, ICT, Norm

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ICT)  # a Monday
BASE: dict[str, object] = {
    "sender_agency": "UBND-GL",
    "recipient_agency": "TU-GL",
    "secrecy": "mat",
    "service": "thuong",
}


def _raw(**overrides: object) -> dict[str, object]:
    return {**BASE, **overrides}


def _fails(raw: dict[str, object], now: datetime = NOW) -> FieldError:
    with pytest.raises(FieldError) as info:
        validate_item(raw, now=now)
    return info.value


def test_minimal_item_and_defaults() -> None:
    draft = validate_item(BASE, now=NOW)
    assert draft == ItemDraft(
        sender_agency="UBND-GL",
        recipient_agency="TU-GL",
        secrecy=Secrecy.MAT,
        service=ServiceClass.THUONG,
        urgency=Urgency.NONE,
        scope=Scope.NOI_TINH,
        appointed_at=None,
        doc_ref=None,
        doc_date=None,
        named_recipient=None,
        named_only=False,
        envelopes=1,
        weight_grams=None,
        seal_numbers=None,
        seal_condition=SealCondition.INTACT,
        description=None,
        recall=False,
        recall_deadline=None,
        copy_number=None,
        copies=None,
        page_count=None,
        notes=None,
        tracking=None,
        sender_person=None,
        sender_person_id=None,
    )
    with pytest.raises(FrozenInstanceError):
        draft.envelopes = 2  # type: ignore[misc]


def test_full_item_from_cli_strings() -> None:
    draft = validate_item(
        {
            "sender_agency": " ubnd-gl ",
            "recipient_agency": "vp-tu",
            "secrecy": "toi-mat",
            "service": "hen-gio",
            "scope": "lien-tinh",
            "appointed_at": "2026-03-10T14:30:00+07:00",
            "doc_ref": "  123/QĐ-UBND ",
            "doc_date": "2026-03-06",
            "named_recipient": "Trần Văn Bình",
            "named_only": "true",
            "envelopes": "2",
            "weight_grams": "250",
            "seal_numbers": "NP-001, NP-002",
            "seal_condition": "intact",
            "description": "Về việc bảo vệ\nbí mật nhà nước",
            "recall": "yes",
            "recall_deadline": "31/03/2026",
            "copy_number": "3",
            "page_count": "12",
            "notes": "Giao trong giờ hành chính",
            "tracking": "kt 12345678 5 vn",
            "sender_person": "Lê Thị Hoa",
            "sender_person_id": "079123456789",
        },
        now=NOW,
    )
    assert draft.sender_agency == "UBND-GL"
    assert draft.recipient_agency == "VP-TU"
    assert draft.secrecy is Secrecy.TOI_MAT
    assert draft.service is ServiceClass.HEN_GIO
    assert draft.scope is Scope.LIEN_TINH
    assert draft.appointed_at == datetime(2026, 3, 10, 14, 30, tzinfo=ICT)
    assert draft.doc_ref == "123/QĐ-UBND"
    assert draft.doc_date == date(2026, 3, 6)
    assert draft.named_only is True
    assert (draft.envelopes, draft.weight_grams, draft.copy_number, draft.page_count) == (2, 250, 3, 12)
    assert draft.description == "Về việc bảo vệ\nbí mật nhà nước"
    assert draft.recall is True
    assert draft.recall_deadline == date(2026, 3, 31)
    assert draft.tracking == "KT123456785VN"
    assert draft.sender_person_id == "079123456789"


def test_already_typed_values() -> None:
    draft = validate_item(
        _raw(
            secrecy=Secrecy.TUYET_MAT,
            service=ServiceClass.HOA_TOC,
            scope=Scope.LIEN_TINH,
            envelopes=2,
            weight_grams=0,
            named_only=False,
            recall=True,
            recall_deadline=date(2026, 4, 1),
            doc_date=date(2026, 3, 1),
            seal_condition=SealCondition.DAMAGED,
        ),
        now=NOW,
    )
    assert draft.secrecy is Secrecy.TUYET_MAT
    assert draft.weight_grams == 0
    assert draft.seal_condition is SealCondition.DAMAGED


def test_vietnamese_labels_accepted_for_choices() -> None:
    draft = validate_item(
        _raw(secrecy="Tuyệt mật", service="Hỏa tốc", scope="Liên tỉnh", seal_condition="Nguyên vẹn"), now=NOW
    )
    assert (draft.secrecy, draft.service, draft.scope) == (
        Secrecy.TUYET_MAT,
        ServiceClass.HOA_TOC,
        Scope.LIEN_TINH,
    )


TEXT_FIELDS = {
    "doc_ref": DOC_REF_MAX,
    "named_recipient": NAME_MAX,
    "seal_numbers": SEALS_MAX,
    "description": DESCRIPTION_MAX,
    "notes": NOTES_MAX,
    "sender_person": NAME_MAX,
    "sender_person_id": PERSON_ID_MAX,
}


def test_limits_are_as_agreed() -> None:
    assert TEXT_FIELDS == {
        "doc_ref": 100,
        "named_recipient": 200,
        "seal_numbers": 200,
        "description": 2000,
        "notes": 2000,
        "sender_person": 200,
        "sender_person_id": 50,
    }


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_nfd_text_fields_come_out_nfc(field: str) -> None:
    text = "Đặng Hữu Phước"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    extra = {"sender_person": "Ngô Quý"} if field == "sender_person_id" else {}
    draft = validate_item(_raw(**{field: nfd}, **extra), now=NOW)
    assert getattr(draft, field) == text


@pytest.mark.parametrize(("field", "limit"), sorted(TEXT_FIELDS.items()))
def test_text_limits(field: str, limit: int) -> None:
    extra = {"sender_person": "Ngô Quý"} if field == "sender_person_id" else {}
    assert getattr(validate_item(_raw(**{field: "ệ" * limit}, **extra), now=NOW), field) == "ệ" * limit
    err = _fails(_raw(**{field: "ệ" * (limit + 1)}, **extra))
    assert (err.field, err.code, err.params["max_len"]) == (field, "too_long", limit)


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_huge_text_rejected(field: str) -> None:
    err = _fails(_raw(**{field: "x" * 5_000_000}))
    assert (err.field, err.code) == (field, "too_long")


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_text_fields_reject_control_chars_and_non_strings(field: str) -> None:
    err = _fails(_raw(**{field: "a\x00b"}))
    assert (err.field, err.code) == (field, "bad_chars")
    err = _fails(_raw(**{field: 42}))
    assert (err.field, err.code) == (field, "bad_format")


def test_line_breaks_only_in_multiline_fields() -> None:
    draft = validate_item(_raw(description="a\nb", notes="c\r\nd"), now=NOW)
    assert (draft.description, draft.notes) == ("a\nb", "c\nd")
    assert _fails(_raw(named_recipient="a\nb")).code == "bad_chars"


INT_FIELDS = ["envelopes", "weight_grams", "copy_number", "page_count"]


@pytest.mark.parametrize("field", INT_FIELDS)
@pytest.mark.parametrize(
    "value",
    [
        1.0,
        2.5,
        "1.5",
        "1.000",
        "1,5",
        "1e3",
        "0x10",
        "1_000",
        "½",
        "١٢",
        "１２",
        Decimal(3),
        Fraction(3),
        True,
        False,
        "abc",
        [1],
    ],
)
def test_integers_reject_non_integers(field: str, value: object) -> None:
    err = _fails(_raw(**{field: value}))
    assert (err.field, err.code) == (field, "not_integer")


@pytest.mark.parametrize("field", INT_FIELDS)
@pytest.mark.parametrize("value", [-1, "-1", " -20 ", "-" + "9" * 50])
def test_integers_reject_negative(field: str, value: object) -> None:
    err = _fails(_raw(**{field: value}))
    assert (err.field, err.code) == (field, "negative")


@pytest.mark.parametrize("field", INT_FIELDS)
@pytest.mark.parametrize("value", [INT_MAX + 1, str(INT_MAX + 1), "9" * 5000, "1" + "0" * 5000, 10**100])
def test_integers_reject_too_large(field: str, value: object) -> None:
    err = _fails(_raw(**{field: value}))
    assert (err.field, err.code, err.params["max"]) == (field, "too_large", INT_MAX)


@pytest.mark.parametrize("field", ["envelopes", "copy_number", "page_count"])
def test_counts_start_at_one(field: str) -> None:
    err = _fails(_raw(**{field: 0}))
    assert (err.field, err.code, err.params["min"]) == (field, "too_small", 1)


def test_integer_text_accepted() -> None:
    draft = validate_item(_raw(weight_grams=" 0250 ", envelopes="+3", page_count=INT_MAX), now=NOW)
    assert (draft.weight_grams, draft.envelopes, draft.page_count) == (250, 3, INT_MAX)
    assert validate_item(_raw(weight_grams="0"), now=NOW).weight_grams == 0
    assert validate_item(_raw(weight_grams="0" * 10_000 + "7"), now=NOW).weight_grams == 7
    assert validate_item(_raw(weight_grams="-0"), now=NOW).weight_grams == 0
    assert validate_item(_raw(envelopes=""), now=NOW).envelopes == 1


@pytest.mark.parametrize("given", [1, "1", 0])
def test_tuyet_mat_in_one_envelope_is_refused_naming_the_field(given: object) -> None:
    err = _fails(_raw(secrecy="tuyet-mat", envelopes=given))
    assert err.field == "envelopes"
    assert err.code in ("tuyet_mat_two_envelopes", "too_small")


def test_tuyet_mat_defaults_to_its_two_envelopes_and_other_levels_to_one() -> None:
    assert validate_item(_raw(secrecy="tuyet-mat"), now=NOW).envelopes == 2
    assert validate_item(_raw(secrecy="tuyet-mat", envelopes=3), now=NOW).envelopes == 3
    assert validate_item(_raw(secrecy="toi-mat"), now=NOW).envelopes == 1
    err = _fails(_raw(secrecy="tuyet-mat", envelopes=1))
    assert (err.code, err.params["required"]) == ("tuyet_mat_two_envelopes", 2)


def test_urgency_mark_is_its_own_field_apart_from_the_service_class() -> None:
    draft = validate_item(_raw(service="thuong", urgency="Hỏa tốc"), now=NOW)
    assert (draft.service, draft.urgency) == (ServiceClass.THUONG, Urgency.HOA_TOC)
    assert validate_item(_raw(urgency="thuong-khan"), now=NOW).urgency is Urgency.THUONG_KHAN
    assert validate_item(_raw(service="hoa-toc"), now=NOW).urgency is Urgency.NONE
    err = _fails(_raw(urgency="rất gấp"))
    assert (err.field, err.code) == ("urgency", "bad_choice")


def test_copies_is_a_count_of_at_least_one() -> None:
    assert validate_item(_raw(copies="3"), now=NOW).copies == 3
    assert (_fails(_raw(copies="0")).field, _fails(_raw(copies="x")).code) == ("copies", "not_integer")


def _hen_gio(appointed: object, scope: str = "noi-tinh") -> dict[str, object]:
    return _raw(service="hen-gio", scope=scope, appointed_at=appointed)


def test_hen_gio_naive_time_is_ict() -> None:
    draft = validate_item(_hen_gio("2026-03-09 13:00"), now=NOW)
    assert draft.appointed_at == datetime(2026, 3, 9, 13, 0, tzinfo=ICT)
    assert draft.appointed_at is not None and draft.appointed_at.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "typed",
    [
        "2026-03-09T13:00",
        "2026-03-09T13:00:00+07:00",
        "2026-03-09T06:00:00Z",
        "2026-03-09T06:00:00+00:00",
        "09/03/2026 13:00",
        "9/3/2026 13:00",
        "13:00 09/03/2026",
        datetime(2026, 3, 9, 13, 0),
        datetime(2026, 3, 9, 6, 0, tzinfo=UTC),
    ],
)
def test_hen_gio_time_spellings(typed: object) -> None:
    draft = validate_item(_hen_gio(typed), now=NOW)
    assert draft.appointed_at == datetime(2026, 3, 9, 13, 0, tzinfo=ICT)
    assert draft.appointed_at is not None and draft.appointed_at.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("scope", "hours"),
    [("noi-tinh", 4), ("lien-tinh", 24)],
)
def test_hen_gio_minimum_lead(scope: str, hours: int) -> None:
    exact = NOW + timedelta(hours=hours)
    assert validate_item(_hen_gio(exact.isoformat(), scope), now=NOW).appointed_at == exact
    err = _fails(_hen_gio((exact - timedelta(minutes=1)).isoformat(), scope))
    assert (err.field, err.code, err.params["hours"]) == ("appointed_at", "appointed_too_soon", hours)
    err = _fails(_hen_gio((NOW - timedelta(days=1)).isoformat(), scope))
    assert (err.field, err.code) == ("appointed_at", "appointed_too_soon")


def test_hen_gio_lead_uses_given_norms() -> None:
    norms = tuple(
        Norm(n.service, n.scope, n.working_days_tenths, 12, "sửa bởi quản trị", False)
        if n.service is ServiceClass.HEN_GIO
        else n
        for n in DEFAULT_NORMS
    )
    raw = _hen_gio((NOW + timedelta(hours=5)).isoformat())
    assert validate_item(raw, now=NOW).appointed_at is not None
    with pytest.raises(FieldError) as info:
        validate_item(raw, now=NOW, norms=norms)
    assert (info.value.code, info.value.params["hours"]) == ("appointed_too_soon", 12)


@pytest.mark.parametrize("missing", [None, "", "  "])
def test_hen_gio_needs_appointed_time(missing: object) -> None:
    err = _fails(_hen_gio(missing))
    assert (err.field, err.code) == ("appointed_at", "needs_appointed_time")


@pytest.mark.parametrize(
    "typed",
    [
        "2026-03-10",
        "tomorrow",
        "2026-13-01T10:00",
        "32/03/2026 10:00",
        "2026-03-10T25:00",
        "２０２６-03-10T10:00",
        5,
    ],
)
def test_hen_gio_bad_time(typed: object) -> None:
    err = _fails(_hen_gio(typed))
    assert (err.field, err.code) == ("appointed_at", "bad_format")


@pytest.mark.parametrize("service", ["thuong", "hoa-toc"])
def test_appointed_time_only_for_hen_gio(service: str) -> None:
    err = _fails(_raw(service=service, appointed_at="2026-03-10T10:00"))
    assert (err.field, err.code) == ("appointed_at", "only_for_hen_gio")


def test_tuyet_mat_forbids_description() -> None:
    err = _fails(_raw(secrecy="tuyet-mat", description="Kế hoạch"))
    assert (err.field, err.code) == ("description", "forbidden_for_tuyet_mat")
    err = _fails(_raw(secrecy="Tuyệt mật", description="Kế hoạch"))
    assert (err.field, err.code) == ("description", "forbidden_for_tuyet_mat")
    assert validate_item(_raw(secrecy="tuyet-mat", description="   "), now=NOW).description is None
    assert validate_item(_raw(secrecy="toi-mat", description="Kế hoạch"), now=NOW).description == "Kế hoạch"


def test_named_only_needs_named_recipient() -> None:
    err = _fails(_raw(named_only=True))
    assert (err.field, err.code) == ("named_recipient", "needs_named_recipient")
    err = _fails(_raw(named_only="có", named_recipient="  "))
    assert (err.field, err.code) == ("named_recipient", "needs_named_recipient")
    draft = validate_item(_raw(named_only="1", named_recipient="Phạm Minh"), now=NOW)
    assert draft.named_only is True


def test_recall_needs_deadline_and_deadline_needs_recall() -> None:
    err = _fails(_raw(recall=True))
    assert (err.field, err.code) == ("recall_deadline", "needs_deadline")
    err = _fails(_raw(recall_deadline="2026-04-01"))
    assert (err.field, err.code) == ("recall", "required")


def test_messenger_id_needs_name() -> None:
    err = _fails(_raw(sender_person_id="079123456789"))
    assert (err.field, err.code) == ("sender_person", "required")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"sender_agency": None}, "sender_agency", "required"),
        ({"sender_agency": "  "}, "sender_agency", "required"),
        ({"sender_agency": "Ủy ban"}, "sender_agency", "bad_format"),
        ({"recipient_agency": "X"}, "recipient_agency", "bad_format"),
        ({"recipient_agency": "A" * 21}, "recipient_agency", "bad_format"),
        ({"secrecy": None}, "secrecy", "required"),
        ({"secrecy": "secret-ish"}, "secrecy", "bad_choice"),
        ({"service": ""}, "service", "required"),
        ({"service": "nhanh"}, "service", "bad_choice"),
        ({"scope": "quoc-te"}, "scope", "bad_choice"),
        ({"seal_condition": "so-so"}, "seal_condition", "bad_choice"),
        ({"named_only": "maybe"}, "named_only", "bad_format"),
        ({"named_only": 2}, "named_only", "bad_format"),
        ({"recall": "perhaps"}, "recall", "bad_format"),
        ({"doc_date": "2026-02-30"}, "doc_date", "bad_format"),
        ({"doc_date": "30/02/2026"}, "doc_date", "bad_format"),
        ({"doc_date": "March 3"}, "doc_date", "bad_format"),
        ({"doc_date": datetime(2026, 3, 1, tzinfo=ICT)}, "doc_date", "bad_format"),
        ({"doc_date": 20260301}, "doc_date", "bad_format"),
        ({"recall": True, "recall_deadline": "soon"}, "recall_deadline", "bad_format"),
        ({"tracking": "KT123456784VN"}, "tracking", "bad_check_digit"),
        ({"tracking": "KT1234VN"}, "tracking", "bad_format"),
        ({"tracking": 123456785}, "tracking", "bad_format"),
    ],
)
def test_field_errors(overrides: dict[str, object], field: str, code: str) -> None:
    err = _fails(_raw(**overrides))
    assert (err.field, err.code) == (field, code)
    assert code in ERROR_CODES


def test_missing_keys_count_as_not_given() -> None:
    err = _fails({"recipient_agency": "TU-GL", "secrecy": "mat", "service": "thuong"})
    assert (err.field, err.code) == ("sender_agency", "required")


def test_dates_in_both_spellings() -> None:
    assert validate_item(_raw(doc_date="06/03/2026"), now=NOW).doc_date == date(2026, 3, 6)
    assert validate_item(_raw(doc_date="6.3.2026"), now=NOW).doc_date == date(2026, 3, 6)
    assert validate_item(_raw(doc_date=" 2026-03-06 "), now=NOW).doc_date == date(2026, 3, 6)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("có", True), ("Không", False), ("no", False), (0, False), ("TRUE", True), ("", False), (None, False)],
)
def test_bool_spellings(typed: object, expected: bool) -> None:
    assert (
        validate_item(_raw(recall=typed, recall_deadline="2026-04-01" if expected else None), now=NOW).recall
        is expected
    )


def test_item_errors_lists_every_problem_in_form_order() -> None:
    errors = item_errors(
        {
            "sender_agency": "",
            "secrecy": "tuyet-mat",
            "service": "hen-gio",
            "weight_grams": 1.5,
            "description": "trích yếu",
            "recall": True,
            "named_only": True,
        },
        now=NOW,
    )
    assert [(e.field, e.code) for e in errors] == [
        ("sender_agency", "required"),
        ("recipient_agency", "required"),
        ("appointed_at", "needs_appointed_time"),
        ("named_recipient", "needs_named_recipient"),
        ("weight_grams", "not_integer"),
        ("description", "forbidden_for_tuyet_mat"),
        ("recall_deadline", "needs_deadline"),
    ]
    assert item_errors(BASE, now=NOW) == ()
    first = _fails({"secrecy": "x"})
    assert (first.field, first.code) == ("sender_agency", "required")


def test_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="weight"):
        validate_item(_raw(weight="5"), now=NOW)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        validate_item(BASE, now=datetime(2026, 3, 9, 9, 0))


def test_draft_field_names_are_the_agreed_ones() -> None:
    assert [f.name for f in fields(ItemDraft)] == [
        "sender_agency",
        "recipient_agency",
        "secrecy",
        "service",
        "urgency",
        "scope",
        "appointed_at",
        "doc_ref",
        "doc_date",
        "named_recipient",
        "named_only",
        "envelopes",
        "weight_grams",
        "seal_numbers",
        "seal_condition",
        "description",
        "recall",
        "recall_deadline",
        "copy_number",
        "copies",
        "page_count",
        "notes",
        "tracking",
        "sender_person",
        "sender_person_id",
    ]


def test_too_few_envelopes_in_recorded_item_data() -> None:
    """What the importer checks in another office's acceptance event: Tuyệt mật in fewer than two envelopes."""
    from securemail.domain.item import too_few_envelopes

    assert too_few_envelopes({"secrecy": "tuyet-mat", "envelopes": 1})
    assert too_few_envelopes({"secrecy": "tuyet-mat"})             # not recorded: not shown to be two
    assert too_few_envelopes({"secrecy": "tuyet-mat", "envelopes": True})
    assert not too_few_envelopes({"secrecy": "tuyet-mat", "envelopes": 2})
    assert not too_few_envelopes({"secrecy": "mat", "envelopes": 1})
    assert not too_few_envelopes({"secrecy": "bogus", "envelopes": 0})
    assert not too_few_envelopes("not a mapping")
