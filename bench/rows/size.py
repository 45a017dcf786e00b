"""Vault bytes per delivered item vs the bare bytes of the signed events themselves (bodies + signatures):
what indexes, projections, checkpoints, Merkle state and SQLCipher's page overhead add."""

from __future__ import annotations

import vaults
from harness import Context, Result

from securemail.storage.event_codec import load_body, load_signatures

ORDER = 70


def run(ctx: Context) -> list[Result]:
    events = ctx.pick(600, 10_000, 1_000_000)
    vault = vaults.desk_vault(ctx, events)
    with vaults.auditor(vault) as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        delivered = int(s.conn.execute("SELECT count(*) FROM items WHERE status = 'delivered'").fetchone()[0])
        total = int(s.conn.execute("SELECT count(*) FROM items").fetchone()[0])
        signed = sum(len(load_body(body)) + len(load_signatures(sigs))      # the canonical bytes, not as stored
                     for body, sigs in s.conn.execute("SELECT body, signatures FROM events"))
    size = sum(p.stat().st_size for p in vault.iterdir() if p.name.startswith("vault.db"))
    return [Result(f"vault bytes per delivered item ({delivered:,} of {total:,} items)", size / delivered,
                   signed / delivered, "B", "the signed event bytes alone (body + signatures)")]
