"""Rows checked by the workers (custody/verify/rows.py): the same findings whichever process checks a row, whatever
keys it was hinted, and a replay whose savepoints cover groups of events ends as with one savepoint per event."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from securemail.crypto.signing import Domain, SigningKey
from securemail.custody import kinds as K
from securemail.custody.authority import Check
from securemail.custody.events import Event, event_from_row
from securemail.custody.ledger import Signer
from securemail.custody.verify import VerificationReport, verify_ledger
from securemail.custody.verify import parse as parse_step
from securemail.custody.verify import rows as rows_step
from securemail.custody.verify import signatures as signature_step
from securemail.custody.verify.context import Context, Options
from securemail.custody.verify.projection import Replay
from securemail.custody.verify.rows import check_row, key_hints
from securemail.services import directory
from securemail.storage.event_codec import load_body
from securemail.storage.schema import PROJECTION_TABLES

if TYPE_CHECKING:
    from conftest import Insider, VaultInfo


def found(report: VerificationReport) -> set[tuple[str, int | None]]:
    return {(p.code, p.seq) for p in report.problems}


def three_ways(insider: Insider, monkeypatch: pytest.MonkeyPatch) -> list[VerificationReport]:
    """In this process; on a pool of workers (forced, the vault is small); with no key hints at all."""
    reports = [verify_ledger(insider.conn, workers=1)]
    with monkeypatch.context() as m:
        m.setattr(signature_step, "POOL_THRESHOLD", 0)
        reports.append(verify_ledger(insider.conn, workers=2))
    with monkeypatch.context() as m:
        m.setattr(parse_step, "directory_key_hints", lambda _conn: {})
        reports.append(verify_ledger(insider.conn, workers=1))
    return reports


def test_forged_and_edited_rows_are_found_by_every_process(vault: VaultInfo, insider: Insider,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    edited = vault.seqs["deliver2"]
    insider.edit_body(edited, {"data.person.name": "Lê Văn Cường"})        # only the signature breaks
    insider.conn.execute("UPDATE items SET delivered_to = 'Lê Văn Cường' WHERE tracking = 'KT0000002VN'")
    stranger = Signer("clerk1", SigningKey.generate())                  # a key the directory never gave clerk1
    forged = insider.forge(K.ITEM_NOTE, "KT0000003VN", stranger, {"text": "Ghi giả."})
    spaced = vault.seqs["note3"]                                        # stored bytes no longer canonical
    body = load_body(insider.conn.execute("SELECT body FROM events WHERE seq = ?", (spaced,)).fetchone()[0])
    insider.rewrite(spaced, body.replace(b'","', b'", "', 1))
    insider.cover_tracks()
    reports = three_ways(insider, monkeypatch)
    assert found(reports[0]) >= {("bad_signature", edited), ("bad_signature", forged.seq),
                                 ("malformed_event", spaced)}
    assert found(reports[0]) == found(reports[1]) == found(reports[2])
    in_order = [[(p.code, p.seq, p.item, p.detail) for p in r.problems] for r in reports]
    assert in_order[0] == in_order[1] == in_order[2]        # the same findings, in the same order, word for word
    assert reports[0].signatures_checked == reports[1].signatures_checked == reports[2].signatures_checked


def test_rows_primed_for_the_workers_report_nothing_until_they_are_read(insider: Insider,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The full run hands the first batches to the workers before its integrity check (RowStream.prime); what
    they find is reported only when the rows are read, in order, exactly as without priming."""
    insider.rewrite(3, b"{}")                                            # a body no event can be
    monkeypatch.setattr(signature_step, "POOL_THRESHOLD", 0)
    opts = Options(None, [], 0, None, None, 2, True)

    def read(primed: bool) -> tuple[int, list[tuple[str, int | None]]]:
        ctx = Context.for_full_run(insider.conn, opts)
        try:
            stream = parse_step.RowStream(ctx, parse_step.RowReader(ctx),
                                          insider.conn.execute(f"SELECT {parse_step.EVENT_COLUMNS} FROM events "
                                                               "ORDER BY seq"), signatures_from=0, hints={})
            if primed:
                stream.prime()
                assert stream.ahead and ctx.problems == []
            seen = sum(1 for _ in stream)
            return seen, [(p.code, p.seq) for p in ctx.problems]
        finally:
            ctx.sigs.finish()

    primed, plain = read(True), read(False)
    assert primed == plain and ("malformed_event", 3) in primed[1]


def test_a_replaced_key_is_told_from_a_forgery_by_every_process(vault: VaultInfo,
                                                               make_insider: Callable[[], Insider],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with vault.open() as session:
        bob = vault.enrol(session, "bob")
        directory.reset_password(session, "bob", "mat-khau-moi-cua-bob-2")
    insider = make_insider()
    event = insider.forge(K.ITEM_NOTE, "KT0000003VN", bob, {"text": "Khóa cũ."})
    for report in three_ways(insider, monkeypatch):
        assert found(report) == {("key_not_valid", event.seq)}
        assert "signed with a replaced key" in report.problems[0].detail


def test_a_worker_result_counts_only_for_the_key_the_authority_asks_for(vault: VaultInfo) -> None:
    """The worker tries the keys the directory ever named; the main process uses its result only for that very
    (key, domain, body, signature), so a signature valid under another of the signer's keys is not accepted."""
    with vault.open() as session:
        row = session.conn.execute(f"SELECT {parse_step.EVENT_COLUMNS} FROM events WHERE seq = ?",
                                   (vault.seqs["note3"],)).fetchone()
        hints = parse_step.directory_key_hints(session.conn)
    event = event_from_row(row[1], row[2])
    body = load_body(row[1])          # the canonical bytes signed (stored compact: storage.event_codec)
    result = check_row(row, hints, 0)
    (role, sig, key, tried), = result[5]
    assert role == "actor" and key is not None and tried == ()
    right = Check(key, Domain.EVENT, body, sig)
    other = Check(SigningKey.generate().public_raw(), Domain.EVENT, body, sig)
    cosign = Check(key, Domain.COSIGN, body, sig)
    assert signature_step.verdict_for(right, body, result[5]) is True
    assert signature_step.verdict_for(other, body, result[5]) is None      # checked the usual way
    assert signature_step.verdict_for(cosign, body, result[5]) is None
    assert event.signature_of("actor") is not None
    unhinted = check_row(row, key_hints([]), 0)[5]
    assert signature_step.verdict_for(right, body, unhinted) is None
    wrong_hint = {event.actor: ((1, SigningKey.generate().public_raw()),)}
    failed = check_row(row, wrong_hint, 0)[5]
    assert failed[0][2] is None and signature_step.verdict_for(right, body, failed) is None
    assert signature_step.verdict_for(Check(failed[0][3][0], Domain.EVENT, body, sig), body,
                                      failed) is False
    # a log stuffed with made-up keys for the signer: a few are tried, the rest is left to the usual check
    stuffed = {event.actor: ((1, key), *((2 + i, SigningKey.generate().public_raw()) for i in range(10)))}
    capped = check_row(row, stuffed, 0)[5]
    assert capped[0][2] is None and len(capped[0][3]) == rows_step.MAX_TRIES
    assert signature_step.verdict_for(right, body, capped) is None


def test_a_failing_event_inside_a_group_leaves_no_trace(vault: VaultInfo) -> None:
    with vault.open() as session:
        rows = session.conn.execute("SELECT body, signatures FROM events ORDER BY seq").fetchall()
    events = [event_from_row(body, sigs) for body, sigs in rows]
    accepted = next(e for e in events if e.kind == K.ITEM_ACCEPTED)
    middle = len(events) // 2
    hostile = [*events[:middle], accepted, *events[middle:]]          # the same item accepted twice
    assert len(events) < Replay.GROUP                                   # all in one group

    def replay(sequence: list[Event]) -> tuple[list[str], dict[str, list[tuple[object, ...]]]]:
        r = Replay()
        problems = [p.code for e in sequence if (p := r.apply(e, e.seq)) is not None]
        r.settle()
        tables = {t: sorted(r.conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in PROJECTION_TABLES}
        r.close()
        return problems, tables

    clean_problems, clean = replay(list(events))
    hostile_problems, after = replay(hostile)
    assert clean_problems == [] and hostile_problems == ["illegal_transition"]
    assert after == clean and any(clean.values())
