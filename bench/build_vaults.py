"""Build the cached desk vaults the rows use, ahead of a bench run (resumable; each one verified in full).

    nice -n 5 .venv/bin/python bench/build_vaults.py [--data DIR] EVENTS...

`make bench BENCH_SIZE=full` needs desk-10000, desk-100000 and desk-1000000 (bench/rows/verify_incremental.py,
verify_full.py, size.py; accept.py uses desk-10000): `bench/build_vaults.py 10000 100000 1000000` builds them
into BENCH_DATA, the same cache `bench/run.py` reads. Interrupted, it goes on from the last working day stored.
From schema 14 on the folders are named desk-N-s14 (bench/vaults.py): an older cache is migrated as a copy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import vaults
from harness import Context, default_data_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", nargs="+", type=int, help="sizes of the desk vaults to build (events)")
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="cached vaults (BENCH_DATA)")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="securemail-bench-") as tmp:
        ctx = Context(size="full", data=args.data, tmp=Path(tmp), cores=os.cpu_count() or 1)
        for events in args.events:
            started = time.perf_counter()
            path = vaults.desk_vault(ctx, events)
            print(f"{path}: {(path / vaults.DONE).read_text().strip()} "
                  f"(this run {time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
