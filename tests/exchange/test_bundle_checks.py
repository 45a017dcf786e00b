"""Each check of an import, on a bundle changed by someone who cannot sign as the sender (a changed byte) and by
an insider who can (the exporting clerk re-signs a bundle with an event removed or moved, or carrying an event
signed by a revoked user's key). Every refusal names its check and stores nothing."""

from __future__ import annotations

import base64
import json
import shutil

import pytest
from exchange_kit import World, counts

from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.signing import Domain, SigningKey, b64
from securemail.custody import kinds as K
from securemail.custody.ledger import Signer
from securemail.services import (
    bundle_checks,
    bundle_export,
    bundle_format,
    bundle_import,
    directory,
    foreign_events,
    pins,
)

pytestmark = pytest.mark.slow


def _doc(data: bytes) -> dict:
    return json.loads(data)["bundle"]


def _signed(world: World, doc: dict) -> bytes:
    """What the exporting clerk of A (a valid certified key) can make of any content."""
    with world.session(world.a, "vt1") as s:
        return canonical_bytes({"bundle": doc, "sig": b64(s.signer.key.sign(Domain.BUNDLE, canonical_bytes(doc)))})


def _refused(world: World, data: bytes) -> str:
    with world.session(world.b, "adm") as s:
        before = counts(s)
        with pytest.raises((bundle_checks.BundleRefused, bundle_checks.BundleVersionError)) as info:
            bundle_import.import_bundle(s, data)
        assert counts(s) == before, "a refused bundle stored something"
    return str(info.value.check)


def test_the_untouched_bundle_verifies(world: World):
    with world.session(world.b, "adm") as s:
        v = bundle_checks.verify_bundle(s, world.b1.read_bytes())
    assert v.items == [world.tracking] and v.office == "STP"
    assert v.events[0][0].kind == K.VAULT_CREATED


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.99])
def test_a_changed_byte_anywhere_is_refused(world: World, fraction: float):
    data = bytearray(world.b1.read_bytes())
    at = min(int(len(data) * fraction), len(data) - 1)
    for change in (1, 0x20):
        tampered = bytearray(data)
        tampered[at] ^= change
        assert _refused(world, bytes(tampered)) in bundle_format.CHECKS


def test_a_changed_value_breaks_the_bundle_signature(world: World):
    doc = _doc(world.b1.read_bytes())
    doc["items"] = [*doc["items"], "KT999999999VN"]
    data = canonical_bytes({"bundle": doc, "sig": json.loads(world.b1.read_bytes())["sig"]})
    assert _refused(world, data) == "bundle_signature"


def test_an_event_removed_breaks_a_hash_chain(world: World):
    doc = _doc(world.b1.read_bytes())
    directory_events = [i for i, e in enumerate(doc["events"]) if i >= 2]
    del doc["events"][directory_events[1]]       # a directory event in the middle (an agency, a user, a pin)
    assert _refused(world, _signed(world, doc)) in ("hash_chain", "signatures")


def test_an_item_event_removed_is_refused(world: World):
    doc = _doc(world.b1.read_bytes())
    accepted = next(i for i, e in enumerate(doc["events"])
                    if json.loads(base64.b64decode(e["body"]))["kind"] == K.ITEM_ACCEPTED)
    del doc["events"][accepted]
    assert _refused(world, _signed(world, doc)) == "items"


def test_events_reordered_are_refused(world: World):
    doc = _doc(world.b1.read_bytes())
    doc["events"][3], doc["events"][4] = doc["events"][4], doc["events"][3]
    assert _refused(world, _signed(world, doc)) == "events"


def test_an_unknown_version_is_refused_with_a_clear_message(world: World):
    doc = _doc(world.b1.read_bytes())
    doc["v"] = bundle_format.VERSION + 1
    with world.session(world.b, "adm") as s, pytest.raises(bundle_checks.BundleVersionError) as info:
        bundle_import.import_bundle(s, _signed(world, doc))
    assert str(bundle_format.VERSION + 1) in info.value.message("en") and "not supported" in info.value.message("en")
    doc["v"] = 1       # the first version (before cosignatures travelled back): the sender must update
    with world.session(world.b, "adm") as s, pytest.raises(bundle_checks.BundleVersionError) as info:
        bundle_import.import_bundle(s, _signed(world, doc))
    assert "old version" in info.value.message("en") and "phiên bản cũ" in info.value.message("vi")


def test_a_forged_proof_is_refused(world: World):
    doc = _doc(world.b1.read_bytes())
    proof = doc["events"][-1]["proof"]
    doc["events"][-1]["proof"] = [b64(bytes(32)), *proof[1:]] if proof else [b64(bytes(32))]
    assert _refused(world, _signed(world, doc)) == "inclusion"


def test_a_signature_by_a_key_not_valid_at_that_time(world: World):
    """An insider of A writes a note signed with a revoked courier's key around the services; A's clerk exports
    it: B refuses the bundle at the signatures check."""
    insider = world.root / "A-insider"
    shutil.copytree(world.a, insider)
    with world.session(insider, "xx") as s:
        stolen = SigningKey(s.signer.key.raw())
    with world.session(insider, "adm") as s:
        directory.revoke_user(s, "xx")
    with world.session(insider, "adm") as s, s.write() as ledger:
        ledger.append(K.ITEM_NOTE, world.tracking, Signer("xx", stolen), {"text": "viết sau khi bị thu hồi"},
                      check=False)
    with world.session(insider, "vt1") as s:
        data, _ = bundle_export.build_bundle(s, "HN01", [world.tracking])
    assert _refused(world, data) == "signatures"


def test_verify_rechecks_imported_events(world: World, tmp_path):
    """Stored imported events are checked again by verify (and by the timeline): a changed row is reported."""
    from securemail.errors import NotFoundError
    from securemail.services import audit, items

    copy = tmp_path / "B-changed"          # a copy: the module's other tests share world.b
    shutil.copytree(world.b, copy)
    with world.session(copy, "adm") as s:
        done = bundle_import.import_bundle(s, world.b1.read_bytes())
        assert done.new_events == done.events and not done.already
        assert audit.verify_vault(s, full=True)
        proofs = s.conn.execute("SELECT seq, proof FROM foreign_events WHERE subject = ?",
                                (world.tracking,)).fetchall()
        seq, proof = proofs[0]
        hashes = json.loads(proof)
        s.conn.execute("UPDATE foreign_events SET proof = ? WHERE seq = ?",
                       (json.dumps([b64(bytes(32)), *hashes[1:]]), seq))
        report = audit.verify_vault(s, full=True)
        assert [p.code for p in report.problems] == ["foreign_unverified"]
        assert report.problems[0].seq == seq
        with pytest.raises(NotFoundError):
            items.item_row(s, world.tracking)       # not accepted here: known only from the bundle
        timeline = foreign_events.foreign_timeline(s, world.tracking)
        assert [e.signature_ok for e in timeline] == [False]


def test_key_files_that_cannot_be_pinned(world: World, tmp_path):
    from securemail.errors import BadInputError, StateError

    good = (world.root / "C.key").read_text(encoding="utf-8")
    bad_fp = tmp_path / "fp.key"
    bad_fp.write_text(good.replace("fingerprint ", "fingerprint 0000 "), encoding="utf-8")
    no_vault = tmp_path / "novault.key"
    no_vault.write_text("".join(line + "\n" for line in good.splitlines() if not line.startswith("vault ")),
                        encoding="utf-8")
    garbage = tmp_path / "garbage.key"
    garbage.write_bytes(b"\xff\xfe not a key")
    with world.session(world.b, "adm") as s:
        before = counts(s)
        for path in (bad_fp, no_vault, garbage, tmp_path / "missing.key"):
            with pytest.raises(BadInputError):
                pins.add_pin(s, path)
        with pytest.raises(StateError):
            pins.add_pin(s, world.root / "B.key")         # this vault's own key
        assert counts(s) == before


def test_an_unlawful_custody_move_is_refused_although_well_signed(world: World):
    """An insider of A writes, around the services, a delivery by the holder to another agency than the item's:
    every signature is valid and a clerk may deliver, but A's own writer would refuse it (custody rules). B replays
    A's custody rules on what it imports and refuses the bundle at the custody check."""
    insider = world.root / "A-custody"
    shutil.copytree(world.a, insider)
    with world.session(insider, "vt1") as s, s.write() as ledger:
        ledger.append(K.ITEM_DELIVERED, world.tracking, s.signer, {
            "to": None, "agency": "SND", "as_delegate": False,
            "person": {"name": "Người Lạ", "id_number": None, "signature_sha256": None}}, check=False)
    with world.session(insider, "vt1") as s:
        data, _ = bundle_export.build_bundle(s, "HN01", [world.tracking])
    assert _refused(world, data) == "custody"


_CLERK_B = ("gdv", "giao-dịch-viên-B-1")


def _partner_with_clerk(world: World, vault) -> None:
    """B has imported A's bundle and has a clerk who may accept the imported item."""
    with world.session(vault, "adm") as s:
        bundle_import.import_bundle(s, world.b1.read_bytes())
        directory.add_agency(s, "SND", name="Sở Tư pháp")
        directory.add_agency(s, "REC", name="Văn phòng Tỉnh ủy")
        directory.add_user(s, _CLERK_B[0], role="clerk", full_name="Giao Dịch Viên", password=_CLERK_B[1])


def _swap_imported_acceptance(world: World, conn) -> None:
    """An insider replaces the imported acceptance row by another valid imported event (the link no longer
    leads to the event it names)."""
    conn.execute("DROP TRIGGER IF EXISTS foreign_events_no_update")
    conn.execute("UPDATE foreign_events SET body = (SELECT body FROM foreign_events WHERE seq = 1), "
                 "signatures = (SELECT signatures FROM foreign_events WHERE seq = 1) "
                 "WHERE subject = ? AND kind = ?", (world.tracking, K.ITEM_ACCEPTED))


def test_verify_reports_a_broken_link_to_an_imported_event(world: World, tmp_path):
    """The acceptance of an imported item links to the partner's acceptance; a changed imported row is reported
    by verify (the link no longer leads to it)."""
    from securemail.services import audit, imported_items
    from securemail.services.session import open_session

    copy = tmp_path / "B-link"
    shutil.copytree(world.b, copy)
    _partner_with_clerk(world, copy)
    with open_session(copy, *_CLERK_B) as s:
        assert imported_items.accept_imported(s, world.tracking) == world.tracking
        report = audit.verify_vault(s, full=True)
        assert report, [(p.code, p.message("en")) for p in report.problems]
        _swap_imported_acceptance(world, s.conn)
        report = audit.verify_vault(s, full=True)
        assert any(p.code == "foreign_unverified" and "not the one it was linked to" in p.detail
                   for p in report.problems), report.problems


def test_plain_verify_checks_the_links_of_new_events_and_full_verify_all(world: World, tmp_path):
    """Plain verify checks the links of the events past the auditor's verified record (its cost follows the new
    work: issue 15); an imported row changed under an event verified before is caught by `verify --full`."""
    from securemail.services import audit, imported_items
    from securemail.services.session import open_session

    copy = tmp_path / "B-plain"
    shutil.copytree(world.b, copy)
    _partner_with_clerk(world, copy)
    with world.session(copy, "adm") as s:
        assert audit.verify_vault(s, full=True)          # the verified record: everything so far
    with open_session(copy, *_CLERK_B) as s:
        assert imported_items.accept_imported(s, world.tracking) == world.tracking
        _swap_imported_acceptance(world, s.conn)
    with world.session(copy, "adm") as s:
        plain = audit.verify_vault(s)                    # the acceptance is new: its link is checked
        assert plain.incremental_from > 0
        assert any(p.code == "foreign_unverified" for p in plain.problems), plain.problems

    clean = tmp_path / "B-plain-clean"
    shutil.copytree(world.b, clean)
    _partner_with_clerk(world, clean)
    with open_session(clean, *_CLERK_B) as s:
        imported_items.accept_imported(s, world.tracking)
    with world.session(clean, "adm") as s:
        assert audit.verify_vault(s, full=True)          # the acceptance and its link verified and recorded
        _swap_imported_acceptance(world, s.conn)
        assert audit.verify_vault(s, full=True).problems, "verify --full rechecks every link"
