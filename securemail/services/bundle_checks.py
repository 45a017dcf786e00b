"""Checking a bundle before anything is stored: every check of docs/formats/bundle-v2.md against this vault and its
pins, in the order of CHECKS; a bundle that fails one is refused with an error naming it."""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field

from securemail.crypto.canonical import JsonObject, canonical_bytes, parse_canonical
from securemail.crypto.signing import Domain, sha256, unb64, verify
from securemail.custody import kinds as K
from securemail.custody.authority import AUTHORITY_KINDS, Authority
from securemail.custody.certs import Chain
from securemail.custody.checkpoint import Checkpoint, office_signer_name, parse_note, signer_user
from securemail.custody.events import Event, event_from_stored, event_leaf_hash
from securemail.custody.merkle.proof_checks import verify_consistency, verify_inclusion
from securemail.custody.partial_replay import PartialReplay
from securemail.custody.rules import parse_time
from securemail.domain.enums import Secrecy
from securemail.domain.item import too_few_envelopes
from securemail.errors import BadInputError, UserFacingError
from securemail.services import cross_witness
from securemail.services.bundle_format import FORMAT, MAX_BUNDLE_BYTES, MAX_PROOF, VERSION
from securemail.services.pins import active_pin
from securemail.services.session import Session


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
    authority = replay_and_judge(parsed, office, vault, office_key)
    exporter = authority.lookup(chain.cert.username, cp.size)
    _need(exporter.key == chain.key and not exporter.temporary, "certificate",
          f"{chain.cert.username} who signed the bundle has no valid key of theirs in the sender's directory at "
          f"size {cp.size} ({exporter.detail or 'another key'})")
    if not office_signed:
        _need(person_signed(cp, office, authority), "checkpoint",
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


def replay_and_judge(parsed: list[tuple[Event, bytes, str, list[bytes]]], office: str, vault: str,
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
    replay = PartialReplay()      # custody: the partner's own state rules, replayed on what it sent
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


def person_signed(cp: Checkpoint, office: str, authority: Authority) -> bool:
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
