"""Fixtures for verification tests: a small realistic vault (copied per test) and an insider who holds the key.

The template vault is built once per session: an admin, a clerk, a courier, a secretary and an auditor; three
items with co-signed transfers (one delivered to a secretary, one delivered to a messenger without an account,
one still with the courier). Item events are appended straight through the ledger writer (the workflow services
are tested elsewhere); they are signed exactly as the services sign them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from securemail.clock import ICT, FixedClock
from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.signing import SigningKey
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint, office_signer_name, parse_note, previous_line
from securemail.custody.events import Event, event_hash, event_leaf_hash
from securemail.custody.ledger import LedgerWriter, Signer, load_authority, load_frontier
from securemail.custody.merkle.compact_range import CompactRange
from securemail.services import directory
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault
from securemail.storage import connect
from securemail.storage.database import Connection
from securemail.storage.event_codec import load_body, load_signatures, store_body, store_signatures
from securemail.storage.head import TreeHead, head_key, write_head
from securemail.storage.keyslots import KeySlotFile, unlock_slot
from securemail.storage.schema import LEDGER_TABLES
from securemail.storage.vault import VaultPaths, read_state, write_state

PASSWORD = "mat-khau-dai-1"
START = datetime(2026, 11, 27, 8, 0, tzinfo=ICT)
USERS = {  # username: (role, agency)
    "clerk1": ("clerk", None),
    "courier1": ("courier", None),
    "sec1": ("secretary", "UBND01"),
    "audit1": ("auditor", None),
}
ITEM_FIELDS = {"sender_agency": "SOYTE", "recipient_agency": "UBND01", "secrecy": "mat", "service": "thuong",
               "scope": "noi-tinh", "named_only": False, "envelopes": 1, "seal_condition": "intact",
               "recall": False, "doc_ref": "12/CV-SYT"}


def ticking_clock() -> FixedClock:
    return FixedClock(START)


@dataclass
class VaultInfo:
    """A vault folder on disk (closed), with the raw signing keys of its users (test-only knowledge)."""

    path: Path
    keys: dict[str, bytes]
    seqs: dict[str, int] = field(default_factory=dict)   # names of interesting events -> seq
    clock: FixedClock = field(default_factory=ticking_clock)

    def open(self, user: str = "admin", **kw: Any) -> Session:
        self.clock.advance(timedelta(minutes=1))
        return open_session(self.path, user, PASSWORD, clock=self.clock, **kw)

    def signer(self, user: str) -> Signer:
        return Signer(user, SigningKey(self.keys[user]))

    @property
    def paths(self) -> VaultPaths:
        return VaultPaths(self.path)

    def enrol(self, session: Session, user: str, role: str = "clerk") -> Signer:
        """Add a user through the directory service and keep their signing key (as they could)."""
        directory.add_user(session, user, role=role, full_name=f"Người dùng {user}", password=PASSWORD)
        self.keys[user] = user_key(session, user)
        return self.signer(user)

    def state_checkpoint(self) -> Checkpoint:
        return parse_note(read_state(self.paths)["checkpoint"])


def user_key(session: Session, user: str) -> bytes:
    return unlock_slot(session.vault_id, session.slots.slots[user], PASSWORD).signing_key.raw()


def _append(session: Session, seqs: dict[str, int], name: str, kind: str, subject: str, actor: Signer,
            data: dict[str, Any], cosigner: Signer | None = None) -> Event:
    with session.write() as ledger:
        event = ledger.append(kind, subject, actor, data, cosigner)
        # Each seeded write ends with a signed checkpoint (as when each is printed or exported at once): the
        # tests below locate a change between two checkpoints. The uncovered tail has tests of its own.
        ledger.request_checkpoint()
    seqs[name] = event.seq
    session.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    return event


def seed_items(session: Session, signers: dict[str, Signer], seqs: dict[str, int]) -> None:
    clerk, courier, sec = signers["clerk1"], signers["courier1"], signers["sec1"]
    for n, tracking in enumerate(("KT0000001VN", "KT0000002VN", "KT0000003VN"), start=1):
        _append(session, seqs, f"accept{n}", K.ITEM_ACCEPTED, tracking, clerk,
                {"item": dict(ITEM_FIELDS, description=f"Công văn số {n}"), "location": "GL01"})
    _append(session, seqs, "handover1", K.ITEM_HANDED_OVER, "KT0000001VN", clerk, {"to": "courier1"}, courier)
    _append(session, seqs, "deliver1", K.ITEM_DELIVERED, "KT0000001VN", courier, {"to": "sec1", "agency": "UBND01"},
            sec)
    _append(session, seqs, "deliver2", K.ITEM_DELIVERED, "KT0000002VN", clerk,
            {"agency": "UBND01",
             "person": {"name": "Nguyễn Văn Bình", "id_number": "001099012345", "signature": "ab" * 32}})
    _append(session, seqs, "handover3", K.ITEM_HANDED_OVER, "KT0000003VN", clerk, {"to": "courier1"}, courier)
    _append(session, seqs, "note3", K.ITEM_NOTE, "KT0000003VN", courier, {"text": "Trời mưa, bì khô."})


@pytest.fixture(scope="session")
def template_vault(tmp_path_factory: pytest.TempPathFactory) -> VaultInfo:
    path = tmp_path_factory.mktemp("template") / "vault"
    clock = ticking_clock()
    session = init_vault(path, office_code="GL01", office_name="Bưu cục Gia Lâm", admin="admin",
                         full_name="Trần Quản Trị", password=PASSWORD, clock=clock, kdf_profile="minimum")
    seqs: dict[str, int] = {}
    try:
        directory.add_agency(session, "SOYTE", name="Sở Y tế")
        directory.add_agency(session, "UBND01", name="UBND quận 1")
        for user, (role, agency) in USERS.items():
            directory.add_user(session, user, role=role, full_name=f"Người dùng {user}", password=PASSWORD,
                               agency=agency)
            seqs[f"enrol_{user}"] = int(session.conn.execute("SELECT max(seq) FROM events").fetchone()[0])
        keys = {u: user_key(session, u) for u in ("admin", *USERS)}
        signers = {u: Signer(u, SigningKey(k)) for u, k in keys.items()}
        seed_items(session, signers, seqs)
    finally:
        session.close()
    return VaultInfo(path, keys, seqs, clock)


@pytest.fixture
def vault(template_vault: VaultInfo, tmp_path: Path) -> VaultInfo:
    path = tmp_path / "vault"
    shutil.copytree(template_vault.path, path)
    # time goes on from where the template's stopped (event times never run backwards for an item)
    return VaultInfo(path, dict(template_vault.keys), dict(template_vault.seqs),
                     FixedClock(template_vault.clock.now()))


# ---- the insider: holds the data key (and so the office key), edits the database directly ------------------

class Insider:
    """Someone with a password who opens the raw database, drops the append-only triggers and edits rows."""

    def __init__(self, info: VaultInfo, user: str = "admin") -> None:
        self.info = info
        self.conn: Connection = connect(info.path, user, PASSWORD)
        triggers = [str(r[0]) for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (?, ?, ?)", LEDGER_TABLES)]
        assert triggers, "the append-only triggers should exist before the insider drops them"
        for name in triggers:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self.vault_id = str(self.conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()[0])
        # An administrator's slot holds the office key (sealed to them): this insider has it.
        slots = KeySlotFile.load(info.paths.keyslots)
        opened = unlock_slot(self.vault_id, slots.slots[user], PASSWORD)
        assert opened.office_key is not None
        self.office_key = opened.office_key
        self.user = user
        self.user_key = opened.signing_key
        self.dek = bytes(opened.deks[0])      # the data key: it also authenticates head.json

    def write_head(self) -> None:
        """head.json over the stored frontier, MACed with the data key: the insider can do it too."""
        tree = load_frontier(self.conn)
        write_head(self.info.paths, head_key(self.dek, self.vault_id), self.vault_id,
                   TreeHead(tree.size, tree.root()))

    def size(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM events").fetchone()[0])

    def body(self, seq: int) -> dict[str, Any]:
        row = self.conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()
        doc: dict[str, Any] = json.loads(load_body(row[0]))
        return doc

    def signatures(self, seq: int) -> list[dict[str, str]]:
        row = self.conn.execute("SELECT signatures FROM events WHERE seq = ?", (seq,)).fetchone()
        sigs: list[dict[str, str]] = json.loads(load_signatures(row[0]))
        return sigs

    def rewrite(self, seq: int, body: bytes | None = None, signatures: list[dict[str, str]] | None = None, *,
                fix_hashes: bool = True) -> None:
        """Replace an event's body and/or signatures (canonical bytes, stored through storage.event_codec as the
        program stores them); with fix_hashes the stored hash columns follow."""
        row = self.conn.execute("SELECT body, signatures FROM events WHERE seq = ?", (seq,)).fetchone()
        new_body = load_body(row[0]) if body is None else body
        new_sigs = load_signatures(row[1]) if signatures is None else canonical_bytes(signatures)
        self.conn.execute("UPDATE events SET body = ?, signatures = ? WHERE seq = ?",
                          (store_body(new_body), store_signatures(new_sigs), seq))
        if fix_hashes:
            self.conn.execute("UPDATE events SET event_hash = ?, leaf_hash = ? WHERE seq = ?",
                              (event_hash(new_body), event_leaf_hash(new_body, new_sigs), seq))

    def edit_body(self, seq: int, change: dict[str, Any], *, fix_hashes: bool = True) -> None:
        """Change fields of the body, re-encoded canonically: only the signatures stop matching."""
        doc = self.body(seq)
        for path, value in change.items():
            target = doc
            *parents, last = path.split(".")
            for p in parents:
                target = target[p]
            target[last] = value
        self.rewrite(seq, canonical_bytes(doc), fix_hashes=fix_hashes)

    def cover_tracks(self) -> Checkpoint:
        """Re-sign every checkpoint row over the rows as they now are, fix the frontier and state.json: only
        what needs a user's key (event signatures) or lives outside the vault folder can still tell."""
        leaves = [bytes(r[0]) for r in self.conn.execute("SELECT leaf_hash FROM events ORDER BY seq")]
        sizes = {int(r[0]) for r in self.conn.execute("SELECT size FROM checkpoints")}
        sizes = {s for s in sizes if s <= len(leaves)} | {len(leaves)}
        self.conn.execute("DELETE FROM checkpoints")
        origin = f"securemail/GL01/{self.vault_id}"
        latest = None
        previous = 0
        for size in sorted(sizes):
            root = CompactRange.from_leaf_hashes(leaves[:size]).root()
            cp = Checkpoint(origin, size, root, f"2026-11-27T09:{size % 60:02d}:00.000000+07:00",
                            extensions=(previous_line(previous),))
            previous = size
            cp = cp.signed_by(office_signer_name("GL01"), self.office_key)
            self.conn.execute("INSERT INTO checkpoints (size, root, time, note) VALUES (?, ?, ?, ?)",
                              (cp.size, cp.root, cp.time, cp.note()))
            latest = cp
        self.conn.execute("INSERT OR REPLACE INTO merkle_frontier (id, state) VALUES (1, ?)",
                          (CompactRange.from_leaf_hashes(leaves).to_bytes(),))
        assert latest is not None
        state = read_state(self.info.paths)
        state["checkpoint"] = latest.note()
        state.pop("verified", None)
        write_state(self.info.paths, state)
        self.write_head()
        return latest

    def writer(self) -> LedgerWriter:
        """The ordinary ledger writer on the raw connection: forged events get correct chains, hashes,
        frontier, projections and an office-signed checkpoint."""
        return LedgerWriter(self.conn, vault_id=self.vault_id, office_code="GL01", authority=load_authority(self.conn),
                            checkpoint_signer=Signer(self.user, self.user_key), office_key=self.office_key,
                            clock=self.info.clock)

    def forge(self, kind: str, subject: str, actor: Signer, data: dict[str, Any],
              cosigner: Signer | None = None) -> Event:
        w = self.writer()
        with w.transaction():
            event = w.append(kind, subject, actor, data, cosigner, check=False)
            w.request_checkpoint()
        assert w.last_checkpoint is not None
        state = read_state(self.info.paths)
        state["checkpoint"] = w.last_checkpoint.note()
        write_state(self.info.paths, state)
        self.write_head()
        return event

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@pytest.fixture
def make_insider(vault: VaultInfo) -> Iterator[Callable[[], Insider]]:
    """Open the insider's connection when the test wants it (e.g. after a first clean verification)."""
    opened: list[Insider] = []

    def make() -> Insider:
        opened.append(Insider(vault))
        return opened[-1]

    yield make
    for person in opened:
        person.close()


@pytest.fixture
def insider(make_insider: Callable[[], Insider]) -> Insider:
    return make_insider()
