"""Signed events: the body (what is signed), signatures, hashes. One place decides every byte."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from securemail.crypto.canonical import canonical_bytes, encodes_to, loads_bounded, parse_canonical
from securemail.crypto.signing import Domain, SigningKey, b64, sha256, unb64
from securemail.custody.merkle.hashing import leaf_hash
from securemail.errors import VaultError
from securemail.storage.event_codec import load_body, load_signatures

EVENT_VERSION = 1


@dataclass(frozen=True)
class Signature:
    by: str
    role: str  # "actor" or "cosigner"
    sig: bytes

    def to_json(self) -> dict[str, str]:
        return {"by": self.by, "role": self.role, "sig": b64(self.sig)}


@dataclass(frozen=True)
class Event:
    vault: str
    seq: int
    time: str
    kind: str
    subject: str
    actor: str
    prev: str | None
    data: dict[str, Any]
    cosigner: str | None = None
    signatures: tuple[Signature, ...] = field(default=())

    def body(self) -> dict[str, Any]:
        return {"v": EVENT_VERSION, "vault": self.vault, "seq": self.seq, "time": self.time, "kind": self.kind,
                "subject": self.subject, "actor": self.actor, "cosigner": self.cosigner, "prev": self.prev,
                "data": self.data}

    def body_bytes(self) -> bytes:
        return canonical_bytes(self.body())

    def signatures_bytes(self) -> bytes:
        return canonical_bytes([s.to_json() for s in self.signatures])

    def event_hash(self) -> bytes:
        return event_hash(self.body_bytes())

    def leaf(self) -> bytes:
        return leaf_bytes(self.body_bytes(), self.signatures_bytes())

    def signature_of(self, role: str) -> Signature | None:
        for s in self.signatures:
            if s.role == role:
                return s
        return None


def event_hash(body: bytes) -> bytes:
    return sha256(b"securemail-event-hash-v1\x00" + body)


def leaf_bytes(body: bytes, signatures: bytes) -> bytes:
    """The Merkle leaf: body and signatures together, so stripping a signature changes the log."""
    return b'{"body":' + body + b',"signatures":' + signatures + b"}"


def event_leaf_hash(body: bytes, signatures: bytes) -> bytes:
    return leaf_hash(leaf_bytes(body, signatures))


def sign_event(event: Event, actor_key: SigningKey, cosigner_key: SigningKey | None = None) -> Event:
    return sign_event_encoded(event, actor_key, cosigner_key)[0]


def sign_event_encoded(event: Event, actor_key: SigningKey,
                       cosigner_key: SigningKey | None = None) -> tuple[Event, bytes]:
    """The signed event and its body bytes (what was signed): the writer stores them without encoding again."""
    body = event.body_bytes()
    sigs = [Signature(event.actor, "actor", actor_key.sign(Domain.EVENT, body))]
    if event.cosigner is not None:
        if cosigner_key is None:
            raise ValueError("event names a co-signer but no co-signer key was given")
        sigs.append(Signature(event.cosigner, "cosigner", cosigner_key.sign(Domain.COSIGN, body)))
    return Event(**{**event.__dict__, "signatures": tuple(sigs)}), body


# vault, seq, time, kind, subject, actor, prev, data, cosigner, ((by, role, sig), ...): an Event's fields as plain
# values (what the verifier's workers send back; see custody/verify/rows.py)
EventFields = tuple[str, int, str, str, str, str, str | None, dict[str, Any], str | None,
                    tuple[tuple[str, str, bytes], ...]]


def event_from_doc(doc: Any, sigs: bytes) -> Event:
    """The Event for a parsed canonical body; raises ValueError if any field has the wrong type or if the
    signatures are not in their canonical form (so the Event is exactly what was hashed and signed)."""
    return event_from_fields(event_fields(doc, sigs))


def event_from_fields(fields: EventFields) -> Event:
    vault, seq, time, kind, subject, actor, prev, data, cosigner, sigs = fields
    return Event(vault, seq, time, kind, subject, actor, prev, data, cosigner,
                 tuple(Signature(by, role, sig) for by, role, sig in sigs))


def event_fields(doc: Any, sigs: bytes) -> EventFields:
    """event_from_doc's checks, giving the fields as plain values."""
    if not isinstance(doc, dict) or doc.get("v") != EVENT_VERSION:
        raise ValueError("not a version 1 event")
    if doc.keys() != _FIELDS:
        raise ValueError(f"fields {sorted(set(doc) ^ _FIELDS)} unexpected or missing")
    for name in ("vault", "time", "kind", "subject", "actor"):
        if not isinstance(doc[name], str):
            raise ValueError(f"{name} is not a string")
    if not isinstance(doc["seq"], int) or isinstance(doc["seq"], bool):
        raise ValueError("seq is not an integer")
    for name in ("cosigner", "prev"):
        if doc[name] is not None and not isinstance(doc[name], str):
            raise ValueError(f"{name} is not a string")
    if not isinstance(doc["data"], dict):
        raise ValueError("data is not an object")
    raw = loads_bounded(sigs)  # canonical form checked below, by re-encoding what was parsed
    if not isinstance(raw, list):
        raise ValueError("signatures are not a list")
    signatures = tuple((str(s["by"]), str(s["role"]), unb64(str(s["sig"]))) for s in raw)
    if not encodes_to([{"by": by, "role": role, "sig": b64(sig)} for by, role, sig in signatures], sigs):
        raise ValueError("signatures are not canonical")          # (only str values: _check holds)
    return (doc["vault"], doc["seq"], doc["time"], doc["kind"], doc["subject"], doc["actor"], doc["prev"],
            doc["data"], doc["cosigner"], signatures)


_FIELDS = frozenset({"v", "vault", "seq", "time", "kind", "subject", "actor", "cosigner", "prev", "data"})


def event_from_stored(body: bytes, signatures: str | bytes) -> Event:
    """Rebuild an Event from stored bytes; raises ValueError if the body or signatures are not canonical or any
    field has the wrong type (so the Event is exactly what was hashed and signed)."""
    sigs = signatures.encode() if isinstance(signatures, str) else bytes(signatures)
    return event_from_doc(parse_canonical(body), sigs)


def data_of_row(body: bytes) -> dict[str, Any]:
    """The `data` object of an events row's stored body ({} if it has none); ValueError (StoredFormError) if the
    body does not decode or parse. For lookups inside event data (which bag, what was missing); nothing judged."""
    doc = loads_bounded(load_body(body))
    data = doc.get("data") if isinstance(doc, dict) else None
    return data if isinstance(data, dict) else {}


def unreadable(seq: int) -> VaultError:
    """What a reader (a timeline, a bag, the directory) says about a stored event it cannot decode or parse: the
    vault was edited or damaged there; nothing of it is shown or guessed, and `verify --full` names the problem."""
    return VaultError("vault.event_unreadable", seq=seq)


def event_from_row(body: bytes, signatures: bytes) -> Event:
    """Rebuild an Event from an events row's stored body and signatures (storage.event_codec: schema 14 keeps them
    compact); ValueError as event_from_stored, or StoredFormError (a ValueError) if they do not decode."""
    return event_from_stored(load_body(body), load_signatures(signatures))
