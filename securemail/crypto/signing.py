"""Ed25519 signatures over domain-separated messages, key fingerprints and encodings."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from enum import Enum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_sodium_open: Callable[[bytes, bytes], bytes] | None
try:
    from nacl.bindings import crypto_sign_open as _nacl_open
    from nacl.exceptions import BadSignatureError as _SodiumBadSignature
    _sodium_open = _nacl_open
except ImportError:  # pragma: no cover - pynacl is a dependency; a source checkout without it still works
    _sodium_open = None
    _SodiumBadSignature = InvalidSignature  # type: ignore[misc,assignment]


class Domain(bytes, Enum):
    """Every signature names what it is for, so one can never be replayed as another."""

    EVENT = b"securemail-event-v1\x00"
    COSIGN = b"securemail-cosign-v1\x00"
    STATEMENT = b"securemail-statement-v1\x00"
    BUNDLE = b"securemail-bundle-v1\x00"
    VERIFIED = b"securemail-verified-v1\x00"
    CERT = b"securemail-cert-v1\x00"


class SigningKey:
    """An Ed25519 private key held as raw bytes in a bytearray (best effort: Python cannot wipe reliably)."""

    def __init__(self, raw: bytes | bytearray) -> None:
        if len(raw) != 32:
            raise ValueError("Ed25519 private key must be 32 bytes")
        self._raw = bytearray(raw)
        self._key: Ed25519PrivateKey | None = Ed25519PrivateKey.from_private_bytes(bytes(self._raw))

    @classmethod
    def generate(cls) -> SigningKey:
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
        return cls(raw)

    def raw(self) -> bytes:
        return bytes(self._raw)

    def public_raw(self) -> bytes:
        if self._key is None:
            raise ValueError("signing key has been wiped")
        return self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def sign(self, domain: Domain, message: bytes) -> bytes:
        if self._key is None:
            raise ValueError("signing key has been wiped")
        return self._key.sign(domain.value + message)

    def sign_note(self, message: bytes) -> bytes:
        """Ed25519 over `message` exactly, no prefix: only for C2SP signed-note texts and tlog-cosignature messages,
        whose own structure separates them from each other and from every Domain-prefixed message (a Domain prefix
        ends in NUL, which a note never contains; see securemail/custody/note.py)."""
        if self._key is None:
            raise ValueError("signing key has been wiped")
        return self._key.sign(message)

    def wipe(self) -> None:
        """Zero our copy and drop the key object, so this SigningKey can never sign again."""
        for i in range(len(self._raw)):
            self._raw[i] = 0
        self._key = None

    def __repr__(self) -> str:
        return f"SigningKey(fingerprint={fingerprint(self.public_raw())})"


def verify(public_raw: bytes, domain: Domain, message: bytes, signature: bytes) -> bool:
    """True only for a valid signature; never raises on malformed keys or signatures."""
    return verify_note(public_raw, domain.value + message, signature)


def verify_note(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 over `message` exactly (C2SP notes and cosignatures); never raises on malformed input.

    libsodium (PyNaCl) when installed: about twice OpenSSL's rate, and stricter (it also refuses small-order keys
    and non-canonical encodings, which no key or signature made here has). OpenSSL otherwise."""
    if len(public_raw) != 32 or len(signature) != 64:
        return False
    if _sodium_open is not None:
        try:
            _sodium_open(bytes(signature) + bytes(message), bytes(public_raw))
        except (_SodiumBadSignature, ValueError, TypeError):
            return False
        return True
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of the raw public key, hex, grouped for reading aloud: 'ab12 cd34 ...' (first 16 bytes)."""
    digest = hashlib.sha256(b"securemail-key-v1\x00" + public_raw).hexdigest()[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


ALG_ED25519 = 0x01          # C2SP signed-note signature type: Ed25519 over the note text
ALG_COSIGNATURE_V1 = 0x04   # C2SP tlog-cosignature: timestamped Ed25519 cosignature/v1


def key_id(name: str, public_raw: bytes, alg: int = ALG_ED25519) -> bytes:
    """C2SP signed-note key ID: SHA-256(key name || 0x0A || signature type || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_raw).digest()[:4]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    pad = "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode((text + pad).encode("ascii"))


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
