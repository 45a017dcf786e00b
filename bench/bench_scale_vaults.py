"""Big vaults for the scale benchmarks (issue 15), built with a fast path that still writes real signed events.

The fast path is the ordinary ledger writer (signatures, chains, Merkle frontier, projection, checkpoints, the same
checks as the services) with many items per transaction instead of one: 3 events per item (accepted by the clerk,
handed over to the courier with both signatures, delivered to the agency secretary with both signatures).
Vaults are cached under $SECUREMAIL_BENCHDATA (default /work/benchdata-scale; not in git) and copied before use.
Usage: python bench/bench_scale_vaults.py EVENTS...      (builds the vaults that are missing)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from securemail.clock import ICT, FixedClock
from securemail.custody import kinds as K
from securemail.custody.ledger import Signer
from securemail.domain.tracking import make_tracking
from securemail.services import directory
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault
from securemail.storage.keyslots import unlock_slot

CACHE = Path(os.environ.get("SECUREMAIL_BENCHDATA", "/work/benchdata-scale"))
PASSWORD = "bench-mat-khau-dai-1"          # a throwaway benchmark vault, never a real one
START = datetime(2026, 1, 5, 8, 0, tzinfo=ICT)
ITEM = {"sender_agency": "SOYTE", "recipient_agency": "UBND01", "secrecy": "mat", "service": "thuong",
        "scope": "noi-tinh", "named_only": False, "envelopes": 1, "seal_condition": "intact", "recall": False,
        "doc_ref": "12/CV-SYT"}
USERS = {"clerk1": ("clerk", None), "courier1": ("courier", None), "sec1": ("secretary", "UBND01"),
         "audit1": ("auditor", None)}
PER_TRANSACTION = 300                       # items per write transaction while building


def signers(session: Session) -> dict[str, Signer]:
    return {u: Signer(u, unlock_slot(session.vault_id, session.slots.slots[u], PASSWORD).signing_key)
            for u in USERS}


def add_items(session: Session, first_serial: int, count: int, who: dict[str, Signer],
              per_transaction: int = PER_TRANSACTION) -> None:
    """`count` items through accepted, handed over and delivered (3 signed events each)."""
    clock = session.clock
    assert isinstance(clock, FixedClock)
    clerk, courier, sec = who["clerk1"], who["courier1"], who["sec1"]
    done = 0
    while done < count:
        with session.write() as ledger:
            for serial in range(first_serial + done, first_serial + min(count, done + per_transaction)):
                tracking = make_tracking(serial)
                ledger.append(K.ITEM_ACCEPTED, tracking, clerk, {"item": dict(ITEM), "location": session.office_code})
                ledger.append(K.ITEM_HANDED_OVER, tracking, clerk, {"to": "courier1"}, courier)
                ledger.append(K.ITEM_DELIVERED, tracking, courier, {"to": "sec1", "agency": "UBND01"}, sec)
                clock.advance(timedelta(seconds=20))
        done = min(count, done + per_transaction)


def build(path: Path, events: int) -> None:
    clock = FixedClock(START)
    session = init_vault(path, office_code="BD01", office_name="Bưu điện tỉnh Bình Dương", admin="admin",
                         full_name="Quản trị", password=PASSWORD, clock=clock, kdf_profile="minimum")
    try:
        directory.add_agency(session, "SOYTE", name="Sở Y tế")
        directory.add_agency(session, "UBND01", name="UBND tỉnh")
        for user, (role, agency) in USERS.items():
            directory.add_user(session, user, role=role, full_name=f"Người dùng {user}", password=PASSWORD,
                               agency=agency)
        have = int(session.conn.execute("SELECT max(seq) FROM events").fetchone()[0])
        add_items(session, 1, max(0, events - have) // 3, signers(session))
    finally:
        session.close()


def cached(events: int) -> Path:
    """The cached vault of about `events` events (built on first use)."""
    path = CACHE / f"vault-{events}"
    if not (path / "done").exists():
        if path.exists():
            shutil.rmtree(path)
        CACHE.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        build(path, events)
        (path / "done").write_text(f"{time.perf_counter() - t:.1f} s\n")
    return path


def working_copy(events: int, where: Path) -> Path:
    target = Path(tempfile.mkdtemp(dir=where)) / f"vault-{events}"
    shutil.copytree(cached(events), target)
    return target


def open_as(path: Path, user: str, clock: FixedClock | None = None) -> Session:
    session = open_session(path, user, PASSWORD, clock=clock or FixedClock(START + timedelta(days=3000)))
    return session


def next_serial(session: Session) -> int:
    return int(session.conn.execute("SELECT value FROM counters WHERE name = 'items'").fetchone()[0]) + 1


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["3000"]:
        t0 = time.perf_counter()
        print(f"{cached(int(arg))}  ({time.perf_counter() - t0:.1f} s)")
