"""Shared fixtures for the storage, services and CLI tests.

A session-scoped *template* vault (minimum KDF profile, one user per role plus spares, three agencies) is built
once; every test that needs a vault gets its own copy (shutil.copytree), so tests stay independent and fast.

Passwords contain Vietnamese letters on purpose (NFC vs NFD, UTF-8 handling). Nothing here is autouse.
Test modules never import this file (conftest module names can clash between folders): constants and helpers
reach them through the `kit` fixture and the `vault` harness.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from securemail.clock import ICT, FixedClock
from securemail.custody.ledger import Signer
from securemail.services import directory, items
from securemail.services.cosign import cosigner
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session, UserInfo, open_session
from securemail.services.vault_init import init_vault

OFFICE_CODE = "HN01"
OFFICE_NAME = "Bưu điện Trung tâm Hà Nội"

# username -> (role, full name, agency)
USERS: dict[str, tuple[str, str, str | None]] = {
    "admin": ("admin", "Quản Trị Viên", None),
    "clerk1": ("clerk", "Lê Văn Giao", None),
    "clerk2": ("clerk", "Phạm Thị Nhận", None),
    "courier1": ("courier", "Hoàng Văn Tải", None),
    "courier2": ("courier", "Đỗ Văn Chuyển", None),
    "sec1": ("secretary", "Nguyễn Thị Lan", "REC"),
    "sec2": ("secretary", "Trần Văn Bình", "REC"),
    "sec3": ("secretary", "Vũ Thị Gửi", "SND"),
    "auditor1": ("auditor", "Bùi Văn Kiểm", None),
}

PASSWORDS: dict[str, str] = {
    "admin": "quản-trị-mật-khẩu-01",
    "clerk1": "giao-dịch-viên-01",
    "clerk2": "giao-dịch-viên-02",
    "courier1": "bưu-tá-áp-tải-01",
    "courier2": "bưu-tá-áp-tải-02",
    "sec1": "văn-thư-số-một-01",
    "sec2": "văn-thư-số-hai-02",
    "sec3": "văn-thư-số-ba-03",
    "auditor1": "kiểm-tra-bảo-vệ-01",
}

AGENCIES: dict[str, str] = {
    "SND": "Sở Tư pháp tỉnh Gửi",
    "REC": "Văn phòng Tỉnh ủy Nhận",
    "OTH": "Sở Nội vụ Khác",
}

# Monday 3 March 2025. The template is made at 07:00, tests start at 08:00 (inside working hours).
TEMPLATE_TIME = datetime(2025, 3, 3, 7, 0, tzinfo=ICT)
START_TIME = datetime(2025, 3, 3, 8, 0, tzinfo=ICT)

BASE_ITEM: dict[str, object] = {
    "sender_agency": "SND",
    "recipient_agency": "REC",
    "secrecy": "mat",
    "service": "thuong",
    "scope": "noi-tinh",
}


def no_sleep(_seconds: float) -> None:
    """Injected instead of time.sleep so the failed-attempt delay never slows the suite."""


@dataclass
class VaultHarness:
    """One test's private copy of the template vault, with a shared FixedClock and helpers."""

    path: Path
    clock: FixedClock
    sessions: list[Session] = field(default_factory=list)

    def open(self, user: str, password: str | None = None, **kwargs: Any) -> Session:
        kwargs.setdefault("clock", self.clock)
        kwargs.setdefault("sleep", no_sleep)
        s = open_session(self.path, user, PASSWORDS[user] if password is None else password, **kwargs)
        self.sessions.append(s)
        return s

    def cosign(self, session: Session, user: str, password: str | None = None) -> tuple[Signer, UserInfo]:
        return cosigner(session, user, PASSWORDS[user] if password is None else password)

    def accept(self, session: Session, **overrides: object) -> str:
        raw: dict[str, object] = {**BASE_ITEM, **overrides}
        return items.accept_item(session, raw)

    def snapshot(self, session: Session, tracking: str | None = None) -> tuple[Any, ...]:
        return ledger_snapshot(session, tracking)

    def close_all(self) -> None:
        for s in self.sessions:
            with contextlib.suppress(Exception):  # a test may already have closed it
                s.close()
        self.sessions.clear()


def ledger_snapshot(session: Session, tracking: str | None = None) -> tuple[Any, ...]:
    """Everything a refused action must leave untouched: event and checkpoint counts, the item row, bags,
    incidents."""
    conn = session.conn
    events = conn.execute("SELECT count(*), max(seq) FROM events").fetchone()
    checkpoints = conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0]
    row = None
    if tracking is not None:
        row = conn.execute("SELECT * FROM items WHERE tracking = ?", (tracking,)).fetchone()
    bags = conn.execute("SELECT * FROM bags ORDER BY bag").fetchall()
    bag_items = conn.execute("SELECT * FROM bag_items ORDER BY bag, tracking").fetchall()
    incidents = conn.execute("SELECT * FROM incidents ORDER BY id").fetchall()
    return (tuple(events), checkpoints, row, bags, bag_items, incidents)


def build_template(path: Path) -> None:
    clock = FixedClock(TEMPLATE_TIME)
    with init_vault(path, office_code=OFFICE_CODE, office_name=OFFICE_NAME, admin="admin",
                    full_name=USERS["admin"][1], password=PASSWORDS["admin"], province="Hà Nội", clock=clock,
                    kdf_profile="minimum") as s:
        for code, name in AGENCIES.items():
            directory.add_agency(s, code, name=name, province="Hà Nội")
        for username, (role, full_name, agency) in USERS.items():
            if username == "admin":
                continue
            directory.add_user(s, username, role=role, full_name=full_name, password=PASSWORDS[username],
                               agency=agency)


@pytest.fixture(scope="session")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "vault"
    build_template(path)
    return path


def copy_vault(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


@pytest.fixture
def vault(template_vault: Path, tmp_path: Path) -> Iterator[VaultHarness]:
    """A fresh copy of the template vault for this test; sessions opened through it are closed afterwards."""
    harness = VaultHarness(copy_vault(template_vault, tmp_path / "vault"), FixedClock(START_TIME))
    try:
        yield harness
    finally:
        harness.close_all()


@pytest.fixture(scope="module")
def shared_vault(template_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VaultHarness]:
    """One copy per test module, for tests that only add fresh items (never rekey or revoke)."""
    harness = VaultHarness(copy_vault(template_vault, tmp_path_factory.mktemp("shared") / "vault"),
                           FixedClock(START_TIME))
    try:
        yield harness
    finally:
        harness.close_all()


def item_dict(session: Session, tracking: str) -> ItemRecord:
    return items.item_row(session, tracking)


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """Constants and helpers shared by the test modules."""
    return SimpleNamespace(
        OFFICE_CODE=OFFICE_CODE, OFFICE_NAME=OFFICE_NAME, USERS=USERS, PASSWORDS=PASSWORDS, AGENCIES=AGENCIES,
        TEMPLATE_TIME=TEMPLATE_TIME, START_TIME=START_TIME, BASE_ITEM=BASE_ITEM, no_sleep=no_sleep,
        snapshot=ledger_snapshot, copy_vault=copy_vault, item=item_dict, Harness=VaultHarness,
    )
