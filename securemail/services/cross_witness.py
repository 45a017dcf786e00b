"""Cross-witnessing between vaults (docs/formats/bundle-v2.md, "Cosignatures").

Each vault cosigns (C2SP tlog-cosignature/v1) the checkpoint of every bundle it imports, with the importing
person's own key (certified by its office key, so the partner checks it against its pin), and sends the cosigned
checkpoint back in its next bundle to that vault. The partner stores the cosignatures it receives after checking
them, and `verify` compares its own log with every cosigned checkpoint it holds: a log cut or rewritten after a
partner cosigned a checkpoint of it no longer has that checkpoint's root at that size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from securemail.clock import iso
from securemail.crypto.canonical import JsonObject
from securemail.custody.authority import Authority
from securemail.custody.certs import Chain
from securemail.custody.checkpoint import Checkpoint, parse_note
from securemail.custody.cosignature import cosign, cosignature_time
from securemail.custody.note import check_name
from securemail.custody.verify import Problem
from securemail.services.session import Session
from securemail.services.statements import signer_chain
from securemail.storage.database import Connection

MAX_COSIGNATURES = 1000      # per bundle


def witness_name(office: str, username: str) -> str:
    """Key name of a person cosigning a partner's checkpoint: 'securemail/HN01/witness/gdv1'."""
    return check_name(f"securemail/{office}/witness/{username}")


def cosign_imported(session: Session, origin_vault: str, cp: Checkpoint) -> None:
    """Cosign a partner's checkpoint just imported (inside the import's write transaction)."""
    chain = signer_chain(session)
    now = session.clock.now()
    cosigned = cosign(cp, witness_name(session.office_code, session.user.username), session.signer.key,
                      int(now.timestamp()))
    session.conn.execute("INSERT OR IGNORE INTO cosignatures_made (origin_vault, size, root, note, chain, time) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (origin_vault, cp.size, cp.root, cosigned.note(), json.dumps(chain.to_json()), iso(now)))


def owed_to(conn: Connection, vault: str) -> list[JsonObject]:
    """The cosignatures this vault made of `vault`'s checkpoints: they travel in every bundle to it."""
    return [{"checkpoint": str(note), "by": json.loads(chain)} for note, chain in conn.execute(
        "SELECT note, chain FROM cosignatures_made WHERE origin_vault = ? ORDER BY size", (vault,))]


@dataclass(frozen=True)
class Received:
    """A cosignature of one of this vault's checkpoints by a person of the partner that sent it."""

    checkpoint: Checkpoint
    witness: str
    chain: JsonObject


def check_received(entries: object, *, my_origin: str, office: str, vault: str, office_key: bytes,
                   authority: Authority) -> list[Received] | str:
    """The bundle's cosignatures, each checked: one of this vault's checkpoints (origin), cosigned by a person of
    the sender whose certificate chain leads to the pinned key and whose key the sender's directory knows. A
    string says why not."""
    if not isinstance(entries, list) or len(entries) > MAX_COSIGNATURES:
        return "cosignatures is not a list"
    out: list[Received] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"checkpoint", "by"} or not isinstance(entry["checkpoint"],
                                                                                                   str):
            return f"cosignature #{i} is malformed"
        try:
            cp = parse_note(entry["checkpoint"])
            chain = Chain.from_json(entry["by"], office=office, vault=vault)
        except ValueError:
            return f"cosignature #{i} is unreadable"
        if cp.origin != my_origin:
            return f"cosignature #{i} is of another log ({cp.origin})"
        if not chain.verify(office_key) or chain.cert.temporary:
            return f"cosignature #{i}: the chain of {chain.cert.username} does not lead from the pinned key"
        account = authority.account(chain.cert.username)
        if account is None or chain.key not in [p.key for p in account.periods]:
            return f"cosignature #{i}: {chain.cert.username} has no such key in the sender's directory"
        name = witness_name(office, chain.cert.username)
        if cosignature_time(cp, name, chain.key) is None:
            return f"cosignature #{i} by {chain.cert.username} does not verify"
        out.append(Received(cp, name, entry["by"]))
    return out


def store_received(conn: Connection, received: list[Received], office: str, vault: str, import_seq: int) -> None:
    for r in received:
        conn.execute("INSERT OR IGNORE INTO cosignatures_received (from_vault, from_office, size, root, witness, "
                     "note, chain, import_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (vault, office, r.checkpoint.size, r.checkpoint.root, r.witness, r.checkpoint.note(),
                      json.dumps(r.chain), import_seq))


def held(session: Session) -> tuple[list[tuple[Checkpoint, str]], list[Problem]]:
    """Every cosigned checkpoint of this vault's log held here that still verifies against the pin of the partner
    that cosigned it (for verify to compare the log with), and problems with those that do not."""
    conn = session.conn
    out: list[tuple[Checkpoint, str]] = []
    problems: list[Problem] = []
    my_origin = f"securemail/{session.office_code}/{session.vault_id}"
    for vault, office, size, witness, note, chain_text in conn.execute(
            "SELECT from_vault, from_office, size, witness, note, chain FROM cosignatures_received "
            "ORDER BY size, from_vault"):
        pin = conn.execute("SELECT public_key FROM pins WHERE vault = ? AND code = ? AND active = 1",
                           (vault, office)).fetchone()
        try:
            cp = parse_note(str(note))
            chain = Chain.from_json(json.loads(chain_text), office=str(office), vault=str(vault))
        except ValueError:
            problems.append(Problem(int(size), None, "foreign_unverified", f"{office}: unreadable cosignature"))
            continue
        if pin is None:
            continue            # verify warns about partners no longer pinned
        if cp.origin != my_origin or not chain.verify(bytes(pin[0])) \
                or cosignature_time(cp, str(witness), chain.key) is None:
            problems.append(Problem(int(size), None, "foreign_unverified",
                                    f"{office}: the cosignature of the checkpoint of size {size} does not verify"))
            continue
        out.append((cp, f"checkpoint of size {size} cosigned by {office} ({chain.cert.username})"))
    return out, problems
