"""Capacity of one vault shared by several desks: N concurrent CLI processes (N = 2, 4, 8 by default), each a
clerk at their own desk accepting an item and handing it to a courier who co-signs, over and over.

    .venv/bin/python bench/capacity.py [--desks 2 4 8] [--rounds 6] [--data DIR]

Every call is a fresh `securemail-cli` process, as a script or a second desk would run it: start Python, unlock
(the bench vault uses the minimum KDF profile; a real vault's standard profile adds its unlock time to every
process), write, sign, commit. Passwords go through the environment (SECUREMAIL_PASSWORD,
SECUREMAIL_COSIGN_PASSWORD), never argv. Prints, per N, the median and 90th percentile latency of an accept and of
a co-signed hand-over, the failures (e.g. "database is locked" after SQLite's 5 s busy wait), and the vault's total
throughput in items per minute (accept + hand-over).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workload
from harness import default_data_dir

from securemail.clock import SystemClock

CLI = str(Path(sys.executable).with_name("securemail-cli"))


def _cli(vault: Path, user: str, args: list[str],
         env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run([CLI, "--vault", str(vault), "--user", user, "--lang", "en", *args], env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    return time.perf_counter() - start, done


def _desk(vault: Path, clerk: str, rounds: int, out: dict[str, list[float]], errors: list[str]) -> None:
    env = {**os.environ, "SECUREMAIL_PASSWORD": workload.PASSWORD, "SECUREMAIL_COSIGN_PASSWORD": workload.PASSWORD}
    codes = workload.local_codes()
    for i in range(rounds):
        t, done = _cli(vault, clerk, ["item", "accept", "--sender", codes[i % len(codes)], "--recipient",
                                      codes[(i + 5) % len(codes)], "--secrecy", "mat", "--service", "thuong",
                                      "--doc-ref", f"{i}/CV", "--json"], env)
        if done.returncode != 0:
            errors.append(f"accept rc={done.returncode}: {done.stderr.strip()[:160]}")
            continue
        out["accept"].append(t)
        tracking = json.loads(done.stdout)["tracking"]
        t, done = _cli(vault, clerk, ["handover", tracking, "--to", workload.COURIERS[0]], env)
        if done.returncode != 0:
            errors.append(f"handover rc={done.returncode}: {done.stderr.strip()[:160]}")
            continue
        out["handover"].append(t)


def _app_desk(vault: Path, clerk: str, rounds: int) -> None:
    """One long-running desk (as the app keeps its session open): accept, then a hand-over that the courier
    co-signs with their password (unlocked each time, as at the counter). Prints its latencies as JSON."""
    from securemail.services import items, transfers  # noqa: PLC0415
    from securemail.services.cosign import cosigner  # noqa: PLC0415
    from securemail.services.session import open_session  # noqa: PLC0415

    codes = workload.local_codes()
    out: dict[str, list[float]] = {"accept": [], "handover": [], "handover_write": []}
    errors: list[str] = []
    with open_session(vault, clerk, workload.PASSWORD) as s:
        for i in range(rounds):
            raw = {"sender_agency": codes[i % len(codes)], "recipient_agency": codes[(i + 5) % len(codes)],
                   "secrecy": "mat", "service": "thuong", "scope": "noi-tinh", "doc_ref": f"{i}/CV"}
            try:
                t = time.perf_counter()
                tracking = items.accept_item(s, raw)
                out["accept"].append(time.perf_counter() - t)
                t = time.perf_counter()
                signer, user = cosigner(s, workload.COURIERS[0], workload.PASSWORD)
                unlocked = time.perf_counter()
                transfers.handover(s, [tracking], signer, user)
                out["handover"].append(time.perf_counter() - t)
                out["handover_write"].append(time.perf_counter() - unlocked)
            except Exception as e:  # reported: a lock timeout is the finding, not a crash
                errors.append(f"{type(e).__name__}: {e}"[:160])
    print(json.dumps({"out": out, "errors": errors}))


def _run_app_desks(vault: Path, n: int, rounds: int, out: dict[str, list[float]], errors: list[str]) -> None:
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", f"gdv{k + 1}", "--rounds", str(rounds),
                               "--vault", str(vault)], stdout=subprocess.PIPE, text=True) for k in range(n)]
    for p in procs:
        stdout, _ = p.communicate(timeout=1800)
        result = json.loads(stdout.strip().splitlines()[-1])
        for key in out:
            out[key] += result["out"].get(key, [])
        errors += result["errors"]


def _p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)] if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--desks", type=int, nargs="*", default=[1, 2, 4, 8])
    parser.add_argument("--rounds", type=int, default=6, help="accept + hand-over rounds per desk")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--mode", choices=("cli", "app"), default="cli",
                        help="cli: a process per command; app: one long-running process per desk")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--vault", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _app_desk(args.vault, args.worker, args.rounds)
        return 0
    vault = args.data / "capacity" / "vault"
    if not (vault / "vault.db").exists():
        workload.create_vault(vault, SystemClock().now(), clerks=max(args.desks))
    print(f"mode {args.mode}")
    print(f"{'desks':>5} {'accept median':>14} {'accept p90':>11} {'handover median':>16} {'handover p90':>13} "
          f"{'items/min':>10} {'failed':>7}")
    results = []
    for n in args.desks:
        out: dict[str, list[float]] = {"accept": [], "handover": [], "handover_write": []}
        errors: list[str] = []
        start = time.perf_counter()
        if args.mode == "app":
            _run_app_desks(vault, n, args.rounds, out, errors)
        else:
            threads = [threading.Thread(target=_desk, args=(vault, f"gdv{k + 1}", args.rounds, out, errors))
                       for k in range(n)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        wall = time.perf_counter() - start
        row = {"mode": args.mode, "desks": n,
               "accept_median_s": statistics.median(out["accept"]) if out["accept"] else None,
               "accept_p90_s": _p90(out["accept"]),
               "handover_median_s": statistics.median(out["handover"]) if out["handover"] else None,
               "handover_p90_s": _p90(out["handover"]),
               "handover_write_median_s": statistics.median(out["handover_write"]) if out["handover_write"] else None,
               "items_per_min": len(out["handover"]) / wall * 60,
               "failed": len(errors), "errors": errors[:3], "wall_s": wall}
        results.append(row)
        print(f"{n:>5} {row['accept_median_s'] or 0:>13.2f}s {row['accept_p90_s']:>10.2f}s "
              f"{row['handover_median_s'] or 0:>15.2f}s {row['handover_p90_s']:>12.2f}s "
              f"{row['items_per_min']:>10.1f} {len(errors):>7}"
              + (f"   (hand-over write after the co-signer's unlock: median {row['handover_write_median_s']:.2f}s)"
                 if row["handover_write_median_s"] is not None else ""), flush=True)
        for e in errors[:3]:
            print(f"      {e}")
    (args.data / "capacity" / f"results-{args.mode}.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
