"""`make bench`: one table, every row a ratio measured in this run against the bare limit it can approach.

    .venv/bin/python bench/run.py [--size tiny|default|full] [--only NAME ...] [--json FILE]

BENCH_SIZE sets the size too (`make bench BENCH_SIZE=full`); BENCH_DATA the folder of cached vaults.
No assertions: the machine is shared and noisy; compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import SIZES, Context, Result, default_data_dir, load_rows, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default=os.environ.get("BENCH_SIZE") or "default")
    parser.add_argument("--only", nargs="*", help="run only the rows whose file name contains one of these")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="cached vaults (BENCH_DATA)")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    failed: list[str] = []
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="securemail-bench-") as tmp:
        ctx = Context(size=args.size, data=args.data, tmp=Path(tmp), cores=os.cpu_count() or 1)
        print(f"bench size {ctx.size}, {ctx.cores} cores, cached vaults in {ctx.data}", file=sys.stderr)
        for module in load_rows(args.only):
            name = module.__name__.removeprefix("bench_rows_")
            ctx.log(f"row {name}")
            try:
                results += module.run(ctx)
            except Exception as e:  # one broken row must not hide the others; reported and exit 1
                failed.append(f"{name}: {type(e).__name__}: {e}")
                ctx.log(f"row {name} FAILED: {type(e).__name__}: {e}")
    print(f"\nSecureMail bench ({args.size}), {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.time() - started:.0f} s\n")
    print(table(results))
    for f in failed:
        print(f"FAILED {f}")
    if args.json:
        args.json.write_text(json.dumps([{**r.__dict__, "share": r.share} for r in results], indent=1,
                                        ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
