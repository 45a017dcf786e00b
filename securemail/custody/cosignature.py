"""Witness cosignatures in the C2SP tlog-cosignature format, Ed25519 version (cosignature/v1, signature type 0x04).

    key ID    = SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]
    message   = "cosignature/v1\\n" + "time <POSIX seconds>\\n" + checkpoint text (final newline, no signatures)
    signature line: — <name> base64(key ID || 8-byte big-endian timestamp || 64-byte Ed25519 signature)
"""

from __future__ import annotations

from securemail.crypto.signing import ALG_COSIGNATURE_V1, SigningKey, key_id, verify_note
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.note import NoteSignature, check_name

MAX_TIMESTAMP = 2 ** 63 - 1


def cosigned_message(checkpoint: Checkpoint, timestamp: int) -> bytes:
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("cosignature timestamp out of range")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint.text()}".encode()


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    return key_id(name, public_key, ALG_COSIGNATURE_V1)


def cosign(checkpoint: Checkpoint, name: str, key: SigningKey, timestamp: int) -> Checkpoint:
    """The checkpoint with a cosignature/v1 line by `key` as `name` at POSIX time `timestamp` added."""
    check_name(name)
    sig = key.sign_note(cosigned_message(checkpoint, timestamp))
    line = NoteSignature(name, cosignature_key_id(name, key.public_raw()), timestamp.to_bytes(8, "big") + sig)
    return checkpoint.with_signature(line)


def cosignature_time(checkpoint: Checkpoint, name: str, public_key: bytes) -> int | None:
    """POSIX time of a valid cosignature/v1 by (name, public key) on this checkpoint, else None.
    Lines with another name or key ID are ignored; a matching line that fails to verify gives None."""
    kid = cosignature_key_id(name, public_key)
    for s in checkpoint.signatures:
        if s.name != name or s.key_id != kid:
            continue
        if len(s.sig) != 8 + 64:
            return None
        timestamp = int.from_bytes(s.sig[:8], "big")
        if timestamp > MAX_TIMESTAMP or not verify_note(public_key, cosigned_message(checkpoint, timestamp), s.sig[8:]):
            return None
        return timestamp
    return None
