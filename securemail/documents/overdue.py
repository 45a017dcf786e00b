"""Overdue / on-time report: counts per service class and scope, and the list of overdue items."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from securemail.documents import official
from securemail.documents.layout import qr_code
from securemail.documents.models import OverdueData, OverdueItem, ServiceStat
from securemail.documents.styles import EMPTY, Styles, clean, fmt_date, fmt_dt, make_styles, markup, para
from securemail.documents.tables import grid, mm_widths

TITLE = "Báo cáo bưu gửi KT1 đúng hạn và quá hạn"
STAT_HEADERS = ["Dịch vụ", "Phạm vi", "Tổng số", "Đúng hạn", "Quá hạn", "Chưa đến hạn", "Tỷ lệ đúng hạn"]
STAT_WIDTHS_MM = [0, 26, 17, 19, 17, 22, 22]
ITEM_HEADERS = [
    "STT",
    "Số hiệu bưu gửi",
    "Độ mật",
    "Dịch vụ, phạm vi",
    "Nơi nhận",
    "Hạn phát",
    "Phát lần đầu lúc",
    "Quá hạn",
]
ITEM_WIDTHS_MM = [11, 31, 11, 19, 0, 20, 20, 18]


def percent(met: int, total: int) -> str:
    return EMPTY if total == 0 else f"{100 * met / total:.1f} %".replace(".", ",")


def delay_text(delay: timedelta) -> str:
    minutes = max(0, int(delay.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ"
    return f"{hours} giờ {mins} phút"


def _stat_row(stat: ServiceStat, st: Styles, *, bold: bool = False) -> list[Flowable]:
    def cell(text: str, style: ParagraphStyle) -> Flowable:
        return markup(f"<b>{clean(text)}</b>" if bold else clean(text), style)

    numbers = (stat.total, stat.met, stat.late, stat.pending)
    return [
        cell(stat.service_class, st.cell),
        cell(stat.scope, st.cell),
        *(cell(str(n), st.cell_right) for n in numbers),
        cell(percent(stat.met, stat.counted), st.cell_right),
    ]


def _item_row(number: int, item: OverdueItem, data: OverdueData, st: Styles) -> list[Flowable]:
    delivered = fmt_dt(item.delivered_at) if item.delivered_at else f"Chưa phát ({item.status})"
    if item.early and item.delivered_at is not None:
        how = f"Sớm {delay_text(item.due_at - item.delivered_at)} so với giờ hẹn"
    else:
        how = delay_text((item.delivered_at or data.as_of) - item.due_at)
    return [
        para(str(number), st.cell_center),
        para(item.tracking, st.cell),
        para(item.secrecy_code or EMPTY, st.cell_center),
        para(f"{item.service_class}, {item.scope}", st.cell),
        para(item.recipient_agency, st.cell),
        para(fmt_dt(item.due_at), st.cell),
        para(delivered, st.cell),
        para(how, st.cell),
    ]


def render_overdue(data: OverdueData, out: Path | BinaryIO) -> None:
    """A báo cáo in the presentation of NĐ 30/2020 Phụ lục I (documents.official)."""
    body = official.body_styles()
    st = official.table_styles()
    width = official.WIDTH
    iss = data.issuance or official.default_issuance(data.imprint, "BC")
    total = ServiceStat(
        service_class="Tổng cộng",
        scope="",
        total=sum(s.total for s in data.stats),
        met=sum(s.met for s in data.stats),
        late=sum(s.late for s in data.stats),
        pending=sum(s.pending for s in data.stats),
    )
    stats = [_stat_row(s, st) for s in data.stats]
    if data.stats:
        stats.append(_stat_row(total, st, bold=True))
    items = [_item_row(n, item, data, st) for n, item in enumerate(data.overdue_items, start=1)]
    period = f"từ ngày {fmt_date(data.period_start)} đến ngày {fmt_date(data.period_end)}"
    facts = (
        f"Số liệu tính đến {fmt_dt(data.as_of)}. Chỉ tiêu thời gian: {data.norms_source}. "
        f"Tỷ lệ đúng hạn chung: {percent(total.met, total.counted)}; "
        f"số bưu gửi quá hạn: {len(data.overdue_items)}."
    )
    rule = (
        "Thời gian toàn trình tính đến lần phát đầu tiên (TT 16/2017/TT-BTTTT): lần phát đầu đúng hạn thì đúng "
        "hạn, kể cả khi phát không thành công. Tỷ lệ đúng hạn = số đúng hạn / (tổng số - chưa đến hạn). Quá hạn "
        "gồm bưu gửi phát lần đầu trễ, bưu gửi chưa phát đã quá thời hạn, và bưu gửi Hẹn giờ phát sớm hơn giờ hẹn "
        f"quá {data.early_minutes} phút mà không có ghi chú."
    )
    qr = qr_code(data.qr_payload, make_styles(7, serif=True))
    story: list[Flowable] = [
        official.heading(iss),
        *official.title("Báo cáo", ["Bưu gửi KT1 đúng hạn và quá hạn", period]),
        para(facts, body.body),
        Spacer(1, 3 * mm),
        markup("<b>1. Theo loại dịch vụ và phạm vi</b>", body.body),
        Spacer(1, 2 * mm),
        *grid(STAT_HEADERS, stats, mm_widths(STAT_WIDTHS_MM, width), st, empty_text="Không có bưu gửi trong kỳ"),
        Spacer(1, 1 * mm),
        markup(rule, make_styles(11, serif=True).italic),
        Spacer(1, 4 * mm),
        markup("<b>2. Danh sách bưu gửi quá hạn</b>", body.body),
        Spacer(1, 2 * mm),
        *grid(ITEM_HEADERS, items, mm_widths(ITEM_WIDTHS_MM, width), st, empty_text="Không có bưu gửi quá hạn"),
        Spacer(1, 6 * mm),
        official.closing(iss, qr),
    ]
    official.build_official_pdf(out, story, imprint=data.imprint, title_text=TITLE)
