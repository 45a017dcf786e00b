"""Regressions from the security review: what the timeline trusts, who may record what, and signer/data agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from securemail import storage
from securemail.crypto.signing import SigningKey, b64
from securemail.custody.events import Event, event_hash, event_leaf_hash, sign_event
from securemail.custody.ledger import Signer, log_size
from securemail.errors import BadInputError, PermissionDeniedError
from securemail.services import audit, bags, directory, items
from securemail.services.cosign import cosigner
from securemail.services.session import open_session
from securemail.services.vault_init import init_vault
from securemail.storage.event_codec import store_body, store_signatures

P = "passwort-0123456789"
ITEM = {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat", "service": "thuong", "scope": "noi-tinh"}


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, str]:
    vault = tmp_path / "v"
    with init_vault(vault, office_code="HN01", office_name="HN", admin="admin", full_name="Admin", password=P,
                    kdf_profile="minimum") as s:
        for code in ("SND", "REC"):
            directory.add_agency(s, code, name=code)
        for user, role, agency in (("clerk1", "clerk", None), ("clerk2", "clerk", None), ("courier1", "courier", None),
                                   ("courier2", "courier", None), ("sec1", "secretary", "REC"),
                                   ("auditor1", "auditor", None)):
            directory.add_user(s, user, role=role, full_name=user.upper(), password=P, agency=agency)
    with open_session(vault, "clerk1", P) as s:
        tracking = items.accept_item(s, ITEM)
    return vault, tracking


def _insert(conn, event: Event) -> None:  # type: ignore[no-untyped-def]
    body, sigs = event.body_bytes(), event.signatures_bytes()
    conn.execute("INSERT INTO events (seq, kind, subject, actor, time, body, signatures, event_hash, leaf_hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (event.seq, event.kind, event.subject, event.actor, event.time,
                                                       store_body(body), store_signatures(sigs), event_hash(body),
                                                       event_leaf_hash(body, sigs)))


def _prev(conn, subject: str) -> str | None:  # type: ignore[no-untyped-def]
    row = conn.execute("SELECT event_hash FROM events WHERE subject = ? ORDER BY seq DESC LIMIT 1",
                       (subject,)).fetchone()
    return bytes(row[0]).hex() if row else None


def test_unsigned_key_rotation_does_not_make_a_forged_event_look_valid(office) -> None:  # type: ignore[no-untyped-def]
    vault, t = office
    conn = storage.connect(vault, "clerk1", P)
    vid = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()[0]
    forged = SigningKey.generate()
    n = log_size(conn)
    _insert(conn, Event(vault=vid, seq=n + 1, time="2026-01-01T00:00:00.000000+07:00", kind="user.key_rotated",
                        subject="directory", actor="admin", prev=_prev(conn, "directory"),
                        data={"username": "clerk2", "public_key": b64(forged.public_raw())}))  # no signature
    note = Event(vault=vid, seq=n + 2, time="2026-01-01T00:00:01.000000+07:00", kind="item.note", subject=t,
                 actor="clerk2", prev=_prev(conn, t), data={"text": "received unopened"})
    _insert(conn, sign_event(note, forged))
    conn.close()
    with open_session(vault, "auditor1", P, allow_rollback=True) as s:
        shown = {e.seq: e.signature_ok for e in items.timeline(s, t)}
        assert shown[n + 2] is False
        assert not audit.verify_vault(s, full=True)


def test_verify_checks_the_role_of_every_event(office) -> None:  # type: ignore[no-untyped-def]
    vault, _t = office
    with open_session(vault, "auditor1", P) as s:
        # an auditor (read-only) signing an acceptance: the writer refuses it ...
        with pytest.raises(PermissionDeniedError), s.write() as ledger:
            ledger.append("item.accepted", "KT000009999VN", s.signer,
                          {"item": items.draft_to_data(_draft()), "location": "HN01"})
        # ... and written around the check (as an insider with the data key could), verify reports it
        with s.write() as ledger:
            ledger.append("item.accepted", "KT000009999VN", s.signer,
                          {"item": items.draft_to_data(_draft()), "location": "HN01"}, check=False)
        report = audit.verify_vault(s, full=True)
    assert any(p.code == "illegal_transition" and "auditor1 (auditor) may not record item.accepted" in p.detail
               for p in report.problems)


def _draft():  # type: ignore[no-untyped-def]
    from datetime import datetime

    from securemail.clock import ICT
    from securemail.domain.item import validate_item
    return validate_item(ITEM, now=datetime(2026, 1, 5, 9, 0, tzinfo=ICT))


def test_a_transfer_names_the_person_who_cosigned(office) -> None:  # type: ignore[no-untyped-def]
    vault, t = office
    with open_session(vault, "clerk1", P) as s:
        bag = bags.create_bag(s, "REC")
        bags.add_to_bag(s, bag, [t])
        bags.close_bag(s, bag, "KP-1")
        signer, _user = cosigner(s, "courier1", P)
        _signer2, user2 = cosigner(s, "courier2", P)
        before = log_size(s.conn)
        with pytest.raises(BadInputError):
            bags.dispatch_bag(s, bag, signer, user2)  # courier1 signs, courier2 would become the holder
        # written directly with the ledger writer, the replay refuses it too (no partial write)
        from securemail.errors import StateError
        with pytest.raises(StateError), s.write() as ledger:
            ledger.append("bag.dispatched", f"bag:{bag}", s.signer,
                          {"bag": bag, "to": "courier2", "seal": "KP-1", "items": [t]}, cosigner=Signer("courier1",
                                                                                                       signer.key))
        assert log_size(s.conn) == before


def test_init_refuses_a_file_and_leaves_nothing_half_made(tmp_path: Path) -> None:
    from securemail.errors import VaultError

    afile = tmp_path / "afile"
    afile.write_text("not a vault")
    with pytest.raises(VaultError):
        init_vault(afile, office_code="HN01", office_name="HN", admin="admin", full_name="A", password=P,
                   kdf_profile="minimum")
    assert afile.read_text() == "not a vault"
    with pytest.raises(BadInputError):  # a bad password is refused before anything is written
        init_vault(tmp_path / "v2", office_code="HN01", office_name="HN", admin="admin", full_name="A",
                   password="short", kdf_profile="minimum")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
