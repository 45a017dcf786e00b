"""Appending to the ledger: one write transaction = events + Merkle frontier + signed checkpoint + projections.

Every append computes the next sequence number, links the subject's hash chain, signs (actor, and co-signer for
transfers), inserts, extends the Merkle frontier, and applies the event to the projection tables. At commit the
vault gets a checkpoint signed by the office key; the caller then records it outside the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from securemail.clock import Clock, iso
from securemail.crypto.signing import Domain, SigningKey
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint, office_signer_name, parse_note
from securemail.custody.events import Event, event_from_stored, event_hash, event_leaf_hash, sign_event
from securemail.custody.merkle import CompactRange
from securemail.custody.projection import ProjectionError, apply_event
from securemail.errors import StateError
from securemail.storage.database import Connection


@dataclass(frozen=True)
class Signer:
    username: str
    key: SigningKey


class LedgerWriter:
    def __init__(self, conn: Connection, *, vault_id: str, office_code: str, office_key: SigningKey,
                 clock: Clock) -> None:
        self._conn = conn
        self._vault_id = vault_id
        self._office_code = office_code
        self._office_key = office_key
        self._clock = clock
        self._in_tx = False
        self._frontier: CompactRange | None = None
        self.last_checkpoint: Checkpoint | None = None

    @property
    def origin(self) -> str:
        return f"securemail/{self._office_code}/{self._vault_id}"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All appends inside commit together with one checkpoint, or not at all."""
        if self._in_tx:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        self._frontier = load_frontier(self._conn)
        start_size = self._frontier.size
        try:
            yield
            if self._frontier.size != start_size:
                self.last_checkpoint = self._write_checkpoint(self._frontier)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        finally:
            self._in_tx = False
            self._frontier = None

    def append(self, kind: str, subject: str, actor: Signer, data: dict[str, Any],
               cosigner: Signer | None = None) -> Event:
        if not self._in_tx or self._frontier is None:
            raise RuntimeError("append outside a ledger transaction")
        if cosigner is not None and cosigner.username == actor.username and kind != K.USER_KEY_ROTATED:
            raise ValueError("actor and co-signer must differ")  # except a user rotating their own key
        seq = self._frontier.size + 1
        row = self._conn.execute(
            "SELECT event_hash FROM events WHERE subject = ? ORDER BY seq DESC LIMIT 1", (subject,)).fetchone()
        prev = bytes(row[0]).hex() if row else None
        draft = Event(vault=self._vault_id, seq=seq, time=iso(self._clock.now()), kind=kind, subject=subject,
                      actor=actor.username, prev=prev, data=data,
                      cosigner=cosigner.username if cosigner else None)
        event = sign_event(draft, actor.key, cosigner.key if cosigner else None)
        body, sigs = event.body_bytes(), event.signatures_bytes()
        leaf = event_leaf_hash(body, sigs)
        self._conn.execute(
            "INSERT INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, kind, subject, event.actor, event.time, body, sigs.decode(), event_hash(body), leaf))
        self._frontier.append(leaf)
        self._conn.execute("INSERT OR REPLACE INTO merkle_frontier (id, state) VALUES (1, ?)",
                           (self._frontier.to_bytes(),))
        try:
            apply_event(self._conn, event)
        except ProjectionError as e:  # the services check first; this catches a race or a bug, never silently
            raise StateError("state.conflict", detail=str(e)) from e
        return event

    def attach(self, digest: bytes, media_type: str, data: bytes) -> None:
        """Store a blob (e.g. a handwritten signature image) named by its SHA-256; events refer to the hash."""
        # The same image twice (a person signing two deliveries) is stored once; the append-only trigger refuses
        # even an INSERT OR IGNORE of an existing key, so look first.
        if self._conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (digest,)).fetchone() is None:
            self._conn.execute("INSERT INTO attachments (sha256, media_type, data) VALUES (?, ?, ?)",
                               (digest, media_type, data))

    def _write_checkpoint(self, frontier: CompactRange) -> Checkpoint:
        cp = Checkpoint(self.origin, frontier.size, frontier.root(), iso(self._clock.now()))
        cp = cp.signed_by(office_signer_name(self._office_code), self._office_key, Domain.CHECKPOINT)
        self._conn.execute("INSERT INTO checkpoints (size, root, time, note) VALUES (?, ?, ?, ?)",
                           (cp.size, cp.root, cp.time, cp.note()))
        return cp


def load_frontier(conn: Connection) -> CompactRange:
    row = conn.execute("SELECT state FROM merkle_frontier WHERE id = 1").fetchone()
    return CompactRange.from_bytes(bytes(row[0])) if row else CompactRange()


def log_size(conn: Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM events").fetchone()
    return int(row[0] or 0)


def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    row = conn.execute("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    return parse_note(row[0]) if row else None


def leaf_hashes(conn: Connection, end: int | None = None) -> list[bytes]:
    """Stored leaf hashes for seq 1..end in order (trusting the column; verification recomputes them)."""
    query = "SELECT leaf_hash FROM events ORDER BY seq" if end is None else \
        "SELECT leaf_hash FROM events WHERE seq <= ? ORDER BY seq"
    args: tuple[int, ...] = () if end is None else (end,)
    return [bytes(r[0]) for r in conn.execute(query, args)]


def read_events(conn: Connection, where: str = "", args: tuple[Any, ...] = ()) -> list[Event]:
    rows = conn.execute(f"SELECT body, signatures FROM events {where} ORDER BY seq", args).fetchall()
    return [event_from_stored(bytes(b), s) for b, s in rows]
