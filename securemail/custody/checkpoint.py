"""Signed checkpoints (tree size, root, time) as small text notes, after the C2SP tlog-checkpoint format.

    securemail/GL01/3f2a...           origin: product / office code / vault id
    1234                              tree size
    q6Vb...=                          base64 Merkle root
    time 2026-11-27T10:00:00.000000+07:00
                                      (blank line)
    — office:GL01 AbCd...=            base64(4-byte key id || Ed25519 signature)
    — witness:kiemtra1 EfGh...=       optional auditor countersignatures

The office key signs Domain.CHECKPOINT || text; a witness signs Domain.WITNESS || text, where text is every
line above the blank line, each ending in a newline.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from securemail.crypto.signing import Domain, SigningKey, key_id, verify

DASH = "\u2014"


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    sig: bytes


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: str
    signatures: tuple[NoteSignature, ...] = field(default=())

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\ntime {self.time}\n"

    def note(self) -> str:
        lines = [f"{DASH} {s.name} {base64.b64encode(s.key_id + s.sig).decode()}" for s in self.signatures]
        return self.text() + "\n" + "\n".join(lines) + "\n"

    def signed_by(self, name: str, key: SigningKey, domain: Domain) -> Checkpoint:
        sig = NoteSignature(name, key_id(key.public_raw()), key.sign(domain, self.text().encode()))
        others = tuple(s for s in self.signatures if s.name != name)
        return Checkpoint(self.origin, self.size, self.root, self.time, (*others, sig))

    def has_valid_signature(self, name: str, public_key: bytes, domain: Domain) -> bool:
        for s in self.signatures:
            if s.name == name and s.key_id == key_id(public_key):
                return verify(public_key, domain, self.text().encode(), s.sig)
        return False


def office_signer_name(office_code: str) -> str:
    return f"office:{office_code}"


def user_signer_name(office_code: str, username: str) -> str:
    """The signature line of a person who wrote or exported a checkpoint with their own key."""
    return f"{office_code}/{username}"


def witness_signer_name(username: str) -> str:
    return f"witness:{username}"


def parse_note(note: str) -> Checkpoint:
    """Parse a checkpoint note; raises ValueError on any malformation (signatures are not checked here)."""
    if "\r" in note:
        raise ValueError("carriage return in note")
    head, sep, tail = note.partition("\n\n")
    if not sep:
        raise ValueError("no blank line between text and signatures")
    lines = head.split("\n")
    if len(lines) != 4 or not lines[3].startswith("time "):
        raise ValueError("checkpoint text must have origin, size, root and time lines")
    origin, size_text, root_text, time_line = lines
    if not (size_text.isascii() and size_text.isdigit()) or (size_text != "0" and size_text.startswith("0")):
        raise ValueError("bad size")
    root = base64.b64decode(root_text, validate=True)
    if len(root) != 32:
        raise ValueError("bad root")
    sigs = []
    for line in tail.strip("\n").split("\n"):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise ValueError("bad signature line")
        raw = base64.b64decode(parts[2], validate=True)
        if len(raw) != 4 + 64:
            raise ValueError("bad signature length")
        sigs.append(NoteSignature(parts[1], raw[:4], raw[4:]))
    return Checkpoint(origin, int(size_text), root, time_line[5:], tuple(sigs))
