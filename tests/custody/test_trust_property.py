"""Issue 8, item 5 as a property: whatever the ledger writer's own check refuses, verify reports.

Random sequences of custody events and revocations (kinds, actors, co-signers, subjects and data from small
pools; times that mostly run forward and sometimes jump back) are appended to a copy of the template vault through
the low-level ledger API, bypassing the services. Each event is first offered to the writer with its check on (as
every service writes); what it refuses is written anyway by an insider (`check=False`, or straight into the table
when even the projection cannot take it). Verify must then report a problem at the sequence number of every refused
event, and nothing at all when nothing was refused.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from securemail.clock import FixedClock, iso
from securemail.crypto.signing import SigningKey
from securemail.custody import kinds as K
from securemail.custody.events import Event, event_hash, event_leaf_hash, sign_event
from securemail.custody.ledger import (
    LedgerRefused,
    LedgerWriter,
    ProjectionStale,
    Signer,
    load_authority,
    load_frontier,
    log_size,
)
from securemail.custody.verify import verify_ledger
from securemail.errors import StateError
from securemail.storage import connect
from securemail.storage.database import Connection
from securemail.storage.event_codec import store_body, store_signatures
from securemail.storage.keyslots import KeySlotFile, unlock_slot
from securemail.storage.schema import LEDGER_TABLES

if TYPE_CHECKING:
    from conftest import VaultInfo

PASSWORD = "mat-khau-dai-1"
USERS = ("admin", "clerk1", "courier1", "sec1", "audit1")
SUBJECTS = ("KT0000001VN", "KT0000003VN", "KT0000004VN")   # delivered; with courier1; not yet accepted
ITEM = {"sender_agency": "SOYTE", "recipient_agency": "UBND01", "secrecy": "mat", "service": "thuong",
        "scope": "noi-tinh", "named_only": False, "envelopes": 1, "seal_condition": "intact", "recall": False,
        "doc_ref": "99/CV-SYT", "description": "Công văn thử"}
PERSON = {"name": "Lê Văn Cường", "id_number": "001099012345", "signature": "cd" * 32}

users = st.sampled_from(USERS)
maybe_person = st.one_of(st.none(), st.just(PERSON))


def _with_person(data: dict[str, Any], person: dict[str, Any] | None) -> dict[str, Any]:
    return data if person is None else {**data, "person": person}


DATA = {
    K.ITEM_ACCEPTED: st.just({"item": ITEM, "location": "GL01"}),
    K.ITEM_HANDED_OVER: st.builds(lambda a, b: {"from": a, "to": b}, users, users),
    K.ITEM_ARRIVED: st.builds(lambda a, p: _with_person({"from": a, "location": "GL01"}, p), users, maybe_person),
    K.ITEM_OUT_FOR_DELIVERY: st.just({"note": None}),
    K.ITEM_DELIVERED: st.builds(
        lambda to, agency, p: _with_person({"to": to, "agency": agency, "as_delegate": False}, p),
        st.one_of(st.none(), users), st.sampled_from(("UBND01", "SOYTE")), maybe_person),
    K.ITEM_DELIVERY_FAILED: st.just({"reason": "Vắng nhà"}),
    K.ITEM_RETURNED: st.just({"destination": "SOYTE", "reason": "Sai địa chỉ"}),
    K.ITEM_NOTE: st.just({"text": "Ghi chú"}),
    K.USER_REVOKED: st.builds(lambda u: {"username": u}, st.sampled_from(("clerk1", "courier1", "sec1"))),
}

random_step = st.sampled_from(sorted(DATA)).flatmap(lambda kind: st.tuples(
    st.just(kind), st.just(K.DIRECTORY) if kind == K.USER_REVOKED else st.sampled_from(SUBJECTS), users,
    st.one_of(st.none(), users), DATA[kind]))

HOLDERS = st.sampled_from(("clerk1", "courier1"))


@st.composite
def plausible_step(draw: st.DrawFn) -> tuple[Any, ...]:
    """An event the services might well write (right roles, data that names its signers), so that the refusals
    that remain are the subtle ones: holder, status, time, agency, named-only, a person instead of a co-signer."""
    kind = draw(st.sampled_from(sorted(DATA)))
    subject = draw(st.sampled_from(SUBJECTS))
    actor = draw(HOLDERS)
    cosigner: str | None = None
    data: dict[str, Any] = draw(DATA[kind])
    if kind == K.USER_REVOKED:
        subject, actor = K.DIRECTORY, "admin"
    elif kind == K.ITEM_ACCEPTED:
        actor = "clerk1"
    elif kind == K.ITEM_HANDED_OVER:
        cosigner = "courier1" if actor == "clerk1" else "clerk1"
        data = {"from": actor, "to": cosigner}
    elif kind == K.ITEM_ARRIVED:
        actor = "clerk1"
        person = draw(maybe_person)
        cosigner = None if person is not None else draw(HOLDERS)
        data = _with_person({"from": cosigner or draw(HOLDERS), "location": "GL01"}, person)
    elif kind == K.ITEM_DELIVERED:
        person = draw(maybe_person)
        cosigner = None if person is not None else "sec1"
        data = _with_person({"to": cosigner, "agency": draw(st.sampled_from(("UBND01", "UBND01", "SOYTE"))),
                             "as_delegate": False}, person)
    return kind, subject, actor, cosigner, data


steps = st.tuples(st.one_of(plausible_step(), plausible_step(), random_step),
                  st.sampled_from((3, 3, 3, 3, -2 * 24 * 60)))  # minutes; now and then the clock goes back


class RawInsider:
    """An administrator's raw connection with the append-only triggers dropped, and the office key."""

    def __init__(self, info: VaultInfo, path: Any, clock: FixedClock) -> None:
        self.conn: Connection = connect(path, "admin", PASSWORD)
        for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                         "AND tbl_name IN (?, ?, ?)", LEDGER_TABLES).fetchall():
            self.conn.execute(f'DROP TRIGGER "{name}"')
        slots = KeySlotFile.load(path / "keyslots.json")
        opened = unlock_slot(slots.vault_id, slots.slots["admin"], PASSWORD)
        self.vault_id = slots.vault_id
        self.office_key = opened.office_key
        self.admin = Signer("admin", opened.signing_key)
        self.keys = info.keys
        self.clock = clock

    def signer(self, user: str | None) -> Signer | None:
        return None if user is None else Signer(user, SigningKey(self.keys[user]))

    def writer(self) -> LedgerWriter:
        return LedgerWriter(self.conn, vault_id=self.vault_id, office_code="GL01", authority=load_authority(self.conn),
                            checkpoint_signer=self.admin, office_key=self.office_key, clock=self.clock)

    def offer(self, kind: str, subject: str, actor: str, cosigner: str | None, data: dict[str, Any]) -> str:
        """Append with the writer's check: "accepted", "refused" (the event itself), or "stale" (an earlier forced
        event left a row its log disagrees with, so the writer touches that subject no more; verify reports the
        earlier event). Nothing is written unless accepted."""
        w = self.writer()
        try:
            with w.transaction():
                w.append(kind, subject, self.signer(actor), data, self.signer(cosigner))  # type: ignore[arg-type]
        except ProjectionStale:
            return "stale"
        except (LedgerRefused, StateError):
            return "refused"
        return "accepted"

    def force(self, kind: str, subject: str, actor: str, cosigner: str | None, data: dict[str, Any]) -> int:
        """Write it anyway: around the check, or straight into the table when the projection cannot take it."""
        w = self.writer()
        try:
            with w.transaction():
                return w.append(kind, subject, self.signer(actor), data, self.signer(cosigner),  # type: ignore[arg-type]
                                check=False).seq
        except StateError:
            pass
        seq = log_size(self.conn) + 1
        row = self.conn.execute("SELECT event_hash FROM events WHERE subject = ? ORDER BY seq DESC LIMIT 1",
                                (subject,)).fetchone()
        co = self.signer(cosigner)
        event = sign_event(Event(vault=self.vault_id, seq=seq, time=iso(self.clock.now()), kind=kind, subject=subject,
                                 actor=actor, prev=bytes(row[0]).hex() if row else None, data=data,
                                 cosigner=cosigner), SigningKey(self.keys[actor]), co.key if co else None)
        body, sigs = event.body_bytes(), event.signatures_bytes()
        leaf = event_leaf_hash(body, sigs)
        frontier = load_frontier(self.conn)
        frontier.append(leaf)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, "
                          "leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (seq, kind, subject, actor, event.time, store_body(body), store_signatures(sigs),
                           event_hash(body), leaf))
        self.conn.execute("INSERT OR REPLACE INTO merkle_frontier (id, state) VALUES (1, ?)", (frontier.to_bytes(),))
        self.conn.execute("COMMIT")
        return seq


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(steps, min_size=1, max_size=8))
def test_verify_reports_every_event_the_writer_refuses(template_vault: VaultInfo,
                                                       tmp_path_factory: pytest.TempPathFactory,
                                                       sequence: list[tuple[Any, ...]]) -> None:
    path = tmp_path_factory.mktemp("prop") / "vault"
    shutil.copytree(template_vault.path, path)
    clock = FixedClock(template_vault.clock.now())
    insider = RawInsider(template_vault, path, clock)
    refused: dict[int, tuple[Any, ...]] = {}
    try:
        for (kind, subject, actor, cosigner, data), minutes in sequence:
            clock.advance(timedelta(minutes=minutes))
            outcome = insider.offer(kind, subject, actor, cosigner, data)
            if outcome != "accepted":
                seq = insider.force(kind, subject, actor, cosigner, data)
                if outcome == "refused":
                    refused[seq] = (kind, subject, actor, cosigner, data)
        report = verify_ledger(insider.conn, workers=1)
    finally:
        insider.conn.close()
    event(f"{len(sequence) - len(refused)} accepted, {len(refused)} refused")
    reported = {p.seq for p in report.problems}
    missed = {seq: what for seq, what in refused.items() if seq not in reported}
    assert not missed, f"verify accepts events the writer refused: {missed}"
    if not refused:
        assert not report.problems, [p.to_json() for p in report.problems]
