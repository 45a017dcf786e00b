"""Opening a vault and accepting an item against the size of the vault (issue 15, targets 2 and 3).

For each size: the median time to open a session (unlock included: the KDF is the same at every size), and the
median time of accepting one item through the service (one write transaction: the event, its signature, the
projection, the checkpoint). Ratios largest/smallest should be about 1; accept is also compared with a bare
SQLCipher transaction of the same durability (WAL, synchronous=FULL) that inserts one row and signs once.
Usage: python bench/bench_scale_ops.py [EVENTS...]      (default 3000 10000; vaults cached, see bench_scale_vaults.py)
       python bench/bench_scale_ops.py --desk [EVENTS...]  (the busy desk's vaults desk-EVENTS cached in BENCH_DATA
                                                           by bench/build_vaults.py; default 10000 1000000)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import vaults
import workload
from bench_scale_vaults import ITEM, PASSWORD, START, working_copy
from harness import default_data_dir

from securemail.clock import ICT, FixedClock
from securemail.crypto.signing import Domain, SigningKey
from securemail.services import items
from securemail.services.session import open_session
from securemail.storage.database import open_database

OPENS = 5
ACCEPTS = 30


def bare_transaction(where: Path) -> float:
    """Median seconds of one SQLCipher commit (one row, WAL, synchronous FULL) plus one Ed25519 signature."""
    conn = open_database(where / "bare.db", os.urandom(32), create=True)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL, sig BLOB NOT NULL)")
    key = SigningKey.generate()
    times = []
    for i in range(ACCEPTS):
        t = time.perf_counter()
        body = os.urandom(600)
        sig = key.sign(Domain.EVENT, body)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (id, body, sig) VALUES (?, ?, ?)", (i, body, sig))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t)
    conn.close()
    return statistics.median(times)


@dataclass(frozen=True)
class Copy:
    """A working copy of a cached vault, and who works on it."""

    path: Path
    clerk: str
    password: str
    item: dict[str, Any]
    clock: FixedClock


def scale_copy(events: int, where: Path) -> Copy:
    return Copy(working_copy(events, where), "clerk1", PASSWORD, dict(ITEM), FixedClock(START + timedelta(days=3000)))


def desk_copy(events: int, where: Path) -> Copy:
    """A copy of bench/vaults.py's cached desk vault (bench/build_vaults.py builds it); the second clerk accepts."""
    cached = vaults.cache_path(default_data_dir(), events)
    if not (cached / "bench-complete").exists():
        raise SystemExit(f"{cached} is not built: run bench/build_vaults.py {events}")
    path = Path(tempfile.mkdtemp(dir=where)) / cached.name
    shutil.copytree(cached, path)
    with open_session(path, workload.AUDITOR, workload.PASSWORD) as s:
        last = s.conn.execute("SELECT max(time) FROM events").fetchone()[0]
    codes = workload.local_codes()
    item = {"sender_agency": codes[0], "recipient_agency": codes[1], "secrecy": "mat", "service": "thuong",
            "scope": "noi-tinh", "doc_ref": "12/CV", "envelopes": 1, "weight_grams": 120, "seal_numbers": "NP-1",
            "description": "Báo cáo", "sender_person": "Hoàng Minh Tuấn"}
    clock = FixedClock(datetime.fromisoformat(last).astimezone(ICT) + timedelta(minutes=5))
    return Copy(path, workload.CLERKS[1], workload.PASSWORD, item, clock)


def measure(copy: Copy) -> tuple[int, float, float]:
    opens = []
    for _ in range(OPENS):
        t = time.perf_counter()
        s = open_session(copy.path, copy.clerk, copy.password, clock=copy.clock)
        opens.append(time.perf_counter() - t)
        size = int(s.conn.execute("SELECT max(seq) FROM events").fetchone()[0])
        s.close()
    accepts = []
    with open_session(copy.path, copy.clerk, copy.password, clock=copy.clock) as s:
        for _ in range(ACCEPTS):
            t = time.perf_counter()
            items.accept_item(s, dict(copy.item))
            accepts.append(time.perf_counter() - t)
            copy.clock.advance(timedelta(minutes=1))
    shutil.rmtree(copy.path.parent, ignore_errors=True)
    return size, statistics.median(opens), statistics.median(accepts)


def main() -> None:
    desk = "--desk" in sys.argv[1:]
    sizes = [int(a) for a in sys.argv[1:] if a != "--desk"] or ([10_000, 1_000_000] if desk else [3000, 10000])
    make_copy = desk_copy if desk else scale_copy
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        bare = bare_transaction(Path(tmp))
        rows = [measure(make_copy(n, Path(tmp))) for n in sizes]
    print(f"bare transaction + signature: {bare * 1000:.2f} ms")
    print(f"{'events':>9} {'open ms':>9} {'accept ms':>10} {'bare/accept':>12}")
    for size, t_open, t_accept in rows:
        print(f"{size:>9,} {t_open * 1000:>9.1f} {t_accept * 1000:>10.2f} {bare / t_accept:>12.2f}")
    print(f"open, largest / smallest: {rows[-1][1] / rows[0][1]:.2f}; accept, largest / smallest: "
          f"{rows[-1][2] / rows[0][2]:.2f} (targets about 1)")


if __name__ == "__main__":
    main()
