"""Search speed on a vault with 1,000,000 items: services.items.search_items vs a bare indexed query.

The items are inserted straight into the projection table of a real SQLCipher vault (signing a million events would
take ~10 minutes and is not what this measures). Prints, for each filter, the median time of our search and of the
bare query over the same index, and their ratio (measured in this run; the machine is noisy).
Usage: python bench/bench_search.py [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from securemail.clock import ICT, FixedClock, iso
from securemail.domain.tracking import make_tracking
from securemail.services import directory, items
from securemail.services.session import init_vault

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
AGENCIES = [f"AG{i:02d}" for i in range(40)]
STATUSES = ["accepted", "in-transit", "delivered", "delivered", "delivered", "arrived", "dispatched"]
SECRECY = ["none", "mat", "toi-mat", "tuyet-mat"]
SERVICES = ["thuong", "hoa-toc", "hen-gio"]


def populate(conn, n: int) -> None:
    rnd = random.Random(7)
    start = datetime(2025, 1, 1, 8, 0, tzinfo=ICT)
    conn.execute("BEGIN")
    batch = []
    for i in range(n):
        at = start + timedelta(seconds=i * 30)
        status = rnd.choice(STATUSES)
        batch.append(
            (
                make_tracking(i + 1),
                rnd.choice(AGENCIES),
                rnd.choice(AGENCIES),
                rnd.choice(SECRECY),
                rnd.choice(SERVICES),
                "noi-tinh",
                f"{i % 5000}/CV",
                0,
                1,
                "intact",
                0,
                status,
                iso(at),
                "gdv1",
                iso(at + timedelta(days=2)),
                iso(at + timedelta(days=1)) if status == "delivered" else None,
                i + 1,
            )
        )
        if len(batch) == 20000:
            _insert(conn, batch)
            batch = []
    _insert(conn, batch)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def _insert(conn, rows) -> None:
    conn.executemany(
        "INSERT INTO items (tracking, sender_agency, recipient_agency, secrecy, service, scope, doc_ref, named_only, "
        "envelopes, seal_condition, recall, status, accepted_at, accepted_by, due_at, delivered_at, last_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def timed(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=ICT))
        s = init_vault(
            Path(tmp) / "v",
            office_code="GL01",
            office_name="Bench",
            admin="quantri",
            full_name="Q",
            password="bench-password-1",
            clock=clock,
            kdf_profile="minimum",
        )
        directory.add_user(s, "kiemtra1", role="auditor", full_name="K", password="bench-password-1")
        t = time.perf_counter()
        populate(s.conn, N)
        print(f"populated {N:,} items in {time.perf_counter() - t:.1f} s")
        conn = s.conn
        cases = {
            "status": (
                {"status": "accepted"},
                "SELECT * FROM items WHERE status = ? ORDER BY accepted_at DESC LIMIT 200",
                ("accepted",),
            ),
            "secrecy": (
                {"secrecy": "tuyet-mat"},
                "SELECT * FROM items WHERE secrecy = ? ORDER BY accepted_at DESC LIMIT 200",
                ("tuyet-mat",),
            ),
            "recipient": (
                {"recipient_agency": "AG07"},
                "SELECT * FROM items WHERE recipient_agency = ? ORDER BY accepted_at DESC LIMIT 200",
                ("AG07",),
            ),
            "doc_ref": (
                {"doc_ref": "123/CV"},
                "SELECT * FROM items WHERE doc_ref = ? ORDER BY accepted_at DESC LIMIT 200",
                ("123/CV",),
            ),
            "tracking": (None, "SELECT * FROM items WHERE tracking = ?", (make_tracking(N // 2),)),
        }
        print(f"{'filter':<12} {'ours (ms)':>10} {'bare (ms)':>10} {'ratio':>7}")
        for name, (filters, sql, args) in cases.items():
            if filters is None:
                ours = timed(lambda: items.item_row(s, make_tracking(N // 2)))
            else:
                ours = timed(lambda f=filters: items.search_items(s, filters=f, limit=200))
            bare = timed(lambda q=sql, a=args: conn.execute(q, a).fetchall())
            print(f"{name:<12} {ours * 1000:>10.2f} {bare * 1000:>10.2f} {ours / bare:>7.2f}")
        d_from = datetime(2025, 3, 1, tzinfo=ICT)
        d_to = datetime(2025, 3, 2, tzinfo=ICT)
        ours = timed(lambda: items.search_items(s, date_from=d_from, date_to=d_to, limit=200))
        bare = timed(
            lambda: conn.execute(
                "SELECT * FROM items WHERE accepted_at >= ? AND accepted_at < ? ORDER BY accepted_at DESC LIMIT 200",
                (iso(d_from), iso(d_to)),
            ).fetchall()
        )
        print(f"{'date range':<12} {ours * 1000:>10.2f} {bare * 1000:>10.2f} {ours / bare:>7.2f}")
        page = items.search_items(s, limit=200)
        last = page[-1]
        after = f"{last['accepted_at']}|{last['tracking']}"
        ours = timed(lambda: items.search_items(s, after=after, limit=200))
        bare = timed(
            lambda: conn.execute(
                "SELECT * FROM items WHERE (accepted_at, tracking) < (?, ?) ORDER BY "
                "accepted_at DESC, tracking DESC LIMIT 200",
                (last["accepted_at"], last["tracking"]),
            ).fetchall()
        )
        print(f"{'next page':<12} {ours * 1000:>10.2f} {bare * 1000:>10.2f} {ours / bare:>7.2f}")
        s.close()


if __name__ == "__main__":
    main()
