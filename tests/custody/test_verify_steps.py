"""The verification steps on their own (securemail/custody/verify/): each reports what it is for."""

from __future__ import annotations

from datetime import datetime

import pytest

from securemail.clock import ICT, iso
from securemail.crypto.signing import SigningKey
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.events import Event, event_hash, event_leaf_hash, sign_event
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.merkle.hashing import leaf_hash
from securemail.custody.verify.chains import ChainStep
from securemail.custody.verify.context import Context, External, Options, RestartFull
from securemail.custody.verify.outside import OutsideStep
from securemail.custody.verify.parse import RowReader
from securemail.storage.database import open_memory
from securemail.storage.event_codec import store_body, store_signatures

KEY = SigningKey.generate()
START = datetime(2026, 11, 27, 8, 0, tzinfo=ICT)


def options(**kw: object) -> Options:
    base: dict[str, object] = {"office_public_key_hint": None, "externals": [], "incremental_from": 0,
                               "incremental_root": None, "progress": None, "workers": 1, "integrity_check": False}
    base.update(kw)
    return Options(**base)  # type: ignore[arg-type]


def context(**kw: object) -> Context:
    return Context(open_memory(), options(**kw), total_events=0, total=0, expected_signatures=0)


def event(seq: int, subject: str = "KT0000001VN", prev: str | None = None) -> Event:
    draft = Event(vault="v", seq=seq, time=iso(START), kind=K.ITEM_NOTE, subject=subject, actor="clerk1",
                  prev=prev, data={"text": f"ghi chú {seq}"})
    return sign_event(draft, KEY)


def row(e: Event, *, seq: int | None = None, leaf: bytes | None = None) -> tuple[object, ...]:
    """An events row as stored (storage.event_codec's compact form)."""
    body, sigs = e.body_bytes(), e.signatures_bytes()
    return (seq or e.seq, store_body(body), store_signatures(sigs), event_hash(body),
            leaf or event_leaf_hash(body, sigs), e.kind, e.subject, e.actor, e.time)


def codes(ctx: Context) -> set[tuple[str, int | None]]:
    return {(p.code, p.seq) for p in ctx.problems}


def test_parse_reports_gaps_stored_hashes_and_rows_holding_another_seq() -> None:
    ctx = context()
    rows = RowReader(ctx)
    assert rows.read(row(event(1))).event is not None
    rows.read(row(event(3)))                                   # 2 is missing
    rows.read(row(event(4), leaf=bytes(32)))                   # stored leaf hash edited
    rows.read(row(event(9), seq=5))                            # row 5 holds event 9
    assert codes(ctx) == {("missing_event", 2), ("stored_hash_differs", 4), ("reordered_event", 5)}


def test_parse_refuses_a_body_that_is_not_canonical() -> None:
    ctx = context()
    e = event(1)
    spaced = e.body_bytes().replace(b'","', b'", "', 1)
    parsed = RowReader(ctx).read((1, spaced, e.signatures_bytes().decode(), event_hash(spaced),
                                  event_leaf_hash(spaced, e.signatures_bytes()), e.kind, e.subject, e.actor, e.time))
    assert parsed.event is None and codes(ctx) == {("malformed_event", 1)}


def test_chains_link_to_the_previous_event_read_or_remembered_from_before() -> None:
    ctx = context()
    rows = RowReader(ctx, first_seq=11)
    old = event(10)
    chains = ChainStep(ctx, rows, before=lambda s: (10, old.event_hash()) if s == old.subject else None)
    first = event(11, prev=old.event_hash().hex())
    second = event(12, prev=first.event_hash().hex())
    wrong = event(13, prev=old.event_hash().hex())             # skips 11 and 12
    new_subject = event(14, subject="KT0000002VN", prev=first.event_hash().hex())
    for e in (first, second, wrong, new_subject):
        parsed = rows.read(row(e))
        assert parsed.event is not None
        chains.event(parsed.seq, parsed.pos, parsed.event)
    assert codes(ctx) == {("broken_chain", 13), ("broken_chain", 14)}


def test_outside_records_are_compared_at_their_size_and_a_changed_verified_root_restarts() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(5)]
    tree = CompactRange.from_leaf_hashes(leaves[:3])
    other = Checkpoint("securemail/GL01/v", 3, bytes(32), iso(START))
    ctx = context(externals=[External(other, "checkpoint file #1")])
    outside = OutsideStep(ctx)
    assert outside.sizes() == {3}
    outside.at_size(3, tree.root())
    assert ("not_extension", 3) in codes(ctx)
    ctx = context(incremental_from=3, incremental_root=bytes(32))
    with pytest.raises(RestartFull):
        OutsideStep(ctx).at_size(3, tree.root())
