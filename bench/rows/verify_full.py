"""Full verification of a busy desk's vault vs bare Ed25519 verification of the same signatures on all cores."""

from __future__ import annotations

import sigs
import vaults
from harness import Context, Result, best_of

from securemail.services.audit import verify_vault

ORDER = 10


def run(ctx: Context) -> list[Result]:
    events = ctx.pick(600, 10_000, 1_000_000)
    vault = vaults.desk_vault(ctx, events)
    with vaults.auditor(vault) as s:
        triples = sigs.collect(lambda: verify_vault(s, full=True))
        ctx.log(f"full verify of {vault.name}: {len(triples):,} signatures")
        ours = best_of(lambda: verify_vault(s, full=True), 1)
    pool = sigs.BarePool(ctx.cores)
    try:
        out = []
        for backend, lib in (("libsodium", "PyNaCl"), ("openssl", "cryptography")):
            bare = best_of(lambda b=backend: pool.verify(b, triples), 1)
            out.append(Result(f"full verify, {events:,}-event vault", ours, bare, "s",
                              f"{len(triples):,} Ed25519 verifies, {lib} ({backend}), {ctx.cores} cores"))
        return out
    finally:
        pool.close()
