"""What one accept writes and executes, against the bare transaction of the accept row (docs/performance.md quotes it).

    .venv/bin/python bench/accept_pages.py [--events 10000] [--n 100] [--data DIR] [--drop-index NAME ...]

On a scratch copy of the cached desk vault: SQL statements per accept (and the time of each, median), WAL frames
(= database pages) written per commit, and the commit's time with synchronous FULL and OFF (OFF: the CPU of
encrypting and writing the pages, without the fsync). WAL frames are counted from the WAL file's growth with
automatic checkpoints off on the measured connections, so each commit appends its pages. `--drop-index` drops
item indexes on the scratch copy first: what an accept would cost without them (a question for the schema, which
this script does not change).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import vaults
import workload
from harness import Context, default_data_dir

from securemail.clock import ICT, FixedClock
from securemail.crypto.signing import Domain, SigningKey
from securemail.services import items
from securemail.services.session import open_session
from securemail.storage.database import open_database

FRAME = 4096 + 24          # a WAL frame: one 4 KiB page and its header


class TimedConnection:
    """The session's connection, timing each statement."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.log: list[tuple[str, float]] = []

    def execute(self, sql: str, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            self.log.append((" ".join(sql.split())[:80], time.perf_counter() - start))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def frames(wal: Path, action: Callable[[], None]) -> float:
    before = wal.stat().st_size if wal.exists() else 0
    action()
    return (wal.stat().st_size - before) / FRAME


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--drop-index", nargs="*", default=[], help="items indexes to drop on the scratch copy")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Context(size="default", data=args.data, tmp=Path(tmp), cores=1)
        vault = vaults.scratch_copy(ctx, vaults.desk_vault(ctx, args.events), "pages")
        bare_vault = vaults.scratch_copy(ctx, vault, "pages-bare")
        with vaults.auditor(vault) as s:
            last = s.conn.execute("SELECT max(time) FROM events").fetchone()[0]
            body, sigs = s.conn.execute("SELECT body, signatures FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            dek = s.current_dek()
        if args.drop_index:
            conn = open_database(vault / "vault.db", dek)
            for name in args.drop_index:
                conn.execute(f'DROP INDEX "{name}"')
            conn.close()
        clock = FixedClock(datetime.fromisoformat(last).astimezone(ICT) + timedelta(minutes=5))
        codes = workload.local_codes()
        per_statement: dict[tuple[int, str], list[float]] = defaultdict(list)
        result: dict[str, list[float]] = defaultdict(list)
        key = SigningKey.generate()
        bare = open_database(bare_vault / "vault.db", dek)
        bare.execute("PRAGMA wal_autocheckpoint = 0")
        bare.execute("CREATE TABLE bench_bare (seq INTEGER PRIMARY KEY, body BLOB, signatures TEXT, note TEXT)")
        with open_session(vault, workload.CLERKS[1], workload.PASSWORD, clock=clock) as clerk:
            clerk.conn.execute("PRAGMA wal_autocheckpoint = 0")
            timed = TimedConnection(clerk.conn)
            clerk.conn = clerk.ledger._conn = clerk.cache._conn = timed
            for i in range(2 * args.n):
                sync = "FULL" if i < args.n else "OFF"
                timed.execute(f"PRAGMA synchronous = {sync}")
                bare.execute(f"PRAGMA synchronous = {sync}")
                timed.log.clear()
                raw = {"sender_agency": codes[i % 20], "recipient_agency": codes[21], "secrecy": "mat",
                       "service": "thuong", "scope": "noi-tinh", "doc_ref": f"{i}/CV", "envelopes": 1,
                       "weight_grams": 120, "seal_numbers": "NP-1", "description": "Báo cáo"}
                start = time.perf_counter()
                wal = vault / "vault.db-wal"
                result["accept frames"].append(frames(wal, lambda r=raw: items.accept_item(clerk, r)))
                result[f"accept total, sync {sync}"].append(time.perf_counter() - start)
                clock.set(clock.now() + timedelta(minutes=1))
                result["accept statements"].append(len(timed.log))
                for k, (sql, took) in enumerate(timed.log):
                    if sql == "COMMIT":
                        result[f"accept COMMIT, sync {sync}"].append(took)
                    elif sync == "FULL":
                        per_statement[(k, sql)].append(took)

                def bare_transaction(sync: str = sync) -> None:
                    sig = key.sign(Domain.EVENT, bytes(body))
                    note = key.sign_note(bytes(body)[:200])
                    bare.execute("BEGIN IMMEDIATE")
                    bare.execute("INSERT INTO bench_bare (body, signatures, note) VALUES (?, ?, ?)",
                                 (bytes(body), sigs + sig.hex(), note.hex()))
                    start = time.perf_counter()
                    bare.execute("COMMIT")
                    result[f"bare COMMIT, sync {sync}"].append(time.perf_counter() - start)
                start = time.perf_counter()
                result["bare frames"].append(frames(bare_vault / "vault.db-wal", bare_transaction))
                result[f"bare total, sync {sync}"].append(time.perf_counter() - start)
        bare.close()
        print(f"{args.events:,}-event desk vault, {args.n} accepts with synchronous FULL then {args.n} with OFF "
              f"(medians){'; dropped: ' + ', '.join(args.drop_index) if args.drop_index else ''}")
        for name, values in result.items():
            m = statistics.median(values)
            print(f"  {name:28s} {m * 1e3:8.3f} ms" if "sync" in name else f"  {name:28s} {m:8.1f}")
        print("  statements of one accept (sync FULL; median time each; COMMIT above):")
        for (k, sql), values in sorted(per_statement.items()):
            if len(values) * 2 >= args.n:       # those of (nearly) every accept; a due checkpoint adds a few
                print(f"    {k:2d} {statistics.median(values) * 1e3:6.3f} ms  {sql}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
