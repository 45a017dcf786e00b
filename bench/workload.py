"""A busy provincial KT1 desk, simulated through the real services: every event is really signed and judged.

The fast path: one clerk session and one courier session, each opened once, with the co-signers' keys unlocked
once (as if each co-signer typed their password once a day); many service calls inside one ledger transaction (one
commit and one tree head per batch instead of per call); a larger SQLite page cache for the two sessions. (A cached
vault is also re-encoded with the rfc8785 module itself before it is marked complete: bench/rfc8785_check.py.)
The services, the authority, the custody rules and the projection run exactly as at the counter.

A working day: items accepted at the counter from 07:30 (default 300 a day), then
  ~45 % handed to a courier (one co-signed hand-over per round), who delivers them to the recipient agency
        (its secretary co-signs, or a named external person is recorded); ~4 % of those fail first and are
        delivered the next day,
  ~15 % delivered at the counter to the agency's secretary (co-signed),
  ~35 % bagged for other provinces (bag create, add, close, co-signed dispatch to a courier),
  ~5 % left waiting (delivered the next day), ~1 % with an incident, a few with a note;
and, with `reports`, on Fridays the day's first bag manifest and the week's overdue report (PDFs in memory).
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from securemail.clock import ICT, FixedClock
from securemail.custody.ledger import Signer
from securemail.services import bags, directory, incidents, items, reports, transfers, workdays
from securemail.services.cosign import cosigner
from securemail.services.session import Session, UserInfo, open_session
from securemail.services.vault_init import init_vault

PASSWORD = os.environ.get("BENCH_PASSWORD", "Bench-Vault-Password-2026")  # a throwaway bench vault's password
OFFICE = ("GL01", "Bưu điện tỉnh Gia Lai", "Gia Lai")
LOCAL_AGENCIES = 24          # agencies in the province, each with a secretary account
REMOTE = (("HN01", "Hà Nội"), ("DN01", "Đà Nẵng"), ("HCM01", "Hồ Chí Minh"), ("DL01", "Đắk Lắk"))
AUDITOR = "kiemtra1"
CLERKS = ("gdv1", "gdv2")
COURIERS = ("buuta1", "buuta2")
SECRECY = ("none", "mat", "mat", "toi-mat", "tuyet-mat")
SERVICES = ("thuong", "thuong", "thuong", "hoa-toc")
PAGE_CACHE_KIB = 256 * 1024  # per build session: a million-event vault's index pages stay decrypted in memory


def local_codes() -> list[str]:
    return [f"CQ{i:02d}" for i in range(LOCAL_AGENCIES)]


def remote_codes() -> list[tuple[str, str]]:
    """(agency code, province): two agencies per remote province."""
    return [(f"{office}A{j}", province) for office, province in REMOTE for j in range(2)]


@contextmanager
def batch(session: Session) -> Iterator[None]:
    """Many service calls in one ledger transaction: one commit, one tree head (and a checkpoint when due). The
    nested writes of the services record nothing; the outer one records what its commit leaves."""
    with session.write():
        yield


def create_vault(vault: Path, start: datetime, *, clerks: int = len(CLERKS)) -> None:
    """Office, agencies, calendar and accounts (admin, clerks gdv1.., couriers, secretaries, auditor)."""
    clock = FixedClock(start)
    with init_vault(vault, office_code=OFFICE[0], office_name=OFFICE[1], admin="quantri", full_name="Quản Trị",
                    password=PASSWORD, province=OFFICE[2], clock=clock, kdf_profile="minimum") as admin:
        for code in local_codes():
            directory.add_agency(admin, code, name=f"Cơ quan {code} tỉnh Gia Lai", province=OFFICE[2])
        for code, province in remote_codes():
            directory.add_agency(admin, code, name=f"Cơ quan {code}", province=province)
        for year in range(start.year, start.year + 3):
            workdays.record_statutory(admin, year)
        for name in [f"gdv{i + 1}" for i in range(clerks)]:
            directory.add_user(admin, name, role="clerk", full_name=f"Giao dịch viên {name}", password=PASSWORD)
        for name in COURIERS:
            directory.add_user(admin, name, role="courier", full_name=f"Bưu tá {name}", password=PASSWORD)
        for code in local_codes():
            directory.add_user(admin, f"vt{code.lower()}", role="secretary", full_name=f"Văn thư {code}",
                               password=PASSWORD, agency=code)
        directory.add_user(admin, AUDITOR, role="auditor", full_name="Kiểm tra", password=PASSWORD)


@dataclass
class Counts:
    items: int = 0
    delivered: int = 0
    failed: int = 0
    bags: int = 0
    incidents: int = 0
    reports: int = 0


@dataclass
class Desk:
    """The open sessions of one desk and the work carried over from one day to the next."""

    vault: Path
    clock: FixedClock
    clerk: Session
    courier: Session
    signers: dict[str, tuple[Signer, UserInfo]]
    rnd: random.Random = field(default_factory=lambda: random.Random(2026))
    waiting: list[tuple[str, str]] = field(default_factory=list)      # (tracking, recipient) at the counter
    with_courier: list[tuple[str, str]] = field(default_factory=list)  # failed yesterday, still with the courier
    counts: Counts = field(default_factory=Counts)
    reports: bool = False          # on Fridays: print the day's first bag manifest and the week's overdue report
    report_seconds: float = 0.0
    days: int = 0

    @classmethod
    def open(cls, vault: Path, when: datetime) -> Desk:
        clock = FixedClock(when)
        clerk = open_session(vault, CLERKS[0], PASSWORD, clock=clock)
        courier = open_session(vault, COURIERS[0], PASSWORD, clock=clock)
        signers = {COURIERS[0]: cosigner(clerk, COURIERS[0], PASSWORD)}
        for code in local_codes():
            name = f"vt{code.lower()}"
            signers[name] = cosigner(courier, name, PASSWORD)
        for session in (clerk, courier):
            session.conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        desk = cls(vault, clock, clerk, courier, signers)
        desk.counts.items = int(clerk.conn.execute("SELECT count(*) FROM items").fetchone()[0])
        return desk

    def close(self) -> None:
        self.courier.close()
        self.clerk.close()

    def events(self) -> int:
        return int(self.clerk.conn.execute("SELECT max(seq) FROM events").fetchone()[0])

    def _tick(self, minutes: float = 1.0) -> None:
        self.clock.set(self.clock.now() + timedelta(minutes=minutes))

    def day(self, day: date, n_items: int, *, batch_size: int = 500,
            stop: Callable[[], bool] | None = None) -> None:
        """One working day of `n_items` accepted items and everything that follows from them."""
        self.clock.set(max(self.clock.now(), datetime(day.year, day.month, day.day, 7, 30, tzinfo=ICT)))
        step = 8 * 60 / max(n_items, 1) * 0.6        # acceptances over the morning and early afternoon
        self._deliver_carried_over()
        accepted: list[tuple[str, str]] = []
        for start in range(0, n_items, batch_size):
            with batch(self.clerk):
                for _ in range(min(batch_size, n_items - start)):
                    accepted.append(self._accept())
                    self._tick(step)
            if stop is not None and stop():
                break
        self._route(accepted)
        self.days += 1
        if self.reports and day.weekday() == 4:
            self._print_reports(day)

    def _print_reports(self, day: date) -> None:
        """What the desk prints (PDFs rendered in memory: the vault does not change)."""
        start = time.perf_counter()
        first_bag = self.clerk.conn.execute("SELECT bag FROM bags WHERE bag LIKE ? ORDER BY bag LIMIT 1",
                                            (f"T{day:%Y%m%d}-%",)).fetchone()
        if first_bag is not None:
            reports.manifest(self.clerk, first_bag[0], io.BytesIO())
            self.counts.reports += 1
        reports.overdue(self.clerk, day - timedelta(days=4), day, io.BytesIO())
        self.counts.reports += 1
        self.report_seconds += time.perf_counter() - start

    def _accept(self) -> tuple[str, str]:
        rnd = self.rnd
        bagged = rnd.random() < 0.35
        if bagged:
            recipient = rnd.choice(remote_codes())[0]
        else:
            recipient = rnd.choice(local_codes())
        sender = rnd.choice([c for c in local_codes() if c != recipient])
        secrecy = rnd.choice(SECRECY)
        raw: dict[str, object] = {
            "sender_agency": sender, "recipient_agency": recipient, "secrecy": secrecy,
            "service": rnd.choice(SERVICES), "scope": "lien-tinh" if bagged else "noi-tinh",
            "doc_ref": f"{rnd.randint(1, 9999)}/CV-{sender}", "envelopes": 2 if secrecy == "tuyet-mat" else 1,
            "weight_grams": rnd.randint(20, 900), "seal_numbers": f"NP-{rnd.randint(10**6, 10**7)}",
            "description": None if secrecy == "tuyet-mat" else "Báo cáo tình hình thực hiện nhiệm vụ",
            "sender_person": "Hoàng Minh Tuấn", "sender_person_id": f"0640{rnd.randint(10**7, 10**8 - 1)}",
        }
        tracking = items.accept_item(self.clerk, raw)
        self.counts.items += 1
        if rnd.random() < 0.01:
            incidents.report_incident(self.clerk, tracking, "seal-broken",
                                      "Niêm phong bì ngoài bị rách một góc khi nhận tại quầy; đã lập biên bản.")
            self.counts.incidents += 1
        elif rnd.random() < 0.02:
            incidents.add_note(self.clerk, tracking, "Cơ quan gửi đề nghị chuyển sớm (điện thoại).")
        return tracking, recipient

    def _route(self, accepted: list[tuple[str, str]]) -> None:
        remote = {code for code, _ in remote_codes()}
        to_bag = [a for a in accepted if a[1] in remote]
        local = [a for a in accepted if a[1] not in remote]
        self.rnd.shuffle(local)
        n_counter = int(len(local) * 0.2)
        n_wait = int(len(local) * 0.07)
        counter, waiting, rounds = local[:n_counter], local[n_counter:n_counter + n_wait], local[n_counter + n_wait:]
        with batch(self.clerk):
            self._bag_up(to_bag)
            for tracking, recipient in counter:
                self._tick(0.5)
                sec = self.signers[f"vt{recipient.lower()}"]
                transfers.deliver(self.clerk, tracking, to=sec[0], to_user=sec[1])
                self.counts.delivered += 1
            carried, self.waiting = self.waiting, waiting
            rounds = carried + rounds
            if rounds:
                self._tick(5)
                courier = self.signers[COURIERS[0]]
                transfers.handover(self.clerk, [t for t, _ in rounds], courier[0], courier[1])
        self._courier_round(rounds)

    def _bag_up(self, to_bag: list[tuple[str, str]]) -> None:
        by_province: dict[str, list[str]] = {}
        province_of = dict(remote_codes())
        for tracking, recipient in to_bag:
            by_province.setdefault(province_of[recipient], []).append(tracking)
        office_of = {province: office for office, province in REMOTE}
        courier = self.signers[COURIERS[0]]
        for province, trackings in by_province.items():
            self._tick(2)
            bag = bags.create_bag(self.clerk, office_of[province], province=province)
            bags.add_to_bag(self.clerk, bag, trackings)
            bags.close_bag(self.clerk, bag, f"KP-{bag}")
            bags.dispatch_bag(self.clerk, bag, courier[0], courier[1])
            self.counts.bags += 1

    def _courier_round(self, rounds: list[tuple[str, str]]) -> None:
        if not rounds:
            return
        with batch(self.courier):
            for tracking, recipient in rounds:
                self._tick(0.5)
                if self.rnd.random() < 0.04:
                    transfers.out_for_delivery(self.courier, tracking)
                    transfers.fail(self.courier, tracking, "Cơ quan nhận đóng cửa ngoài giờ hành chính")
                    self.with_courier.append((tracking, recipient))
                    self.counts.failed += 1
                    continue
                self._courier_deliver(tracking, recipient)

    def _courier_deliver(self, tracking: str, recipient: str) -> None:
        if self.rnd.random() < 0.15:
            person = items.ExternalPerson("Trần Văn Bình", "064085123456", None)
            transfers.deliver(self.courier, tracking, person=person)
        else:
            sec = self.signers[f"vt{recipient.lower()}"]
            transfers.deliver(self.courier, tracking, to=sec[0], to_user=sec[1])
        self.counts.delivered += 1

    def _deliver_carried_over(self) -> None:
        carried, self.with_courier = self.with_courier, []
        if not carried:
            return
        with batch(self.courier):
            for tracking, recipient in carried:
                self._tick(0.5)
                self._courier_deliver(tracking, recipient)


def working_days(start: date, calendar_session: Session) -> Iterator[date]:
    calendar = items.load_calendar(calendar_session)
    day = start
    while True:
        if calendar.is_working_day(day):
            yield day
        day += timedelta(days=1)


YEAR_START = datetime(2025, 1, 2, 7, 0, tzinfo=ICT)
CREATED = "bench-created"    # written once the office, agencies and accounts exist: a build can resume from there


def build(vault: Path, *, min_events: int, items_per_day: int = 300, batch_size: int = 500,
          progress: Callable[[Desk], None] | None = None) -> Desk:
    """Create `vault` (if new) and simulate working days until it holds at least `min_events` events. The
    returned desk is open (close it)."""
    if not (vault / "vault.db").exists():
        create_vault(vault, YEAR_START)
        (vault / CREATED).write_text("the office, agencies and accounts exist\n")
    desk = Desk.open(vault, YEAR_START)
    last = desk.clerk.conn.execute("SELECT max(time) FROM events").fetchone()[0]
    first_day = max(YEAR_START.date(), datetime.fromisoformat(last).date() + timedelta(days=1))
    desk.clock.set(max(desk.clock.now(), datetime.fromisoformat(last)))
    for day in working_days(first_day, desk.clerk):
        if desk.events() >= min_events:
            break
        remaining = min_events - desk.events()
        desk.day(day, min(items_per_day, max(1, remaining // 2)), batch_size=batch_size)
        if progress is not None:
            progress(desk)
    return desk
