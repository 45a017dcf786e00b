"""Between vaults: pinned partner keys, signed exchange bundles, and verified imports (docs/formats/bundle-v2.md).

A partner's office key is pinned by an administrator (signed `pin.added` / `pin.revoked` directory events). A
bundle carries the custody events of some items, the sender's directory events (so an Authority can be replayed
from them), the sender's latest checkpoint with an RFC 6962 inclusion proof for every event and consistency proofs
from the checkpoints sent to this receiver before; it is signed by the exporting person, whose certificate chain
leads to the sender's office key. `import_bundle` checks all of it against the pinned key before anything is
stored; a bundle that fails a check changes nothing and the refusal names the check.
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from securemail.clock import iso
from securemail.crypto.canonical import JsonObject, canonical_bytes, parse_canonical
from securemail.crypto.signing import Domain, b64, fingerprint, sha256, unb64, verify
from securemail.custody import kinds as K
from securemail.custody.authority import AUTHORITY_KINDS, Authority
from securemail.custody.certs import Chain
from securemail.custody.checkpoint import Checkpoint, office_signer_name, parse_note, signer_user
from securemail.custody.events import Event, event_from_stored, event_leaf_hash
from securemail.custody.foreign_replay import ForeignReplay
from securemail.custody.ledger import leaf_hashes, sign_checkpoint
from securemail.custody.merkle import MerkleLog, verify_consistency, verify_inclusion
from securemail.custody.note import parse_verifier_key
from securemail.custody.rules import parse_time
from securemail.custody.verify import Problem
from securemail.domain.enums import Secrecy
from securemail.domain.errors import FieldError
from securemail.domain.item import too_few_envelopes
from securemail.domain.text import clean_code, clean_text
from securemail.errors import BadInputError, NotFoundError, StateError, UserFacingError
from securemail.services import cross_witness
from securemail.services import items as item_service
from securemail.services.audit_trail import record_export
from securemail.services.permissions import Permission
from securemail.services.queries.timeline import Origin, TimelineEntry
from securemail.services.session import Session, field_error, fields_checked
from securemail.services.statements import OFFICE_KEY_HEADER, signer_chain
from securemail.storage.database import Connection, DbRow
from securemail.storage.files import write_user_file

FORMAT = "securemail-bundle"
VERSION = 2          # 2: cosignatures travel back (cross-witnessing); item.received / item.passed_on events
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_PROOF = 64

# The checks of an import, in the order they run (the refusal names one of them).
CHECKS = ("format", "version", "recipient", "pin", "certificate", "bundle_signature", "checkpoint", "events",
          "inclusion", "directory", "signatures", "custody", "hash_chain", "items", "split_view", "cosignatures")


# ---- pins --------------------------------------------------------------------------------------------------

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


# ---- export ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    path: Path
    to: str
    items: list[str]
    events: int
    size: int
    root: bytes
    sha256: str


def _bags_of(conn: Connection, tracking: str) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT DISTINCT json_extract(body, '$.data.bag') FROM events WHERE subject = ? AND kind = ?",
        (tracking, K.ITEM_BAGGED)) if r[0]]


def build_bundle(session: Session, to_code: str, trackings: list[str] | None) -> tuple[bytes, Exported]:
    """The signed bundle for the pinned vault `to_code` (bytes of the file) and what it holds."""
    session.require(Permission.VERIFY)
    pin = active_pin(session, to_code)
    if pin is None:
        raise NotFoundError("notfound.pin", code=to_code)
    chain = signer_chain(session)
    conn = session.conn
    if not trackings:
        if pin.agency is None:
            raise BadInputError("input.required", field="items")
        trackings = [r[0] for r in conn.execute(
            "SELECT tracking FROM items WHERE sender_agency = ? OR recipient_agency = ? ORDER BY tracking",
            (pin.agency, pin.agency))]
    rows = [item_service.item_row(session, t) for t in trackings]    # also: may this user see them
    chosen = sorted({r.tracking for r in rows})
    cp = session.checkpoint()         # covers the whole log: the newest events of the items go too
    size = cp.size
    subjects = {K.DIRECTORY, *chosen, *(K.bag_subject(b) for t in chosen for b in _bags_of(conn, t))}
    marks = ",".join("?" for _ in subjects)
    stored = conn.execute(f"SELECT seq, body, signatures FROM events WHERE seq <= ? AND subject IN ({marks}) "
                          "ORDER BY seq", (size, *sorted(subjects))).fetchall()
    log = MerkleLog.from_leaf_hashes(leaf_hashes(conn, size))
    events = [{"body": b64(bytes(body)), "signatures": str(sigs),
               "proof": [b64(h) for h in log.inclusion_proof(int(seq) - 1, size)]} for seq, body, sigs in stored]
    consistency = [{"size": int(m), "proof": [b64(h) for h in log.consistency_proof(int(m), size)]}
                   for (m,) in conn.execute("SELECT DISTINCT size FROM bundles_sent WHERE to_vault = ? AND size < ? "
                                            "ORDER BY size", (pin.vault, size))]
    cp = sign_checkpoint(cp, session.office_code, session.signer, session.office_signing_key)
    doc = {"format": FORMAT, "v": VERSION, "cosignatures": cross_witness.owed_to(conn, pin.vault),
           "from": {"office": session.office_code, "name": session.office_name, "vault": session.vault_id,
                    "kind": session.setting("vault_kind") or "office", "agency": session.setting("vault_agency"),
                    "key": b64(session.office_public_key)},
           "to": {"office": pin.code, "vault": pin.vault},
           "at": iso(session.clock.now()), "by": chain.to_json(), "items": chosen, "checkpoint": cp.note(),
           "consistency": consistency, "events": events}
    body = canonical_bytes(doc)
    data = canonical_bytes({"bundle": doc, "sig": b64(session.signer.key.sign(Domain.BUNDLE, body))})
    return data, Exported(Path(), pin.code, chosen, len(events), size, cp.root, sha256(body).hex())


def export_bundle(session: Session, to_code: str, trackings: list[str] | None, path: Path) -> Exported:
    """Write the bundle to `path`, then remember which checkpoint went to which vault (a hint: the next bundle
    carries a consistency proof from it)."""
    data, exported = build_bundle(session, to_code, trackings)
    write_user_file(path, data, session.paths.root)
    pin = active_pin(session, exported.to)
    if pin is not None:
        session.conn.execute("INSERT OR IGNORE INTO bundles_sent (to_vault, size, root, time) VALUES (?, ?, ?, ?)",
                             (pin.vault, exported.size, exported.root, iso(session.clock.now())))

    record_export(session, "bundle", path)
    return Exported(path, exported.to, exported.items, exported.events, exported.size, exported.root,
                    exported.sha256)


# ---- import ------------------------------------------------------------------------------------------------

class BundleRefused(UserFacingError):
    """The bundle failed `check`; nothing was stored."""

    exit_code = 1

    def __init__(self, check: str, detail: str) -> None:
        super().__init__("bundle.refused", check=check, detail=detail)
        self.check = check
        self.detail = detail


class BundleVersionError(BadInputError):
    def __init__(self, version: object) -> None:
        older = type(version) is int and 0 < version < VERSION
        super().__init__("bundle.old_version" if older else "bundle.unknown_version", version=str(version)[:40],
                         supported=VERSION)
        self.check = "version"


@dataclass
class Verified:
    """A bundle whose every check passed."""

    sha256: bytes
    office: str
    vault: str
    name: str
    checkpoint: Checkpoint
    events: list[tuple[Event, bytes, str, list[bytes]]]    # event, body bytes, signatures text, proof
    items: list[str]
    previous: int | None = None
    cosignatures: list[cross_witness.Received] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _need(ok: bool, check: str, detail: str) -> None:
    if not ok:
        raise BundleRefused(check, detail)


def _str(doc: JsonObject, key: str, check: str = "format") -> str:
    value = doc.get(key)
    _need(isinstance(value, str), check, f"{key} is not text")
    return str(value)


def _hashes(value: object, what: str, check: str) -> list[bytes]:
    _need(isinstance(value, list) and len(value) <= MAX_PROOF and all(isinstance(h, str) for h in value), check,
          f"{what} is not a list of hashes")
    assert isinstance(value, list)
    out = [unb64(h) for h in value]
    _need(all(len(h) == 32 for h in out), check, f"{what} holds a hash that is not 32 bytes")
    return out


def verify_bundle(session: Session, data: bytes) -> Verified:
    """Every check of docs/formats/bundle-v2.md, against this vault and its pins; raises BundleRefused (or
    BundleVersionError) naming the first that fails. Reads only; stores nothing."""
    try:
        return _verify(session, data)
    except (BundleRefused, BundleVersionError):
        raise
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError, OverflowError) as e:
        raise BundleRefused("format", f"malformed bundle ({type(e).__name__})") from e


def _verify(session: Session, data: bytes) -> Verified:
    _need(len(data) <= MAX_BUNDLE_BYTES, "format", "bundle larger than 64 MiB")
    try:
        outer = parse_canonical(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BundleRefused("format", "not a canonical JSON bundle") from e
    _need(isinstance(outer, dict) and set(outer) == {"bundle", "sig"}, "format", "not a signed bundle")
    assert isinstance(outer, dict)
    doc, sig_text = outer["bundle"], outer["sig"]
    _need(isinstance(doc, dict) and doc.get("format") == FORMAT and isinstance(sig_text, str), "format",
          "not a SecureMail bundle")
    assert isinstance(doc, dict)
    if doc.get("v") != VERSION:
        raise BundleVersionError(doc.get("v"))
    expected = {"format", "v", "from", "to", "at", "by", "items", "checkpoint", "consistency", "events",
                "cosignatures"}
    _need(set(doc) == expected, "format", f"fields {sorted(set(doc) ^ expected)} unexpected or missing")
    sender, to = doc["from"], doc["to"]
    _need(isinstance(sender, dict) and isinstance(to, dict), "format", "from/to are not objects")
    office, vault, key_text = _str(sender, "office"), _str(sender, "vault"), _str(sender, "key")
    _need(set(sender) == {"office", "name", "vault", "kind", "agency", "key"} and isinstance(sender["name"], str)
          and sender["kind"] in ("office", "agency") and isinstance(sender["agency"], str | None)
          and set(to) == {"office", "vault"}, "format", "from/to have unexpected fields")
    _need(parse_time(_str(doc, "at")) is not None, "format", "at is not an ISO-8601 time with an offset")
    consistency = doc["consistency"]
    _need(isinstance(consistency, list) and all(
        isinstance(c, dict) and set(c) == {"size", "proof"} and type(c["size"]) is int and c["size"] > 0
        for c in consistency), "format", "consistency is not a list of {size, proof}")
    # recipient: this vault, not another (a bundle replayed into the wrong vault)
    _need(to.get("vault") == session.vault_id and to.get("office") == session.office_code, "recipient",
          f"addressed to {to.get('office')}/{to.get('vault')}, this vault is {session.office_code}/{session.vault_id}")
    pin = active_pin(session, office)
    _need(pin is not None, "pin", f"no active pin for {office}")
    assert pin is not None
    office_key = unb64(key_text)
    _need(office_key == pin.key and vault == pin.vault, "pin",
          f"the office key or vault of {office} is not the one pinned ({pin.fingerprint})")
    # certificate chain of the exporting person under the pinned office key
    try:
        chain = Chain.from_json(doc["by"], office=office, vault=vault)
    except ValueError as e:
        raise BundleRefused("certificate", "unreadable certificate chain") from e
    _need(chain.verify(office_key) and not chain.cert.temporary, "certificate",
          f"the chain of {chain.cert.username} does not lead from the pinned office key")
    body = canonical_bytes(doc)
    _need(verify(chain.key, Domain.BUNDLE, body, unb64(sig_text)), "bundle_signature",
          f"the bundle is not signed by {chain.cert.username}")
    # checkpoint: theirs, signed by their office key or a person their directory certifies (checked below)
    try:
        cp = parse_note(_str(doc, "checkpoint", "checkpoint"))
    except ValueError as e:
        raise BundleRefused("checkpoint", f"unreadable checkpoint ({e})") from e
    _need(cp.origin == f"securemail/{office}/{vault}", "checkpoint", f"checkpoint of another log ({cp.origin})")
    office_signed = cp.has_valid_signature(office_signer_name(office), office_key)
    # events: parsed, of the sender's vault, in strictly increasing order inside the checkpoint
    raw_events = doc["events"]
    _need(isinstance(raw_events, list) and len(raw_events) >= 2, "events", "no events")
    assert isinstance(raw_events, list)
    parsed: list[tuple[Event, bytes, str, list[bytes]]] = []
    last = 0
    for i, raw in enumerate(raw_events):
        _need(isinstance(raw, dict) and set(raw) == {"body", "signatures", "proof"}, "events",
              f"event #{i} is malformed")
        try:
            ebody, esigs = unb64(_str(raw, "body", "events")), _str(raw, "signatures", "events")
            event = event_from_stored(ebody, esigs)
        except (ValueError, KeyError, TypeError, binascii.Error) as e:
            raise BundleRefused("events", f"event #{i} is unreadable") from e
        _need(event.vault == vault, "events", f"event {event.seq} belongs to vault {event.vault}")
        _need(last < event.seq <= cp.size, "events",
              f"event {event.seq} is out of order or outside the checkpoint (after {last}, size {cp.size})")
        last = event.seq
        parsed.append((event, ebody, esigs, _hashes(raw["proof"], f"proof of event {event.seq}", "inclusion")))
    # inclusion: every event is the leaf at its seq in the signed checkpoint
    for event, ebody, esigs, proof in parsed:
        _need(verify_inclusion(event_leaf_hash(ebody, esigs.encode()), event.seq - 1, cp.size, proof, cp.root),
              "inclusion", f"event {event.seq} is not in the checkpoint of size {cp.size}")
    # directory and signatures: an Authority replayed from their own signed directory, event by event
    authority = _replay_and_judge(parsed, office, vault, office_key)
    exporter = authority.lookup(chain.cert.username, cp.size)
    _need(exporter.key == chain.key and not exporter.temporary, "certificate",
          f"{chain.cert.username} who signed the bundle has no valid key of theirs in the sender's directory at "
          f"size {cp.size} ({exporter.detail or 'another key'})")
    if not office_signed:
        _need(_person_signed(cp, office, authority), "checkpoint",
              "the checkpoint is signed neither by the office key nor by a person it certified")
    # hash chains: every subject's events are complete from its first (prev = hash of the previous)
    heads: dict[str, bytes | None] = {}
    for event, *_rest in parsed:
        expected_prev = heads.get(event.subject)
        _need((event.prev is None) if event.subject not in heads else event.prev == (expected_prev or b"").hex(),
              "hash_chain", f"event {event.seq} of {event.subject} does not follow the previous one")
        heads[event.subject] = event.event_hash()
    chosen = doc["items"]
    _need(isinstance(chosen, list) and all(isinstance(t, str) for t in chosen), "items", "items is not a list")
    assert isinstance(chosen, list)
    for t in chosen:
        first = next((e for e, *_ in parsed if e.subject == t), None)
        _need(first is not None and first.kind in (K.ITEM_ACCEPTED, K.ITEM_RECEIVED), "items",
              f"no acceptance (or receipt) of {t} in the bundle")
        assert first is not None
        recorded = first.data.get("item")
        _need(not too_few_envelopes(recorded), "envelopes",
              f"{t}: Tuyệt mật / Số bì (envelopes) = {dict(recorded or {}).get('envelopes')!r}, fewer than "
              f"{Secrecy.TUYET_MAT.envelopes_required} (inner and outer envelope)")
    _need(all(e.subject in heads and (e.subject == K.DIRECTORY or e.subject in chosen or e.subject.startswith("bag:"))
              for e, *_ in parsed), "items", "events of subjects the bundle does not name")
    # split view: this checkpoint must extend the newest one already imported from that vault
    previous = _check_extends(session, vault, cp, doc["consistency"])
    # cosignatures: checkpoints of this vault's log that a person of the sender cosigned, checked against the pin
    received = cross_witness.check_received(
        doc["cosignatures"], my_origin=f"securemail/{session.office_code}/{session.vault_id}", office=office,
        vault=vault, office_key=office_key, authority=authority)
    if isinstance(received, str):
        raise BundleRefused("cosignatures", received)
    sha = sha256(body)
    return Verified(sha, office, vault, pin.name, cp, parsed, sorted(set(chosen)), previous, received)


def _replay_and_judge(parsed: list[tuple[Event, bytes, str, list[bytes]]], office: str, vault: str,
                      office_key: bytes) -> Authority:
    authority = Authority()
    events = [p[0] for p in parsed]
    _need(len(events) >= 2, "directory", "no genesis pair")
    created, enrolled = events[0], events[1]
    _need(created.seq == 1 and enrolled.seq == 2, "directory", "the bundle does not start with the genesis pair")
    _need(authority.judge_genesis(created, enrolled).holds(), "directory", "the genesis pair does not verify")
    authority.apply_genesis(created, enrolled)
    _need(authority.office_key == office_key and authority.office_code == office and authority.vault_id == vault,
          "directory", "the genesis names another office key, office or vault")
    replay = ForeignReplay()      # custody: the partner's own state rules, replayed on what it sent
    try:
        replay.genesis(created, enrolled)
        for e in events[2:]:
            judgement = authority.judge(e)
            if not judgement.holds():
                reasons = [r.detail for r in judgement.refusals] + [n.detail for n in judgement.failed_needs()]
                if any(n.temporary for n in judgement.needs):
                    reasons.append("signed with a temporary key")
                raise BundleRefused("signatures", f"event {e.seq} ({e.kind}): {'; '.join(reasons) or 'refused'}")
            unlawful = replay.refusals(authority, e)
            if unlawful:
                raise BundleRefused("custody", f"event {e.seq} ({e.kind}): {'; '.join(unlawful)}")
            if e.kind in AUTHORITY_KINDS:
                authority.apply(e)
            else:
                authority.last_seq = max(authority.last_seq, e.seq)
    finally:
        replay.close()
    return authority


def _person_signed(cp: Checkpoint, office: str, authority: Authority) -> bool:
    for s in cp.signatures:
        user = signer_user(office, s.name)
        found = authority.lookup(user, cp.size) if user else None
        if found is not None and found.key is not None and not found.temporary \
                and cp.has_valid_signature(s.name, found.key):
            return True
    return False


def _check_extends(session: Session, vault: str, cp: Checkpoint, consistency: object) -> int | None:
    row = session.conn.execute("SELECT size, root FROM bundles_imported WHERE origin_vault = ? "
                               "ORDER BY size DESC LIMIT 1", (vault,)).fetchone()
    _need(isinstance(consistency, list), "split_view", "consistency is not a list")
    assert isinstance(consistency, list)
    if row is None:
        return None
    same = session.conn.execute("SELECT root FROM bundles_imported WHERE origin_vault = ? AND size = ?",
                                (vault, cp.size)).fetchall()
    _need(all(bytes(r[0]) == cp.root for r in same), "split_view",
          f"a different log of the same size {cp.size} was imported before")
    if same:
        return cp.size         # a checkpoint already imported (and proved extended by every later one)
    size, root = int(row[0]), bytes(row[1])
    if size == cp.size:
        _need(root == cp.root, "split_view", f"a different log of the same size {size} was imported before")
        return size
    _need(size < cp.size, "split_view", f"the checkpoint (size {cp.size}) is older than the one already "
                                        f"imported (size {size})")
    proofs = [c for c in consistency if isinstance(c, dict) and c.get("size") == size]
    _need(len(proofs) == 1, "split_view", f"no consistency proof from the size {size} already imported")
    proof = _hashes(proofs[0].get("proof"), "consistency proof", "split_view")
    _need(verify_consistency(size, cp.size, root, cp.root, proof), "split_view",
          f"the log is not an extension of the checkpoint of size {size} already imported (split view)")
    return size


@dataclass(frozen=True)
class Imported:
    office: str
    vault: str
    size: int
    root: bytes
    sha256: str
    events: int
    new_events: int
    items: list[str]
    already: bool
    import_seq: int | None


def import_bundle(session: Session, data: bytes) -> Imported:
    """Verify, then store the sender's events beside this vault's log and record the import as a signed event.
    Importing the same bundle twice stores nothing the second time."""
    session.require(Permission.VERIFY)
    v = verify_bundle(session, data)
    conn = session.conn
    if conn.execute("SELECT 1 FROM bundles_imported WHERE sha256 = ?", (v.sha256,)).fetchone():
        return Imported(v.office, v.vault, v.checkpoint.size, v.checkpoint.root, v.sha256.hex(), len(v.events), 0,
                        v.items, True, None)
    new = 0
    with session.write() as ledger:
        ledger.request_checkpoint()       # a batch: an import is signed off (docs/adr/0016)
        event = ledger.append(K.BUNDLE_IMPORTED, K.DIRECTORY, session.signer, {
            "from": v.office, "from_vault": v.vault, "size": v.checkpoint.size, "root": b64(v.checkpoint.root),
            "bundle_sha256": v.sha256.hex(), "items": v.items, "events": len(v.events),
            "cosignatures": sorted({r.checkpoint.size for r in v.cosignatures})})
        for e, body, sigs, proof in v.events:
            cur = conn.execute(
                "INSERT OR IGNORE INTO foreign_events (origin_vault, seq, origin_office, subject, kind, body, "
                "signatures, leaf_hash, checkpoint_size, proof, import_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (v.vault, e.seq, v.office, e.subject, e.kind, body, sigs, event_leaf_hash(body, sigs.encode()),
                 v.checkpoint.size, json.dumps([b64(h) for h in proof]), event.seq))
            new += cur.rowcount
        conn.execute("INSERT INTO bundles_imported (sha256, origin_vault, origin_office, size, root, note, "
                     "import_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (v.sha256, v.vault, v.office, v.checkpoint.size, v.checkpoint.root, v.checkpoint.note(),
                      event.seq))
        cross_witness.store_received(conn, v.cosignatures, v.office, v.vault, event.seq)
        cross_witness.cosign_imported(session, v.vault, v.checkpoint)
    return Imported(v.office, v.vault, v.checkpoint.size, v.checkpoint.root, v.sha256.hex(), len(v.events), new,
                    v.items, False, event.seq)


def read_bundle_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise BundleRefused("format", "bundle larger than 64 MiB")
        return path.read_bytes()
    except OSError as e:
        raise BadInputError("input.file_unreadable", field="file", path=str(path)) from e


# ---- imported events in the timeline -----------------------------------------------------------------------

def _stored_authority(session: Session, vault: str) -> Authority:
    rows = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE origin_vault = ? AND subject = ? "
                                "ORDER BY seq", (vault, K.DIRECTORY)).fetchall()
    return Authority.replay(event_from_stored(bytes(b), s) for b, s in rows)


def foreign_timeline(session: Session, tracking: str) -> list[TimelineEntry]:
    """Events of `tracking` imported from partners (oldest vault first), each re-verified now: its signatures
    against the sender's replayed directory, its inclusion proof against the stored checkpoint, and the sender's
    key against an active pin."""
    conn = session.conn
    out: list[TimelineEntry] = []
    vaults = [r[0] for r in conn.execute("SELECT origin_vault, min(import_seq) FROM foreign_events WHERE subject = ? "
                                         "GROUP BY origin_vault ORDER BY 2", (tracking,))]
    for vault in vaults:
        authority = _stored_authority(session, vault)
        pinned = conn.execute("SELECT code, name FROM pins WHERE vault = ? AND active = 1 AND public_key = ?",
                              (vault, authority.office_key or b"")).fetchone()
        bags = [str(r[0]) for r in conn.execute(
            "SELECT DISTINCT json_extract(body, '$.data.bag') FROM foreign_events WHERE origin_vault = ? AND "
            "subject = ? AND kind = ?", (vault, tracking, K.ITEM_BAGGED)) if r[0]]
        subjects = [tracking, *(K.bag_subject(b) for b in bags)]
        marks = ",".join("?" for _ in subjects)
        rows = conn.execute(
            "SELECT f.seq, f.origin_office, f.body, f.signatures, f.leaf_hash, f.proof, f.checkpoint_size, "
            "(SELECT root FROM bundles_imported b WHERE b.origin_vault = f.origin_vault AND b.size = "
            f"f.checkpoint_size LIMIT 1) FROM foreign_events f WHERE f.origin_vault = ? AND f.subject IN ({marks}) "
            "ORDER BY f.seq", (vault, *subjects)).fetchall()
        for _seq, office, body, sigs, leaf, proof, size, root in rows:
            e = event_from_stored(bytes(body), sigs)
            if e.subject != tracking and tracking not in e.data.get("items", [tracking]):
                continue
            included = root is not None and verify_inclusion(bytes(leaf), e.seq - 1, int(size),
                                                             [unb64(h) for h in json.loads(proof)], bytes(root)) \
                and event_leaf_hash(bytes(body), sigs.encode()) == bytes(leaf)
            ok = included and pinned is not None and authority.judge(e).holds()
            origin = Origin(office, vault, own=False, name=pinned[1] if pinned else None, verified=ok)
            out.append(TimelineEntry(e.seq, e.kind, e.actor, e.cosigner, e.time, e.subject, e.data,
                                     e.event_hash().hex(), ok, origin))
    return out


def foreign_item(session: Session, tracking: str) -> JsonObject | None:
    """An item known here only from imported events: its accepted data and where it was, per the sender."""
    row = session.conn.execute("SELECT body, signatures FROM foreign_events WHERE subject = ? AND kind = ? "
                               "ORDER BY import_seq LIMIT 1", (tracking, K.ITEM_ACCEPTED)).fetchone()
    if row is None:
        return None
    e = event_from_stored(bytes(row[0]), row[1])
    item = dict(e.data.get("item") or {})
    item_service.check_visible(session, item.get("sender_agency"), item.get("recipient_agency"))
    return {"tracking": tracking, "status": None, "foreign_only": True, **item}


# ---- verify: imported events re-checked against the stored proofs and the pins ------------------------------

def verify_foreign(session: Session) -> tuple[list[Problem], list[str]]:
    """Problems with the events imported from partners (as verify reports them, code `foreign_unverified`) and
    warning keys. Per sender: every stored checkpoint is signed by the pinned office key or a person its directory
    certifies, every event is the leaf its stored proof says under that checkpoint, every signature holds under
    the sender's directory replayed from the stored events, and every subject's hash chain is complete."""
    conn = session.conn
    problems: list[Problem] = []
    warnings: list[str] = []
    for vault, office in conn.execute("SELECT DISTINCT origin_vault, origin_office FROM bundles_imported "
                                      "ORDER BY origin_vault").fetchall():
        def problem(seq: int | None, subject: str | None, detail: str, office: str = office) -> None:
            problems.append(Problem(seq, subject, "foreign_unverified", f"{office}: {detail}"))

        pin = conn.execute("SELECT public_key FROM pins WHERE vault = ? AND code = ? AND active = 1",
                           (vault, office)).fetchone()
        if pin is None and "verify.warn_foreign_unpinned" not in warnings:
            warnings.append("verify.warn_foreign_unpinned")
        rows = conn.execute("SELECT seq, body, signatures, leaf_hash, checkpoint_size, proof FROM foreign_events "
                            "WHERE origin_vault = ? ORDER BY seq", (vault,)).fetchall()
        roots = {int(n): bytes(r) for n, r in conn.execute(
            "SELECT size, root FROM bundles_imported WHERE origin_vault = ?", (vault,))}
        parsed: list[tuple[Event, bytes, str, list[bytes]]] = []
        for seq, body, sigs, leaf, size, proof in rows:
            try:
                e = event_from_stored(bytes(body), sigs)
                hashes = [unb64(h) for h in json.loads(proof)]
            except (ValueError, KeyError, TypeError, binascii.Error):
                problem(int(seq), None, "unreadable imported event")
                continue
            if e.seq != seq or e.vault != vault or event_leaf_hash(bytes(body), sigs.encode()) != bytes(leaf) \
                    or int(size) not in roots \
                    or not verify_inclusion(bytes(leaf), e.seq - 1, int(size), hashes, roots[int(size)]):
                problem(int(seq), e.subject, f"event {seq} is not in the checkpoint of size {size} it was imported "
                                             "with")
                continue
            parsed.append((e, bytes(body), sigs, hashes))
        authority: Authority | None = None
        try:
            authority = _replay_and_judge(parsed, office, vault, bytes(pin[0]) if pin else b"")
        except BundleRefused as refused:
            if pin is not None or refused.check != "directory":
                problem(None, None, f"{refused.check}: {refused.detail}")
        heads: dict[str, bytes] = {}
        for e, *_rest in parsed:
            if (e.prev is not None) if e.subject not in heads else e.prev != heads[e.subject].hex():
                problem(e.seq, e.subject, f"event {e.seq} does not follow the previous imported event of "
                                          f"{e.subject}")
            heads[e.subject] = e.event_hash()
        for size, note in conn.execute("SELECT size, note FROM bundles_imported WHERE origin_vault = ?", (vault,)):
            try:
                cp = parse_note(note)
            except ValueError:
                problem(int(size), None, "unreadable imported checkpoint")
                continue
            signed = pin is not None and cp.has_valid_signature(office_signer_name(office), bytes(pin[0]))
            if cp.size != size or cp.origin != f"securemail/{office}/{vault}" or not (
                    signed or (authority is not None and _person_signed(cp, office, authority))):
                problem(int(size), None, f"the imported checkpoint of size {size} is not signed by the pinned "
                                         "office key or a person it certified")
    return problems, warnings
