"""Opening a vault and accepting an item against the size of the vault (issue 15, targets 2 and 3).

For each size: the median time to open a session (unlock included: the KDF is the same at every size), and the
median time of accepting one item through the service (one write transaction: the event, its signature, the
projection, the checkpoint). Ratios largest/smallest should be about 1; accept is also compared with a bare
SQLCipher transaction of the same durability (WAL, synchronous=FULL) that inserts one row and signs once.
Usage: python bench/bench_scale_ops.py [EVENTS...]      (default 3000 10000; vaults cached, see bench_scale_vaults.py)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench_scale_vaults import ITEM, PASSWORD, START, open_as, working_copy

from securemail.clock import FixedClock
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


def measure(events: int, where: Path) -> tuple[int, float, float]:
    path = working_copy(events, where)
    opens = []
    for _ in range(OPENS):
        t = time.perf_counter()
        s = open_session(path, "clerk1", PASSWORD, clock=FixedClock(START + timedelta(days=3000)))
        opens.append(time.perf_counter() - t)
        size = int(s.conn.execute("SELECT max(seq) FROM events").fetchone()[0])
        s.close()
    accepts = []
    with open_as(path, "clerk1") as s:
        for _ in range(ACCEPTS):
            t = time.perf_counter()
            items.accept_item(s, dict(ITEM))
            accepts.append(time.perf_counter() - t)
    return size, statistics.median(opens), statistics.median(accepts)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [3000, 10000]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        bare = bare_transaction(Path(tmp))
        rows = [measure(n, Path(tmp)) for n in sizes]
    print(f"bare transaction + signature: {bare * 1000:.2f} ms")
    print(f"{'events':>9} {'open ms':>9} {'accept ms':>10} {'bare/accept':>12}")
    for size, t_open, t_accept in rows:
        print(f"{size:>9,} {t_open * 1000:>9.1f} {t_accept * 1000:>10.2f} {bare / t_accept:>12.2f}")
    print(f"open, largest / smallest: {rows[-1][1] / rows[0][1]:.2f}; accept, largest / smallest: "
          f"{rows[-1][2] / rows[0][2]:.2f} (targets about 1)")


if __name__ == "__main__":
    main()
