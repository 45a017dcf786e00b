"""Importing a bundle: verified by bundle_checks, then the sender's events stored beside this vault's log and the
import recorded as a signed event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from securemail.crypto.signing import b64
from securemail.custody import kinds as K
from securemail.custody.events import event_leaf_hash
from securemail.errors import BadInputError
from securemail.services import cross_witness
from securemail.services.bundle_checks import BundleRefused, verify_bundle
from securemail.services.bundle_format import MAX_BUNDLE_BYTES
from securemail.services.permissions import Permission
from securemail.services.session import Session


@dataclass(frozen=True)
class Imported:
    office: str
    vault: str
    size: int
    root: bytes
    sha256: str
    events: int
    new_events: int
    items: list[str]
    already: bool
    import_seq: int | None


def import_bundle(session: Session, data: bytes) -> Imported:
    """Verify, then store the sender's events beside this vault's log and record the import as a signed event.
    Importing the same bundle twice stores nothing the second time."""
    session.require(Permission.VERIFY)
    v = verify_bundle(session, data)
    conn = session.conn
    if conn.execute("SELECT 1 FROM bundles_imported WHERE sha256 = ?", (v.sha256,)).fetchone():
        return Imported(v.office, v.vault, v.checkpoint.size, v.checkpoint.root, v.sha256.hex(), len(v.events), 0,
                        v.items, True, None)
    new = 0
    with session.write() as ledger:
        ledger.request_checkpoint()       # a batch: an import is signed off (docs/adr/0016)
        event = ledger.append(K.BUNDLE_IMPORTED, K.DIRECTORY, session.signer, {
            "from": v.office, "from_vault": v.vault, "size": v.checkpoint.size, "root": b64(v.checkpoint.root),
            "bundle_sha256": v.sha256.hex(), "items": v.items, "events": len(v.events),
            "cosignatures": sorted({r.checkpoint.size for r in v.cosignatures})})
        for e, body, sigs, proof in v.events:
            cur = conn.execute(
                "INSERT OR IGNORE INTO foreign_events (origin_vault, seq, origin_office, subject, kind, body, "
                "signatures, leaf_hash, checkpoint_size, proof, import_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (v.vault, e.seq, v.office, e.subject, e.kind, body, sigs, event_leaf_hash(body, sigs.encode()),
                 v.checkpoint.size, json.dumps([b64(h) for h in proof]), event.seq))
            new += cur.rowcount
        conn.execute("INSERT INTO bundles_imported (sha256, origin_vault, origin_office, size, root, note, "
                     "import_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (v.sha256, v.vault, v.office, v.checkpoint.size, v.checkpoint.root, v.checkpoint.note(),
                      event.seq))
        cross_witness.store_received(conn, v.cosignatures, v.office, v.vault, event.seq)
        cross_witness.cosign_imported(session, v.vault, v.checkpoint)
    return Imported(v.office, v.vault, v.checkpoint.size, v.checkpoint.root, v.sha256.hex(), len(v.events), new,
                    v.items, False, event.seq)


def read_bundle_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise BundleRefused("format", "bundle larger than 64 MiB")
        return path.read_bytes()
    except OSError as e:
        raise BadInputError("input.file_unreadable", field="file", path=str(path)) from e
