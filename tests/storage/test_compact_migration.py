"""Schema 14 (ADR 0021): a vault written by schema 13 (canonical bytes in the events table) is migrated to the
compact stored form on opening: the same canonical bytes, the same hashes and Merkle root, a clean full
verification, the schema a fresh vault has; an interrupted migration leaves the vault at schema 13 as it was."""

from __future__ import annotations

import pytest

from securemail import storage
from securemail.custody.ledger import leaf_hashes
from securemail.custody.merkle.log import MerkleLog
from securemail.services import transfers
from securemail.services.audit import verify_vault
from securemail.storage import schema
from securemail.storage.database import DatabaseError, open_memory
from securemail.storage.event_codec import load_body, load_signatures
from securemail.storage.schema import COMPACT_EVENTS_SCHEMA, migrate, schema_version

_SCHEMA_13_EVENTS = """CREATE TABLE events13 (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, actor TEXT NOT NULL, time TEXT NOT NULL,
    body BLOB NOT NULL, signatures TEXT NOT NULL, event_hash BLOB NOT NULL, leaf_hash BLOB NOT NULL)"""
_COLUMNS = "seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash"


def _as_schema_13(conn) -> None:
    """Rewrite the events table as schema 13 kept it: body the canonical bytes, signatures their UTF-8 text."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(_SCHEMA_13_EVENTS)
    conn.executemany(f"INSERT INTO events13 ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(seq, kind, subject, actor, time, load_body(body), load_signatures(sigs).decode(), eh, lh)
                      for seq, kind, subject, actor, time, body, sigs, eh, lh
                      in conn.execute(f"SELECT {_COLUMNS} FROM events").fetchall()])
    conn.execute("DROP TABLE events")
    conn.execute("ALTER TABLE events13 RENAME TO events")
    conn.execute("CREATE INDEX events_subject ON events (subject, seq)")
    conn.execute("CREATE INDEX events_kind ON events (kind, seq)")
    for op in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER events_no_{op.lower()} BEFORE {op} ON events "
                     "BEGIN SELECT RAISE(ABORT, 'append-only ledger table: events'); END")
    conn.execute("PRAGMA user_version = 13")
    conn.execute("COMMIT")


def _canonical(conn) -> list[tuple[int, bytes, bytes]]:
    rows = conn.execute("SELECT seq, body, signatures FROM events ORDER BY seq").fetchall()
    if schema_version(conn) < COMPACT_EVENTS_SCHEMA:
        return [(int(seq), bytes(body), str(sigs).encode()) for seq, body, sigs in rows]
    return [(int(seq), load_body(body), load_signatures(sigs)) for seq, body, sigs in rows]


def _root(conn) -> bytes:
    leaves = leaf_hashes(conn)
    return MerkleLog.from_leaf_hashes(leaves).root(len(leaves))


def _master(conn) -> list[tuple]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(),
                  key=lambda r: (r[0], r[1]))


@pytest.fixture
def schema_13_vault(vault, kit):
    """The template vault with items (Vietnamese texts, a co-signed handover), its events table as schema 13."""
    clerk = vault.open("clerk1")
    tracking = vault.accept(clerk, description="Trích yếu về việc điều động cán bộ (NFD: Nguyễn)")
    vault.accept(clerk, description="Báo cáo 𠜎 quý IV")
    courier, courier_user = vault.cosign(clerk, "courier1")
    transfers.handover(clerk, [tracking], courier, courier_user)
    clerk.close()
    conn = storage.connect(vault.path, "auditor1", kit.PASSWORDS["auditor1"])
    _as_schema_13(conn)
    before = (_canonical(conn), _root(conn), conn.execute(f"SELECT {_COLUMNS} FROM events ORDER BY seq").fetchall())
    conn.close()
    return vault, before


def test_a_schema_13_vault_opens_migrated_with_the_same_bytes_and_root(schema_13_vault):
    vault, (canonical, root, _rows) = schema_13_vault
    assert any(len(sigs) > 200 for _, _, sigs in canonical)          # a co-signed event is among them
    auditor = vault.open("auditor1")
    conn = auditor.conn
    assert schema_version(conn) == schema.SCHEMA_VERSION
    assert _canonical(conn) == canonical
    assert _root(conn) == root
    report = verify_vault(auditor, full=True)
    assert report.problems == [] and report.root == root
    stored = conn.execute("SELECT body, signatures FROM events").fetchall()
    assert all(bytes(body)[0] == 0x01 and bytes(sigs)[0] == 0x01 for body, sigs in stored)
    assert sum(len(bytes(b)) for b, _ in stored) < sum(len(b) for _, b, _ in canonical) / 2
    assert int(conn.execute("PRAGMA freelist_count").fetchone()[0]) == 0            # VACUUMed once
    assert conn.execute("SELECT count(*) FROM meta WHERE key = ?", (schema.VACUUM_PENDING,)).fetchone()[0] == 0
    fresh = open_memory()
    migrate(fresh)
    assert _master(conn) == _master(fresh)        # the schema a new vault has (indexes, triggers, columns)
    fresh.close()


def test_an_interrupted_migration_leaves_the_vault_at_schema_13(schema_13_vault, kit, monkeypatch):
    vault, (_canonical_before, _root_before, rows) = schema_13_vault
    calls = 0

    def failing(canonical: bytes) -> bytes:
        nonlocal calls
        calls += 1
        if calls > 5:
            raise OSError("killed halfway")
        return canonical

    monkeypatch.setattr(schema, "store_signatures", failing)
    with pytest.raises(OSError, match="halfway"):
        storage.connect(vault.path, "auditor1", kit.PASSWORDS["auditor1"])
    monkeypatch.undo()
    from securemail.storage.database import open_database
    from securemail.storage.vault import VaultPaths, unlock

    paths = VaultPaths(vault.path)
    _slots, _slot, unlocked = unlock(paths, "auditor1", kit.PASSWORDS["auditor1"])
    raw = open_database(paths.db, unlocked.deks[0])        # no migration: as the failed one left it
    assert schema_version(raw) == 13
    assert raw.execute(f"SELECT {_COLUMNS} FROM events ORDER BY seq").fetchall() == rows
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events_compact'").fetchone()[0] == 0
    raw.close()
    auditor = vault.open("auditor1")                       # the next opening migrates
    assert schema_version(auditor.conn) == schema.SCHEMA_VERSION and verify_vault(auditor, full=True)


def test_the_migration_keeps_damaged_rows_exactly():
    """Whatever bytes a schema 13 row held, the migrated row gives them back (verification judges them)."""
    conn = open_memory()
    migrate(conn, 13)
    odd = [(1, b"{not json", "[ ]"), (2, b"\x01\x02 raw", "not a list"), (3, b'{"a":1}', "[]")]
    conn.executemany("INSERT INTO events VALUES (?, 'k', 's', 'a', 't', ?, ?, x'00', x'00')", odd)
    migrate(conn)
    got = [(int(s), load_body(b), load_signatures(g).decode()) for s, b, g in
           conn.execute("SELECT seq, body, signatures FROM events ORDER BY seq")]
    assert got == odd
    conn.close()


class _FullDiskOnVacuum:
    """A connection whose VACUUM finds no room on the disk (SQLite's own message for a full disk)."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def execute(self, sql: str, *args):
        if sql == "VACUUM":
            raise DatabaseError("database or disk is full")
        return self.conn.execute(sql, *args)

    def executemany(self, sql: str, rows):
        return self.conn.executemany(sql, rows)


def test_without_room_for_the_vacuum_the_vault_is_migrated_only_larger():
    conn = open_memory()
    migrate(conn, 13)
    conn.execute("INSERT INTO events VALUES (1, 'k', 's', 'a', 't', x'7b7d', '[]', x'00', x'00')")
    assert migrate(_FullDiskOnVacuum(conn)) == schema.SCHEMA_VERSION
    assert load_body(conn.execute("SELECT body FROM events").fetchone()[0]) == b"{}"
    assert not _vacuum_pending(conn)          # given up: not tried again at every opening
    conn.close()


def _vacuum_pending(conn) -> bool:
    return conn.execute("SELECT 1 FROM meta WHERE key = ?", (schema.VACUUM_PENDING,)).fetchone() is not None


def test_a_vacuum_killed_halfway_is_done_at_the_next_opening():
    class Killed(_FullDiskOnVacuum):
        def execute(self, sql: str, *args):
            if sql == "VACUUM":
                raise KeyboardInterrupt       # the process stops inside VACUUM (atomic: the file as it was)
            return self.conn.execute(sql, *args)

    conn = open_memory()
    migrate(conn, 13)
    conn.executemany("INSERT INTO events VALUES (?, 'k', 's', 'a', 't', ?, '[]', x'00', x'00')",
                     [(seq, b"x" * 3000) for seq in range(1, 200)])
    with pytest.raises(KeyboardInterrupt):
        migrate(Killed(conn))
    assert schema_version(conn) == schema.SCHEMA_VERSION and _vacuum_pending(conn)
    assert int(conn.execute("PRAGMA freelist_count").fetchone()[0]) > 0
    migrate(conn)                               # the next opening
    assert not _vacuum_pending(conn)
    assert int(conn.execute("PRAGMA freelist_count").fetchone()[0]) == 0
    migrate(conn)                               # and never again
    conn.close()


def test_any_other_vacuum_error_is_raised():
    class Broken(_FullDiskOnVacuum):
        def execute(self, sql: str, *args):
            if sql == "VACUUM":
                raise DatabaseError("file is not a database")
            return self.conn.execute(sql, *args)

    conn = open_memory()
    migrate(conn, 13)
    conn.execute("INSERT INTO events VALUES (1, 'k', 's', 'a', 't', x'7b7d', '[]', x'00', x'00')")
    with pytest.raises(DatabaseError, match="not a database"):
        migrate(Broken(conn))
    conn.close()
