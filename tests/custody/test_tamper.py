"""The tamper matrix: an insider who holds the data key (and so the office key inside the database) edits rows.

Each case asserts the exact set of (code, seq) problems. Most insiders here "cover their tracks": they fix the
hash columns, re-sign every checkpoint with the office key, fix the Merkle frontier and rewrite state.json, so
that what remains is exactly what needs a user's private key (see conftest.Insider.cover_tracks).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from securemail.crypto.signing import SigningKey
from securemail.custody import kinds as K
from securemail.custody.ledger import Signer
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.verify import VerificationReport, verify_ledger
from securemail.errors import PermissionDeniedError, RollbackError
from securemail.services import directory
from securemail.services.audit import export_checkpoint, verify_vault
from securemail.storage import connect
from securemail.storage.event_codec import load_body

if TYPE_CHECKING:
    from conftest import Insider, VaultInfo

PASSWORD = "mat-khau-dai-1"
USERS = ("clerk1", "courier1", "sec1", "audit1")


def found(report: VerificationReport) -> set[tuple[str, int | None]]:
    return {(p.code, p.seq) for p in report.problems}


def only(report: VerificationReport, code: str) -> list[str]:
    return [p.detail for p in report.problems if p.code == code]


# ---- (a) one field of an event body changed -------------------------------------------------------------------

def test_a_changed_field_breaks_only_the_signature(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["deliver2"]              # the last event of its item: no later chain link to break
    insider.edit_body(seq, {"data.person.name": "Lê Văn Cường"})
    insider.conn.execute("UPDATE items SET delivered_to = 'Lê Văn Cường' WHERE tracking = 'KT0000002VN'")
    insider.cover_tracks()
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert found(report) == {("bad_signature", seq)}
    assert report.problems[0].item == "KT0000002VN" and "clerk1" in report.problems[0].detail


def test_a_changed_field_without_covering_tracks(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["deliver2"]
    size = insider.size()
    insider.edit_body(seq, {"data.person.name": "Lê Văn Cường"}, fix_hashes=False)
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert found(report) == {
        ("bad_signature", seq),
        ("stored_hash_differs", seq),             # events.event_hash and events.leaf_hash
        ("checkpoint_root_differs", seq),         # the vault checkpoint of size seq and all later ones
        ("not_extension", size),                  # the state file's checkpoint
        ("stored_hash_differs", None),            # merkle_frontier
        ("projection_differs", seq),              # items.delivered_to no longer what the ledger says
    }
    assert len(only(report, "stored_hash_differs")) == 3
    assert f"events {seq}..{seq}" in only(report, "checkpoint_root_differs")[0]


def test_a_changed_field_in_a_chain_also_breaks_the_next_link(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["handover3"]
    insider.edit_body(seq, {"data.to": "clerk1"})
    insider.conn.execute("UPDATE items SET holder = 'clerk1' WHERE tracking = 'KT0000003VN'")
    insider.cover_tracks()
    report = verify_ledger(insider.conn)
    # Both signatures on a handover break; the note after it links to the original hash. The replay also sees
    # a hand-over whose recipient is not its co-signer (illegal_transition) and the consequences downstream.
    assert found(report) >= {("bad_signature", seq), ("broken_chain", vault.seqs["note3"])}
    assert found(report) - {("bad_signature", seq), ("broken_chain", vault.seqs["note3"])} <= {
        ("illegal_transition", seq), ("projection_differs", vault.seqs["note3"])}
    assert sorted(only(report, "bad_signature")) == ["co-signature by courier1", "signature by clerk1"]


# ---- (b) an event deleted -------------------------------------------------------------------------------------

def test_b_deleted_event_is_missing(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["deliver1"]
    insider.conn.execute("DELETE FROM events WHERE seq = ?", (seq,))
    insider.conn.execute("UPDATE items SET status = 'in-transit', holder = 'courier1', delivered_at = NULL, "
                         "delivered_to = NULL, first_attempt_at = NULL, last_seq = ? WHERE tracking = 'KT0000001VN'",
                             (vault.seqs["handover1"],))
    insider.cover_tracks()
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert found(report) == {("missing_event", seq)}


def test_b_deleted_event_left_in_the_projection(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["deliver1"]
    insider.conn.execute("DELETE FROM events WHERE seq = ?", (seq,))
    insider.cover_tracks()
    report = verify_ledger(insider.conn)
    assert found(report) == {("missing_event", seq), ("projection_differs", vault.seqs["handover1"])}
    assert {p.item for p in report.problems if p.code == "projection_differs"} == {"KT0000001VN"}
    assert any("column status: vault has 'delivered', ledger says 'in-transit'" in d
               for d in only(report, "projection_differs"))


# ---- (c) a forged event inserted ------------------------------------------------------------------------------

def test_c_event_signed_by_a_key_outside_the_directory(vault: VaultInfo, insider: Insider) -> None:
    mallory = Signer("mallory", SigningKey.generate())
    event = insider.forge(K.ITEM_NOTE, "KT0000003VN", mallory, {"text": "Đã kiểm tra."})
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert found(report) == {("unknown_signer", event.seq)}
    assert report.problems[0].item == "KT0000003VN"


def test_c_event_in_a_real_users_name_with_another_key(vault: VaultInfo, insider: Insider) -> None:
    event = insider.forge(K.ITEM_NOTE, "KT0000003VN", Signer("clerk1", SigningKey.generate()), {"text": "x"})
    assert found(verify_ledger(insider.conn)) == {("bad_signature", event.seq)}


def test_c_transfer_with_a_forged_cosignature(vault: VaultInfo, insider: Insider) -> None:
    event = insider.forge(K.ITEM_HANDED_OVER, "KT0000003VN", vault.signer("courier1"), {"to": "clerk1"},
                          cosigner=Signer("clerk1", SigningKey.generate()))
    report = verify_ledger(insider.conn)
    assert found(report) == {("bad_signature", event.seq)}
    assert only(report, "bad_signature") == ["co-signature by clerk1"]


# ---- (d) two events swapped ------------------------------------------------------------------------------------

def _swap(insider: Insider, a: int, b: int) -> None:
    insider.conn.execute("UPDATE events SET seq = -1 WHERE seq = ?", (a,))
    insider.conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (a, b))
    insider.conn.execute("UPDATE events SET seq = ? WHERE seq = -1", (b,))


def test_d_swapped_events_of_two_items(vault: VaultInfo, insider: Insider) -> None:
    a, b = vault.seqs["accept1"], vault.seqs["accept2"]
    assert b == a + 1
    _swap(insider, a, b)
    insider.cover_tracks()
    report = verify_ledger(insider.conn)
    assert found(report) == {("reordered_event", a), ("reordered_event", b)}
    assert f"row seq {a} holds the event signed as seq {b}" in only(report, "reordered_event")


def test_d_swapped_events_of_one_item(vault: VaultInfo, insider: Insider) -> None:
    a, b = vault.seqs["handover1"], vault.seqs["deliver1"]
    _swap(insider, a, b)
    insider.cover_tracks()
    report = verify_ledger(insider.conn)
    # Delivery now comes first, by a courier who does not hold the item yet: the replay refuses it (and what
    # follows no longer matches the shown state). Order and chain problems are reported at both places.
    required = {("reordered_event", a), ("reordered_event", b), ("broken_chain", a), ("broken_chain", b)}
    assert found(report) >= required
    assert ("illegal_transition", a) in found(report) or ("illegal_transition", b) in found(report)
    assert {code for code, _ in found(report) - required} <= {"illegal_transition", "projection_differs"}


def test_d_swapped_without_covering_tracks_is_caught_by_the_checkpoints(vault: VaultInfo, insider: Insider) -> None:
    a, b = vault.seqs["accept1"], vault.seqs["accept2"]
    _swap(insider, a, b)
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    # the later acceptance now sits inside the earlier checkpoint, which was signed before it was made
    assert {("reordered_event", a), ("reordered_event", b), ("checkpoint_root_differs", a),
            ("not_extension", insider.size()), ("stored_hash_differs", None), ("illegal_transition", a)} \
        == found(report)
    assert only(report, "illegal_transition")[0].startswith(f"dated after the checkpoint of size {a}")


# ---- (e) the tail truncated -------------------------------------------------------------------------------------

def test_e_truncated_tail_against_state_file_and_exported_checkpoint(vault: VaultInfo, tmp_path: Path,
                                                                      make_insider: Callable[[], Insider]) -> None:
    exported = tmp_path / "office-checkpoint.txt"
    with vault.open() as session:
        full = export_checkpoint(session, exported)
    insider = make_insider()
    keep = vault.seqs["handover3"] - 1          # drop the handover and the note of item 3
    insider.conn.execute("DELETE FROM events WHERE seq > ?", (keep,))
    insider.conn.execute("DELETE FROM checkpoints WHERE size > ?", (keep,))
    leaves = [bytes(r[0]) for r in insider.conn.execute("SELECT leaf_hash FROM events ORDER BY seq")]
    insider.conn.execute("UPDATE merkle_frontier SET state = ? WHERE id = 1",
                         (CompactRange.from_leaf_hashes(leaves).to_bytes(),))
    insider.conn.execute("UPDATE items SET status = 'accepted', holder = 'clerk1', last_seq = ? "
                         "WHERE tracking = 'KT0000003VN'", (vault.seqs["accept3"],))
    # Inside the database everything is consistent again:
    assert verify_ledger(insider.conn)
    insider.close()
    with pytest.raises(RollbackError):
        vault.open()
    with vault.open(allow_rollback=True) as session:
        assert session.readonly
        report = verify_vault(session, checkpoint_files=[exported])
    # The exported checkpoint, the state file (which also saw the signed record of that export: audit trail) and
    # the tree head of head.json.
    assert {code for code, _ in found(report)} == {"checkpoint_size_differs"}
    assert full.size in {size for _, size in found(report)}
    assert all(size > keep for _, size in found(report))
    sources = sorted(d.split(" checkpoint of size")[0].split(" tree head of size")[0]
                     for d in only(report, "checkpoint_size_differs"))
    assert sources == ["checkpoint file #1", "head file", "state file"]
    assert all(f"the log has {keep}" in d for d in only(report, "checkpoint_size_differs"))


# ---- (f) a projection row edited --------------------------------------------------------------------------------

def test_f_user_role_edited(vault: VaultInfo, insider: Insider) -> None:
    insider.conn.execute("UPDATE users SET role = 'admin' WHERE username = 'clerk1'")
    report = verify_ledger(insider.conn)
    assert found(report) == {("projection_differs", vault.seqs["enrol_clerk1"])}
    assert only(report, "projection_differs") == [
        "users [username='clerk1']: column role: vault has 'admin', ledger says 'clerk'"]


def test_f_agency_name_edited(vault: VaultInfo, insider: Insider) -> None:
    insider.conn.execute("UPDATE agencies SET name = 'Sở Tài chính' WHERE code = 'SOYTE'")
    report = verify_ledger(insider.conn)
    assert found(report) == {("projection_differs", 3)}
    assert "agencies [code='SOYTE']: column name" in report.problems[0].detail


def test_f_item_holder_edited_names_the_item(vault: VaultInfo, insider: Insider) -> None:
    insider.conn.execute("UPDATE items SET holder = 'clerk1' WHERE tracking = 'KT0000003VN'")
    report = verify_ledger(insider.conn)
    assert found(report) == {("projection_differs", vault.seqs["note3"])}
    assert report.problems[0].item == "KT0000003VN"
    assert "column holder: vault has 'clerk1', ledger says 'courier1'" in report.problems[0].detail


def test_f_rows_added_and_removed(vault: VaultInfo, insider: Insider) -> None:
    insider.conn.execute("INSERT INTO agencies (code, name, province, updated_seq) VALUES ('GIA', 'Giả', NULL, 4)")
    insider.conn.execute("DELETE FROM users WHERE username = 'audit1'")
    report = verify_ledger(insider.conn)
    assert found(report) == {("projection_differs", 4), ("projection_differs", vault.seqs["enrol_audit1"])}
    details = only(report, "projection_differs")
    assert "agencies [code='GIA']: row in the vault that the ledger never produced" in details
    assert "users [username='audit1']: row missing from the vault" in details


def test_f_event_columns_used_by_queries(vault: VaultInfo, insider: Insider) -> None:
    # Hiding an event from an item's timeline by editing the subject column the timeline query uses.
    seq = vault.seqs["deliver1"]
    insider.conn.execute("UPDATE events SET subject = 'KT0000009VN' WHERE seq = ?", (seq,))
    report = verify_ledger(insider.conn)
    assert found(report) == {("projection_differs", seq)}
    assert "events.subject" in report.problems[0].detail


# ---- (g) a co-signature stripped ------------------------------------------------------------------------------

def test_g_stripped_cosignature_of_an_enrolment(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["enrol_courier1"]
    sigs = insider.signatures(seq)
    assert [s["role"] for s in sigs] == ["actor", "cosigner"]
    insider.rewrite(seq, signatures=sigs[:1])
    insider.cover_tracks()
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    # The enrolment does not hold, so courier1 is nobody: each of their later signatures is reported too.
    assert report.problems[0].seq == seq
    assert only(report, "missing_cosignature") == ["user.enrolled is not co-signed by the key of courier1"]
    assert {code for code, s in found(report) if s != seq} == {"unknown_signer"}


def test_g_stripped_cosignature_and_cosigner_name_of_a_handover(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["handover1"]
    insider.edit_body(seq, {"cosigner": None})
    clerk = SigningKey(vault.keys["clerk1"])       # the clerk re-signs their own (now unilateral) handover
    body = load_body(insider.conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()[0])
    from securemail.crypto.signing import Domain
    sig = base64.b64encode(clerk.sign(Domain.EVENT, bytes(body))).decode()
    insider.rewrite(seq, signatures=[{"by": "clerk1", "role": "actor", "sig": sig}])
    insider.cover_tracks()
    report = verify_ledger(insider.conn)
    assert ("missing_cosignature", seq) in found(report)
    assert only(report, "missing_cosignature") == ["item.handed_over names no co-signer"]
    required = {("missing_cosignature", seq), ("broken_chain", vault.seqs["deliver1"])}
    assert found(report) >= required
    # the replay also refuses a hand-over with no one taking custody, and what depends on it
    assert {code for code, _ in found(report) - required} <= {"illegal_transition", "projection_differs"}


# ---- (h) a revoked or replaced key used afterwards -----------------------------------------------------------------

def test_h_revoked_users_key_used_after_revocation(vault: VaultInfo, make_insider: Callable[[], Insider]) -> None:
    with vault.open() as session:
        bob = vault.enrol(session, "bob")
        directory.revoke_user(session, "bob")
    insider = make_insider()
    event = insider.forge(K.ITEM_NOTE, "KT0000003VN", bob, {"text": "Ghi sau khi bị thu hồi."})
    report = verify_ledger(insider.conn, state_checkpoint=vault.state_checkpoint())
    assert found(report) == {("key_not_valid", event.seq)}
    assert "bob was revoked at event" in report.problems[0].detail


def test_h_replaced_key_used_after_rotation(vault: VaultInfo, make_insider: Callable[[], Insider]) -> None:
    with vault.open() as session:
        bob = vault.enrol(session, "bob")
        directory.reset_password(session, "bob", "mat-khau-moi-cua-bob-2")
    insider = make_insider()
    event = insider.forge(K.ITEM_NOTE, "KT0000003VN", bob, {"text": "Khóa cũ."})
    report = verify_ledger(insider.conn)
    assert found(report) == {("key_not_valid", event.seq)}
    assert "signed with a replaced key" in report.problems[0].detail


def test_h_events_before_revocation_stay_valid(vault: VaultInfo) -> None:
    with vault.open() as session:
        bob = vault.enrol(session, "bob")
        with session.write() as ledger:
            ledger.append(K.ITEM_NOTE, "KT0000003VN", bob, {"text": "Trước khi thu hồi."})
        directory.revoke_user(session, "bob")
        assert verify_vault(session, full=True)


# ---- malformed bodies -------------------------------------------------------------------------------------------

def test_non_canonical_body_is_malformed(vault: VaultInfo, insider: Insider) -> None:
    seq = vault.seqs["deliver2"]
    body = load_body(insider.conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()[0])
    insider.rewrite(seq, body.replace(b'"kind":', b'"kind": '))
    insider.cover_tracks()
    report = verify_ledger(insider.conn)
    # The event cannot be replayed, so the item's delivery shown by the app is not backed by the ledger.
    assert found(report) == {("malformed_event", seq), ("projection_differs", vault.seqs["accept2"])}
    assert "not canonical" in only(report, "malformed_event")[0]


# ---- the office key replaced -------------------------------------------------------------------------------------

def test_office_key_is_not_in_the_database_and_only_in_admin_slots(vault: VaultInfo) -> None:
    from securemail.storage.keyslots import KeySlotFile

    conn = connect(vault.path, "sec1", PASSWORD)      # the lowest role, with only their own password
    try:
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "office_key" not in tables
        for table in tables:                             # no 32-byte secret anywhere: only public keys
            cols = [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]
            assert not any("private" in c for c in cols), table
    finally:
        conn.close()
    slots = KeySlotFile.load(vault.paths.keyslots)
    assert slots.slots["admin"].office_key is not None
    assert all(slots.slots[u].office_key is None for u in USERS)


def test_a_clerk_who_plants_an_office_key_in_their_slot_gets_nothing(vault: VaultInfo) -> None:
    from securemail.storage.keyslots import KeySlotFile, with_office_key

    slots = KeySlotFile.load(vault.paths.keyslots)
    planted = SigningKey.generate()
    slots.slots["clerk1"] = with_office_key(slots.vault_id, slots.slots["clerk1"], planted)
    slots.save(vault.paths.keyslots)
    with vault.open("clerk1") as session:
        assert session.office_signing_key is None
        with pytest.raises(PermissionDeniedError):
            directory.add_user(session, "crony", role="admin", full_name="X", password=PASSWORD)


def test_office_key_in_the_genesis_must_be_the_pinned_one(vault: VaultInfo, insider: Insider) -> None:
    other = SigningKey.generate()
    report = verify_ledger(insider.conn, office_public_key_hint=other.public_raw())
    assert ("key_not_valid", 1) in found(report)
    assert "is not the expected office key" in only(report, "key_not_valid")[0]


# ---- co-signature rules --------------------------------------------------------------------------------------------

def test_arrival_without_cosigner_or_person_lacks_a_cosignature(vault: VaultInfo, insider: Insider) -> None:
    # item.arrived may record a person without an account instead of a co-signer; with neither, custody was
    # taken from nobody's hands.
    event = insider.forge(K.ITEM_ARRIVED, "KT0000003VN", vault.signer("clerk1"), {"from": "courier1",
                                                                                   "location": "GL01"})
    report = verify_ledger(insider.conn)
    assert found(report) == {("missing_cosignature", event.seq)}
    assert only(report, "missing_cosignature") == ["item.arrived names no co-signer"]


def test_arrival_from_a_person_cannot_take_an_item_from_its_holder(vault: VaultInfo, insider: Insider) -> None:
    # A person without an account may hand in an item nobody here holds; the courier who holds this one must
    # co-sign (the services refuse it; written around them, verify reports it).
    event = insider.forge(K.ITEM_ARRIVED, "KT0000003VN", vault.signer("clerk1"),
                          {"from": None, "location": "GL01", "person": {"name": "Trần Văn Giao", "id_number": "0123"}})
    report = verify_ledger(insider.conn)
    assert found(report) == {("missing_cosignature", event.seq)}
    assert only(report, "missing_cosignature") == ["KT0000003VN is held by courier1, who must co-sign its arrival"]


def test_secretary_of_another_agency_writing_on_an_item_is_reported(vault: VaultInfo,
                                                                    make_insider: Callable[[], Insider]) -> None:
    with vault.open() as session:
        directory.add_agency(session, "XA01", name="UBND xã")
        directory.add_user(session, "secx", role="secretary", full_name="Văn thư xã", password=PASSWORD,
                           agency="XA01")
    insider = make_insider()
    keys = insider_keys(vault, "secx")
    event = insider.forge(K.ITEM_NOTE, "KT0000003VN", Signer("secx", keys), {"text": "Đã xem."})
    report = verify_ledger(insider.conn)
    assert found(report) == {("illegal_transition", event.seq)}
    assert only(report, "illegal_transition") == ["secx is the secretary of XA01; KT0000003VN goes from SOYTE to "
                                                  "UBND01"]


def insider_keys(vault: VaultInfo, user: str) -> SigningKey:
    from securemail.storage.keyslots import KeySlotFile, unlock_slot

    slots = KeySlotFile.load(vault.paths.keyslots)
    return unlock_slot(slots.vault_id, slots.slots[user], PASSWORD).signing_key
