"""Schema versions and migrations. `PRAGMA user_version` holds the version; each step runs in one transaction.

Ledger tables (events, attachments, checkpoints) are append-only: triggers refuse UPDATE and DELETE as a second
line of defence; the first line is cryptography (securemail.custody.verify).
Every other table is a projection of the ledger, rebuilt and compared by verification.
"""

from __future__ import annotations

from collections.abc import Callable

from securemail.storage.database import Connection, DatabaseError, is_disk_failure
from securemail.storage.event_codec import store_body, store_signatures

LEDGER_TABLES = ("events", "attachments", "checkpoints")

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE office_key (id INTEGER PRIMARY KEY CHECK (id = 1), private_key BLOB NOT NULL,
                         public_key BLOB NOT NULL);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    actor TEXT NOT NULL,
    time TEXT NOT NULL,
    body BLOB NOT NULL,
    signatures TEXT NOT NULL,
    event_hash BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE INDEX events_subject ON events (subject, seq);
CREATE TABLE attachments (sha256 BLOB PRIMARY KEY, media_type TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, time TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE merkle_frontier (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL);
CREATE TABLE users (
    username TEXT PRIMARY KEY, full_name TEXT NOT NULL, role TEXT NOT NULL, agency TEXT,
    public_key BLOB NOT NULL, active INTEGER NOT NULL, enrolled_seq INTEGER NOT NULL, revoked_seq INTEGER
);
CREATE TABLE agencies (code TEXT PRIMARY KEY, name TEXT NOT NULL, province TEXT, updated_seq INTEGER NOT NULL);
"""

_V2 = """
CREATE TABLE items (
    tracking TEXT PRIMARY KEY,
    sender_agency TEXT NOT NULL, recipient_agency TEXT NOT NULL,
    secrecy TEXT NOT NULL, service TEXT NOT NULL, scope TEXT NOT NULL, appointed_at TEXT,
    doc_ref TEXT, doc_date TEXT, named_recipient TEXT, named_only INTEGER NOT NULL,
    envelopes INTEGER NOT NULL, weight_grams INTEGER, seal_numbers TEXT, seal_condition TEXT NOT NULL,
    description TEXT, recall INTEGER NOT NULL, recall_deadline TEXT, copy_number INTEGER, page_count INTEGER,
    notes TEXT, sender_person TEXT, sender_person_id TEXT,
    status TEXT NOT NULL, holder TEXT, location TEXT, bag TEXT, destination TEXT,
    accepted_at TEXT NOT NULL, accepted_by TEXT NOT NULL, due_at TEXT, delivered_at TEXT, delivered_to TEXT,
    open_incidents INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL
);
CREATE INDEX items_status ON items (status, accepted_at);
CREATE INDEX items_accepted ON items (accepted_at);
CREATE INDEX items_sender ON items (sender_agency, accepted_at);
CREATE INDEX items_recipient ON items (recipient_agency, accepted_at);
CREATE INDEX items_doc_ref ON items (doc_ref);
CREATE INDEX items_secrecy ON items (secrecy, accepted_at);
CREATE INDEX items_service ON items (service, accepted_at);
CREATE INDEX items_due ON items (due_at) WHERE delivered_at IS NULL;
CREATE INDEX items_holder ON items (holder);
CREATE TABLE bags (
    bag TEXT PRIMARY KEY, destination TEXT NOT NULL, status TEXT NOT NULL, seal TEXT,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, holder TEXT, last_seq INTEGER NOT NULL
);
CREATE TABLE bag_items (bag TEXT NOT NULL, tracking TEXT NOT NULL, PRIMARY KEY (bag, tracking));
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY, tracking TEXT NOT NULL, kind TEXT NOT NULL, description TEXT NOT NULL,
    opened_by TEXT NOT NULL, opened_at TEXT NOT NULL,
    closed_seq INTEGER, closed_by TEXT, closed_at TEXT, closing_note TEXT
);
CREATE INDEX incidents_tracking ON incidents (tracking);
CREATE TABLE norms (
    service TEXT NOT NULL, scope TEXT NOT NULL, working_days_tenths INTEGER, min_lead_hours INTEGER,
    source TEXT NOT NULL, is_default INTEGER NOT NULL, PRIMARY KEY (service, scope)
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _append_only_triggers(tables: tuple[str, ...] = LEDGER_TABLES) -> str:
    out = []
    for table in tables:
        for op in ("UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'append-only ledger table: {table}'); END;"
            )
    return "\n".join(out)


_KEYS = {"events": "seq", "attachments": "sha256", "checkpoints": "size"}


def _no_replace_triggers(tables: tuple[str, ...] = LEDGER_TABLES) -> str:
    """INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse inserts onto existing keys."""
    return "\n".join(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
        f"BEGIN SELECT RAISE(ABORT, 'append-only ledger table: {table}'); END;"
        for table in tables for key in (_KEYS[table],))


_V4 = """
CREATE TABLE holidays (day TEXT PRIMARY KEY, source TEXT NOT NULL);
"""

# Law fidelity (issue 11): kinds of calendar days (a day off, or a make-up working day on a weekend) and where they
# come from (statutory: computed and recorded by an admin; admin: one-at-a-time edits); agencies outside the inner
# city (ngoại thành, Hẹn giờ lead time); the province of a bag's destination post office; the first delivery
# attempt (it stops the clock); due times changed by a norm, holiday or working-hours event, with the old value.
# The first attempt of existing items is filled from the ledger so that a replay of the old events gives the same
# rows.
_V6 = """
ALTER TABLE holidays ADD COLUMN kind TEXT NOT NULL DEFAULT 'off';
ALTER TABLE holidays ADD COLUMN origin TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE holidays ADD COLUMN name TEXT;
ALTER TABLE agencies ADD COLUMN suburban INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN first_attempt_at TEXT;
ALTER TABLE bags ADD COLUMN province TEXT;
UPDATE items SET first_attempt_at = (SELECT e.time FROM events e WHERE e.subject = items.tracking
    AND e.kind IN ('item.delivered', 'item.delivery_failed') ORDER BY e.seq LIMIT 1);
CREATE TABLE due_changes (
    tracking TEXT NOT NULL, seq INTEGER NOT NULL, old_due TEXT NOT NULL, new_due TEXT NOT NULL,
    PRIMARY KEY (tracking, seq)
);
"""


# The office's private key leaves the database (sealed to administrators' slots instead) and every key in the
# directory carries the office's certificate: vaults from before cannot be opened by this version.
_V5 = """
DROP TABLE office_key;
"""
FIRST_SIGNED_DIRECTORY_SCHEMA = 5


# Exchange between vaults (docs/formats/bundle-v2.md): pinned partner keys (a projection of pin.* events), the
# events imported from partners with their inclusion proofs (only ever inserted; never part of this vault's own log or
# Merkle tree), the bundles imported, and the checkpoints sent to each partner (a hint for consistency proofs).
# Self-contained: it may be renumbered if another migration lands first.
_EXCHANGE = """
CREATE TABLE pins (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, agency TEXT, vault TEXT NOT NULL,
    public_key BLOB NOT NULL, fingerprint TEXT NOT NULL, reason TEXT, active INTEGER NOT NULL,
    pinned_seq INTEGER NOT NULL, revoked_seq INTEGER, revoke_reason TEXT
);
CREATE TABLE foreign_events (
    origin_vault TEXT NOT NULL, seq INTEGER NOT NULL, origin_office TEXT NOT NULL, subject TEXT NOT NULL,
    kind TEXT NOT NULL, body BLOB NOT NULL, signatures TEXT NOT NULL, leaf_hash BLOB NOT NULL,
    checkpoint_size INTEGER NOT NULL, proof TEXT NOT NULL, import_seq INTEGER NOT NULL,
    PRIMARY KEY (origin_vault, seq)
);
CREATE INDEX foreign_events_subject ON foreign_events (subject, origin_vault, seq);
CREATE TABLE bundles_imported (
    sha256 BLOB PRIMARY KEY, origin_vault TEXT NOT NULL, origin_office TEXT NOT NULL, size INTEGER NOT NULL,
    root BLOB NOT NULL, note TEXT NOT NULL, import_seq INTEGER NOT NULL
);
CREATE INDEX bundles_imported_origin ON bundles_imported (origin_vault, size);
CREATE TABLE bundles_sent (to_vault TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL, time TEXT NOT NULL,
                           PRIMARY KEY (to_vault, size));
"""


# Scale (issue 15; docs/adr/0008-scale-incremental-verification.md): costs that follow the new work, not the vault.
# - events by kind (the open path and verify's warnings ask for the latest event of a kind);
# - the item counter kept by the projection of item.accepted, so numbering never counts the items table;
# - each checkpoint row keeps the Merkle compact range at its size, so checking a remembered checkpoint reads the
#   leaves after it, not every leaf (verification compares the column with the tree it recomputes).
# Self-contained: it may be renumbered if another migration lands first.
_SCALE = """
CREATE INDEX events_kind ON events (kind, seq);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters (name, value) SELECT 'items', count(*) FROM items;
ALTER TABLE checkpoints ADD COLUMN frontier BLOB;
"""


# Cross-witnessing between vaults (docs/formats/bundle-v2.md): the cosignatures this vault made of partners'
# checkpoints it imported (sent back in its next bundle to each), and those partners made of this vault's own
# checkpoints (verify compares the log with them). Only ever inserted. Self-contained: it may be renumbered.
_CROSS_WITNESS = """
CREATE TABLE cosignatures_made (
    origin_vault TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL, chain TEXT NOT NULL,
    time TEXT NOT NULL, PRIMARY KEY (origin_vault, size)
);
CREATE TABLE cosignatures_received (
    from_vault TEXT NOT NULL, from_office TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL,
    witness TEXT NOT NULL, note TEXT NOT NULL, chain TEXT NOT NULL, import_seq INTEGER NOT NULL,
    PRIMARY KEY (from_vault, size, root, witness)
);
"""


# Law fidelity, second part (issue 11): the document's urgency mark (độ khẩn: khan | thuong-khan | hoa-toc | none),
# distinct from the KT1 service class; NULL for items accepted before it was recorded (the Hỏa tốc delegate rule
# then reads the service class, as it did). The number of copies ("số lượng" in the registers). The recipient's
# position (chức vụ) is carried by the delivery event itself and needs no column.
_URGENCY_AND_COPIES = """
ALTER TABLE items ADD COLUMN urgency TEXT;
ALTER TABLE items ADD COLUMN copies INTEGER;
"""


# Views per role and sorting (securemail/services/views.py): keyset pages ordered by each sortable column and the
# tracking number (the very expressions the service sorts by), and what a courier holds. Indexes only: no data
# changes. bench/bench_views.py measures the first page against one 50 pages deep.
_VIEW_INDEXES = """
CREATE INDEX items_due_order ON items (ifnull(due_at, ''), tracking);
CREATE INDEX items_holder_order ON items (ifnull(holder, ''), tracking);
CREATE INDEX items_status_order ON items (status, tracking);
CREATE INDEX items_sender_order ON items (sender_agency, tracking);
CREATE INDEX items_recipient_order ON items (recipient_agency, tracking);
CREATE INDEX items_holder_status ON items (holder, status);
"""


# Which bags an item was in (plain verify compares the touched items' bag rows; the item's window and bundles list
# its bags): without it each lookup scanned bag_items, 3.5 ms per item at 1,000,000 events (issue 15).
_BAG_ITEMS_BY_TRACKING = """
CREATE INDEX bag_items_tracking ON bag_items (tracking);
"""


# A secretary's "to confirm" view (services.views: recipient = her agency, status out for delivery, newest first):
# with only the agency index, SQLite read every item addressed to her agency to find the few out for delivery
# (0.2-0.6 s at 1,000,000 items); this index makes its first page and its totals a read of the matching rows.
# The app never runs ANALYZE: without statistics SQLite picks this index for that view only, and keeps the agency
# index (which gives the order) for "addressed to my agency" and her other views. A vault with statistics from an
# ANALYZE (the bench's vaults) would have none for the new index, and SQLite would then take it for every
# "recipient = X" query (0.2 s instead of 2 ms at 1,000,000 items); statistics of a small vault go stale as it
# grows (9 s for a first page seen with a 30-item sample). So the items' statistics are dropped: the first ANALYZE
# makes sure sqlite_stat1 exists (CREATE TABLE of it is refused), the DELETE empties it for items, the last line
# reloads what the planner uses. No data changes. Self-contained: it may be renumbered.
_TO_CONFIRM_INDEX = """
CREATE INDEX items_recipient_status ON items (recipient_agency, status, accepted_at);
ANALYZE items_recipient_status;
DELETE FROM sqlite_stat1 WHERE tbl = 'items';
ANALYZE sqlite_schema;
"""


# Compact event storage (docs/adr/0021-compact-event-storage.md): the events table keeps each body and signatures
# list in the stored form of securemail.storage.event_codec (deflate with a preset dictionary; signatures as bytes),
# about a third of the canonical bytes. The canonical bytes, every hash, the Merkle tree and every signature are
# unchanged; the codec gives back the very bytes it was given (it checks so before anything is written), whatever
# they are, so a damaged or forged row stays exactly as damaged for verification to find. The table is rebuilt in
# seq order (full pages; rewriting rows in place would leave each page as empty as the rows shrank), with the same
# indexes and append-only triggers; signatures becomes a BLOB column. One transaction: a crash leaves the vault at
# schema 13. Opening an existing vault then VACUUMs it once (see migrate) so that the file shrinks.
_COMPACT_EVENTS_TABLE = """
CREATE TABLE events_compact (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    actor TEXT NOT NULL,
    time TEXT NOT NULL,
    body BLOB NOT NULL,
    signatures BLOB NOT NULL,
    event_hash BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
"""
_COMPACT_EVENTS_AFTER = """
DROP TABLE events;
ALTER TABLE events_compact RENAME TO events;
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_kind ON events (kind, seq);
"""
COMPACT_EVENTS_SCHEMA = 14
VACUUM_PENDING = "vacuum_pending"   # meta key: set with migration 14 when it moved rows, removed after the VACUUM
_BATCH = 2000


def _compact_events(conn: Connection) -> None:
    for statement in _split(_COMPACT_EVENTS_TABLE):
        conn.execute(statement)
    rows = conn.execute("SELECT seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash "
                        "FROM events ORDER BY seq")
    moved = False
    while batch := rows.fetchmany(_BATCH):
        moved = True
        conn.executemany(
            "INSERT INTO events_compact (seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(seq, kind, subject, actor, time, store_body(_raw(body)), store_signatures(_raw(sigs)), eh, lh)
             for seq, kind, subject, actor, time, body, sigs, eh, lh in batch])
    after = _COMPACT_EVENTS_AFTER + _append_only_triggers(("events",)) + "\n" + _no_replace_triggers(("events",))
    for statement in _split(after):
        conn.execute(statement)
    if moved:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, '14')", (VACUUM_PENDING,))


def _raw(value: object) -> bytes:
    """A stored value's exact bytes as schema 13 kept them (body BLOB; signatures TEXT, UTF-8)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value)
    return str(value).encode("utf-8")


# version -> SQL that brings the previous version to this one, or a function that does (inside the transaction)
MIGRATIONS: dict[int, str | Callable[[Connection], None]] = {
    1: _V1 + _append_only_triggers(),
    2: _V2,
    3: _no_replace_triggers(),
    4: _V4,
    5: _V5,
    6: _V6,
    7: _EXCHANGE,
    8: _SCALE,
    9: _CROSS_WITNESS,
    10: _URGENCY_AND_COPIES,
    11: _VIEW_INDEXES,
    12: _BAG_ITEMS_BY_TRACKING,
    13: _TO_CONFIRM_INDEX,
    14: _compact_events,
}
SCHEMA_VERSION = max(MIGRATIONS)

PROJECTION_TABLES = ("users", "agencies", "items", "bags", "bag_items", "incidents", "norms", "settings", "holidays",
                     "due_changes", "pins")


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema from its current version up to `target`; returns the version reached."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise RuntimeError(f"database schema {current} is newer than this program ({SCHEMA_VERSION})")
    for version in range(current + 1, target + 1):
        step = MIGRATIONS[version]
        conn.execute("BEGIN IMMEDIATE")
        try:
            if callable(step):
                step(conn)
            else:
                for statement in _split(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    if target >= COMPACT_EVENTS_SCHEMA:
        _vacuum_if_pending(conn)
    return schema_version(conn)


def _vacuum_if_pending(conn: Connection) -> None:
    """Migration 14 left the old events table's pages free inside the file (zeroed: secure_delete). New events
    would reuse them, but the file would stay its old size for years: it is rewritten once. VACUUM is atomic (an
    interruption leaves the file as it was, and the mark makes the next opening try again) and SQLCipher
    re-encrypts what it writes. Without room on the disk for the second copy it is given up: migrated, only
    larger."""
    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (VACUUM_PENDING,)).fetchone() is None:
        return
    try:
        conn.execute("VACUUM")
    except DatabaseError as e:
        if not is_disk_failure(e):
            raise
    try:
        conn.execute("DELETE FROM meta WHERE key = ?", (VACUUM_PENDING,))
    except DatabaseError as e:
        if not is_disk_failure(e):
            raise       # (a full disk: the next opening tries again)


def _split(script: str) -> list[str]:
    """Split a migration into statements (trigger bodies contain ';' so split on lines ending a statement)."""
    statements, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        if text.endswith(";") and (not text.upper().startswith("CREATE TRIGGER") or text.upper().endswith("END;")):
            statements.append(text)
            buf = []
    if "".join(buf).strip():
        statements.append("\n".join(buf))
    return statements
