"""cProfile of one path on a cached bench vault (docs/performance.md quotes its top lines).

    .venv/bin/python bench/profile_path.py verify|verify-incremental|accept [--events 10000] [--top 25]

Verification runs with workers=1 here so the profile sees the signature checks too (with the worker pool they
happen in other processes, invisible to cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import vaults
import workload
from harness import Context, default_data_dir

from securemail.clock import ICT, FixedClock
from securemail.custody.verify import verify_ledger
from securemail.services import items
from securemail.services.session import open_session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", choices=("verify", "accept"))
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Context(size="default", data=args.data, tmp=Path(tmp), cores=1)
        vault = vaults.desk_vault(ctx, args.events)
        profile = cProfile.Profile()
        if args.path == "verify":
            with vaults.auditor(vault) as s:
                profile.runcall(verify_ledger, s.conn, office_public_key_hint=s.office_public_key, workers=1)
        else:
            copy = vaults.scratch_copy(ctx, vault, "accept")
            with vaults.auditor(copy) as s:
                last = s.conn.execute("SELECT max(time) FROM events").fetchone()[0]
            clock = FixedClock(datetime.fromisoformat(last).astimezone(ICT) + timedelta(minutes=5))
            with open_session(copy, workload.CLERKS[1], workload.PASSWORD, clock=clock) as clerk:
                codes = workload.local_codes()

                def accept_many() -> None:
                    for i in range(100):
                        items.accept_item(clerk, {"sender_agency": codes[i % 20], "recipient_agency": codes[21],
                                                  "secrecy": "mat", "service": "thuong", "scope": "noi-tinh"})
                        clock.set(clock.now() + timedelta(minutes=1))

                profile.runcall(accept_many)
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(args.top)
        print(text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
