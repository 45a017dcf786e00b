"""Password-based key wrapping for key slots.

    Argon2id(NFC(password), salt, params) -> 32-byte KEK
    HKDF-SHA256(KEK, info=purpose)        -> one AES-256-GCM key per purpose ("signing-key", "kem-key")
    X25519 sealed box                     -> the data key (DEK), sealed to the slot's X25519 public key

The DEK is sealed to a public key (not wrapped under the password directly) so that an administrator can rekey
the database after a revocation and give every remaining user the new DEK without knowing their passwords
(docs/adr/0002-keyslots.md). All ciphertexts carry associated data supplied by the caller.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class UnwrapError(Exception):
    """Authentication of a wrapped key failed: wrong password, or the slot was edited or moved."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored per slot so they can be raised later."""

    salt: bytes
    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 1

    # OWASP's minimum for Argon2id; anything weaker is refused outright.
    MIN_MEMORY_KIB = 19456
    MIN_ITERATIONS = 2

    # Upper bounds: a tampered slot must not be able to ask for terabytes or hours.
    MAX_MEMORY_KIB = 4 * 1024 * 1024
    MAX_ITERATIONS = 64
    MAX_LANES = 16

    def check(self) -> None:
        if not 16 <= len(self.salt) <= 64:
            raise UnwrapError("salt length out of range")
        if self.memory_kib < self.MIN_MEMORY_KIB or self.iterations < self.MIN_ITERATIONS or self.lanes < 1:
            raise UnwrapError("KDF parameters below the minimum")
        too_big = (self.memory_kib > self.MAX_MEMORY_KIB or self.iterations > self.MAX_ITERATIONS
                   or self.lanes > self.MAX_LANES)
        if too_big:
            raise UnwrapError("KDF parameters above the maximum")


PROFILES: dict[str, tuple[int, int]] = {
    # name: (memory KiB, iterations). "standard" is RFC 9106's second recommendation (~0.3 s here).
    "standard": (65536, 3),
    "strong": (262144, 3),
    "minimum": (KdfParams.MIN_MEMORY_KIB, KdfParams.MIN_ITERATIONS),
}


def new_kdf_params(profile: str = "standard") -> KdfParams:
    memory, iterations = PROFILES[profile]
    return KdfParams(salt=os.urandom(16), memory_kib=memory, iterations=iterations)


def normalise_password(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def derive_kek(password: str, params: KdfParams) -> bytearray:
    params.check()
    kdf = Argon2id(salt=params.salt, length=32, iterations=params.iterations, lanes=params.lanes,
                   memory_cost=params.memory_kib)
    out = bytearray(32)
    kdf.derive_into(normalise_password(password), out)
    return out


def subkey(kek: bytes | bytearray, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"securemail-slot-v1\x00" + purpose.encode()).derive(bytes(kek))


def aead_wrap(key: bytes, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, ad)


def aead_unwrap(key: bytes, nonce: bytes, ciphertext: bytes, ad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, ad)
    except (InvalidTag, ValueError) as e:
        raise UnwrapError("authentication failed") from e


def x25519_generate() -> tuple[bytes, bytes]:
    """(private raw, public raw)."""
    sk = X25519PrivateKey.generate()
    priv = sk.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return priv, pub


def _seal_key(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub,
                info=b"securemail-seal-v1").derive(shared)


def seal(recipient_pub: bytes, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes, bytes]:
    """Encrypt to an X25519 public key: (ephemeral public, nonce, ciphertext)."""
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_pub))
    nonce, ct = aead_wrap(_seal_key(shared, eph_pub, recipient_pub), plaintext, ad)
    return eph_pub, nonce, ct


def unseal(recipient_priv: bytes, eph_pub: bytes, nonce: bytes, ciphertext: bytes, ad: bytes) -> bytes:
    try:
        sk = X25519PrivateKey.from_private_bytes(recipient_priv)
        shared = sk.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        recipient_pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    except ValueError as e:
        raise UnwrapError("bad sealed key") from e
    return aead_unwrap(_seal_key(shared, eph_pub, recipient_pub), nonce, ciphertext, ad)
