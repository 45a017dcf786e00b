"""A simulated year at a busy provincial desk, built through the services (bench/workload.py), measured every
10,000 items: open + unlock, list (first and next page), incremental verify, vault size; at 10,000 items, every
30,000 and at the end also a full verify and the year-to-date secret-outgoing register.

    .venv/bin/python bench/year.py [--items-per-day 300] [--days 250] [--every 10000] [--data DIR]

Resumable: the vault and the curve (curve.jsonl) live in DATA/year-<items-per-day>/; a second run goes on from the
last working day built. Run it with `nice -n 10` in the background: the full year takes hours on a shared PC.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workload
from harness import default_data_dir

from securemail.custody import kinds as K
from securemail.services import items, reports
from securemail.services.audit import verify_vault
from securemail.services.session import open_session


def vault_bytes(vault: Path) -> int:
    return sum(p.stat().st_size for p in vault.iterdir() if p.name.startswith("vault.db"))


def measure(vault: Path, desk: workload.Desk, started: float, *, register: bool, full: bool) -> dict[str, object]:
    conn = desk.clerk.conn

    def count(sql: str, *args: object) -> int:
        return int(conn.execute(sql, args).fetchone()[0])

    point: dict[str, object] = {
        "items": count("SELECT count(*) FROM items"), "events": desk.events(), "day": str(desk.clock.now().date()),
        "delivered": count("SELECT count(*) FROM items WHERE status = 'delivered'"),
        "bags": count("SELECT count(*) FROM bags"),
        "failed": count("SELECT count(*) FROM events WHERE kind = ?", K.ITEM_DELIVERY_FAILED),
        "incidents": count("SELECT count(*) FROM events WHERE kind = ?", K.ITEM_INCIDENT),
        "handovers": count("SELECT count(*) FROM events WHERE kind = ?", K.ITEM_HANDED_OVER),
        "reports_this_run": desk.counts.reports, "reports_s_this_run": round(desk.report_seconds, 1),
        "build_s_this_run": round(time.perf_counter() - started, 1), "at": round(time.time())}
    desk.clerk.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    point["vault_bytes"] = vault_bytes(vault)
    t = time.perf_counter()
    s = open_session(vault, workload.AUDITOR, workload.PASSWORD)
    point["open_unlock_s"] = round(time.perf_counter() - t, 3)
    try:
        t = time.perf_counter()
        page = items.search_items(s, limit=200)
        point["list_first_s"] = round(time.perf_counter() - t, 4)
        last = page[-1]
        t = time.perf_counter()
        items.search_items(s, after=f"{last.accepted_at}|{last.tracking}", limit=200)
        point["list_next_s"] = round(time.perf_counter() - t, 4)
        t = time.perf_counter()
        report = verify_vault(s)
        point["verify_incremental_s"] = round(time.perf_counter() - t, 2)
        point["verify_incremental_ok"] = bool(report)
        if full:
            t = time.perf_counter()
            report = verify_vault(s, full=True)
            point["verify_full_s"] = round(time.perf_counter() - t, 2)
            point["verify_full_ok"] = bool(report)
            point["signatures"] = report.signatures_checked
        if register:
            day = desk.clock.now().date()
            out = io.BytesIO()
            t = time.perf_counter()
            reports.register(s, "outgoing", date(day.year, 1, 1), day, out)
            point["register_s"] = round(time.perf_counter() - t, 1)
            point["register_bytes"] = len(out.getvalue())
    finally:
        s.close()
    return point


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items-per-day", type=int, default=300)
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--every", type=int, default=10_000, help="measure every N items")
    parser.add_argument("--register-every", type=int, default=30_000)
    parser.add_argument("--full-every", type=int, default=30_000, help="full verify every N items")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args()
    folder = args.data / f"year-{args.items_per_day}"
    folder.mkdir(parents=True, exist_ok=True)
    vault, curve = folder / "vault", folder / "curve.jsonl"
    start = workload.YEAR_START
    if not (vault / "vault.db").exists():
        workload.create_vault(vault, start)
        curve.unlink(missing_ok=True)
    desk = workload.Desk.open(vault, start)
    desk.reports = True
    last = desk.clerk.conn.execute("SELECT max(time) FROM events").fetchone()[0]
    desk.clock.set(max(desk.clock.now(), datetime.fromisoformat(last)))
    first = max(start.date(), datetime.fromisoformat(last).date() + timedelta(days=1))
    done_days = int(desk.clerk.conn.execute(
        "SELECT count(DISTINCT substr(time, 1, 10)) FROM events WHERE kind = ?", (K.ITEM_ACCEPTED,)).fetchone()[0])
    started = time.perf_counter()
    next_mark = (desk.counts.items // args.every + 1) * args.every
    try:
        for n, day in enumerate(workload.working_days(first, desk.clerk), start=done_days):
            if n >= args.days:
                break
            desk.day(day, args.items_per_day)
            print(f"{day}: day {n + 1}, {desk.counts.items:,} items, {desk.events():,} events, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            final = n + 1 == args.days
            if desk.counts.items >= next_mark or final:
                mark = desk.counts.items // args.every * args.every
                point = measure(vault, desk, started, register=final or mark % args.register_every == 0,
                                full=final or mark % args.full_every == 0 or mark == args.every)
                print(json.dumps(point), flush=True)
                with curve.open("a") as f:
                    f.write(json.dumps(point) + "\n")
                next_mark = (desk.counts.items // args.every + 1) * args.every
    finally:
        desk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
