"""Events imported from partners, re-checked whenever they are read: in an item's timeline and by verify (against
the stored proofs, the sender's replayed directory and the pins)."""

from __future__ import annotations

import binascii
import json

from securemail.crypto.canonical import JsonObject
from securemail.crypto.signing import unb64
from securemail.custody import kinds as K
from securemail.custody.authority import Authority
from securemail.custody.checkpoint import office_signer_name, parse_note
from securemail.custody.events import Event, event_from_stored, event_leaf_hash
from securemail.custody.merkle.proof_checks import verify_inclusion
from securemail.custody.verify import Problem
from securemail.services import items as item_service
from securemail.services.bundle_checks import BundleRefused, person_signed, replay_and_judge
from securemail.services.queries.timeline import Origin, TimelineEntry
from securemail.services.session import Session


def _stored_authority(session: Session, vault: str) -> Authority:
    rows = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE origin_vault = ? AND subject = ? "
                                "ORDER BY seq", (vault, K.DIRECTORY)).fetchall()
    return Authority.replay(event_from_stored(bytes(b), s) for b, s in rows)


def foreign_timeline(session: Session, tracking: str) -> list[TimelineEntry]:
    """Events of `tracking` imported from partners (oldest vault first), each re-verified now: its signatures
    against the sender's replayed directory, its inclusion proof against the stored checkpoint, and the sender's
    key against an active pin."""
    conn = session.conn
    out: list[TimelineEntry] = []
    vaults = [r[0] for r in conn.execute("SELECT origin_vault, min(import_seq) FROM foreign_events WHERE subject = ? "
                                         "GROUP BY origin_vault ORDER BY 2", (tracking,))]
    for vault in vaults:
        authority = _stored_authority(session, vault)
        pinned = conn.execute("SELECT code, name FROM pins WHERE vault = ? AND active = 1 AND public_key = ?",
                              (vault, authority.office_key or b"")).fetchone()
        bags = [str(r[0]) for r in conn.execute(
            "SELECT DISTINCT json_extract(body, '$.data.bag') FROM foreign_events WHERE origin_vault = ? AND "
            "subject = ? AND kind = ?", (vault, tracking, K.ITEM_BAGGED)) if r[0]]
        subjects = [tracking, *(K.bag_subject(b) for b in bags)]
        marks = ",".join("?" for _ in subjects)
        rows = conn.execute(
            "SELECT f.seq, f.origin_office, f.body, f.signatures, f.leaf_hash, f.proof, f.checkpoint_size, "
            "(SELECT root FROM bundles_imported b WHERE b.origin_vault = f.origin_vault AND b.size = "
            f"f.checkpoint_size LIMIT 1) FROM foreign_events f WHERE f.origin_vault = ? AND f.subject IN ({marks}) "
            "ORDER BY f.seq", (vault, *subjects)).fetchall()
        for _seq, office, body, sigs, leaf, proof, size, root in rows:
            e = event_from_stored(bytes(body), sigs)
            if e.subject != tracking and tracking not in e.data.get("items", [tracking]):
                continue
            included = root is not None and verify_inclusion(bytes(leaf), e.seq - 1, int(size),
                                                             [unb64(h) for h in json.loads(proof)], bytes(root)) \
                and event_leaf_hash(bytes(body), sigs.encode()) == bytes(leaf)
            ok = included and pinned is not None and authority.judge(e).holds()
            origin = Origin(office, vault, own=False, name=pinned[1] if pinned else None, verified=ok)
            out.append(TimelineEntry(e.seq, e.kind, e.actor, e.cosigner, e.time, e.subject, e.data,
                                     e.event_hash().hex(), ok, origin))
    return out


def foreign_item(session: Session, tracking: str) -> JsonObject | None:
    """An item known here only from imported events: its accepted data and where it was, per the sender."""
    row = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE subject = ? AND kind = ? "
                               "ORDER BY import_seq LIMIT 1", (tracking, K.ITEM_ACCEPTED)).fetchone()
    if row is None:
        return None
    e = event_from_stored(bytes(row[0]), row[1])
    item = dict(e.data.get("item") or {})
    item_service.check_visible(session, item.get("sender_agency"), item.get("recipient_agency"))
    return {"tracking": tracking, "status": None, "foreign_only": True, **item}


# ---- verify: imported events re-checked against the stored proofs and the pins ------------------------------

def verify_foreign(session: Session) -> tuple[list[Problem], list[str]]:
    """Problems with the events imported from partners (as verify reports them, code `foreign_unverified`) and
    warning keys. Per sender: every stored checkpoint is signed by the pinned office key or a person its directory
    certifies, every event is the leaf its stored proof says under that checkpoint, every signature holds under
    the sender's directory replayed from the stored events, and every subject's hash chain is complete."""
    conn = session.conn
    problems: list[Problem] = []
    warnings: list[str] = []
    for vault, office in conn.execute("SELECT DISTINCT origin_vault, origin_office FROM bundles_imported "
                                      "ORDER BY origin_vault").fetchall():
        def problem(seq: int | None, subject: str | None, detail: str, office: str = office) -> None:
            problems.append(Problem(seq, subject, "foreign_unverified", f"{office}: {detail}"))

        pin = conn.execute("SELECT public_key FROM pins WHERE vault = ? AND code = ? AND active = 1",
                           (vault, office)).fetchone()
        if pin is None and "verify.warn_foreign_unpinned" not in warnings:
            warnings.append("verify.warn_foreign_unpinned")
        rows = conn.execute("SELECT seq, body, signatures, leaf_hash, checkpoint_size, proof FROM foreign_events "
                            "WHERE origin_vault = ? ORDER BY seq", (vault,)).fetchall()
        roots = {int(n): bytes(r) for n, r in conn.execute(
            "SELECT size, root FROM bundles_imported WHERE origin_vault = ?", (vault,))}
        parsed: list[tuple[Event, bytes, str, list[bytes]]] = []
        for seq, body, sigs, leaf, size, proof in rows:
            try:
                e = event_from_stored(bytes(body), sigs)
                hashes = [unb64(h) for h in json.loads(proof)]
            except (ValueError, KeyError, TypeError, binascii.Error):
                problem(int(seq), None, "unreadable imported event")
                continue
            if e.seq != seq or e.vault != vault or event_leaf_hash(bytes(body), sigs.encode()) != bytes(leaf) \
                    or int(size) not in roots \
                    or not verify_inclusion(bytes(leaf), e.seq - 1, int(size), hashes, roots[int(size)]):
                problem(int(seq), e.subject, f"event {seq} is not in the checkpoint of size {size} it was imported "
                                             "with")
                continue
            parsed.append((e, bytes(body), sigs, hashes))
        authority: Authority | None = None
        try:
            authority = replay_and_judge(parsed, office, vault, bytes(pin[0]) if pin else b"")
        except BundleRefused as refused:
            if pin is not None or refused.check != "directory":
                problem(None, None, f"{refused.check}: {refused.detail}")
        heads: dict[str, bytes] = {}
        for e, *_rest in parsed:
            if (e.prev is not None) if e.subject not in heads else e.prev != heads[e.subject].hex():
                problem(e.seq, e.subject, f"event {e.seq} does not follow the previous imported event of "
                                          f"{e.subject}")
            heads[e.subject] = e.event_hash()
        for size, note in conn.execute("SELECT size, note FROM bundles_imported WHERE origin_vault = ?", (vault,)):
            try:
                cp = parse_note(note)
            except ValueError:
                problem(int(size), None, "unreadable imported checkpoint")
                continue
            signed = pin is not None and cp.has_valid_signature(office_signer_name(office), bytes(pin[0]))
            if cp.size != size or cp.origin != f"securemail/{office}/{vault}" or not (
                    signed or (authority is not None and person_signed(cp, office, authority))):
                problem(int(size), None, f"the imported checkpoint of size {size} is not signed by the pinned "
                                         "office key or a person it certified")
    return problems, warnings
