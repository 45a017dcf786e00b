"""Signed checkpoints in the C2SP tlog-checkpoint format (a C2SP signed note; see securemail/custody/note.py).

    securemail/GL01/3f2a...                 origin: product / office code / vault id
    1234                                    tree size
    q6Vb...=                                base64 Merkle root (RFC 6962)
    time 2026-11-27T10:00:00.000000+07:00   extension line written by SecureMail (other extension lines are kept)
                                            (blank line)
    — securemail/GL01 AbCd...=              base64(key ID || Ed25519 signature over the text above)
    — securemail/witness/kiemtra1 EfGh...=  optional tlog-cosignature/v1 lines (securemail/custody/cosignature.py)

Any C2SP verifier (e.g. golang.org/x/mod/sumdb/note) checks a signature with `verifier_key(name, public_key)`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from securemail.crypto.signing import SigningKey, key_id, verify_note
from securemail.custody.note import DASH, MAX_TEXT_LINES, NoteSignature, check_name, split_note

__all__ = [
    "DASH",
    "WITNESS_PREFIX",
    "Checkpoint",
    "NoteSignature",
    "office_signer_name",
    "parse_note",
    "user_signer_name",
    "witness_signer_name",
]

_TIME = "time "
_PREVIOUS = "previous "       # SecureMail's vault checkpoints name the one before: none can be dropped unseen


def previous_line(size: int) -> str:
    return f"{_PREVIOUS}{size}"
WITNESS_PREFIX = "securemail/witness/"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: str                                   # "" when the note has no "time ..." first extension line
    signatures: tuple[NoteSignature, ...] = field(default=())
    extensions: tuple[str, ...] = field(default=())   # further extension lines, kept verbatim

    def text(self) -> str:
        time = (f"{_TIME}{self.time}",) if self.time else ()
        lines = (self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *time, *self.extensions)
        return "".join(f"{line}\n" for line in lines)

    def note(self) -> str:
        return self.text() + "\n" + "".join(f"{s.line()}\n" for s in self.signatures)

    @property
    def previous(self) -> int | None:
        """The size of the vault checkpoint this one follows ("previous N" extension line), if it says."""
        for line in self.extensions:
            if line.startswith(_PREVIOUS) and line[len(_PREVIOUS):].isascii() and line[len(_PREVIOUS):].isdigit():
                return int(line[len(_PREVIOUS):])
        return None

    def unsigned(self) -> Checkpoint:
        return Checkpoint(self.origin, self.size, self.root, self.time, (), self.extensions)

    def with_signature(self, sig: NoteSignature) -> Checkpoint:
        """A copy carrying `sig`, replacing any earlier line with the same name and key ID."""
        others = tuple(s for s in self.signatures if (s.name, s.key_id) != (sig.name, sig.key_id))
        return Checkpoint(self.origin, self.size, self.root, self.time, (*others, sig), self.extensions)

    def signed_by(self, name: str, key: SigningKey) -> Checkpoint:
        """Add a C2SP Ed25519 (type 0x01) signature by `key` under key name `name` over text() exactly."""
        text = self.text()
        again = parse_note(text + "\n" + NoteSignature(check_name(name), b"\0" * 4, b"\0" * 64).line() + "\n")
        if again.unsigned() != self.unsigned():
            raise ValueError("checkpoint fields do not make a well-formed checkpoint text")
        sig = NoteSignature(name, key_id(name, key.public_raw()), key.sign_note(text.encode("utf-8")))
        return self.with_signature(sig)

    def has_valid_signature(self, name: str, public_key: bytes) -> bool:
        """True if the first line with this name and its Ed25519 key ID verifies (later duplicates are skipped, as
        golang.org/x/mod/sumdb/note does); lines of other keys are ignored."""
        kid = key_id(name, public_key)
        for s in self.signatures:
            if s.name == name and s.key_id == kid:
                return verify_note(public_key, self.text().encode("utf-8"), s.sig)
        return False


def office_signer_name(office_code: str) -> str:
    """Key name of the office key: 'securemail/GL01' (origin-like; each vault's origin is 'securemail/GL01/<id>')."""
    return check_name(f"securemail/{office_code}")


def user_signer_name(office_code: str, username: str) -> str:
    """Key name of a person's own key when they sign a checkpoint: 'securemail/GL01/user/alice'."""
    return check_name(f"securemail/{office_code}/user/{username}")


def signer_user(office_code: str, name: str) -> str | None:
    """The user whose own key a signature line names (see user_signer_name), or None."""
    prefix = f"securemail/{office_code}/user/"
    return name[len(prefix):] or None if name.startswith(prefix) else None


def witness_signer_name(username: str) -> str:
    """Key name of an auditor's tlog-cosignature/v1 witness key: 'securemail/witness/kiemtra1'."""
    return check_name(f"{WITNESS_PREFIX}{username}")


def parse_note(note: str) -> Checkpoint:
    """Parse a checkpoint note; ValueError on any malformation (signatures are not checked here).

    Signature lines of every algorithm and length are kept (unknown ones are for verifiers to ignore); the text
    must be origin, tree size, root hash and optional non-empty extension lines, and must re-encode exactly.
    """
    text, sigs = split_note(note)
    lines = text[:-1].split("\n")
    if len(lines) < 3 or len(lines) > MAX_TEXT_LINES or any(not line for line in lines):
        raise ValueError("checkpoint text must have origin, size and root lines and no empty line")
    origin, size_text, root_text, *ext = lines
    if not (size_text.isascii() and size_text.isdigit()) or (size_text != "0" and size_text.startswith("0")) \
            or len(size_text) > 20 or int(size_text) >= 2 ** 64:
        raise ValueError("bad size")
    try:
        root = base64.b64decode(root_text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as e:
        raise ValueError("bad root") from e
    if len(root) != 32 or base64.b64encode(root).decode("ascii") != root_text:
        raise ValueError("bad root")
    time = ""
    if ext and ext[0].startswith(_TIME) and len(ext[0]) > len(_TIME):
        time, ext = ext[0][len(_TIME):], ext[1:]
    cp = Checkpoint(origin, int(size_text), root, time, sigs, tuple(ext))
    if cp.text() != text:
        raise ValueError("checkpoint text does not re-encode exactly")
    return cp
