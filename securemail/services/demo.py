"""A realistic demo vault for Gia Lai, seeded through the real services (every event really signed)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from securemail.clock import ICT, FixedClock, SystemClock
from securemail.domain.workcalendar import WorkCalendar
from securemail.services import bags, directory, incidents, items, norms, transfers, workdays
from securemail.services.cosign import cosigner
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault

DEMO_PASSWORD = "SecureMail-Demo-2026"  # noqa: S105 - the documented, public demo password; in README; override with SECUREMAIL_PASSWORD

AGENCIES = (
    ("UBNDGL", "Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai"),
    ("TUGL", "Văn phòng Tỉnh ủy Gia Lai", "Gia Lai"),
    ("CAGL", "Công an tỉnh Gia Lai", "Gia Lai"),
    ("BCHQSGL", "Bộ Chỉ huy Quân sự tỉnh Gia Lai", "Gia Lai"),
    ("SKHCN", "Sở Khoa học và Công nghệ tỉnh Gia Lai", "Gia Lai"),
    ("STC", "Sở Tài chính tỉnh Gia Lai", "Gia Lai"),
    ("SNV", "Sở Nội vụ tỉnh Gia Lai", "Gia Lai"),
    ("UBNDPK", "Ủy ban nhân dân phường Pleiku", "Gia Lai"),
    ("UBNDAK", "Ủy ban nhân dân phường An Khê", "Gia Lai"),  # ngoại thành (outside Pleiku)
    ("VPTW", "Văn phòng Trung ương Đảng", "Hà Nội"),
    ("VPCP", "Văn phòng Chính phủ", "Hà Nội"),
)

SUBURBAN = frozenset({"UBNDAK"})
# The post office that receives our bags for Hà Nội (liên tỉnh): bags go to post offices, not to agencies.
HANOI_OFFICE = ("HN01", "Hà Nội")
# The government's swaps for 2026 (Thông báo of Bộ Nội vụ): 02/01 off for Saturday 10/01; 31/08 off (already
# in the statutory list) for Saturday 22/08. An admin enters them one at a time.
SWAPS: tuple[tuple[str, str, str], ...] = (
    ("2026-01-02", "off", "Nghỉ hoán đổi dịp Tết Dương lịch"),
    ("2026-01-10", "work", "Làm bù cho ngày 02/01/2026"),
    ("2026-08-22", "work", "Làm bù cho ngày 31/08/2026"),
)
SWAP_SOURCE = "Thông báo hoán đổi ngày làm việc năm 2026 (mẫu demo)"

USERS = (
    ("gdv1", "clerk", "Nguyễn Thị Thu Hà", None),
    ("gdv2", "clerk", "Rơ Mah Hlim", None),
    ("buuta1", "courier", "Trần Văn Dũng", None),
    ("buuta2", "courier", "Ksor Y Phun", None),
    ("vanthu1", "secretary", "Lê Thị Mỹ Dung", "UBNDGL"),
    ("vanthu2", "secretary", "Phạm Quốc Việt", "CAGL"),
    ("kiemtra1", "auditor", "Đặng Văn Hưng", None),
)

SECRECY = ("none", "mat", "toi-mat", "tuyet-mat")
SERVICES = ("thuong", "hoa-toc", "thuong", "hen-gio")


@dataclass(frozen=True)
class DemoResult:
    vault: Path
    office_code: str
    users: list[tuple[str, str]]  # (username, role)
    items: int
    password_from_env: bool


def _password() -> tuple[str, bool]:
    env = os.environ.get("SECUREMAIL_PASSWORD")
    return (env, True) if env else (DEMO_PASSWORD, False)


def create_demo(vault: Path, n_items: int = 40, *, now: datetime | None = None) -> DemoResult:
    password, from_env = _password()
    real_now = now or SystemClock().now()
    start = (real_now - timedelta(days=12)).replace(hour=7, minute=45, second=0, microsecond=0)
    clock = FixedClock(start.astimezone(ICT))
    with init_vault(vault, office_code="GL01", office_name="Bưu điện tỉnh Gia Lai", admin="quantri",
                    full_name="Lê Thị Thu Hương", password=password, province="Gia Lai", clock=clock,
                    kdf_profile="minimum") as admin:
        for code, name, province in AGENCIES:
            directory.add_agency(admin, code, name=name, province=province, suburban=code in SUBURBAN)
        _fill_calendar(admin, {start.year, real_now.year})
        for username, role, full_name, agency in USERS:
            directory.add_user(admin, username, role=role, full_name=full_name, password=password, agency=agency)
    with open_session(vault, "gdv1", password, clock=clock) as clerk:
        _seed_items(clerk, clock, n_items, password, real_now)
    users = [("quantri", "admin")] + [(u, r) for u, r, _, _ in USERS]
    return DemoResult(vault, "GL01", users, n_items, from_env)


def _fill_calendar(admin: Session, years: set[int]) -> None:
    """Statutory days off (computed, recorded) for the years the demo spans, and the 2026 swaps."""
    for year in sorted(years):
        workdays.record_statutory(admin, year)
    for day, kind, name in SWAPS:
        if int(day[:4]) in years:
            workdays.add_day(admin, day, kind, SWAP_SOURCE, name)
    norms.set_setting(admin, "working_hours", "07:30-11:30,13:00-17:00")


def _next_slot(clock: FixedClock, step: timedelta, calendar: WorkCalendar, real_now: datetime) -> None:
    """Advance within office hours on working days, never past the real present (the demo dates nothing in the
    future)."""
    target = clock.now() + step
    if target.hour >= 17:
        target = (target + timedelta(days=1)).replace(hour=7, minute=30)
    while not calendar.is_working_day(target.date()):
        target = (target + timedelta(days=1)).replace(hour=7, minute=30)
    limit = real_now - timedelta(minutes=1)
    clock.set(max(clock.now(), min(target, limit)))


def _seed_items(clerk: Session, clock: FixedClock, n: int, password: str, real_now: datetime) -> None:
    # Spread the items over about ten working days, within office hours.
    step = timedelta(minutes=max(5, int(10 * 9 * 60 / max(n, 1))))
    codes = [a[0] for a in AGENCIES]
    bag_items: list[str] = []
    calendar = items.load_calendar(clerk)
    for i in range(n):
        _next_slot(clock, step, calendar, real_now)
        secrecy = SECRECY[i % 4]
        service = SERVICES[(i // 2) % 4]
        sender = codes[(i * 7 + 2) % 9]
        recipient = "UBNDGL" if i % 4 == 0 else codes[(i * 5 + 3) % len(codes)]
        if recipient == sender:
            recipient = "CAGL" if sender != "CAGL" else "UBNDGL"
        if i % 6 == 3 and i < n - 4:  # these travel in a bag to Hà Nội
            recipient = "VPCP" if i % 12 == 3 else "VPTW"
        if service == "hen-gio" and clock.now() + timedelta(hours=30) > real_now:
            service = "thuong"  # an appointment would lie in the future
        raw: dict[str, object] = {
            "sender_agency": sender, "recipient_agency": recipient, "secrecy": secrecy, "service": service,
            "scope": "lien-tinh" if recipient in ("VPTW", "VPCP") else "noi-tinh",
            "doc_ref": f"{100 + i}/CV-{sender}", "envelopes": 2 if secrecy == "tuyet-mat" else 1,
            "weight_grams": 40 + (i * 37) % 400, "seal_numbers": f"NP-{2026000 + i}",
            "description": None if secrecy == "tuyet-mat" else "Báo cáo tình hình thực hiện nhiệm vụ quý IV",
            "sender_person": "Hoàng Minh Tuấn", "sender_person_id": f"0640{85000000 + i}",
        }
        if service == "hen-gio":
            raw["appointed_at"] = (clock.now() + timedelta(hours=30)).isoformat()
        if i % 7 == 5:
            raw["named_recipient"] = "Lê Thị Mỹ Dung" if recipient == "UBNDGL" else "Nguyễn Văn Nam"
            raw["named_only"] = True
        tracking = items.accept_item(clerk, raw)
        named = str(raw["named_recipient"]) if raw.get("named_only") else None
        _advance_item(clerk, clock, i, tracking, recipient, named, password, bag_items, n, real_now)


def _advance_item(clerk: Session, clock: FixedClock, i: int, tracking: str, recipient: str, named: str | None,
                  password: str, bag_items: list[str], n: int, real_now: datetime) -> None:
    kind = i % 6
    if i >= n - 4:
        return  # the newest few wait at the counter
    clock.set(max(clock.now(), min(clock.now() + timedelta(minutes=20), real_now - timedelta(minutes=1))))
    if kind == 1:
        courier, courier_user = cosigner(clerk, "buuta1", password)
        transfers.handover(clerk, [tracking], courier, courier_user)
    elif kind == 2:
        if items.item_row(clerk, tracking).service == "hen-gio":  # delivered before the appointment: say why
            incidents.add_note(clerk, tracking, "Cơ quan nhận đề nghị nhận trước giờ hẹn (điện thoại của văn thư).")
        if recipient == "UBNDGL":
            sec, sec_user = cosigner(clerk, "vanthu1", password)
            transfers.deliver(clerk, tracking, to=sec, to_user=sec_user)
        elif recipient == "CAGL":
            sec, sec_user = cosigner(clerk, "vanthu2", password)
            transfers.deliver(clerk, tracking, to=sec, to_user=sec_user)
        else:
            person = items.ExternalPerson(named or "Trần Văn Bình", "064085123456", None)
            transfers.deliver(clerk, tracking, person=person)
    elif kind == 3:
        bag_items.append(tracking)
        if len(bag_items) == 3:
            bag = bags.create_bag(clerk, HANOI_OFFICE[0], province=HANOI_OFFICE[1])
            bags.add_to_bag(clerk, bag, bag_items)
            bags.close_bag(clerk, bag, f"KP-{bag}")
            courier, courier_user = cosigner(clerk, "buuta2", password)
            bags.dispatch_bag(clerk, bag, courier, courier_user)
            bag_items.clear()
    elif kind == 4 and i % 12 == 4:
        incidents.report_incident(clerk, tracking, "seal-broken",
                                  "Niêm phong bì ngoài bị rách một góc khi nhận tại quầy; đã lập biên bản.")
    elif kind == 5:
        transfers.out_for_delivery(clerk, tracking)
        transfers.fail(clerk, tracking, "Cơ quan nhận đóng cửa ngoài giờ hành chính")
