"""Cached bench vaults: a busy desk's vault of at least N events, built once through the services (bench/
workload.py) and kept in BENCH_DATA; rows that change a vault work on a copy in the run's scratch folder.

The folder's name carries the schema version from schema 14 on (desk-N-s14; desk-N was written by schema 13 and
before): opening a vault migrates it, so a program of a newer schema never opens an older program's cached vault in
place. When only an older cache exists, the newer program migrates a copy of it (ADR 0021: the same events, the
same hashes) instead of building it again; a vault built afresh has the new format from its first event."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import workload
from harness import Context
from rfc8785_check import not_rfc8785

from securemail.services.audit import verify_vault
from securemail.services.session import Session, open_session
from securemail.storage.schema import SCHEMA_VERSION

LAST_UNVERSIONED_SCHEMA = 13     # cached vaults of this schema and before are named desk-N

DONE = "bench-complete"   # written last: a vault without it was interrupted while building or verifying


def desk_vault(ctx: Context, events: int) -> Path:
    """The cached vault of at least `events` events (built now if missing); verified once in full by the auditor,
    so that the next verify is incremental. An interrupted build goes on where it stopped (workload.build resumes
    from the last working day stored) unless the vault's creation itself was interrupted: then it starts again."""
    path = cache_path(ctx.data, events)
    if (path / DONE).exists():
        return path
    older = _older_cache(ctx.data, events)
    if older is not None and not path.exists():
        return _migrated_copy(ctx, older, path)
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
    _check(path)
    verify_s = time.perf_counter() - started - build_s
    (path / DONE).write_text(f"built in {build_s:.0f} s{' (this run: resumed)' if resuming else ''}, "
                             f"{built:,} events, full verify and rfc8785 check {verify_s:.0f} s\n")
    ctx.log(f"built and verified {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def cache_path(data: Path, events: int, schema: int = SCHEMA_VERSION) -> Path:
    """Where the cached desk vault of `events` events written by a program of `schema` is kept."""
    return data / (f"desk-{events}" if schema <= LAST_UNVERSIONED_SCHEMA else f"desk-{events}-s{schema}")


def _older_cache(data: Path, events: int) -> Path | None:
    for schema in range(SCHEMA_VERSION - 1, LAST_UNVERSIONED_SCHEMA - 1, -1):
        path = cache_path(data, events, schema)
        if (path / DONE).exists():
            return path
    return None


def _migrated_copy(ctx: Context, older: Path, path: Path) -> Path:
    """A copy of an older cached vault, migrated by opening it, then checked as a freshly built one is."""
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    remove(partial)
    shutil.copytree(older, partial)
    (partial / DONE).unlink()
    ctx.log(f"migrating a copy of {older.name} to schema {SCHEMA_VERSION} in {path.name} (once; cached)")
    with auditor(partial) as s:
        migrate_s = time.perf_counter() - started
        events = int(s.conn.execute("SELECT max(seq) FROM events").fetchone()[0])
    _check(partial)
    (partial / DONE).write_text(f"migrated from {older.name} in {migrate_s:.0f} s (opening it), {events:,} events, "
                                f"full verify and rfc8785 check {time.perf_counter() - started - migrate_s:.0f} s\n")
    partial.rename(path)
    ctx.log(f"migrated and verified {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def _check(path: Path) -> None:
    """Verified in full by the auditor, and every stored event re-encoded by rfc8785 itself (rfc8785_check.py)."""
    with auditor(path) as s:
        report = verify_vault(s, full=True)
        if not report:
            raise RuntimeError(f"the cached vault {path.name} does not verify: {report.problems[:3]}")
        bad = not_rfc8785(s.conn)
        if bad:
            raise RuntimeError(f"events not in rfc8785's encoding: {bad[:5]}")


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
