"""Official register layouts as versioned data, chosen by the dates of the period printed.

The legal basis changed on 01/03/2026 (Luật 117/2025/QH15 and NĐ 63/2026/NĐ-CP replace Luật 29/2018 and NĐ
26/2020, and with them the forms of TT 24/2020/TT-BCA). Columns we could not check against the official text
are marked ``confirmed=False``; the printed register lists them in a footnote. Sources: the team's domain
research, section (c) C1-C4 and its addendum.

A period that straddles a change of layout is refused (``PeriodStraddlesError``, which carries the parts
from ``split_period``): each legal form is its own register book with its own cover, numbering and columns,
so the caller prints one register per part, with rows prepared for that part's column keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from securemail.documents.models import RegisterKind

NEW_BASIS_FROM = date(2026, 3, 1)


@dataclass(frozen=True, slots=True)
class RegisterColumn:
    key: str  # key into each row mapping
    header: str  # Vietnamese column header as printed
    width: float  # relative width
    confirmed: bool  # checked against the official text
    signature: bool = False  # leave room for a handwritten signature


@dataclass(frozen=True, slots=True)
class RegisterLayout:
    id: str
    kind: RegisterKind
    title: str
    effective_from: date
    effective_to: date | None  # inclusive; None: still in force
    source: str
    columns: tuple[RegisterColumn, ...]

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def unconfirmed(self) -> tuple[RegisterColumn, ...]:
        return tuple(c for c in self.columns if not c.confirmed)


def _c(key: str, header: str, width: float, confirmed: bool = False, signature: bool = False) -> RegisterColumn:
    return RegisterColumn(key, header, width, confirmed, signature)


_TT24_END = NEW_BASIS_FROM - timedelta(days=1)

LAYOUTS: tuple[RegisterLayout, ...] = (
    RegisterLayout(
        id="tt24-2020-m14",
        kind=RegisterKind.SECRET_OUTGOING,
        title="Sổ đăng ký bí mật nhà nước đi",
        effective_from=date(2020, 7, 1),
        effective_to=_TT24_END,
        source="Mẫu số 14, Thông tư 24/2020/TT-BCA (A4, 09 cột; chỉ cột 1 đã xác nhận)",
        columns=(
            _c("so_thu_tu", "Số thứ tự", 0.6, confirmed=True),
            _c("ngay_thang", "Ngày, tháng, năm", 1.0),
            _c("so_ky_hieu", "Số, ký hiệu", 1.2),
            _c("trich_yeu", "Tên loại và trích yếu nội dung", 3.0),
            _c("do_mat", "Độ mật", 0.8),
            _c("nguoi_ky", "Người ký", 1.3),
            _c("noi_nhan", "Nơi nhận", 2.2),
            _c("don_vi_luu", "Đơn vị, người nhận bản lưu", 1.5),
            _c("ghi_chu", "Ghi chú", 1.0),
        ),
    ),
    RegisterLayout(
        id="tt24-2020-m15",
        kind=RegisterKind.SECRET_INCOMING,
        title="Sổ đăng ký bí mật nhà nước đến",
        effective_from=date(2020, 7, 1),
        effective_to=_TT24_END,
        source="Mẫu số 15, Thông tư 24/2020/TT-BCA (danh sách cột chưa xác nhận)",
        columns=(
            _c("so_thu_tu", "Số thứ tự", 0.6),
            _c("ngay_den", "Ngày đến", 0.9),
            _c("so_den", "Số đến", 0.7),
            _c("co_quan_ban_hanh", "Cơ quan ban hành", 2.0),
            _c("so_ky_hieu", "Số, ký hiệu", 1.1),
            _c("ngay_thang", "Ngày tháng", 0.9),
            _c("trich_yeu", "Tên loại và trích yếu nội dung", 2.6),
            _c("do_mat", "Độ mật", 0.8),
            _c("don_vi_nhan", "Đơn vị, người nhận và ký nhận", 1.8, signature=True),
            _c("ghi_chu", "Ghi chú", 0.9),
        ),
    ),
    RegisterLayout(
        id="nd63-2026-di",
        kind=RegisterKind.SECRET_OUTGOING,
        title="Sổ đăng ký bí mật nhà nước đi",
        effective_from=NEW_BASIS_FROM,
        effective_to=None,
        source="Phụ lục III, Nghị định 63/2026/NĐ-CP (theo phần mềm bên thứ ba; chưa đối chiếu văn bản gốc)",
        columns=(
            _c("so_thu_tu", "Số thứ tự", 0.6),
            _c("so_ky_hieu", "Số, ký hiệu tài liệu, vật chứa BMNN", 1.3),
            _c("ngay_thang", "Ngày tháng xác định tài liệu, vật chứa BMNN", 1.1),
            _c("trich_yeu", "Tên loại và trích yếu nội dung tài liệu, vật chứa BMNN", 2.8),
            _c("do_mat", "Độ mật", 0.8),
            _c("nguoi_ky", "Người ký tài liệu, vật chứa BMNN", 1.3),
            _c("noi_nhan", "Nơi nhận và ký nhận", 2.0, signature=True),
            _c("don_vi_luu", "Đơn vị lưu", 1.1),
            _c("so_luong", "Số lượng", 0.7),
            _c("ghi_chu", "Ghi chú", 0.9),
        ),
    ),
    RegisterLayout(
        id="nd63-2026-den",
        kind=RegisterKind.SECRET_INCOMING,
        title="Sổ đăng ký bí mật nhà nước đến",
        effective_from=NEW_BASIS_FROM,
        effective_to=None,
        source="Phụ lục III, Nghị định 63/2026/NĐ-CP (theo phần mềm bên thứ ba; chưa đối chiếu văn bản gốc)",
        columns=(
            _c("so_thu_tu", "Số thứ tự", 0.6),
            _c("ngay_den", "Ngày đến", 0.9),
            _c("so_den", "Số đến", 0.7),
            _c("co_quan_ban_hanh", "Cơ quan, tổ chức ban hành tài liệu, vật chứa BMNN", 2.0),
            _c("so_ky_hieu", "Số, ký hiệu", 1.1),
            _c("ngay_thang", "Ngày tháng", 0.9),
            _c("trich_yeu", "Tên loại và trích yếu nội dung", 2.6),
            _c("do_mat", "Độ mật", 0.8),
            _c("don_vi_nhan", "Đơn vị và ký nhận", 1.8, signature=True),
            _c("ghi_chu", "Ghi chú", 0.9),
        ),
    ),
    RegisterLayout(
        id="nd30-2020-buudien",
        kind=RegisterKind.POST_OUTGOING,
        title="Sổ gửi văn bản đi bưu điện",
        effective_from=date(2020, 3, 5),
        effective_to=None,
        source="Phụ lục IV, Nghị định 30/2020/NĐ-CP (tối thiểu 06 nội dung; đã đối chiếu văn bản gốc)",
        columns=(
            _c("ngay_chuyen", "Ngày chuyển", 1.0, confirmed=True),
            _c("so_ky_hieu", "Số, ký hiệu văn bản", 1.5, confirmed=True),
            _c("noi_nhan", "Nơi nhận văn bản", 3.0, confirmed=True),
            _c("so_luong_bi", "Số lượng bì", 0.8, confirmed=True),
            _c("ky_nhan", "Ký nhận và dấu bưu điện", 1.8, confirmed=True, signature=True),
            _c("ghi_chu", "Ghi chú", 1.2, confirmed=True),
        ),
    ),
)


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
