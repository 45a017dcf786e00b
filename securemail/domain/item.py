"""The KT1 item as typed in at the counter, and its validation.

``validate_item(raw, now=...)`` takes loosely typed input (strings from CLI arguments or form fields, or
values that are already typed) keyed by the field names of ``ItemDraft`` and returns a checked, normalised,
immutable ``ItemDraft``; the first problem (in form order) is raised as ``FieldError(field, code, **params)``.
``item_errors`` returns every problem at once, for forms that mark all bad fields together.

Conventions: a missing key, ``None`` and blank text all mean "not given". Text goes through ``clean_text``
(NFC). Integers are ``int`` or ASCII digit strings only: floats, ``"1.5"``, ``"1.000"`` and booleans are
refused ("not_integer"). Times without an offset are taken as Asia/Ho_Chi_Minh (+07:00); ``appointed_at`` is
returned in +07:00. Unknown keys are a programming error (TypeError).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TypeVar

from securemail.domain.enums import Scope, SealCondition, Secrecy, ServiceClass, Urgency
from securemail.domain.errors import FieldError
from securemail.domain.labels import fold, parse_choice
from securemail.domain.norms import DEFAULT_NORMS, ICT, Norm, norm_for
from securemail.domain.text import clean_code, clean_text
from securemail.domain.tracking import parse_tracking

__all__ = [
    "DESCRIPTION_MAX",
    "DOC_REF_MAX",
    "FIELD_ORDER",
    "INT_MAX",
    "NAME_MAX",
    "NOTES_MAX",
    "PERSON_ID_MAX",
    "SEALS_MAX",
    "ItemDraft",
    "clean_code",
    "item_errors",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_int",
    "too_few_envelopes",
    "validate_item",
]

T = TypeVar("T")

NAME_MAX = 200
DOC_REF_MAX = 100
DESCRIPTION_MAX = 2000
NOTES_MAX = 2000
SEALS_MAX = 200
PERSON_ID_MAX = 50
INT_MAX = 2_147_483_647


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """A validated item before it is accepted (no tracking number needed yet, no ids, no signatures)."""

    sender_agency: str
    recipient_agency: str
    secrecy: Secrecy
    service: ServiceClass  # KT1 service class bought at the counter
    urgency: Urgency  # độ khẩn marked on the document and envelope (not the service class)
    scope: Scope
    appointed_at: datetime | None
    doc_ref: str | None  # số, ký hiệu as written on the envelope
    doc_date: date | None
    named_recipient: str | None
    named_only: bool  # "Chỉ người có tên mới được bóc bì"
    envelopes: int  # envelopes handed in (Tuyệt mật travels in 2 physically: Secrecy.envelopes_required)
    weight_grams: int | None
    seal_numbers: str | None
    seal_condition: SealCondition
    description: str | None  # trích yếu; always None for Tuyệt mật
    recall: bool  # "Tài liệu thu hồi"
    recall_deadline: date | None
    copy_number: int | None  # "bản số": which copy this is
    copies: int | None  # "số lượng": how many copies travel in the item
    page_count: int | None
    notes: str | None
    tracking: str | None  # scanned from a pre-printed label; None: the service issues one
    sender_person: str | None  # the messenger who hands it in (full name)
    sender_person_id: str | None  # their ID document number


FIELD_ORDER: tuple[str, ...] = tuple(f.name for f in fields(ItemDraft))

# --------------------------------------------------------------------------------------------- small parsers

_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_TRUE = frozenset({"1", "true", "yes", "y", "on", "co", "x"})
_FALSE = frozenset({"0", "false", "no", "n", "off", "khong"})
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_VN_DATE = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_VN_DATETIME = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})[ T]([0-9]{1,2}):([0-9]{2})")
_VN_TIME_FIRST = re.compile(r"([0-9]{1,2}):([0-9]{2})[ ,]+([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_HAS_TIME = re.compile(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}[T ][0-9]{2}")
_MAX_TEXT_INPUT = 64


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_int(value: object, field: str, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """An int or digit string; None/blank: None. Codes: not_integer, negative, too_small, too_large."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, "not_integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text.isascii() or _INT_TEXT.fullmatch(text) is None:
            raise FieldError(field, "not_integer")
        negative = text.startswith("-")
        digits = text.lstrip("+-").lstrip("0") or "0"
        if len(digits) > len(str(maximum)):  # also keeps int() away from megabyte-long digit strings
            if negative:
                raise FieldError(field, "negative")
            raise FieldError(field, "too_large", max=maximum)
        number = -int(digits) if negative else int(digits)
    else:
        raise FieldError(field, "not_integer")
    if number < 0:
        raise FieldError(field, "negative")
    if number < minimum:
        raise FieldError(field, "too_small", min=minimum)
    if number > maximum:
        raise FieldError(field, "too_large", max=maximum)
    return number


def parse_bool(value: object, field: str, *, default: bool = False) -> bool:
    """A bool, 0/1, or yes/no text (English or Vietnamese: "có"/"không"); None/blank -> ``default``."""
    if _blank(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and len(value) <= _MAX_TEXT_INPUT:
        key = fold(value)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise FieldError(field, "bad_format")


def _make_date(field: str, year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError(field, "bad_format") from None


def parse_date(value: object, field: str) -> date | None:
    """A ``date`` (not a datetime), "YYYY-MM-DD" or "DD/MM/YYYY"; None/blank -> None."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        raise FieldError(field, "bad_format")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) > _MAX_TEXT_INPUT:
        raise FieldError(field, "bad_format")
    text = value.strip()
    if m := _ISO_DATE.fullmatch(text):
        return _make_date(field, m[1], m[2], m[3])
    if m := _VN_DATE.fullmatch(text):
        return _make_date(field, m[3], m[2], m[1])
    raise FieldError(field, "bad_format")


def parse_datetime(value: object, field: str) -> datetime | None:
    """An aware time in +07:00 from a datetime or text (ISO 8601 with a time, "DD/MM/YYYY HH:MM" or
    "HH:MM DD/MM/YYYY"); no offset means +07:00. None/blank -> None."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= _MAX_TEXT_INPUT and value.isascii():
        moment = _parse_datetime_text(value.strip(), field)
    else:
        raise FieldError(field, "bad_format")
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=ICT)
    return moment.astimezone(ICT)


def _parse_datetime_text(text: str, field: str) -> datetime:
    parts: tuple[str, str, str, str, str] | None = None
    if m := _VN_DATETIME.fullmatch(text):
        parts = (m[3], m[2], m[1], m[4], m[5])
    elif m := _VN_TIME_FIRST.fullmatch(text):
        parts = (m[5], m[4], m[3], m[1], m[2])
    elif _HAS_TIME.match(text) is None:  # a date alone is no appointment
        raise FieldError(field, "bad_format")
    try:
        if parts is None:
            return datetime.fromisoformat(text)
        year, month, day, hour, minute = (int(p) for p in parts)
        return datetime(year, month, day, hour, minute)  # naive: the caller adds +07:00
    except ValueError:
        raise FieldError(field, "bad_format") from None


# --------------------------------------------------------------------------------------------- the item


class _Errors:
    def __init__(self) -> None:
        self.found: list[FieldError] = []

    def take(self, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except FieldError as exc:
            self.found.append(exc)
            return None

    def add(self, field: str, code: str, **params: object) -> None:
        self.found.append(FieldError(field, code, **params))

    def ordered(self) -> tuple[FieldError, ...]:
        rank = {name: i for i, name in enumerate(FIELD_ORDER)}
        return tuple(sorted(self.found, key=lambda e: rank.get(e.field, len(rank))))


def _text(raw: Mapping[str, object], field: str, max_len: int, *, multiline: bool = False) -> str | None:
    value = raw.get(field)
    if value is not None and not isinstance(value, str):
        raise FieldError(field, "bad_format")
    return clean_text(value, field=field, max_len=max_len, multiline=multiline)


def _tracking(value: object) -> str:
    if not isinstance(value, str):
        raise FieldError("tracking", "bad_format", value=repr(value)[:40])
    return parse_tracking(value)


def _check_now(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def _build(
    raw: Mapping[str, object], now: datetime, norms: Sequence[Norm]
) -> tuple[ItemDraft | None, _Errors]:
    _check_now(now)
    unknown = sorted(set(raw) - set(FIELD_ORDER))
    if unknown:
        raise TypeError(f"unknown item fields: {', '.join(unknown)}")
    err = _Errors()
    get = raw.get

    sender = err.take(lambda: clean_code(get("sender_agency"), "sender_agency"))
    recipient = err.take(lambda: clean_code(get("recipient_agency"), "recipient_agency"))
    secrecy = err.take(lambda: parse_choice(Secrecy, get("secrecy"), field="secrecy"))
    service = err.take(lambda: parse_choice(ServiceClass, get("service"), field="service"))
    urgency_raw = get("urgency")
    urgency = (
        Urgency.NONE
        if _blank(urgency_raw)
        else err.take(lambda: parse_choice(Urgency, urgency_raw, field="urgency"))
    )
    scope_raw = get("scope")
    scope = (
        Scope.NOI_TINH
        if _blank(scope_raw)
        else err.take(lambda: parse_choice(Scope, scope_raw, field="scope"))
    )
    appointed_at = err.take(lambda: parse_datetime(get("appointed_at"), "appointed_at"))
    doc_ref = err.take(lambda: _text(raw, "doc_ref", DOC_REF_MAX))
    doc_date = err.take(lambda: parse_date(get("doc_date"), "doc_date"))
    named_recipient = err.take(lambda: _text(raw, "named_recipient", NAME_MAX))
    named_only = err.take(lambda: parse_bool(get("named_only"), "named_only"))
    envelopes = err.take(lambda: parse_int(get("envelopes"), "envelopes", minimum=1))
    weight = err.take(lambda: parse_int(get("weight_grams"), "weight_grams"))
    seals = err.take(lambda: _text(raw, "seal_numbers", SEALS_MAX))
    seal_raw = get("seal_condition")
    seal_condition = (
        SealCondition.INTACT
        if _blank(seal_raw)
        else err.take(lambda: parse_choice(SealCondition, seal_raw, field="seal_condition"))
    )
    description = err.take(lambda: _text(raw, "description", DESCRIPTION_MAX, multiline=True))
    recall = err.take(lambda: parse_bool(get("recall"), "recall"))
    recall_deadline = err.take(lambda: parse_date(get("recall_deadline"), "recall_deadline"))
    copy_number = err.take(lambda: parse_int(get("copy_number"), "copy_number", minimum=1))
    copies = err.take(lambda: parse_int(get("copies"), "copies", minimum=1))
    page_count = err.take(lambda: parse_int(get("page_count"), "page_count", minimum=1))
    notes = err.take(lambda: _text(raw, "notes", NOTES_MAX, multiline=True))
    tracking_raw = get("tracking")
    tracking = None if _blank(tracking_raw) else err.take(lambda: _tracking(tracking_raw))
    sender_person = err.take(lambda: _text(raw, "sender_person", NAME_MAX))
    sender_person_id = err.take(lambda: _text(raw, "sender_person_id", PERSON_ID_MAX))

    # Rules across fields (each only when the fields it reads were readable).
    if secrecy is Secrecy.TUYET_MAT and description is not None:
        err.add("description", "forbidden_for_tuyet_mat")
    bad = _fields_with_errors(err)
    needed = secrecy.envelopes_required if secrecy is not None else 1
    if envelopes is not None and envelopes < needed and "envelopes" not in bad:
        err.add("envelopes", "tuyet_mat_two_envelopes", required=needed)
    if named_only and named_recipient is None and "named_recipient" not in bad:
        err.add("named_recipient", "needs_named_recipient")
    if recall and recall_deadline is None and "recall_deadline" not in bad:
        err.add("recall_deadline", "needs_deadline")
    if recall is False and recall_deadline is not None:
        err.add("recall", "required")
    if sender_person_id is not None and sender_person is None and "sender_person" not in bad:
        err.add("sender_person", "required")
    if "appointed_at" not in bad:
        if service is ServiceClass.HEN_GIO:
            if appointed_at is None:
                err.add("appointed_at", "needs_appointed_time")
            elif scope is not None:
                lead = _min_lead_hours(scope, norms)
                earliest = now.astimezone(ICT) + timedelta(hours=lead)
                if appointed_at < earliest:
                    err.add("appointed_at", "appointed_too_soon", hours=lead, earliest=earliest.isoformat())
        elif service is not None and appointed_at is not None:
            err.add("appointed_at", "only_for_hen_gio")

    if err.found:
        return None, err
    assert sender is not None and recipient is not None and secrecy is not None and service is not None
    assert scope is not None and urgency is not None and named_only is not None
    assert seal_condition is not None and recall is not None
    draft = ItemDraft(
        sender_agency=sender,
        recipient_agency=recipient,
        secrecy=secrecy,
        service=service,
        urgency=urgency,
        scope=scope,
        appointed_at=appointed_at,
        doc_ref=doc_ref,
        doc_date=doc_date,
        named_recipient=named_recipient,
        named_only=named_only,
        envelopes=secrecy.envelopes_required if envelopes is None else envelopes,
        weight_grams=weight,
        seal_numbers=seals,
        seal_condition=seal_condition,
        description=description,
        recall=recall,
        recall_deadline=recall_deadline,
        copy_number=copy_number,
        copies=copies,
        page_count=page_count,
        notes=notes,
        tracking=tracking,
        sender_person=sender_person,
        sender_person_id=sender_person_id,
    )
    return draft, err


def _fields_with_errors(err: _Errors) -> set[str]:
    return {e.field for e in err.found}


def _min_lead_hours(scope: Scope, norms: Sequence[Norm]) -> int:
    try:
        norm = norm_for(ServiceClass.HEN_GIO, scope, norms)
    except LookupError:
        norm = norm_for(ServiceClass.HEN_GIO, scope, DEFAULT_NORMS)
    return norm.min_lead_hours or 0


def too_few_envelopes(item: object) -> bool:
    """For an item's recorded data (a mapping as stored in its acceptance event, e.g. one read from another
    office's bundle): True when it records fewer envelopes than its secrecy level needs (Tuyệt mật: an inner and an
    outer envelope), a missing or malformed count included."""
    if not isinstance(item, Mapping):
        return False
    try:
        needed = Secrecy(str(item.get("secrecy"))).envelopes_required
    except ValueError:
        return False
    envelopes = item.get("envelopes")
    if isinstance(envelopes, int) and not isinstance(envelopes, bool):
        return envelopes < needed
    return needed > 1


def item_errors(
    raw: Mapping[str, object], *, now: datetime, norms: Sequence[Norm] = DEFAULT_NORMS
) -> tuple[FieldError, ...]:
    """Every validation problem of ``raw``, in form order (empty when valid)."""
    return _build(raw, now, norms)[1].ordered()


def validate_item(
    raw: Mapping[str, object], *, now: datetime, norms: Sequence[Norm] = DEFAULT_NORMS
) -> ItemDraft:
    """Check and normalise ``raw``; raise the first ``FieldError`` in form order.

    ``now`` is the acceptance time (aware); ``norms`` gives the Hẹn giờ minimum lead times (the admin-edited
    table; defaults to TT 16/2017: 4 h nội tỉnh, 24 h liên tỉnh). ``scope`` defaults to nội tỉnh,
    ``envelopes`` to the number the secrecy level needs (Tuyệt mật: 2, an inner and an outer envelope; fewer is
    refused as ``tuyet_mat_two_envelopes``), ``urgency`` to none, ``seal_condition`` to intact, ``named_only``
    and ``recall`` to False.
    """
    draft, err = _build(raw, now, norms)
    if draft is None:
        raise err.ordered()[0]
    return draft
