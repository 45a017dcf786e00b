"""Views per role at scale: sorted keyset pages, totals and searches in part (services.views) over N items.

The items go straight into the projection table of a real SQLCipher vault (as rows/search.py does). For each sort
order, prints the best of 3 times of the first page and of a page 50 pages deep, and their ratio (keyset paging: a deep
page should cost what the first does); then totals and the searches "in part" (LIKE scans, bounded by the page).
Usage: python bench/bench_views.py [N]       (default 300,000; ratios from one run, the machine is noisy)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "rows"))

from search import populate

from securemail.clock import ICT, FixedClock
from securemail.services import directory, views
from securemail.services.vault_init import init_vault
from securemail.services.views import ItemQuery, Sort

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000


def timed(fn: Callable[[], object], repeat: int) -> float:
    """The best of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def deep_cursor(session: object, query: ItemQuery, pages: int) -> str | None:
    after = None
    for _ in range(pages):
        page = views.search(session, query, after=after, limit=200)  # type: ignore[arg-type]
        if page.cursor is None:
            break
        after = page.cursor
    return after


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=ICT))
        s = init_vault(Path(tmp) / "v", office_code="GL01", office_name="Bench", admin="quantri", full_name="Q",
                       password="bench-password-1", clock=clock, kdf_profile="minimum")
        directory.add_user(s, "kiemtra1", role="auditor", full_name="K", password="bench-password-1")
        t = time.perf_counter()
        populate(s.conn, N)
        print(f"populated {N:,} items in {time.perf_counter() - t:.1f} s")
        print(f"{'sort':<22} {'first (ms)':>10} {'50 deep (ms)':>12} {'ratio':>7}")
        for sort in Sort:
            for descending in (True, False):
                query = ItemQuery(sort=sort, descending=descending)
                first = timed(lambda q=query: views.search(s, q, limit=200), repeat=3)
                cursor = deep_cursor(s, query, 50)
                deep = timed(lambda q=query, c=cursor: views.search(s, q, after=c, limit=200), repeat=3)
                name = f"{sort.value} {'desc' if descending else 'asc'}"
                print(f"{name:<22} {first * 1000:>10.1f} {deep * 1000:>12.1f} {deep / first:>7.2f}")
        now = clock.now()
        rows = (
            ("totals, everything", lambda: views.totals(s, ItemQuery(), now)),
            ("totals, one agency", lambda: views.totals(s, ItemQuery(agency="AG07"), now)),
            ("tracking in part", lambda: views.search(s, ItemQuery(tracking="0012345"))),
            ("doc no. in part, 30 days", lambda: views.search(s, ItemQuery(
                doc_ref="123/", date_from=datetime(2025, 3, 1, tzinfo=ICT),
                date_to=datetime(2025, 3, 31, tzinfo=ICT)))),
            ("person (no match: full scan)", lambda: views.search(s, ItemQuery(person="Nguyễn Văn Không Có"))),
            ("holder (courier view)", lambda: views.search(s, replace(ItemQuery(), holder="buuta1",
                                                                       statuses=("in-transit",)))),
        )
        print(f"{'query':<30} {'ms':>10}")
        for name, fn in rows:
            print(f"{name:<30} {timed(fn, repeat=3) * 1000:>10.1f}")
        s.close()


if __name__ == "__main__":
    main()
