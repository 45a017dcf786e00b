"""Signed statements printed as QR codes: compact, self-contained, verifiable offline, attributable to a person.

Payload text:  SM2.<base64url(canonical JSON statement)>.<base64url(Ed25519 signature)>
Statement:     {"v":2, "t": what (receipt|delivery|manifest|custody|register|overdue|audit), "o": office code,
                "vault": vault id, "id": tracking or document id, "h": hex SHA-256 (event hash, or hash of the
                document content), "cp": {"n": tree size, "r": base64 root} of the checkpoint it belongs to,
                "k": base64 office public key, "at": time issued,
                "s": the signer's certificate chain (custody.certs): the office's certificate of a key, then links}
The person who prints signs Domain.STATEMENT || canonical JSON with their own key, the last key of the chain.
Offline, a verifier needs only the payload and the pinned office key: the chain says who signed and with which
role, and that role must be one allowed to print that kind of document. With the vault open, the statement must
also match the log: the signer's key is one the signed directory gave them, the checkpoint is a prefix of this
log, and a receipt's or delivery slip's event exists in it, inside that checkpoint (docs/adr/0006-key-hierarchy.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from securemail.clock import iso
from securemail.crypto.canonical import JsonObject, JsonValue, canonical_bytes, parse_canonical
from securemail.crypto.signing import Domain, b64, b64url, fingerprint, sha256, unb64, unb64url, verify
from securemail.custody import kinds as K
from securemail.custody.certs import Chain
from securemail.custody.checkpoint import Checkpoint, office_signer_name
from securemail.custody.events import event_from_row, event_hash, event_leaf_hash
from securemail.custody.ledger import leaf_hashes, log_size
from securemail.custody.merkle.tree import root_from_leaf_hashes
from securemail.custody.note import parse_verifier_key, verifier_key
from securemail.domain.enums import Role
from securemail.domain.permissions import MATRIX, Permission
from securemail.errors import PermissionDeniedError
from securemail.services.session import Session
from securemail.storage.files import read_input_file

PREFIX = "SM2."
KINDS = ("receipt", "delivery", "manifest", "custody", "register", "overdue", "audit")
OFFICE_KEY_HEADER = "securemail-office-key v1"
MAX_PAYLOAD = 4096

# Who may print (and so sign) each kind of document: the permissions services/reports.py requires.
ISSUERS: dict[str, frozenset[Role]] = {
    "receipt": MATRIX[Permission.PRINT_RECEIPT],
    "delivery": MATRIX[Permission.PRINT_RECEIPT],
    "custody": MATRIX[Permission.PRINT_RECEIPT] | MATRIX[Permission.PRINT_REPORTS],
    **dict.fromkeys(("manifest", "register", "overdue", "audit"), MATRIX[Permission.PRINT_REPORTS]),
}
# Statements about one event: the event's kind, found by its hash in the log.
EVENT_KINDS = {"receipt": K.ITEM_ACCEPTED, "delivery": K.ITEM_DELIVERED}


@dataclass(frozen=True)
class Statement:
    kind: str
    office: str
    vault: str
    ident: str
    digest: str
    checkpoint_size: int
    checkpoint_root: bytes
    office_key: bytes
    issued_at: str
    signer: Chain

    def to_json(self) -> JsonObject:
        return {"v": 2, "t": self.kind, "o": self.office, "vault": self.vault, "id": self.ident, "h": self.digest,
                "cp": {"n": self.checkpoint_size, "r": b64(self.checkpoint_root)}, "k": b64(self.office_key),
                "at": self.issued_at, "s": self.signer.to_json()}

    @property
    def signed_by(self) -> str:
        return self.signer.cert.username

    @property
    def signer_role(self) -> str:
        return self.signer.cert.role


@dataclass(frozen=True)
class StatementCheck:
    valid: bool
    reason: str            # message key suffix: ok, malformed, bad_signature, key_mismatch, no_trusted_key, ...
    statement: Statement | None

    def __bool__(self) -> bool:
        return self.valid


def content_digest(content: JsonValue) -> str:
    """Hash of a document's content (manifest rows, report tables) as canonical JSON."""
    return sha256(b"securemail-content-v1\x00" + canonical_bytes(content)).hex()


def signer_chain(session: Session) -> Chain:
    """The signed-in user's certificate chain (Session.signer_chain), refused for a temporary key or a chain that
    does not end in the key signing now."""
    if session.must_change_password:
        raise PermissionDeniedError("auth.must_change_password")
    chain = session.signer_chain()
    if chain is None or chain.key != session.signer.key.public_raw():
        raise PermissionDeniedError("perm.no_certificate")
    return chain


def issue(session: Session, kind: str, ident: str, digest: str, checkpoint: Checkpoint) -> str:
    st = Statement(kind, session.office_code, session.vault_id, ident, digest, checkpoint.size, checkpoint.root,
                   session.office_public_key, iso(session.clock.now()), signer_chain(session))
    body = canonical_bytes(st.to_json())
    sig = session.signer.key.sign(Domain.STATEMENT, body)
    return f"{PREFIX}{b64url(body)}.{b64url(sig)}"


def parse(payload: str) -> tuple[Statement, bytes, bytes]:
    """Split and decode a payload; raises ValueError when it is not one of ours."""
    text = payload.strip()
    if len(text) > MAX_PAYLOAD or not text.startswith(PREFIX) or text.count(".") != 2:
        raise ValueError("not a SecureMail statement")
    _, body_b64, sig_b64 = text.split(".")
    body, sig = unb64url(body_b64), unb64url(sig_b64)
    # Canonical encodings only: spare bits in the last base64 character must not give a second valid spelling.
    if b64url(body) != body_b64 or b64url(sig) != sig_b64:
        raise ValueError("non-canonical base64")
    doc = parse_canonical(body)
    expected = {"v", "t", "o", "vault", "id", "h", "cp", "k", "at", "s"}
    if not isinstance(doc, dict) or set(doc) != expected or not isinstance(doc.get("cp"), dict):
        raise ValueError("statement is not an object")
    if doc.get("v") != 2 or doc.get("t") not in KINDS:
        raise ValueError("unknown statement version or kind")
    for name in ("o", "vault", "id", "h", "k", "at"):
        if not isinstance(doc[name], str):
            raise ValueError(f"{name} is not text")
    cp = doc["cp"]
    if set(cp) != {"n", "r"} or not isinstance(cp["n"], int) or isinstance(cp["n"], bool) or cp["n"] < 0 \
            or not isinstance(cp["r"], str):
        raise ValueError("bad checkpoint")
    chain = Chain.from_json(doc["s"], office=doc["o"], vault=doc["vault"])
    st = Statement(doc["t"], doc["o"], doc["vault"], doc["id"], doc["h"], cp["n"], unb64(cp["r"]), unb64(doc["k"]),
                   doc["at"], chain)
    if not re.fullmatch(r"[0-9a-f]{64}", st.digest) or len(st.checkpoint_root) != 32 or len(st.office_key) != 32:
        raise ValueError("malformed statement fields")
    return st, body, sig


def check(payload: str, *, trusted_keys: list[bytes] | None = None,
          trusted_fingerprints: list[str] | None = None) -> StatementCheck:
    """Valid only if the office key is one we were told to trust, the chain from it names a person whose role
    may print this kind of document, and their key signed the statement."""
    try:
        st, body, sig = parse(payload)
    except (ValueError, KeyError, TypeError, RecursionError):  # UnicodeDecodeError, binascii.Error: ValueErrors
        return StatementCheck(False, "malformed", None)
    if not st.signer.verify(st.office_key):
        return StatementCheck(False, "bad_certificate", st)
    if not verify(st.signer.key, Domain.STATEMENT, body, sig):
        return StatementCheck(False, "bad_signature", st)
    if st.signer.cert.temporary or st.signer_role not in {r.value for r in ISSUERS[st.kind]}:
        return StatementCheck(False, "signer_not_allowed", st)
    if not trusted_keys and not trusted_fingerprints:
        return StatementCheck(False, "no_trusted_key", st)
    fp = _norm_fp(fingerprint(st.office_key))
    if st.office_key in (trusted_keys or []) or fp in {_norm_fp(f) for f in trusted_fingerprints or []}:
        return StatementCheck(True, "ok", st)
    return StatementCheck(False, "key_mismatch", st)


def check_in_vault(session: Session, payload: str) -> StatementCheck:
    """`check` against this vault's office key, then against its log (refuses what no log entry backs)."""
    result = check(payload, trusted_keys=[session.office_public_key])
    st = result.statement
    if not result or st is None:
        return result
    reason = _log_reason(session, st)
    return StatementCheck(reason is None, reason or "ok", st)


def _log_reason(session: Session, st: Statement) -> str | None:
    """Why the log does not back `st`, or None."""
    if st.vault != session.vault_id or st.office != session.office_code:
        return "other_vault"
    account = session.authority.account(st.signed_by)
    if account is None or st.signer.key not in {p.key for p in account.periods if not p.temporary}:
        return "unknown_signer"
    n = st.checkpoint_size
    if n > log_size(session.conn) or n == 0 or root_from_leaf_hashes(leaf_hashes(session.conn, n)) \
            != st.checkpoint_root:
        return "not_in_log"
    event_kind = EVENT_KINDS.get(st.kind)
    if event_kind is not None:
        row = session.conn.execute("SELECT seq, body, signatures, leaf_hash FROM events WHERE event_hash = ?",
                                   (bytes.fromhex(st.digest),)).fetchone()
        if row is None or int(row[0]) > n:
            return "not_in_log"
        try:
            event = event_from_row(row[1], row[2])
        except ValueError:
            return "not_in_log"
        sigs = event.signatures_bytes()
        if event_hash(event.body_bytes()).hex() != st.digest or event.kind != event_kind \
                or event.subject != st.ident or event_leaf_hash(event.body_bytes(), sigs) != bytes(row[3]):
            return "not_in_log"
    return None


def _norm_fp(text: str) -> str:
    return re.sub(r"[^0-9a-f]", "", text.lower())


def office_vkey(session: Session) -> str:
    """The office key as a C2SP verifier key, e.g. for golang.org/x/mod/sumdb/note to check exported checkpoints."""
    return verifier_key(office_signer_name(session.office_code), session.office_public_key)


def office_key_file_text(session: Session) -> str:
    pub = session.office_public_key
    name = json.dumps(session.office_name, ensure_ascii=False)
    kind = session.setting("vault_kind") or "office"
    agency = session.setting("vault_agency")
    return (f"{OFFICE_KEY_HEADER}\noffice {session.office_code}\nname {name}\nkey {b64(pub)}\n"
            f"fingerprint {fingerprint(pub)}\nvkey {office_vkey(session)}\nkind {kind}\n"
            + (f"agency {agency}\n" if agency else "") + f"vault {session.vault_id}\n")


MAX_TRUST_FILE = 64 * 1024


def read_trust_file(path: Path) -> tuple[list[bytes], list[str]]:
    """A pinned office key file: 'key <base64>', 'vkey <C2SP verifier key>' and/or 'fingerprint <hex>' lines
    (a bare fingerprint also works)."""
    keys, fps = [], []
    text = read_input_file(path, max_size=MAX_TRUST_FILE, field="--office-key").decode("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("key "):
            keys.append(unb64(line[4:].strip()))
        elif line.startswith("vkey "):
            keys.append(parse_verifier_key(line[5:].strip()).public_key)
        elif line.startswith("fingerprint "):
            fps.append(line[len("fingerprint "):])
        elif re.fullmatch(r"[0-9a-fA-F ]{32,80}", line):
            fps.append(line)
    if not keys and not fps:
        raise ValueError("no key or fingerprint in file")
    return keys, fps
