"""The bench's check before a vault is cached (bench/rfc8785_check.py) names every event whose stored bytes are
not the rfc8785 module's own encoding (canonical_bytes against rfc8785: tests/domain/test_canonical_fast_path.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import rfc8785

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import rfc8785_check


def test_an_event_not_in_rfc8785_encoding_is_named(tmp_path: Path) -> None:
    """The check run before a vault is cached: every stored body re-encoded by rfc8785 itself."""
    from securemail.storage.database import open_database
    from securemail.storage.event_codec import store_body, store_signatures

    conn = open_database(tmp_path / "v.db", bytes(32), create=True)
    conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, body BLOB, signatures BLOB)")
    good = rfc8785.dumps({"a": 1, "b": "Hồng"})
    rows = ((1, good, b"[]"), (2, b'{"b":"H\\u1ed3ng","a":1}', b"[]"), (3, good, b"[ ]"))
    conn.executemany("INSERT INTO events VALUES (?, ?, ?)",
                     [(seq, store_body(body), store_signatures(sigs)) for seq, body, sigs in rows])
    assert rfc8785_check.not_rfc8785(conn) == [2, 3]
    conn.close()
