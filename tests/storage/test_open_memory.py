"""open_memory(prepare=...): the database `prepare` made, copied into a fresh connection (whose statement cache
then holds none of prepare's one-off statements: see open_memory); the verifier's replay is built that way."""

from __future__ import annotations

import pytest

from securemail.custody.verify.projection import Replay
from securemail.storage.database import Connection, open_memory
from securemail.storage.schema import PROJECTION_TABLES, SCHEMA_VERSION, migrate, schema_version


def _master(conn: Connection) -> list[tuple[object, ...]]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)


def test_the_prepared_database_is_what_prepare_made() -> None:
    reference = open_memory()
    migrate(reference)

    def prepare(conn: Connection) -> None:
        migrate(conn)
        conn.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")

    conn = open_memory(prepare=prepare)
    try:
        assert schema_version(conn) == SCHEMA_VERSION
        assert _master(conn) == _master(reference)
        assert conn.execute("SELECT value FROM settings WHERE key = 'k'").fetchone() == ("v",)
    finally:
        conn.close()
        reference.close()


def test_a_failing_prepare_fails_the_open() -> None:
    def prepare(conn: Connection) -> None:
        conn.execute("CREATE TABLE t (a)")
        raise RuntimeError("no")

    with pytest.raises(RuntimeError, match="no"):
        open_memory(prepare=prepare)


def test_the_replay_has_every_projection_table_and_no_secondary_index() -> None:
    replay = Replay()
    try:
        tables = {r[0] for r in replay.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(PROJECTION_TABLES) <= tables
        assert replay.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                   ).fetchone() == (0,)
        assert schema_version(replay.conn) == SCHEMA_VERSION
    finally:
        replay.close()
