"""Register layouts as versioned data (securemail/assets/registers/layouts.json), chosen by the dates printed.

The legal basis changed on 01/03/2026 (Luật 117/2025/QH15 and NĐ 63/2026/NĐ-CP replace Luật 29/2018 and NĐ
26/2020, and with them the forms of TT 24/2020/TT-BCA). Each layout names the text it follows (``basis``, printed
on the cover) and, apart, how far its columns were checked (``provenance`` and each column's ``confirmed``: data
for people choosing a layout, never printed on the page). Columns an office cannot confirm from the official text
are configurable: an administrator replaces a layout's columns with a signed setting (``with_columns``; see
services.registers), so nothing about unconfirmed columns needs to be printed as a footnote.

A period that straddles a change of layout is refused (``PeriodStraddlesError``, which carries the parts
from ``split_period``): each legal form is its own register book with its own cover, numbering and columns,
so the caller prints one register per part, with rows prepared for that part's column keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from securemail.documents.models import RegisterKind
from securemail.resources import ASSETS

LAYOUTS_FILE = ASSETS / "registers" / "layouts.json"
NEW_BASIS_FROM = date(2026, 3, 1)
MAX_COLUMNS = 20
MAX_HEADER = 200


@dataclass(frozen=True, slots=True)
class RegisterColumn:
    key: str  # key into each row mapping (a key no row fills prints an empty column, to be filled by hand)
    header: str  # Vietnamese column header as printed
    width: float  # relative width
    confirmed: bool  # checked against the official text (not printed)
    signature: bool = False  # leave room for a handwritten signature

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "header": self.header, "width": self.width, "confirmed": self.confirmed,
                "signature": self.signature}


@dataclass(frozen=True, slots=True)
class RegisterLayout:
    id: str
    kind: RegisterKind
    title: str
    effective_from: date
    effective_to: date | None  # inclusive; None: still in force
    basis: str  # the legal text the layout follows, printed on the cover
    provenance: str  # how the columns were established (not printed)
    columns: tuple[RegisterColumn, ...]
    configured: bool = False  # columns replaced by an administrator's signed setting

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def source(self) -> str:
        return self.basis

    @property
    def unconfirmed(self) -> tuple[RegisterColumn, ...]:
        return tuple(c for c in self.columns if not c.confirmed)

    def with_columns(self, columns: Sequence[RegisterColumn]) -> RegisterLayout:
        return replace(self, columns=tuple(columns), configured=True)


class LayoutDataError(ValueError):
    """A layout or a column list that is not well formed (the message names the problem)."""


def parse_columns(raw: object) -> tuple[RegisterColumn, ...]:
    """Columns from JSON data: a list of {"key", "header", "width", ["signature"], ["confirmed"]}."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_COLUMNS:
        raise LayoutDataError(f"cần danh sách từ 1 đến {MAX_COLUMNS} cột")
    out: list[RegisterColumn] = []
    for n, col in enumerate(raw, start=1):
        if not isinstance(col, Mapping):
            raise LayoutDataError(f"cột {n} không phải một đối tượng")
        key, header, width = col.get("key"), col.get("header"), col.get("width", 1.0)
        if not isinstance(key, str) or not key.isascii() or not key.replace("_", "").isalnum() or len(key) > 40:
            raise LayoutDataError(f"cột {n}: \"key\" phải là chữ thường không dấu, số và dấu gạch dưới")
        if not isinstance(header, str) or not header.strip() or len(header) > MAX_HEADER:
            raise LayoutDataError(f"cột {n}: \"header\" phải có chữ (tối đa {MAX_HEADER} ký tự)")
        if isinstance(width, bool) or not isinstance(width, int | float) or not 0.2 <= width <= 10:
            raise LayoutDataError(f"cột {n}: \"width\" phải là số từ 0,2 đến 10")
        signature, confirmed = col.get("signature", False), col.get("confirmed", False)
        if not isinstance(signature, bool) or not isinstance(confirmed, bool):
            raise LayoutDataError(f"cột {n}: \"signature\" và \"confirmed\" là true hoặc false")
        out.append(RegisterColumn(key, " ".join(header.split()), float(width), confirmed, signature))
    if len({c.key for c in out}) != len(out):
        raise LayoutDataError("hai cột trùng \"key\"")
    return tuple(out)


def _layout(raw: Mapping[str, object]) -> RegisterLayout:
    to = raw.get("effective_to")
    return RegisterLayout(
        id=str(raw["id"]),
        kind=RegisterKind(str(raw["kind"])),
        title=str(raw["title"]),
        effective_from=date.fromisoformat(str(raw["effective_from"])),
        effective_to=date.fromisoformat(str(to)) if to else None,
        basis=str(raw["basis"]),
        provenance=str(raw.get("provenance") or ""),
        columns=parse_columns(raw["columns"]),
    )


def load_layouts(text: str) -> tuple[RegisterLayout, ...]:
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise LayoutDataError("tệp mẫu sổ không đúng phiên bản 1")
    return tuple(_layout(raw) for raw in doc["layouts"])


LAYOUTS: tuple[RegisterLayout, ...] = load_layouts(LAYOUTS_FILE.read_text(encoding="utf-8"))


class LayoutChoiceError(ValueError):
    """No single register layout applies to the requested period."""


class PeriodStraddlesError(LayoutChoiceError):
    """The period crosses a change of legal basis; print one register per part (see ``split_period``)."""

    def __init__(self, message: str, parts: Sequence[tuple[RegisterLayout, date, date]]) -> None:
        super().__init__(message)
        self.parts = tuple(parts)


def get_layout(layout_id: str) -> RegisterLayout:
    for layout in LAYOUTS:
        if layout.id == layout_id:
            return layout
    raise LayoutChoiceError(f"không có mẫu sổ '{layout_id}'")


def split_period(kind: RegisterKind, start: date, end: date) -> list[tuple[RegisterLayout, date, date]]:
    """The parts of [start, end] (inclusive) and the layout in force for each, in date order."""
    if end < start:
        raise LayoutChoiceError("ngày kết thúc trước ngày bắt đầu")
    parts: list[tuple[RegisterLayout, date, date]] = []
    for layout in sorted((lt for lt in LAYOUTS if lt.kind == kind), key=lambda lt: lt.effective_from):
        lo = max(start, layout.effective_from)
        hi = end if layout.effective_to is None else min(end, layout.effective_to)
        if lo <= hi:
            parts.append((layout, lo, hi))
    return parts


def choose_layout(kind: RegisterKind, period_start: date, period_end: date) -> RegisterLayout:
    """The one layout in force on every day of the period; refuses periods that cross a change of form."""
    parts = split_period(kind, period_start, period_end)
    if len(parts) == 1 and parts[0][1] == period_start and parts[0][2] == period_end:
        return parts[0][0]
    if len(parts) > 1:
        cut = "; ".join(f"{lt.id} {lo:%d/%m/%Y}-{hi:%d/%m/%Y}" for lt, lo, hi in parts)
        raise PeriodStraddlesError(
            f"kỳ {period_start:%d/%m/%Y}-{period_end:%d/%m/%Y} thuộc nhiều mẫu sổ, in riêng: {cut}",
            parts,
        )
    period = f"{period_start:%d/%m/%Y}-{period_end:%d/%m/%Y}"
    raise LayoutChoiceError(f"không có mẫu sổ {kind.value} áp dụng cho toàn bộ kỳ {period}")
