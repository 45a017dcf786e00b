"""Appending to the ledger: one write transaction = events + Merkle frontier + projections (+ a signed checkpoint
when one is due).

Every append computes the next sequence number, links the subject's hash chain, signs (actor, and co-signer for
transfers), inserts, extends the Merkle frontier, and applies the event to the projection tables. After each
commit the caller records the new tree head (size, root) outside the database, authenticated with a key of the
data key; a checkpoint signed by the writer is added at a cadence (docs/adr/0016-checkpoint-cadence.md): when a
caller asks (a closed bag, an import, an export, a print, the end of a session) and at least every
CHECKPOINT_EVERY_EVENTS events or CHECKPOINT_EVERY_MINUTES minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from securemail.clock import Clock, iso
from securemail.crypto.signing import SigningKey
from securemail.custody.authority import AUTHORITY_KINDS, TEMPORARY_KEY, Authority, Refusal
from securemail.custody.checkpoint import (
    Checkpoint,
    office_signer_name,
    parse_note,
    previous_line,
    user_signer_name,
)
from securemail.custody.consistency import stale_subjects
from securemail.custody.events import (
    Event,
    event_from_row,
    event_hash,
    event_leaf_hash,
    sign_event_encoded,
    unreadable,
)
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.projection import ProjectionError, apply_event
from securemail.custody.rules import custody_refusals, parse_time, time_refusal
from securemail.errors import StateError
from securemail.storage.database import Connection
from securemail.storage.event_codec import store_body, store_signatures


@dataclass(frozen=True)
class Signer:
    username: str
    key: SigningKey


class LedgerRefused(Exception):
    """The authority or the custody rules refuse an event (nothing was written)."""

    def __init__(self, refusals: list[Refusal], *, about_state: bool = False) -> None:
        super().__init__("; ".join(r.detail for r in refusals))
        self.refusals = refusals
        self.about_state = about_state     # the item's state or time, not who signed


class ProjectionStale(Exception):
    """The rows an event would change disagree with the log (edited, or an older page put back): nothing is
    written on them until verify has been run and the vault restored."""

    def __init__(self, subjects: list[str]) -> None:
        super().__init__(", ".join(subjects))
        self.subjects = subjects


CHECKPOINT_EVERY_EVENTS = 256    # a write that leaves more events than this after the newest checkpoint signs one
CHECKPOINT_EVERY_MINUTES = 60    # ... and so does a write more than this after it


class LedgerWriter:
    """Appends events signed by `signer` (and co-signers), each judged first by the authority and the custody
    rules, exactly as the verifier will judge it. A commit leaves `last_head` (size, root) for the caller to
    record outside; when a checkpoint is due it is signed by the writer (and by the office key when the writer,
    an administrator, holds it) in the same commit and left in `last_checkpoint`."""

    def __init__(self, conn: Connection, *, vault_id: str, office_code: str, authority: Authority,
                 checkpoint_signer: Signer, office_key: SigningKey | None, clock: Clock) -> None:
        self._conn = conn
        self._vault_id = vault_id
        self._office_code = office_code
        self.authority = authority
        self.checkpoint_signer = checkpoint_signer
        self._office_key = office_key
        self._clock = clock
        self._in_tx = False
        self._frontier: CompactRange | None = None
        self._wants_checkpoint = False
        self.last_checkpoint: Checkpoint | None = None     # signed by the last commit (None: none was due)
        self.last_head: tuple[int, bytes] | None = None    # (size, root) after the last commit that appended
        self.last_kinds: frozenset[str] = frozenset()      # the kinds of event the last commit appended
        self._kinds: set[str] = set()

    @property
    def origin(self) -> str:
        return f"securemail/{self._office_code}/{self._vault_id}"

    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    def request_checkpoint(self) -> None:
        """Sign a checkpoint at the end of the open transaction (a batch: a closed bag, an import)."""
        self._wants_checkpoint = True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All appends inside commit together (with a checkpoint when one is due), or not at all."""
        if self._in_tx:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        self._frontier = load_frontier(self._conn)
        self._wants_checkpoint = False
        self.last_checkpoint, self.last_head, self.last_kinds = None, None, frozenset()
        self._kinds = set()
        start_size = self._frontier.size
        try:
            refresh_authority(self._conn, self.authority)   # another desk may have changed the directory
            yield
            appended = self._frontier.size != start_size
            cp = self._write_checkpoint(self._frontier) if appended and self._checkpoint_due() else None
            head = (self._frontier.size, self._frontier.root()) if appended else None
            self._conn.execute("COMMIT")
            self.last_checkpoint, self.last_head, self.last_kinds = cp, head, frozenset(self._kinds)
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk at COMMIT): a second ROLLBACK would
            # fail and hide the error that matters.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            self.authority = load_authority(self._conn)       # forget what the rolled-back events taught it
            raise
        finally:
            self._in_tx = False
            self._frontier = None
            self._wants_checkpoint = False

    def checkpoint_now(self) -> tuple[Checkpoint, bool]:
        """The newest signed checkpoint, signed now (in a transaction of its own) unless it already covers the
        whole log: what an export, a witness or a printed statement cites. The flag: signed now."""
        if self._in_tx:
            raise RuntimeError("checkpoint_now inside a ledger transaction")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            frontier = load_frontier(self._conn)
            newest = latest_checkpoint(self._conn)
            if newest is not None and newest.size == frontier.size:
                self._conn.execute("COMMIT")
                return newest, False
            refresh_authority(self._conn, self.authority)   # the signer may have been revoked at another desk
            cp = self._write_checkpoint(frontier)
            if not self.authority.checkpoint_holds(cp):
                raise LedgerRefused([Refusal("key_not_valid", f"{self.checkpoint_signer.username} cannot sign a "
                                                                "checkpoint of this log now")])
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        return cp, True

    def _checkpoint_due(self) -> bool:
        if self._wants_checkpoint or self._frontier is None:
            return True
        row = self._conn.execute("SELECT size, time FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
        if row is None or self._frontier.size - int(row[0]) >= CHECKPOINT_EVERY_EVENTS:
            return True
        signed = parse_time(str(row[1]))
        return signed is None or self._clock.now() - signed >= timedelta(minutes=CHECKPOINT_EVERY_MINUTES)

    def append(self, kind: str, subject: str, actor: Signer, data: dict[str, Any],
               cosigner: Signer | None = None, *, check: bool = True) -> Event:
        """Sign and append one event. `check=False` skips the authority and custody rules: only for tests that
        play a hostile insider (who can write anything with the data key); the verifier reports what the check
        would have refused."""
        if not self._in_tx or self._frontier is None:
            raise RuntimeError("append outside a ledger transaction")
        seq = self._frontier.size + 1
        row = self._conn.execute(
            "SELECT event_hash, time FROM events WHERE subject = ? ORDER BY seq DESC LIMIT 1", (subject,)).fetchone()
        prev = bytes(row[0]).hex() if row else None
        draft = Event(vault=self._vault_id, seq=seq, time=iso(self._clock.now()), kind=kind, subject=subject,
                      actor=actor.username, prev=prev, data=data,
                      cosigner=cosigner.username if cosigner else None)
        event, body = sign_event_encoded(draft, actor.key, cosigner.key if cosigner else None)
        sigs = event.signatures_bytes()      # the body is encoded once, when signed (canonical JSON is slow)
        if check:
            self._judge(event, body, row[1] if row else None, [actor.key] + ([cosigner.key] if cosigner else []))
            stale = stale_subjects(self._conn, event)
            if stale:
                raise ProjectionStale(stale)
        leaf = event_leaf_hash(body, sigs)
        self._conn.execute(
            "INSERT INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, kind, subject, event.actor, event.time, store_body(body), store_signatures(sigs), event_hash(body),
             leaf))
        self._frontier.append(leaf)
        self._kinds.add(kind)
        self._conn.execute("INSERT OR REPLACE INTO merkle_frontier (id, state) VALUES (1, ?)",
                           (self._frontier.to_bytes(),))
        try:
            apply_event(self._conn, event)
        except ProjectionError as e:  # the services check first; this catches a race or a bug, never silently
            raise StateError("state.conflict", detail=str(e)) from e
        if kind in AUTHORITY_KINDS and (check or self.authority.judge(event, body).holds()):
            self.authority.apply(event)
        return event

    def _judge(self, event: Event, body: bytes, previous_time: str | None, signing_keys: list[SigningKey]) -> None:
        """Refuse what the verifier would report: the same authority, rule table and custody rules."""
        judgement = self.authority.judge(event, body)
        refusals = list(judgement.refusals)
        refusals += [Refusal("key_not_valid", f"{n.detail}: {TEMPORARY_KEY}") for n in judgement.needs if n.temporary]
        if event.kind in AUTHORITY_KINDS:
            refusals += [Refusal("bad_signature", n.detail) for n in judgement.failed_needs()]
        else:   # signed just now: the keys used must be the ones the authority says are valid
            used = {s.sig: k.public_raw() for s, k in zip(event.signatures, signing_keys, strict=True)}
            refusals += [Refusal("key_not_valid", f"{n.detail}: not the key valid now")
                         for n in judgement.needs if used.get(n.check.sig) != n.check.key]
        if refusals:
            raise LedgerRefused(refusals)
        t = time_refusal(event, previous_time)
        state = ([t] if t is not None else []) + custody_refusals(self._conn, self.authority, event)
        if state:
            raise LedgerRefused(state, about_state=True)

    def attach(self, digest: bytes, media_type: str, data: bytes) -> None:
        """Store a blob (e.g. a handwritten signature image) named by its SHA-256; events refer to the hash."""
        # The same image twice (a person signing two deliveries) is stored once; the append-only trigger refuses
        # even an INSERT OR IGNORE of an existing key, so look first.
        if self._conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (digest,)).fetchone() is None:
            self._conn.execute("INSERT INTO attachments (sha256, media_type, data) VALUES (?, ?, ?)",
                               (digest, media_type, data))

    def _write_checkpoint(self, frontier: CompactRange) -> Checkpoint:
        row = self._conn.execute("SELECT max(size) FROM checkpoints").fetchone()
        previous = int(row[0]) if row and row[0] is not None else 0     # the vault's newest checkpoint
        # Never dated before the events it covers, even if the clock stepped back since they were written.
        when = iso(self._clock.now())
        for (time,) in self._conn.execute("SELECT time FROM events WHERE seq > ?", (previous,)):
            if _later(str(time), when):
                when = str(time)
        cp = Checkpoint(self.origin, frontier.size, frontier.root(), when, extensions=(previous_line(previous),))
        cp = sign_checkpoint(cp, self._office_code, self.checkpoint_signer, self._office_key)
        kept = self._conn.execute("SELECT size FROM checkpoints WHERE frontier IS NOT NULL ORDER BY size DESC "
                                  "LIMIT 1").fetchone()
        keep = kept is None or frontier.size - int(kept[0]) >= FRONTIER_EVERY
        self._conn.execute("INSERT INTO checkpoints (size, root, time, note, frontier) VALUES (?, ?, ?, ?, ?)",
                           (cp.size, cp.root, cp.time, cp.note(), frontier.to_bytes() if keep else None))
        return cp


def _later(a: str, b: str) -> bool:
    ta, tb = parse_time(a), parse_time(b)
    return ta is not None and tb is not None and ta > tb


def sign_checkpoint(cp: Checkpoint, office_code: str, signer: Signer, office_key: SigningKey | None) -> Checkpoint:
    """A checkpoint signed by the person who wrote (or exports) it, and by the office key when they hold it."""
    cp = cp.signed_by(user_signer_name(office_code, signer.username), signer.key)
    if office_key is not None:
        cp = cp.signed_by(office_signer_name(office_code), office_key)
    return cp


def load_authority(conn: Connection) -> Authority:
    """The authority replayed from the directory events stored in the log (signatures checked as it goes)."""
    return Authority.replay(read_events(conn, _AUTHORITY_WHERE, _AUTHORITY_KINDS_ARGS))


def refresh_authority(conn: Connection, authority: Authority) -> None:
    """Bring `authority` up to date with directory events appended since it was built (by another process)."""
    row = conn.execute(f"SELECT max(seq) FROM events {_AUTHORITY_WHERE}", _AUTHORITY_KINDS_ARGS).fetchone()
    if row is None or row[0] is None or int(row[0]) <= authority.last_seq:
        return
    for e in read_events(conn, f"{_AUTHORITY_WHERE} AND seq > ?", (*_AUTHORITY_KINDS_ARGS, authority.last_seq)):
        authority.observe(e)


_AUTHORITY_KINDS_ARGS: tuple[str, ...] = tuple(sorted(AUTHORITY_KINDS))
_AUTHORITY_WHERE = f"WHERE subject = 'directory' AND kind IN ({', '.join('?' for _ in _AUTHORITY_KINDS_ARGS)})"


def load_frontier(conn: Connection) -> CompactRange:
    row = conn.execute("SELECT state FROM merkle_frontier WHERE id = 1").fetchone()
    return CompactRange.from_bytes(bytes(row[0])) if row else CompactRange()


def log_size(conn: Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM events").fetchone()
    return int(row[0] or 0)


def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    row = conn.execute("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    return parse_note(row[0]) if row else None


FRONTIER_EVERY = 256   # events between checkpoint rows that keep their compact range (~20 x 32 bytes each)


def kept_frontier(conn: Connection, size: int) -> CompactRange:
    """The compact range kept with the latest checkpoint row at or before `size` (an empty range if none keeps
    one: older vaults). At most FRONTIER_EVERY events plus one transaction separate it from `size`."""
    row = conn.execute("SELECT frontier FROM checkpoints WHERE size <= ? AND frontier IS NOT NULL "
                       "ORDER BY size DESC LIMIT 1", (size,)).fetchone()
    if row is None:
        return CompactRange()
    try:
        tree = CompactRange.from_bytes(bytes(row[0]))
    except (ValueError, TypeError):
        return CompactRange()
    return tree if tree.size <= size else CompactRange()


def leaf_hashes_between(conn: Connection, start: int, end: int | None = None) -> list[bytes]:
    """Stored leaf hashes for seq start+1..end in order (a range of the primary key)."""
    if end is None:
        rows = conn.execute("SELECT leaf_hash FROM events WHERE seq > ? ORDER BY seq", (start,))
    else:
        rows = conn.execute("SELECT leaf_hash FROM events WHERE seq > ? AND seq <= ? ORDER BY seq", (start, end))
    return [bytes(r[0]) for r in rows]


def leaf_hashes(conn: Connection, end: int | None = None) -> list[bytes]:
    """Stored leaf hashes for seq 1..end in order (trusting the column; verification recomputes them)."""
    query = "SELECT leaf_hash FROM events ORDER BY seq" if end is None else \
        "SELECT leaf_hash FROM events WHERE seq <= ? ORDER BY seq"
    args: tuple[int, ...] = () if end is None else (end,)
    return [bytes(r[0]) for r in conn.execute(query, args)]


def read_events(conn: Connection, where: str = "", args: tuple[Any, ...] = ()) -> list[Event]:
    """The events the clause selects, in log order; VaultError (vault.event_unreadable) for one that is damaged."""
    out = []
    for seq, body, sigs in conn.execute(f"SELECT seq, body, signatures FROM events {where} ORDER BY seq", args):
        try:
            out.append(event_from_row(body, sigs))
        except ValueError as e:
            raise unreadable(int(seq)) from e
    return out
