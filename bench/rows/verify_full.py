"""Full verification of a busy desk's vault vs bare Ed25519 verification of the same signatures on all cores;
and, in the same run on the same vault, the floor (bench/floor.py: rows read, parsed and hashed, no check) and the
ceiling it sets: the most of the bare limit a Python verifier of this storage format could reach.

BENCH_VERIFY_EVENTS picks another cached vault (e.g. 100000 for desk-100000) than the size's own."""

from __future__ import annotations

import os

import floor
import sigs
import vaults
from harness import Context, Result, best_of

from securemail.services.audit import verify_vault

ORDER = 10


def run(ctx: Context) -> list[Result]:
    events = int(os.environ.get("BENCH_VERIFY_EVENTS") or ctx.pick(600, 10_000, 1_000_000))
    vault = vaults.desk_vault(ctx, events)
    pool = sigs.BarePool(ctx.cores)
    try:
        with vaults.auditor(vault) as s:
            triples = sigs.collect(lambda: verify_vault(s, full=True))
            ctx.log(f"full verify of {vault.name}: {len(triples):,} signatures")
            ours = best_of(lambda: verify_vault(s, full=True), 1)
            counted: list[tuple[int, int]] = []
            floor_s = best_of(lambda: counted.append(floor.floor(s.conn.execute(floor.QUERY), pool.pool,
                                                                 ctx.cores)), 1)
            ctx.log(f"floor: {counted[0][0]:,} rows, {counted[0][1]:,} signatures parsed and hashed")
        out = []
        size = f"{events:,}-event vault"
        for backend, lib in (("libsodium", "PyNaCl"), ("openssl", "cryptography")):
            bare = best_of(lambda b=backend: pool.verify(b, triples), 1)
            out.append(Result(f"full verify, {size}", ours, bare, "s",
                              f"{len(triples):,} Ed25519 verifies, {lib} ({backend}), {ctx.cores} cores"))
        nacl = out[0].bare
        out.append(Result(f"floor: rows read, parsed, hashed, {size}", floor_s, nacl, "s",
                          f"libsodium as above; the floor checks nothing ({ctx.cores} cores, verifier's split)"))
        out.append(Result(f"ceiling: libsodium + floor, {size}", nacl + floor_s, nacl, "s",
                          "the most a Python verifier of this format could reach (bench/floor.py)"))
        return out
    finally:
        pool.close()
