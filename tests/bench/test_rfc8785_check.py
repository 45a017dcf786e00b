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

    conn = open_database(tmp_path / "v.db", bytes(32), create=True)
    conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, body BLOB, signatures TEXT)")
    good = rfc8785.dumps({"a": 1, "b": "Hồng"})
    conn.execute("INSERT INTO events VALUES (1, ?, '[]')", (good,))
    conn.execute("INSERT INTO events VALUES (2, ?, '[]')", (b'{"b":"H\\u1ed3ng","a":1}',))
    conn.execute("INSERT INTO events VALUES (3, ?, '[ ]')", (good,))
    assert rfc8785_check.not_rfc8785(conn) == [2, 3]
    conn.close()
