"""Schema versions: every path to SCHEMA_VERSION gives the same schema; the ledger tables are append-only."""

from __future__ import annotations

import os

import pytest

from securemail.storage import schema
from securemail.storage.database import DatabaseError, open_database, open_memory
from securemail.storage.schema import LEDGER_TABLES, MIGRATIONS, SCHEMA_VERSION, migrate, schema_version


def _master(conn) -> list[tuple]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(),
                  key=lambda r: (r[0], r[1]))


@pytest.fixture
def fresh():
    conn = open_memory()
    yield conn
    conn.close()


@pytest.fixture
def reference():
    conn = open_memory()
    migrate(conn)
    yield _master(conn)
    conn.close()


def test_versions_are_contiguous():
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def test_empty_to_current(fresh, reference):
    assert schema_version(fresh) == 0
    assert migrate(fresh) == SCHEMA_VERSION
    assert schema_version(fresh) == SCHEMA_VERSION
    assert _master(fresh) == reference
    names = {r[1] for r in reference if r[0] == "table"}
    assert set(LEDGER_TABLES) <= names
    assert set(schema.PROJECTION_TABLES) <= names
    triggers = {r[1] for r in reference if r[0] == "trigger"}
    assert triggers == {f"{t}_no_{op}" for t in LEDGER_TABLES for op in ("update", "delete", "replace")}


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_each_earlier_version_upgrades_to_the_same_schema(fresh, reference, start):
    assert migrate(fresh, target=start) == start
    assert schema_version(fresh) == start
    assert migrate(fresh) == SCHEMA_VERSION
    assert _master(fresh) == reference


def test_migrate_is_idempotent(fresh, reference):
    migrate(fresh)
    assert migrate(fresh) == SCHEMA_VERSION
    assert _master(fresh) == reference


def test_encrypted_file_builds_the_same_schema(tmp_path, reference):
    conn = open_database(tmp_path / "vault.db", os.urandom(32), create=True)
    try:
        migrate(conn, target=1)
        migrate(conn)
        assert _master(conn) == reference
    finally:
        conn.close()


def test_opened_template_vault_has_current_schema(vault, reference):
    s = vault.open("auditor1")
    assert schema_version(s.conn) == SCHEMA_VERSION
    assert _master(s.conn) == reference


def test_newer_schema_refused(fresh):
    migrate(fresh)
    fresh.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError):
        migrate(fresh)


def test_failed_step_rolls_back(fresh, monkeypatch):
    migrate(fresh)
    before = _master(fresh)
    broken = SCHEMA_VERSION + 1
    monkeypatch.setitem(MIGRATIONS, broken, "CREATE TABLE half_done (a TEXT);\nCREATE TABLE oops (;\n")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", broken)
    with pytest.raises(DatabaseError):
        migrate(fresh, target=broken)
    assert schema_version(fresh) == SCHEMA_VERSION
    assert _master(fresh) == before


# ---- append-only ledger tables ------------------------------------------------------------------------

@pytest.fixture
def ledger_db(fresh):
    migrate(fresh)
    fresh.execute("INSERT INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash) "
                  "VALUES (1, 'k', 's', 'a', 't', x'00', '[]', x'01', x'02')")
    fresh.execute("INSERT INTO attachments (sha256, media_type, data) VALUES (x'aa', 'image/png', x'00')")
    fresh.execute("INSERT INTO checkpoints (size, root, time, note) VALUES (1, x'bb', 't', 'n')")
    return fresh


_UPDATES = {
    "events": "UPDATE events SET kind = 'forged' WHERE seq = 1",
    "attachments": "UPDATE attachments SET data = x'01'",
    "checkpoints": "UPDATE checkpoints SET note = 'forged'",
}


def _rows(conn, table: str) -> list[tuple]:
    return conn.execute(f"SELECT * FROM {table}").fetchall()


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_update_refused(ledger_db, table):
    before = _rows(ledger_db, table)
    with pytest.raises(DatabaseError, match="append-only"):
        ledger_db.execute(_UPDATES[table])
    assert _rows(ledger_db, table) == before


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_delete_refused(ledger_db, table):
    before = _rows(ledger_db, table)
    with pytest.raises(DatabaseError, match="append-only"):
        ledger_db.execute(f"DELETE FROM {table}")
    assert _rows(ledger_db, table) == before


def test_insert_still_allowed(ledger_db):
    ledger_db.execute("INSERT INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, "
                      "leaf_hash) VALUES (2, 'k', 's', 'a', 't', x'00', '[]', x'03', x'04')")
    assert len(_rows(ledger_db, "events")) == 2


_REPLACES = {
    "events": "INSERT OR REPLACE INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, "
              "leaf_hash) VALUES (1, 'forged', 's', 'a', 't', x'00', '[]', x'01', x'02')",
    "attachments": "INSERT OR REPLACE INTO attachments (sha256, media_type, data) VALUES (x'aa', 'image/png', x'ff')",
    "checkpoints": "INSERT OR REPLACE INTO checkpoints (size, root, time, note) VALUES (1, x'bb', 't', 'forged')",
}


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_replace_of_an_existing_row_refused(ledger_db, table):
    before = _rows(ledger_db, table)
    with pytest.raises(DatabaseError):
        ledger_db.execute(_REPLACES[table])
    assert _rows(ledger_db, table) == before


def test_v6_fills_the_first_attempt_from_the_ledger(fresh):
    """Items of a vault written before v6 get their first delivery attempt from the events, so that replaying
    the old ledger (which now records it) gives the same projection."""
    migrate(fresh, 4)
    fresh.execute("BEGIN")
    for seq, kind, subject, time in ((1, "item.accepted", "KT1", "2025-03-03T08:00:00.000000+07:00"),
                                     (2, "item.delivery_failed", "KT1", "2025-03-03T10:00:00.000000+07:00"),
                                     (3, "item.delivered", "KT1", "2025-03-04T09:00:00.000000+07:00"),
                                     (4, "item.accepted", "KT2", "2025-03-03T08:05:00.000000+07:00")):
        fresh.execute("INSERT INTO events VALUES (?, ?, ?, 'clerk1', ?, x'00', '[]', x'00', x'00')",
                      (seq, kind, subject, time))
    for tracking in ("KT1", "KT2"):
        fresh.execute("INSERT INTO items (tracking, sender_agency, recipient_agency, secrecy, service, scope, "
                      "named_only, envelopes, seal_condition, recall, status, accepted_at, accepted_by, last_seq) "
                      "VALUES (?, 'S', 'R', 'mat', 'thuong', 'noi-tinh', 0, 1, 'intact', 0, 'accepted', "
                      "'2025-03-03T08:00:00.000000+07:00', 'clerk1', 1)", (tracking,))
    fresh.execute("COMMIT")
    migrate(fresh)
    rows = dict(fresh.execute("SELECT tracking, first_attempt_at FROM items").fetchall())
    assert rows == {"KT1": "2025-03-03T10:00:00.000000+07:00", "KT2": None}
    assert fresh.execute("SELECT kind, origin FROM holidays").fetchall() == []
    assert fresh.execute("SELECT count(*) FROM due_changes").fetchone()[0] == 0


def test_v13_indexes_a_secretarys_to_confirm_view(fresh):
    """An existing vault keeps its items and gets the index that her "to confirm" page reads (recipient agency,
    status, newest first), without a scan of every item addressed to her agency."""
    migrate(fresh, 11)
    fresh.execute("BEGIN")
    for i, status in enumerate(("accepted", "out-for-delivery", "delivered")):
        fresh.execute("INSERT INTO items (tracking, sender_agency, recipient_agency, secrecy, service, scope, "
                      "named_only, envelopes, seal_condition, recall, status, accepted_at, accepted_by, last_seq) "
                      "VALUES (?, 'S', 'R', 'mat', 'thuong', 'noi-tinh', 0, 1, 'intact', 0, ?, "
                      "'2025-03-03T08:00:00.000000+07:00', 'clerk1', 1)", (f"KT{i}", status))
    fresh.execute("COMMIT")
    fresh.execute("ANALYZE")  # statistics of a 3-item vault: they would go stale as it grows
    migrate(fresh)
    assert schema_version(fresh) == SCHEMA_VERSION
    assert fresh.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'items'").fetchone()[0] == 0
    assert fresh.execute("SELECT count(*) FROM items").fetchone()[0] == 3
    query = ("SELECT tracking FROM items WHERE recipient_agency = ? AND status IN (?) "
             "ORDER BY accepted_at DESC, tracking DESC LIMIT 201")
    plan = " ".join(r[-1] for r in fresh.execute("EXPLAIN QUERY PLAN " + query, ("R", "out-for-delivery")))
    assert "items_recipient_status (recipient_agency=? AND status=?)" in plan
    assert fresh.execute(query, ("R", "out-for-delivery")).fetchall() == [("KT1",)]
    agency = "SELECT tracking FROM items WHERE recipient_agency = ? ORDER BY accepted_at DESC, tracking DESC LIMIT 9"
    plan = " ".join(r[-1] for r in fresh.execute("EXPLAIN QUERY PLAN " + agency, ("R",)))
    assert "items_recipient (recipient_agency=?)" in plan  # her other views keep the index that gives the order
