"""Search and list paging at 1,000,000 items (BENCH_SIZE=full; default 100,000) vs the bare indexed query.

The items are inserted straight into the projection table of a real SQLCipher vault (signing a million items'
events would take hours and is not what this measures: search reads the projection only). Cached in BENCH_DATA.
"Ours" is what the app's items list runs (services.views.search: the first page, the next, a secretary's list,
the filters), and the command line's `item list` (services.items.search_items); the bare limit is one indexed
keyset SELECT returning the same rows as tuples. The person search (a part of a name, no index can serve it) is
against the same scan with SQLite's own ASCII-only LIKE, to show what the Vietnamese fold costs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import vaults
import workload
from harness import Context, Result, best_pair

from securemail.clock import ICT, FixedClock, iso
from securemail.domain.tracking import make_tracking
from securemail.services import directory, items, views
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault
from securemail.services.views import ItemQuery

ORDER = 40
AGENCIES = [f"AG{i:02d}" for i in range(40)]
STATUSES = ["accepted", "in-transit", "delivered", "delivered", "delivered", "arrived", "dispatched"]
SECRECY = ["none", "mat", "toi-mat", "tuyet-mat"]
SERVICES = ["thuong", "hoa-toc", "hen-gio"]
PERSON_COLUMNS = ("sender_person", "named_recipient", "delivered_to", "holder", "accepted_by")  # as services.views
SECRETARY, SECRETARY_AGENCY = "vtag07", "AG07"   # a secretary sees only her agency's items (as sender or recipient)
_COLUMNS = ("tracking, sender_agency, recipient_agency, secrecy, service, scope, doc_ref, named_only, envelopes, "
            "seal_condition, recall, status, accepted_at, accepted_by, due_at, delivered_at, last_seq")


def populate(conn: Any, n: int) -> None:
    rnd = random.Random(7)
    start = datetime(2025, 1, 1, 8, 0, tzinfo=ICT)
    conn.execute("BEGIN")
    batch = []
    for i in range(n):
        at = start + timedelta(seconds=i * 30)
        status = rnd.choice(STATUSES)
        batch.append((make_tracking(i + 1), rnd.choice(AGENCIES), rnd.choice(AGENCIES), rnd.choice(SECRECY),
                      rnd.choice(SERVICES), "noi-tinh", f"{i % 5000}/CV", 0, 1, "intact", 0, status, iso(at), "gdv1",
                      iso(at + timedelta(days=2)), iso(at + timedelta(days=1)) if status == "delivered" else None,
                      i + 1))
        if len(batch) == 20000:
            conn.executemany(f"INSERT INTO items ({_COLUMNS}) VALUES ({', '.join('?' * 17)})", batch)
            batch = []
    if batch:
        conn.executemany(f"INSERT INTO items ({_COLUMNS}) VALUES ({', '.join('?' * 17)})", batch)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def items_vault(ctx: Context, n: int) -> Path:
    path = ctx.data / f"items-{n}"
    if (path / vaults.DONE).exists():
        return path
    vaults.remove(path)
    ctx.log(f"building an items-only vault of {n:,} items in {path} (once; cached)")
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=ICT))
    with init_vault(path, office_code="GL01", office_name="Bench", admin="quantri", full_name="Q",
                    password=workload.PASSWORD, clock=clock, kdf_profile="minimum") as s:
        directory.add_user(s, workload.AUDITOR, role="auditor", full_name="K", password=workload.PASSWORD)
        populate(s.conn, n)
    (path / vaults.DONE).write_text("ok\n")
    return path


def _ensure_secretary(path: Path) -> None:
    """The secretary of AG07 (vaults cached before this row measured her list get her now)."""
    with open_session(path, "quantri", workload.PASSWORD) as admin:
        if SECRETARY in admin.authority.accounts:
            return
        directory.add_agency(admin, SECRETARY_AGENCY, name="Bench agency 07")
        directory.add_user(admin, SECRETARY, role="secretary", full_name="V", password=workload.PASSWORD,
                           agency=SECRETARY_AGENCY)


def _case(s: Session, name: str, ours: Callable[[], object], sql: str, args: tuple[object, ...],
          n: int, note: str = "the same indexed SELECT, bare") -> Result:
    t_ours, t_bare = best_pair(ours, lambda: s.conn.execute(sql, args).fetchall(), 9)
    return Result(f"{name}, {n:,} items", t_ours, t_bare, "s", note)


def run(ctx: Context) -> list[Result]:
    n = ctx.pick(3000, 100_000, 1_000_000)
    vault = items_vault(ctx, n)
    _ensure_secretary(vault)
    out = []
    order = " ORDER BY accepted_at DESC, tracking DESC LIMIT 200"
    every = ItemQuery()
    with open_session(vault, workload.AUDITOR, workload.PASSWORD) as s:
        out.append(_case(s, "list first page (200)", lambda: views.search(s, every, limit=200),
                         "SELECT * FROM items" + order, (), n))
        cursor = views.search(s, every, limit=200).cursor
        assert cursor is not None
        after = tuple(cursor.rsplit("|", 1))
        out.append(_case(s, "list next page (keyset)", lambda: views.search(s, every, after=cursor, limit=200),
                         "SELECT * FROM items WHERE (accepted_at, tracking) < (?, ?)" + order, after, n))
        out.append(_case(s, "item list, command line (200)", lambda: items.search_items(s, limit=200),
                         "SELECT * FROM items" + order, (), n))
        out.append(_case(s, "search status=accepted",
                         lambda: views.search(s, ItemQuery(statuses=("accepted",)), limit=200),
                         "SELECT * FROM items WHERE status = ?" + order, ("accepted",), n))
        out.append(_case(s, "search recipient agency",
                         lambda: views.search(s, ItemQuery(recipient_agency="AG07"), limit=200),
                         "SELECT * FROM items WHERE recipient_agency = ?" + order, ("AG07",), n))
        d_from, d_to = datetime(2025, 1, 2, tzinfo=ICT), datetime(2025, 1, 3, tzinfo=ICT)
        out.append(_case(s, "search one day",
                         lambda: views.search(s, ItemQuery(date_from=d_from, date_to=d_to), limit=200),
                         "SELECT * FROM items WHERE accepted_at >= ? AND accepted_at < ?" + order,
                         (iso(d_from), iso(d_to)), n))
        tracking = make_tracking(n // 2)
        out.append(_case(s, "item by tracking number", lambda: items.item_row(s, tracking),
                         "SELECT * FROM items WHERE tracking = ?", (tracking,), n))
        names = " || char(31) || ".join(f"ifnull({c}, '')" for c in PERSON_COLUMNS)
        out.append(_case(s, "search a person, no match (full scan)",
                         lambda: views.search(s, ItemQuery(person="Nguyễn Văn Không Có"), limit=200),
                         f"SELECT * FROM items WHERE {names} LIKE ?" + order, ("%nguyen van khong co%",), n,
                         "the same scan, SQLite's ASCII-only LIKE"))
    with open_session(vault, SECRETARY, workload.PASSWORD) as s:
        out.append(_case(s, "secretary's list, first page (200)", lambda: views.search(s, every, limit=200),
                         "SELECT * FROM items WHERE recipient_agency = ?" + order, (SECRETARY_AGENCY,), n,
                         "one indexed SELECT (one of her two agency indexes)"))
    return out
