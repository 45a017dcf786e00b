"""Incremental verification after ~1,000 new events, at growing vault sizes: it should stay flat. The bare limit
is verifying the new events' signatures alone (libsodium, all cores)."""

from __future__ import annotations

import sigs
import vaults
import workload
from harness import Context, Result, timed

from securemail.services.audit import verify_vault

ORDER = 20
NEW_EVENTS = 1000


def run(ctx: Context) -> list[Result]:
    sizes = ctx.pick([600], [3_000, 10_000], [10_000, 100_000, 1_000_000])
    pool = sigs.BarePool(ctx.cores)
    try:
        return [measure(ctx, pool, events) for events in sizes]
    finally:
        pool.close()


def measure(ctx: Context, pool: sigs.BarePool, events: int) -> Result:
    """One size: a copy of the cached vault, ~1,000 new events through the services, the timed plain verify."""
    vault = vaults.scratch_copy(ctx, vaults.desk_vault(ctx, events), f"incremental-{events}")
    before = vaults.event_count(vault)
    desk = workload.build(vault, min_events=before + NEW_EVENTS)
    added = desk.events() - before
    desk.close()
    state = (vault / "state.json").read_bytes()
    with vaults.auditor(vault) as s:
        ours = timed(lambda s=s: verify_vault(s))
    (vault / "state.json").write_bytes(state)      # the same incremental run again, to collect
    with vaults.auditor(vault) as s:
        triples = sigs.collect(lambda s=s: verify_vault(s))
    bare = timed(lambda t=triples: pool.verify("libsodium", t))
    vaults.remove(vault)
    return Result(f"incremental verify, {before:,} + {added:,} events", ours, bare, "s",
                  f"{len(triples):,} new signatures, PyNaCl, {ctx.cores} cores")
