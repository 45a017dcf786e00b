"""Signed events: the body (what is signed), signatures, hashes. One place decides every byte."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from securemail.crypto.canonical import canonical_bytes, parse_canonical
from securemail.crypto.signing import Domain, SigningKey, b64, sha256, unb64, verify
from securemail.custody.merkle import leaf_hash

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
    body = event.body_bytes()
    sigs = [Signature(event.actor, "actor", actor_key.sign(Domain.EVENT, body))]
    if event.cosigner is not None:
        if cosigner_key is None:
            raise ValueError("event names a co-signer but no co-signer key was given")
        sigs.append(Signature(event.cosigner, "cosigner", cosigner_key.sign(Domain.COSIGN, body)))
    return Event(**{**event.__dict__, "signatures": tuple(sigs)})


def check_signature(event_body: bytes, sig: Signature, public_key: bytes) -> bool:
    if sig.role not in ("actor", "cosigner"):
        return False
    domain = Domain.EVENT if sig.role == "actor" else Domain.COSIGN
    return verify(public_key, domain, event_body, sig.sig)


def event_from_stored(body: bytes, signatures: str | bytes) -> Event:
    """Rebuild an Event from stored bytes; raises ValueError if the body is not canonical or malformed."""
    doc = parse_canonical(body)
    raw_sigs = json.loads(signatures)
    if not isinstance(doc, dict) or doc.get("v") != EVENT_VERSION or set(doc) != _BODY_KEYS:
        raise ValueError("unknown event version or fields")
    # Strict: no conversions, so the Event is exactly what was signed.
    for key, types in _BODY_TYPES.items():
        if not isinstance(doc[key], types) or isinstance(doc[key], bool):
            raise ValueError(f"event field {key!r} has the wrong type")
    if not isinstance(raw_sigs, list) or not all(
            isinstance(s, dict) and all(isinstance(s.get(k), str) for k in ("by", "role", "sig")) for s in raw_sigs):
        raise ValueError("malformed signatures")
    sigs = tuple(Signature(s["by"], s["role"], unb64(s["sig"])) for s in raw_sigs)
    return Event(vault=doc["vault"], seq=doc["seq"], time=doc["time"], kind=doc["kind"], subject=doc["subject"],
                 actor=doc["actor"], prev=doc["prev"], data=doc["data"], cosigner=doc["cosigner"], signatures=sigs)


_BODY_KEYS = {"v", "vault", "seq", "time", "kind", "subject", "actor", "cosigner", "prev", "data"}
_BODY_TYPES: dict[str, type | tuple[type, ...]] = {
    "vault": str, "seq": int, "time": str, "kind": str, "subject": str, "actor": str,
    "cosigner": (str, type(None)), "prev": (str, type(None)), "data": dict}
