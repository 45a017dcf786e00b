"""Accepting one item through the services (its own write: rules, signature, projection, checkpoint, state file)
vs one bare SQLCipher transaction inserting the same signed bytes, plus the signatures it needs (the event's and
the checkpoint's), on a copy of the same vault.

The two alternate, one accept then one bare transaction, so both medians see the same disk: this virtual disk's
fsync takes 0.2 ms at one minute and 4 ms at the next, and measuring all of ours and then all of the bare ones
gave ratios from 0.2 to 1.5 in consecutive runs. The bare transactions write to a second copy of the vault (the
same file and page layout): a commit there is not "another desk's commit" to the session under test."""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta

import vaults
import workload
from harness import Context, Result

from securemail.clock import ICT, FixedClock
from securemail.crypto.signing import Domain, SigningKey
from securemail.services import items
from securemail.services.session import open_session
from securemail.storage.database import open_database
from securemail.storage.event_codec import load_body, load_signatures

ORDER = 30


def run(ctx: Context) -> list[Result]:
    events = ctx.pick(600, 10_000, 10_000)
    n = ctx.pick(10, 100, 200)
    vault = vaults.scratch_copy(ctx, vaults.desk_vault(ctx, events), "accept")
    with vaults.auditor(vault) as s:
        last = s.conn.execute("SELECT max(time) FROM events").fetchone()[0]
        stored = s.conn.execute("SELECT body, signatures FROM events WHERE kind = 'item.accepted' "
                                "ORDER BY seq DESC LIMIT 1").fetchone()
        body, sigs = load_body(stored[0]), load_signatures(stored[1]).decode()   # the canonical bytes
        dek = s.current_dek()
    clock = FixedClock(datetime.fromisoformat(last).astimezone(ICT) + timedelta(minutes=5))
    bare_vault = vaults.scratch_copy(ctx, vault, "accept-bare")
    ours: list[float] = []
    bare: list[float] = []
    rnd = random.Random(7)
    key = SigningKey.generate()
    conn = open_database(bare_vault / "vault.db", dek)
    try:
        conn.execute("CREATE TABLE bench_bare (seq INTEGER PRIMARY KEY, body BLOB, signatures TEXT, note TEXT)")
        with open_session(vault, workload.CLERKS[1], workload.PASSWORD, clock=clock) as clerk:
            for i in range(n):
                recipient = workload.local_codes()[i % workload.LOCAL_AGENCIES]
                raw = {"sender_agency": workload.local_codes()[(i + 1) % workload.LOCAL_AGENCIES],
                       "recipient_agency": recipient, "secrecy": "mat", "service": "thuong", "scope": "noi-tinh",
                       "doc_ref": f"{rnd.randint(1, 9999)}/CV", "envelopes": 1, "weight_grams": 120,
                       "seal_numbers": "NP-1", "description": "Báo cáo", "sender_person": "Hoàng Minh Tuấn"}
                start = time.perf_counter()
                items.accept_item(clerk, raw)
                ours.append(time.perf_counter() - start)
                clock.set(clock.now() + timedelta(minutes=1))
                start = time.perf_counter()
                sig = key.sign(Domain.EVENT, bytes(body))
                note_sig = key.sign_note(bytes(body)[:200])
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO bench_bare (body, signatures, note) VALUES (?, ?, ?)",
                             (bytes(body), sigs + sig.hex(), note_sig.hex()))
                conn.execute("COMMIT")
                bare.append(time.perf_counter() - start)
    finally:
        conn.close()
    vaults.remove(bare_vault)
    vaults.remove(vault)
    return [Result(f"accept one item ({events:,}-event vault, median of {n})", statistics.median(ours),
                   statistics.median(bare), "s", "1 SQLCipher transaction (WAL, synchronous=FULL) + 2 Ed25519 signs")]
