"""Exporting a bundle for a pinned vault: the custody events of some items, the sender's directory events, the
latest checkpoint with an RFC 6962 inclusion proof for every event and consistency proofs from the checkpoints sent
to this receiver before, signed by the exporting person (docs/formats/bundle-v2.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from securemail.clock import iso
from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.signing import Domain, b64, sha256
from securemail.custody import kinds as K
from securemail.custody.ledger import leaf_hashes, sign_checkpoint
from securemail.custody.merkle.log import MerkleLog
from securemail.errors import BadInputError, NotFoundError
from securemail.services import cross_witness
from securemail.services import items as item_service
from securemail.services.audit_trail import record_export
from securemail.services.bundle_format import FORMAT, VERSION
from securemail.services.permissions import Permission
from securemail.services.pins import active_pin
from securemail.services.queries.bags import bags_of_item
from securemail.services.session import Session
from securemail.services.statements import signer_chain
from securemail.storage.event_codec import load_body, load_signatures
from securemail.storage.files import write_user_file


@dataclass(frozen=True)
class Exported:
    path: Path
    to: str
    items: list[str]
    events: int
    size: int
    root: bytes
    sha256: str


def build_bundle(session: Session, to_code: str, trackings: list[str] | None) -> tuple[bytes, Exported]:
    """The signed bundle for the pinned vault `to_code` (bytes of the file) and what it holds."""
    session.require(Permission.VERIFY)
    pin = active_pin(session, to_code)
    if pin is None:
        raise NotFoundError("notfound.pin", code=to_code)
    chain = signer_chain(session)
    conn = session.conn
    if not trackings:
        if pin.agency is None:
            raise BadInputError("input.required", field="items")
        trackings = [r[0] for r in conn.execute(
            "SELECT tracking FROM items WHERE sender_agency = ? OR recipient_agency = ? ORDER BY tracking",
            (pin.agency, pin.agency))]
    rows = [item_service.item_row(session, t) for t in trackings]    # also: may this user see them
    chosen = sorted({r.tracking for r in rows})
    cp = session.checkpoint()         # covers the whole log: the newest events of the items go too
    size = cp.size
    subjects = {K.DIRECTORY, *chosen, *(K.bag_subject(b) for t in chosen for b in bags_of_item(conn, t))}
    marks = ",".join("?" for _ in subjects)
    stored = conn.execute(f"SELECT seq, body, signatures FROM events WHERE seq <= ? AND subject IN ({marks}) "
                          "ORDER BY seq", (size, *sorted(subjects))).fetchall()
    log = MerkleLog.from_leaf_hashes(leaf_hashes(conn, size))
    events = [{"body": b64(load_body(body)), "signatures": load_signatures(sigs).decode(),
               "proof": [b64(h) for h in log.inclusion_proof(int(seq) - 1, size)]} for seq, body, sigs in stored]
    consistency = [{"size": int(m), "proof": [b64(h) for h in log.consistency_proof(int(m), size)]}
                   for (m,) in conn.execute("SELECT DISTINCT size FROM bundles_sent WHERE to_vault = ? AND size < ? "
                                            "ORDER BY size", (pin.vault, size))]
    cp = sign_checkpoint(cp, session.office_code, session.signer, session.office_signing_key)
    doc = {"format": FORMAT, "v": VERSION, "cosignatures": cross_witness.owed_to(conn, pin.vault),
           "from": {"office": session.office_code, "name": session.office_name, "vault": session.vault_id,
                    "kind": session.setting("vault_kind") or "office", "agency": session.setting("vault_agency"),
                    "key": b64(session.office_public_key)},
           "to": {"office": pin.code, "vault": pin.vault},
           "at": iso(session.clock.now()), "by": chain.to_json(), "items": chosen, "checkpoint": cp.note(),
           "consistency": consistency, "events": events}
    body = canonical_bytes(doc)
    data = canonical_bytes({"bundle": doc, "sig": b64(session.signer.key.sign(Domain.BUNDLE, body))})
    return data, Exported(Path(), pin.code, chosen, len(events), size, cp.root, sha256(body).hex())


def export_bundle(session: Session, to_code: str, trackings: list[str] | None, path: Path) -> Exported:
    """Write the bundle to `path`, then remember which checkpoint went to which vault (a hint: the next bundle
    carries a consistency proof from it)."""
    data, exported = build_bundle(session, to_code, trackings)
    write_user_file(path, data, session.paths.root)
    pin = active_pin(session, exported.to)
    if pin is not None:
        session.conn.execute("INSERT OR IGNORE INTO bundles_sent (to_vault, size, root, time) VALUES (?, ?, ?, ?)",
                             (pin.vault, exported.size, exported.root, iso(session.clock.now())))

    record_export(session, "bundle", path)
    return Exported(path, exported.to, exported.items, exported.events, exported.size, exported.root,
                    exported.sha256)
