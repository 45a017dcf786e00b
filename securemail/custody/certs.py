"""Key certificates: the office key vouches for a person's signing key, and a key vouches for its successor.

The office key (held by administrators only, docs/adr/0006-key-hierarchy.md) signs a certificate for each key an
administrator issues: at enrolment, at a role change, and at a password reset (marked temporary). A user who
changes their own password signs a link from their old key to the new one. A chain - one office certificate and
the links after it - lets anyone holding only the pinned office key tell who signed a printed statement, with
which role, offline. Certificates are carried in the directory events that issue the keys, so the log holds them.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import Any

from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.signing import Domain, SigningKey, b64, unb64, verify

MAX_CHAIN = 8          # links after the office certificate a statement may carry


@dataclass(frozen=True)
class Certificate:
    """The office's word: `username` of office `office` (vault `vault`) holds `key` with `role` in `agency`."""

    office: str
    vault: str
    username: str
    role: str
    agency: str | None
    key: bytes
    temporary: bool = False

    def body(self) -> bytes:
        return canonical_bytes({"v": 1, "o": self.office, "vault": self.vault, "u": self.username, "r": self.role,
                                "a": self.agency, "k": b64(self.key), "t": self.temporary})

    def sign(self, office_key: SigningKey) -> bytes:
        return office_key.sign(Domain.CERT, self.body())

    def verify(self, office_public: bytes, sig: bytes) -> bool:
        return verify(office_public, Domain.CERT, self.body(), sig)


def link_body(vault: str, username: str, old_key: bytes, new_key: bytes) -> bytes:
    """What a user's old key signs when they replace it with `new_key` (a password change)."""
    return canonical_bytes({"v": 1, "vault": vault, "u": username, "old": b64(old_key), "new": b64(new_key)})


@dataclass(frozen=True)
class Link:
    key: bytes
    sig: bytes      # by the previous key in the chain, over link_body


@dataclass(frozen=True)
class Chain:
    """An office certificate with its signature, then the links to the key that signs now."""

    cert: Certificate
    cert_sig: bytes
    links: tuple[Link, ...] = ()

    @property
    def key(self) -> bytes:
        return self.links[-1].key if self.links else self.cert.key

    def verify(self, office_public: bytes) -> bool:
        if len(self.links) > MAX_CHAIN or not self.cert.verify(office_public, self.cert_sig):
            return False
        key = self.cert.key
        for link in self.links:
            if not verify(key, Domain.CERT, link_body(self.cert.vault, self.cert.username, key, link.key), link.sig):
                return False
            key = link.key
        return True

    def to_json(self) -> dict[str, Any]:
        c = self.cert
        return {"u": c.username, "r": c.role, "a": c.agency, "k": b64(c.key), "t": c.temporary,
                "s": b64(self.cert_sig), "l": [[b64(x.key), b64(x.sig)] for x in self.links]}

    @classmethod
    def from_json(cls, doc: object, *, office: str, vault: str) -> Chain:
        """Raises ValueError on any malformation."""
        if not isinstance(doc, dict) or set(doc) != {"u", "r", "a", "k", "t", "s", "l"}:
            raise ValueError("not a certificate chain")
        links = doc["l"]
        if not isinstance(links, list) or len(links) > MAX_CHAIN:
            raise ValueError("bad links")
        for field in ("u", "r", "k", "s"):
            if not isinstance(doc[field], str):
                raise ValueError(f"{field} is not text")
        if (doc["a"] is not None and not isinstance(doc["a"], str)) or not isinstance(doc["t"], bool):
            raise ValueError("bad agency or temporary flag")
        try:
            cert = Certificate(office, vault, doc["u"], doc["r"], doc["a"], _key(doc["k"]), doc["t"])
            parsed = []
            for pair in links:
                if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(x, str) for x in pair):
                    raise ValueError("bad link")
                parsed.append(Link(_key(pair[0]), _sig(pair[1])))
            return cls(cert, _sig(doc["s"]), tuple(parsed))
        except binascii.Error as e:
            raise ValueError("bad base64") from e


def _key(text: str) -> bytes:
    raw = unb64(text)
    if len(raw) != 32:
        raise ValueError("a key is 32 bytes")
    return raw


def _sig(text: str) -> bytes:
    raw = unb64(text)
    if len(raw) != 64:
        raise ValueError("a signature is 64 bytes")
    return raw
