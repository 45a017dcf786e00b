"""The bench's floor (bench/floor.py): every row read, parsed and hashed in the verifier's batch sizes on a pool,
nothing checked; and the ceiling it sets on the share of the bare limit a verifier can reach."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import floor

from securemail.custody.verify.parse import BATCH_ROWS, FIRST_BATCH_ROWS
from securemail.storage.event_codec import store_body, store_signatures


def _row(seq: int, cosigned: bool) -> tuple[object, ...]:
    body = b'{"seq":%d,"v":1}' % seq
    sigs = '[{"by":"a","role":"actor","sig":"AA=="}' + (',{"by":"b","role":"cosigner","sig":"AA=="}'
                                                          if cosigned else "") + "]"
    return (seq, store_body(body), store_signatures(sigs.encode()), b"", b"", "k", "s", "a", "t")   # as stored


def test_floor_reads_parses_and_hashes_every_row_in_the_verifiers_batches() -> None:
    rows = [_row(seq, cosigned=seq % 3 == 0) for seq in range(1, 601)]
    assert [len(b) for b in floor.batches(rows)] == [FIRST_BATCH_ROWS, FIRST_BATCH_ROWS, BATCH_ROWS, BATCH_ROWS,
                                                     600 - 2 * FIRST_BATCH_ROWS - 2 * BATCH_ROWS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert floor.floor(iter(rows), pool, workers=2) == (600, 600 + 200)
        assert floor.floor(iter([]), pool, workers=2) == (0, 0)


def test_floor_parses_for_real() -> None:
    """Not a byte count: an unreadable body fails the floor (it parses what a verifier must parse)."""
    with pytest.raises(ValueError):
        floor.parse_and_hash([(1, store_body(b'{"seq":'), store_signatures(b"[]"), b"", b"", "k", "s", "a", "t")])


def test_ceiling_is_the_bare_share_of_bare_plus_floor() -> None:
    assert floor.ceiling(3.0, 1.0) == 0.75
    assert floor.ceiling(1.0, 0.0) == 1.0
