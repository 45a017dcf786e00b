"""The floor of any verifier of this storage format: every event row read, its body and signatures parsed and
hashed (event hash and Merkle leaf hash), on the same cores with the same worker split as `verify --full` -
and no check at all (no canonical check, no field typed, no signature, nothing replayed).

A verifier must at least do this and verify the signatures, so on the same cores its time cannot fall below
floor + bare signatures: `ceiling` = bare / (bare + floor) is the most of the bare Ed25519 limit a Python verifier
of this format could reach (the CPU-additive bound: both halves already use every core).

The split is the verifier's (custody/verify/parse.py): the main process reads the rows and sends them, in batches
of the same sizes, to the workers, keeping the same number of batches ahead; the workers parse and hash. Rows are
read and turned into bytes by the verifier's own helpers (`plain_row`, `row_bytes`), so a change to the stored
form (e.g. a compressed body) changes the floor the same way.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, Future
from itertools import islice
from typing import Any

from securemail.custody.events import event_hash, leaf_bytes
from securemail.custody.merkle.hashing import leaf_hash
from securemail.custody.verify.parse import BATCH_ROWS, EVENT_COLUMNS, FIRST_BATCH_ROWS
from securemail.custody.verify.rows import Row, plain_row, row_bytes

QUERY = f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"    # the verifier's query (custody/verify/full.py)
_DECODE = json.JSONDecoder().decode      # the cheapest stdlib parse: one decoder, given text (json.loads on bytes
                                         # also guesses their encoding: slower)


def parse_and_hash(rows: Sequence[Row]) -> tuple[int, int]:
    """Worker task: each row's body and signatures parsed, its two hashes computed; (rows, signatures) seen."""
    signatures = 0
    for row in rows:
        _seq, body, sigs = row_bytes(row)
        _DECODE(body.decode("utf-8"))
        signatures += len(_DECODE(sigs.decode("utf-8")))
        event_hash(body)
        leaf_hash(leaf_bytes(body, sigs))
    return len(rows), signatures


def batches(rows: Iterable[Sequence[Any]]) -> Iterable[list[Row]]:
    """The rows in the verifier's batch sizes: FIRST_BATCH_ROWS for the first two, then BATCH_ROWS."""
    it = iter(rows)
    count = 0
    while True:
        batch = [plain_row(r) for r in islice(it, FIRST_BATCH_ROWS if count < 2 else BATCH_ROWS)]
        if not batch:
            return
        count += 1
        yield batch


def floor(rows: Iterable[Sequence[Any]], pool: Executor, workers: int) -> tuple[int, int]:
    """parse_and_hash over `rows` on `pool`, 2 x workers + 2 batches ahead (as the verifier); (rows, signatures)."""
    ahead: deque[Future[tuple[int, int]]] = deque()
    seen = signatures = 0

    def collect() -> None:
        nonlocal seen, signatures
        n, s = ahead.popleft().result()
        seen, signatures = seen + n, signatures + s

    for batch in batches(rows):
        ahead.append(pool.submit(parse_and_hash, batch))
        if len(ahead) >= 2 * workers + 2:
            collect()
    while ahead:
        collect()
    return seen, signatures


def ceiling(bare: float, floor_s: float) -> float:
    """The most of the bare limit a verifier that must also pay the floor can reach: bare / (bare + floor)."""
    return bare / (bare + floor_s) if bare + floor_s > 0 else float("nan")
