"""Hostile nesting and sizes in stored events: a verdict naming the event, never an internal error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from securemail.crypto.canonical import MAX_DEPTH, MAX_SIZE, check_limits, loads_bounded, parse_canonical
from securemail.custody.verify import verify_ledger
from securemail.storage.event_codec import load_body, store_body, store_signatures

if TYPE_CHECKING:
    from conftest import Insider, VaultInfo


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 100_000])
def test_deep_json_is_a_value_error(levels: int) -> None:
    with pytest.raises(ValueError, match="nested deeper"):
        parse_canonical(_deep(levels))
    with pytest.raises(ValueError, match="nested deeper"):
        loads_bounded(b'{"a":' * levels + b"1" + b"}" * levels)


def test_brackets_inside_strings_do_not_count() -> None:
    text = ('["' + "[" * (MAX_DEPTH * 4) + '\\"{"]').encode()
    assert loads_bounded(text) == ["[" * (MAX_DEPTH * 4) + '"{']
    assert parse_canonical(_deep(MAX_DEPTH)) is not None


def test_size_limit() -> None:
    with pytest.raises(ValueError, match="larger than"):
        check_limits(b'"' + b"a" * MAX_SIZE + b'"')


def _raw_body(insider: Insider, seq: int) -> bytes:
    return load_body(insider.conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()[0])


@pytest.mark.parametrize("where", ["body", "signatures"])
def test_deeply_nested_stored_event_is_named(vault: VaultInfo, insider: Insider, where: str) -> None:
    seq = vault.seqs["deliver2"]
    bomb = _deep(200_000)
    if where == "body":
        body = _raw_body(insider, seq).replace(b'"data":{', b'"data":{"x":' + bomb + b",", 1)
        insider.conn.execute("UPDATE events SET body = ? WHERE seq = ?", (store_body(body), seq))
    else:
        insider.conn.execute("UPDATE events SET signatures = ? WHERE seq = ?", (store_signatures(bomb), seq))
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert not report
    malformed = [p for p in report.problems if p.code == "malformed_event"]
    assert [p.seq for p in malformed] == [seq]
    assert "nested deeper" in malformed[0].detail
