"""Cached bench vaults: a busy desk's vault of at least N events, built once through the services (bench/
workload.py) and kept in BENCH_DATA; rows that change a vault work on a copy in the run's scratch folder."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import workload
from harness import Context
from rfc8785_check import not_rfc8785

from securemail.services.audit import verify_vault
from securemail.services.session import Session, open_session

DONE = "bench-complete"   # written last: a vault without it was interrupted while building or verifying


def desk_vault(ctx: Context, events: int) -> Path:
    """The cached vault of at least `events` events (built now if missing); verified once in full by the auditor,
    so that the next verify is incremental. An interrupted build goes on where it stopped (workload.build resumes
    from the last working day stored) unless the vault's creation itself was interrupted: then it starts again."""
    path = ctx.data / f"desk-{events}"
    if (path / DONE).exists():
        return path
    if path.exists() and not (path / workload.CREATED).exists():
        shutil.rmtree(path)
    started = time.perf_counter()
    resuming = path.exists()
    ctx.log(f"{'resuming' if resuming else 'building'} a desk vault of {events:,} events in {path} (once; cached)")

    def progress(desk: workload.Desk) -> None:
        if desk.counts.items % 3000 < 300:
            ctx.log(f"  {desk.clock.now():%Y-%m-%d}: {desk.events():,} events, {desk.counts.items:,} items, "
                    f"{time.perf_counter() - started:.0f} s")

    desk = workload.build(path, min_events=events, progress=progress)
    built = desk.events()
    desk.close()
    build_s = time.perf_counter() - started
    ctx.log(f"built {path.name}: {built:,} events in {build_s:.0f} s; full verify")
    with auditor(path) as s:
        report = verify_vault(s, full=True)
        if not report:
            raise RuntimeError(f"the freshly built vault does not verify: {report.problems[:3]}")
        bad = not_rfc8785(s.conn)       # every stored body re-encoded by rfc8785 itself (bench/rfc8785_check.py)
        if bad:
            raise RuntimeError(f"events not in rfc8785's encoding: {bad[:5]}")
    verify_s = time.perf_counter() - started - build_s
    (path / DONE).write_text(f"built in {build_s:.0f} s{' (this run: resumed)' if resuming else ''}, "
                             f"{built:,} events, full verify and rfc8785 check {verify_s:.0f} s\n")
    ctx.log(f"built and verified {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def auditor(vault: Path) -> Session:
    return open_session(vault, workload.AUDITOR, workload.PASSWORD)


def scratch_copy(ctx: Context, vault: Path, name: str) -> Path:
    target = ctx.tmp / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(vault, target)
    return target


def event_count(vault: Path) -> int:
    with auditor(vault) as s:
        return int(s.conn.execute("SELECT max(seq) FROM events").fetchone()[0])


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
