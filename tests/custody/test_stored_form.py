"""A stored body or signatures list that is not in a stored form (storage/event_codec.py, ADR 0021) is a finding of
full and plain verification, never a crash and never a guess; readers refuse it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from securemail.custody import kinds as K
from securemail.custody.ledger import log_size, read_events
from securemail.custody.verify import VerificationReport, verify_ledger
from securemail.errors import VaultError
from securemail.services import audit, items
from securemail.storage.event_codec import StoredFormError, load_body

if TYPE_CHECKING:
    from conftest import Insider, VaultInfo


def findings(report: VerificationReport, seq: int) -> list[tuple[str, str]]:
    return [(p.code, p.detail) for p in report.problems if p.seq == seq]


_DAMAGE = {
    "unknown form": ("body", lambda stored: b"\x07" + stored[1:]),
    "cut short": ("body", lambda stored: stored[:-4]),
    "trailing bytes": ("body", lambda stored: stored + b"\x00"),
    "signatures cut": ("signatures", lambda stored: stored[:-1]),
    "signatures as text": ("signatures", lambda stored: '[{"by":"clerk1"}]'),
}


@pytest.mark.parametrize("case", list(_DAMAGE))
def test_a_stored_value_that_does_not_decode_is_a_finding_of_full_verify(vault: VaultInfo, insider: Insider,
                                                                          case: str) -> None:
    column, damage = _DAMAGE[case]
    seq = vault.seqs["deliver2"]
    stored = insider.conn.execute(f"SELECT {column} FROM events WHERE seq = ?", (seq,)).fetchone()[0]
    insider.conn.execute(f"UPDATE events SET {column} = ? WHERE seq = ?", (damage(bytes(stored)), seq))
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert not report
    codes = findings(report, seq)
    assert any(code == "malformed_event" and "stored body or signatures unreadable" in detail
               for code, detail in codes), codes
    with pytest.raises(VaultError) as refused:      # readers name the event and refuse it, never guess
        read_events(insider.conn, "WHERE seq = ?", (seq,))
    assert refused.value.key == "vault.event_unreadable" and isinstance(refused.value.__cause__, StoredFormError)


def test_a_flipped_bit_that_still_inflates_is_refused_by_the_timeline_and_found_by_full_verify(
        vault: VaultInfo, insider: Insider) -> None:
    """Deflate has no checksum: a flipped bit can inflate to other bytes (here, broken JSON). The item's window
    says which event is unreadable instead of failing with an internal error; verify --full reports it."""
    seq = vault.seqs["deliver2"]
    stored = bytes(insider.conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()[0])
    flipped = next(d for d in (stored[:i] + bytes([stored[i] ^ 1]) + stored[i + 1:] for i in range(8, len(stored)))
                   if _inflates_to_broken_json(d))
    insider.conn.execute("UPDATE events SET body = ? WHERE seq = ?", (flipped, seq))
    subject = insider.conn.execute("SELECT subject FROM events WHERE seq = ?", (seq,)).fetchone()[0]
    insider.close()
    with vault.open("audit1") as s:
        with pytest.raises(VaultError) as refused:
            items.own_timeline(s, subject)      # the fixture numbers are not valid S10 numbers
        assert refused.value.key == "vault.event_unreadable" and refused.value.params["seq"] == seq
        report = audit.verify_vault(s, full=True)
    assert any(p.code == "malformed_event" and p.seq == seq for p in report.problems), report.problems


def _inflates_to_broken_json(stored: bytes) -> bool:
    try:
        load_body(stored)
    except StoredFormError:
        return False
    try:
        json.loads(load_body(stored))
    except ValueError:
        return True
    return False


def test_a_stored_value_that_does_not_decode_is_a_finding_of_plain_verify(vault: VaultInfo,
                                                                          insider: Insider) -> None:
    with vault.open("audit1") as s:
        assert audit.verify_vault(s, full=True)
    with vault.open("admin") as s:
        with s.write() as ledger:
            ledger.append(K.ITEM_NOTE, "KT0000002VN", vault.signer("clerk1"), {"text": "ghi chú mới"})
        new = log_size(s.conn)
    stored = insider.conn.execute("SELECT body FROM events WHERE seq = ?", (new,)).fetchone()[0]
    insider.conn.execute("UPDATE events SET body = ? WHERE seq = ?", (bytes(stored)[:-5], new))
    insider.close()
    with vault.open("audit1") as s:
        report = audit.verify_vault(s)
    assert not report
    assert "malformed_event" in {code for code, _ in findings(report, new)}
