"""Pinned partner keys: another vault's office key, read from its exported key file and pinned (or revoked) by an
administrator as a signed `pin.added` / `pin.revoked` directory event. A bundle is accepted only from a pinned key.
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path

from securemail.crypto.canonical import JsonObject
from securemail.crypto.signing import b64, fingerprint, unb64
from securemail.custody import kinds as K
from securemail.custody.checkpoint import office_signer_name
from securemail.custody.note import parse_verifier_key
from securemail.domain.errors import FieldError
from securemail.domain.text import clean_code, clean_text
from securemail.errors import BadInputError, NotFoundError, StateError
from securemail.services.permissions import Permission
from securemail.services.session import Session, field_error, fields_checked
from securemail.services.statements import OFFICE_KEY_HEADER
from securemail.storage.database import DbRow


@dataclass(frozen=True)
class KeyFile:
    code: str
    name: str
    key: bytes
    kind: str
    agency: str | None
    vault: str


@dataclass(frozen=True)
class Pin:
    code: str
    name: str
    kind: str
    agency: str | None
    vault: str
    key: bytes
    fingerprint: str
    reason: str | None
    active: bool
    pinned_seq: int
    revoked_seq: int | None
    revoke_reason: str | None

    def to_json(self) -> JsonObject:
        return {"code": self.code, "name": self.name, "kind": self.kind, "agency": self.agency, "vault": self.vault,
                "key": b64(self.key), "fingerprint": self.fingerprint, "reason": self.reason, "active": self.active,
                "pinned_seq": self.pinned_seq, "revoked_seq": self.revoked_seq, "revoke_reason": self.revoke_reason}


def read_key_file(path: Path) -> KeyFile:
    """An `office-key export` file; ValueError when it is not one, or its key, vkey and fingerprint disagree."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != OFFICE_KEY_HEADER:
        raise ValueError("not an office key file")
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.strip().partition(" ")
        if name in fields:
            raise ValueError(f"{name} given twice")
        fields[name] = value.strip()
    key = unb64(fields.get("key", ""))
    if len(key) != 32:
        raise ValueError("no 32-byte key")
    if "fingerprint" in fields and fields["fingerprint"] != fingerprint(key):
        raise ValueError("fingerprint does not match the key")
    code = clean_code(fields.get("office"), "office_code")
    if "vkey" in fields:
        vk = parse_verifier_key(fields["vkey"])
        if vk.public_key != key or vk.name != office_signer_name(code):
            raise ValueError("vkey does not match the key")
    kind = fields.get("kind", "office")
    if kind not in ("office", "agency") or not re.fullmatch(r"[0-9a-f]{32}", fields.get("vault", "")):
        raise ValueError("bad kind or vault id")
    name = json.loads(fields["name"]) if fields.get("name", "").startswith('"') else fields.get("name", code)
    agency = fields.get("agency") or None
    return KeyFile(code, str(name), key, kind, clean_code(agency, "agency") if agency else None, fields["vault"])


def _pin_from_row(row: DbRow) -> Pin:
    code, name, kind, agency, vault, key, fp, reason, active, pinned, revoked, why = row
    return Pin(code, name, kind, agency, vault, bytes(key), fp, reason, bool(active), pinned, revoked, why)


_PIN_COLUMNS = ("code, name, kind, agency, vault, public_key, fingerprint, reason, active, pinned_seq, revoked_seq, "
                "revoke_reason")


def list_pins(session: Session) -> list[Pin]:
    session.require(Permission.VERIFY)
    return [_pin_from_row(r) for r in session.conn.execute(f"SELECT {_PIN_COLUMNS} FROM pins ORDER BY code")]


def active_pin(session: Session, code: str) -> Pin | None:
    row = session.conn.execute(f"SELECT {_PIN_COLUMNS} FROM pins WHERE code = ? AND active = 1",
                               (code.strip().upper(),)).fetchone()
    return _pin_from_row(row) if row else None


def _clean_reason(reason: str | None, required: bool) -> str | None:
    with fields_checked():
        return clean_text(reason, field="reason", max_len=500, required=required)


def add_pin(session: Session, path: Path, reason: str | None = None) -> Pin:
    """Pin another vault's office key from its exported key file (administrators; a signed event)."""
    session.require(Permission.MANAGE_SETTINGS)
    try:
        kf = read_key_file(path)
    except FieldError as e:
        raise field_error(e) from e
    except (OSError, ValueError, KeyError, UnicodeDecodeError, binascii.Error) as e:
        raise BadInputError("input.key_file", field="file", path=str(path)) from e
    why = _clean_reason(reason, False)
    if kf.key == session.office_public_key or kf.vault == session.vault_id:
        raise StateError("state.pin_self")
    if active_pin(session, kf.code) is not None:
        raise StateError("state.pin_exists", code=kf.code)
    with session.write() as ledger:
        ledger.append(K.PIN_ADDED, K.DIRECTORY, session.signer, {
            "code": kf.code, "name": kf.name, "kind": kf.kind, "agency": kf.agency, "vault": kf.vault,
            "public_key": b64(kf.key), "fingerprint": fingerprint(kf.key), "reason": why})
    pin = active_pin(session, kf.code)
    assert pin is not None
    return pin


def revoke_pin(session: Session, code: str, reason: str) -> Pin:
    session.require(Permission.MANAGE_SETTINGS)
    why = _clean_reason(reason, True)
    pin = active_pin(session, code)
    if pin is None:
        raise NotFoundError("notfound.pin", code=code)
    with session.write() as ledger:
        ledger.append(K.PIN_REVOKED, K.DIRECTORY, session.signer, {"code": pin.code, "reason": why})
    row = session.conn.execute(f"SELECT {_PIN_COLUMNS} FROM pins WHERE code = ?", (pin.code,)).fetchone()
    return _pin_from_row(row)
