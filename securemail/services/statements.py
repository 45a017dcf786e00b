"""Signed statements printed as QR codes: compact, self-contained, verifiable offline.

Payload text:  SM1.<base64url(canonical JSON statement)>.<base64url(Ed25519 signature)>
Statement:     {"v":1, "t": what (receipt|delivery|manifest|custody|register|overdue|audit), "o": office code,
                "id": tracking or document id, "h": hex SHA-256 (event hash, or hash of the document content),
                "cp": {"n": tree size, "r": base64 root} of the checkpoint it belongs to,
                "k": base64 office public key, "at": time issued}
The office key signs Domain.STATEMENT || canonical JSON. A verifier needs only the payload and a trusted office
key (from the vault, or a pinned key / fingerprint file); any changed byte makes the signature fail.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from securemail.clock import iso
from securemail.crypto.canonical import canonical_bytes, parse_canonical
from securemail.crypto.signing import Domain, b64, b64url, fingerprint, sha256, unb64, unb64url, verify
from securemail.custody.checkpoint import Checkpoint
from securemail.services.session import Session
from securemail.storage.files import read_input_file

PREFIX = "SM1."
KINDS = ("receipt", "delivery", "manifest", "custody", "register", "overdue", "audit")
OFFICE_KEY_HEADER = "securemail-office-key v1"


@dataclass(frozen=True)
class Statement:
    kind: str
    office: str
    ident: str
    digest: str
    checkpoint_size: int
    checkpoint_root: bytes
    office_key: bytes
    issued_at: str

    def to_json(self) -> dict[str, Any]:
        return {"v": 1, "t": self.kind, "o": self.office, "id": self.ident, "h": self.digest,
                "cp": {"n": self.checkpoint_size, "r": b64(self.checkpoint_root)}, "k": b64(self.office_key),
                "at": self.issued_at}


@dataclass(frozen=True)
class StatementCheck:
    valid: bool
    reason: str            # message key suffix: ok, malformed, bad_signature, key_mismatch, no_trusted_key, ...
    statement: Statement | None

    def __bool__(self) -> bool:
        return self.valid


def content_digest(content: Any) -> str:
    """Hash of a document's content (manifest rows, report tables) as canonical JSON."""
    return sha256(b"securemail-content-v1\x00" + canonical_bytes(content)).hex()


def issue(session: Session, kind: str, ident: str, digest: str, checkpoint: Checkpoint) -> str:
    st = Statement(kind, session.office_code, ident, digest, checkpoint.size, checkpoint.root,
                   session.office_key.public_raw(), iso(session.clock.now()))
    body = canonical_bytes(st.to_json())
    sig = session.office_key.sign(Domain.STATEMENT, body)
    return f"{PREFIX}{b64url(body)}.{b64url(sig)}"


def parse(payload: str) -> tuple[Statement, bytes, bytes]:
    """Split and decode a payload; raises ValueError when it is not one of ours."""
    text = payload.strip()
    if not text.startswith(PREFIX) or text.count(".") != 2:
        raise ValueError("not a SecureMail statement")
    _, body_b64, sig_b64 = text.split(".")
    body, sig = unb64url(body_b64), unb64url(sig_b64)
    # Canonical encodings only: spare bits in the last base64 character must not give a second valid spelling.
    if b64url(body) != body_b64 or b64url(sig) != sig_b64:
        raise ValueError("non-canonical base64")
    doc = parse_canonical(body)
    if not isinstance(doc, dict) or not isinstance(doc.get("cp"), dict):
        raise ValueError("statement is not an object")
    if doc.get("v") != 1 or doc.get("t") not in KINDS:
        raise ValueError("unknown statement version or kind")
    st = Statement(str(doc["t"]), str(doc["o"]), str(doc["id"]), str(doc["h"]), int(doc["cp"]["n"]),
                   unb64(doc["cp"]["r"]), unb64(doc["k"]), str(doc["at"]))
    if not re.fullmatch(r"[0-9a-f]{64}", st.digest) or len(st.checkpoint_root) != 32 or len(st.office_key) != 32:
        raise ValueError("malformed statement fields")
    return st, body, sig


def check(payload: str, *, trusted_keys: list[bytes] | None = None,
          trusted_fingerprints: list[str] | None = None) -> StatementCheck:
    """Valid only if the signature verifies AND the signing key is one we were told to trust."""
    try:
        st, body, sig = parse(payload)
    except (ValueError, KeyError, TypeError):  # UnicodeDecodeError and binascii.Error are ValueErrors
        return StatementCheck(False, "malformed", None)
    if not verify(st.office_key, Domain.STATEMENT, body, sig):
        return StatementCheck(False, "bad_signature", st)
    if not trusted_keys and not trusted_fingerprints:
        return StatementCheck(False, "no_trusted_key", st)
    fp = _norm_fp(fingerprint(st.office_key))
    if st.office_key in (trusted_keys or []) or fp in {_norm_fp(f) for f in trusted_fingerprints or []}:
        return StatementCheck(True, "ok", st)
    return StatementCheck(False, "key_mismatch", st)


def _norm_fp(text: str) -> str:
    return re.sub(r"[^0-9a-f]", "", text.lower())


def office_key_file_text(session: Session) -> str:
    pub = session.office_key.public_raw()
    name = json.dumps(session.office_name, ensure_ascii=False)
    return (f"{OFFICE_KEY_HEADER}\noffice {session.office_code}\nname {name}\nkey {b64(pub)}\n"
            f"fingerprint {fingerprint(pub)}\n")


MAX_TRUST_FILE = 64 * 1024


def read_trust_file(path: Path) -> tuple[list[bytes], list[str]]:
    """A pinned office key file: 'key <base64>' and/or 'fingerprint <hex>' lines (a bare fingerprint also works)."""
    keys, fps = [], []
    text = read_input_file(path, max_size=MAX_TRUST_FILE, field="--office-key").decode("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("key "):
            keys.append(unb64(line[4:].strip()))
        elif line.startswith("fingerprint "):
            fps.append(line[len("fingerprint "):])
        elif re.fullmatch(r"[0-9a-fA-F ]{32,80}", line):
            fps.append(line)
    if not keys and not fps:
        raise ValueError("no key or fingerprint in file")
    return keys, fps
