"""C2SP signed notes (c2sp.org/signed-note): key names, verifier keys, signature lines, parsing with limits.

    <text: one or more lines, each ending in a newline>
    (blank line)
    — <key name> base64(4-byte key ID || signature)     one line per signature

Ed25519 (type 0x01) signs the text exactly, final newline included, with no prefix. That is safe beside the app's
other signatures: every Domain-prefixed message contains a NUL byte, which a note never does, and a
tlog-cosignature message ("cosignature/v1\\ntime N\\n" + checkpoint) is never a valid checkpoint text (its second
line is not a tree size). Parsing keeps signature lines of any algorithm and length; which ones count is up to the
verifier, which ignores names and key IDs it does not know.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from securemail.crypto.signing import ALG_ED25519, key_id

DASH = "\u2014"
MAX_NOTE_BYTES = 64 * 1024     # a checkpoint with 100 Ed25519 signatures is ~10 KiB
MAX_TEXT_LINES = 64
MAX_SIGNATURES = 100           # as golang.org/x/mod/sumdb/note; C2SP asks for at least 16
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes   # 4 bytes
    sig: bytes      # the rest: 64 bytes for Ed25519, 72 for an Ed25519 cosignature, anything for others

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.sig).decode('ascii')}"


def is_valid_name(name: str) -> bool:
    """C2SP key name: non-empty, no Unicode space, no '+', and (for a note) no control character."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name) and not _CONTROL.search(name)


def check_name(name: str) -> str:
    if not is_valid_name(name):
        raise ValueError(f"not a valid C2SP key name: {name!r}")
    return name


def verifier_key(name: str, public_key: bytes, alg: int = ALG_ED25519) -> str:
    """C2SP vkey: name+hex8(key ID)+base64(type || public key), e.g. for golang.org/x/mod/sumdb/note.NewVerifier."""
    check_name(name)
    if len(public_key) != 32:
        raise ValueError("Ed25519 public key must be 32 bytes")
    return f"{name}+{key_id(name, public_key, alg).hex()}+{base64.b64encode(bytes([alg]) + public_key).decode()}"


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    alg: int
    public_key: bytes


def parse_verifier_key(vkey: str, alg: int = ALG_ED25519) -> VerifierKey:
    """Parse and check a vkey of signature type `alg` (Ed25519 by default); ValueError if anything is off."""
    name, sep1, rest = vkey.strip().partition("+")
    hex_id, sep2, key64 = rest.partition("+")
    if not (sep1 and sep2) or not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise ValueError("verifier key must be name+hex8(key ID)+base64(type || key)")
    check_name(name)
    raw = _strict_b64(key64)
    if len(raw) != 33 or raw[0] != alg:
        raise ValueError(f"verifier key is not a type {alg:#04x} Ed25519 key")
    vk = VerifierKey(name, bytes.fromhex(hex_id), alg, raw[1:])
    if key_id(name, vk.public_key, alg) != vk.key_id:
        raise ValueError("verifier key ID does not match its name and key")
    return vk


def split_note(note: str) -> tuple[str, tuple[NoteSignature, ...]]:
    """(text, signatures) of a signed note; ValueError if malformed or over the limits. Signatures unchecked."""
    if len(note) > MAX_NOTE_BYTES or len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise ValueError("note too large")
    if _CONTROL.search(note) or any(0xD800 <= ord(c) <= 0xDFFF for c in note):
        raise ValueError("control character or invalid UTF-8 in note")
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError("no blank line between text and signatures")
    text, block = note[:split + 1], note[split + 2:]
    if not block.endswith("\n"):
        raise ValueError("note must end with a newline after its signatures")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ValueError("too many signatures")
    return text, tuple(_parse_signature_line(line) for line in lines)


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(DASH + " "):
        raise ValueError("bad signature line")
    name, _, b64 = line[2:].partition(" ")
    if not is_valid_name(name):
        raise ValueError("bad key name in signature line")
    raw = _strict_b64(b64)
    if len(raw) < 5:
        raise ValueError("signature too short")
    return NoteSignature(name, raw[:4], raw[4:])


def _strict_b64(text: str) -> bytes:
    """Standard base64 (RFC 4648 §4) in its one canonical spelling, so that re-encoding gives the same text."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as e:
        raise ValueError("bad base64") from e
    if not raw or base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("bad base64")
    return raw
