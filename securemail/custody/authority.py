"""The one authority on trust, replayed from the signed directory events of the log.

It answers every trust question the same way for login, the ledger writer (so every service), the verifier, the
timeline and the printed documents: who exists, with which role, agency and key, valid from which event to which,
and whether the signers of an event were allowed to sign it (the rule table is `custody.kinds.RULES`). Nothing
that can be edited without a signature - a projection table, a key-slot field, state.json - is consulted.

Validity of keys, by sequence number:
- enrolment at seq s: the key signs from s (the genesis administrator's from 1, so they sign vault.created);
- a key rotation at seq s is signed by the old key, which stops after s; the new key signs from s + 1;
- a revocation at seq s: nothing the user signs at s or later is valid;
- a key issued by an administrator (a password reset) is temporary: it may sign only its owner's own key
  rotation (the forced password change), never a custody event or a co-signature.
A directory event changes the authority only when every one of its signatures verifies and nothing is refused.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable
from dataclasses import dataclass, field

from securemail.crypto.signing import Domain, unb64, verify
from securemail.custody import kinds as K
from securemail.custody.certs import Certificate, Chain, Link, link_body
from securemail.custody.checkpoint import Checkpoint, office_signer_name, signer_user
from securemail.custody.events import Event
from securemail.domain.enums import Role
from securemail.domain.permissions import MATRIX

KEY_KINDS = frozenset({K.USER_ENROLLED, K.USER_ROLE_CHANGED, K.USER_REVOKED, K.USER_KEY_ROTATED})
AUTHORITY_KINDS = KEY_KINDS | {K.VAULT_CREATED}


@dataclass(frozen=True)
class KeyPeriod:
    start: int
    end: int | None          # first seq at which the key no longer signs
    key: bytes
    temporary: bool = False

    def covers(self, seq: int) -> bool:
        return self.start <= seq and (self.end is None or seq < self.end)


@dataclass
class Account:
    username: str
    full_name: str
    role: str
    agency: str | None
    enrolled_seq: int
    periods: list[KeyPeriod]
    roles: list[tuple[int, str, str | None]]     # (from seq, role, agency)
    revoked_seq: int | None = None
    chain: Chain | None = None                   # office certificate of a key and links to the current one

    @property
    def active(self) -> bool:
        return self.revoked_seq is None

    @property
    def current(self) -> KeyPeriod:
        return self.periods[-1]

    def period_at(self, seq: int) -> KeyPeriod | None:
        for p in self.periods:
            if p.covers(seq):
                return p
        return None

    def role_at(self, seq: int) -> tuple[str, str | None]:
        found = self.roles[0][1:]
        for start, role, agency in self.roles:
            if start <= seq:
                found = (role, agency)
        return found


@dataclass(frozen=True)
class Check:
    """One signature to verify: Ed25519 by `key` over `domain || message`."""

    key: bytes
    domain: Domain
    message: bytes
    sig: bytes

    def ok(self) -> bool:
        return verify(self.key, self.domain, self.message, self.sig)

    def with_key(self, key: bytes) -> Check:
        return Check(key, self.domain, self.message, self.sig)


@dataclass(frozen=True)
class Need:
    """A signature the event must carry; `older` are the signer's replaced keys (to tell key_not_valid from a
    forgery when it fails)."""

    check: Check
    detail: str
    older: tuple[bytes, ...] = ()
    temporary: bool = False     # the key is an administrator's temporary one: valid signature, not allowed


TEMPORARY_KEY = ("signed with the temporary key an administrator issued at a password reset; it may only be used "
                 "to set their own password")


@dataclass(frozen=True)
class Refusal:
    code: str           # a verify problem code: unknown_signer, key_not_valid, illegal_transition, ...
    detail: str


@dataclass
class Judgement:
    needs: list[Need] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)

    def refuse(self, code: str, detail: str) -> None:
        self.refusals.append(Refusal(code, detail))

    def failed_needs(self) -> list[Need]:
        return [n for n in self.needs if not n.check.ok()]

    def holds(self) -> bool:
        """Checks every signature now (the verifier batches them instead)."""
        return not self.refusals and not any(n.temporary for n in self.needs) and not self.failed_needs()


@dataclass(frozen=True)
class KeyLookup:
    key: bytes | None
    code: str = ""
    detail: str = ""
    older: tuple[bytes, ...] = ()
    temporary: bool = False


class Authority:
    """Accounts and the office identity, as the valid directory events so far have made them."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.vault_id: str | None = None
        self.office_code: str | None = None
        self.office_name: str | None = None
        self.office_key: bytes | None = None
        self.last_seq = 0                    # the last event offered to `observe`

    # -- questions ----------------------------------------------------------------------------------------------

    def account(self, name: str) -> Account | None:
        return self.accounts.get(name)

    def lookup(self, name: str, seq: int) -> KeyLookup:
        a = self.accounts.get(name)
        if a is None or a.enrolled_seq > seq:
            return KeyLookup(None, "unknown_signer", f"{name} is not enrolled before event {seq}")
        if a.revoked_seq is not None and seq >= a.revoked_seq:
            return KeyLookup(None, "key_not_valid", f"{name} was revoked at event {a.revoked_seq}",
                             tuple(p.key for p in a.periods))
        period = a.period_at(seq)
        if period is None:
            return KeyLookup(None, "key_not_valid", f"{name} has no valid key at event {seq}",
                             tuple(p.key for p in a.periods))
        return KeyLookup(period.key, older=tuple(p.key for p in a.periods if p.key != period.key),
                         temporary=period.temporary)

    def role_at(self, name: str, seq: int) -> str | None:
        a = self.accounts.get(name)
        return a.role_at(seq)[0] if a is not None else None

    def admins(self) -> list[str]:
        return sorted(n for n, a in self.accounts.items() if a.active and a.role == Role.ADMIN.value)

    def checkpoint_signers(self, cp: Checkpoint) -> list[tuple[str, bytes]]:
        """(key name, key) pairs whose signature on `cp` would make it this vault's: the office key, and each
        person whose own key line it carries, with the key the directory gave them at that size."""
        office_code = self.office_code or ""
        present = {s.name for s in cp.signatures}
        out: list[tuple[str, bytes]] = []
        if self.office_key is not None and office_signer_name(office_code) in present:
            out.append((office_signer_name(office_code), self.office_key))
        for name in sorted(present):
            user = signer_user(office_code, name)
            found = self.lookup(user, max(cp.size, 1)) if user is not None else None
            if found is not None and found.key is not None:
                out.append((name, found.key))
        return out

    def checkpoint_holds(self, cp: Checkpoint) -> bool:
        return any(cp.has_valid_signature(name, key) for name, key in self.checkpoint_signers(cp))

    # -- judging one event ------------------------------------------------------------------------------------

    def judge(self, e: Event, body: bytes | None = None) -> Judgement:
        """Whether `e`'s signers may sign it (refusals) and which signatures it must carry (needs). `body` is
        `e.body_bytes()` when the caller already has it (the verifier reads it from the log)."""
        j = Judgement()
        rule = K.RULES.get(e.kind)
        if rule is None:
            j.refuse("malformed_event", f"unknown kind of event {e.kind!r}")
            return j
        roles = [s.role for s in e.signatures]
        if any(r not in ("actor", "cosigner") for r in roles) or len(set(roles)) != len(roles):
            j.refuse("malformed_event", f"unexpected signature roles {roles}")
            return j
        if e.kind == K.VAULT_CREATED:
            j.refuse("illegal_transition", "vault.created after the start of the log")
            return j
        if (e.kind in K.DIRECTORY_KINDS) != (e.subject == K.DIRECTORY) or \
                (e.kind in K.AUDIT_KINDS) != (e.subject == K.AUDIT):
            j.refuse("malformed_event", f"{e.kind} filed under subject {e.subject!r}")
            return j
        body = e.body_bytes() if body is None else body
        own_rotation = e.kind == K.USER_KEY_ROTATED and e.data.get("username") == e.actor
        self._judge_actor(e, body, own_rotation, j)
        self._judge_cosigner(e, body, rule, j)
        if e.kind in KEY_KINDS:
            reason = key_event_data(e)
            if reason is not None:
                j.refuse("malformed_event", reason)
            else:
                self._judge_certificate(e, own_rotation, j)
        return j

    def _judge_actor(self, e: Event, body: bytes, own_rotation: bool, j: Judgement) -> None:
        found = self.lookup(e.actor, e.seq)
        if found.key is None:
            j.refuse(found.code, found.detail)
            return
        sig = e.signature_of("actor")
        if sig is None or sig.by != e.actor:
            j.refuse("bad_signature", f"no signature by the actor {e.actor}")
        else:
            j.needs.append(Need(Check(found.key, Domain.EVENT, body, sig.sig), f"signature by {e.actor}",
                                found.older, found.temporary and not own_rotation))
        rule = K.RULES[e.kind]
        role = self.role_at(e.actor, e.seq)
        if not own_rotation and role is not None and Role(role) not in MATRIX[rule.permission]:
            allowed = ", ".join(sorted(r.value for r in MATRIX[rule.permission]))
            j.refuse("illegal_transition", f"{e.actor} ({role}) may not record {e.kind}; only: {allowed}")

    def _judge_cosigner(self, e: Event, body: bytes, rule: K.KindRule, j: Judgement) -> None:
        name, sig = e.cosigner, e.signature_of("cosigner")
        if rule.cosign is K.Cosign.NONE:
            if name is not None or sig is not None:
                j.refuse("illegal_transition", f"{e.kind} takes no co-signer")
            return
        if rule.cosign is K.Cosign.POSSESSION:     # the enrolled or new key signs: proof of possession
            user = e.data.get("username")
            if name is None or name != user or sig is None or sig.by != name:
                j.refuse("missing_cosignature", f"{e.kind} is not co-signed by the key of {user}")
                return
            try:
                key = unb64(str(e.data.get("public_key")))
            except (ValueError, binascii.Error):
                return                                 # reported as malformed by key_event_data
            j.needs.append(Need(Check(key, Domain.COSIGN, body, sig.sig), f"co-signature by {name}"))
            return
        person = rule.cosign is K.Cosign.PARTY_OR_PERSON and (
            isinstance(e.data.get("person"), dict)
            or (e.kind == K.ITEM_DELIVERED and isinstance(e.data.get("receipt"), dict)))   # see custody.rules
        if name is None:
            if sig is not None:
                j.refuse("bad_signature", "a co-signature without a named co-signer")
            elif not person:
                j.refuse("missing_cosignature", f"{e.kind} names no co-signer")
            return
        if name == e.actor:
            j.refuse("missing_cosignature", f"{e.actor} names themself as co-signer")
            return
        if sig is None:
            j.refuse("missing_cosignature", f"{name} is named but did not sign")
            return
        if sig.by != name:
            j.refuse("bad_signature", f"co-signature by {sig.by}, the co-signer is {name}")
            return
        found = self.lookup(name, e.seq)
        if found.key is None:
            j.refuse(found.code, f"co-signer: {found.detail}")
            return
        role = self.role_at(name, e.seq)
        if role is None or Role(role) not in rule.cosigner_roles:
            allowed = ", ".join(sorted(r.value for r in rule.cosigner_roles))
            j.refuse("illegal_transition", f"{name} ({role}) may not co-sign {e.kind}; only: {allowed}")
        j.needs.append(Need(Check(found.key, Domain.COSIGN, body, sig.sig), f"co-signature by {name}",
                            found.older, found.temporary))

    def _judge_certificate(self, e: Event, own_rotation: bool, j: Judgement) -> None:
        """Keys are certified by the office key (issued by an administrator) or linked from the old key."""
        d, user = e.data, str(e.data["username"])
        if e.kind == K.USER_REVOKED:
            if user not in self.accounts:
                j.refuse("illegal_transition", f"revokes {user}, who is not enrolled")
            return
        account = self.accounts.get(user)
        if e.kind == K.USER_ENROLLED and account is not None:
            j.refuse("illegal_transition", f"{user} is already enrolled")
            return
        if e.kind != K.USER_ENROLLED and (account is None or not account.active):
            j.refuse("illegal_transition", f"{user} is not an active user")
            return
        if own_rotation:
            assert account is not None
            old = account.current.key
            new = unb64(str(d["public_key"]))
            link = _sig_or_none(d.get("link"))
            if link is None:
                j.refuse("missing_cosignature", f"the key rotation of {user} carries no link from the old key")
            else:
                j.needs.append(Need(Check(old, Domain.CERT, link_body(e.vault, user, old, new), link),
                                    f"key link by {user}"))
            return
        cert = self.certificate_for(e)
        sig = _sig_or_none(d.get("cert"))
        if cert is None or sig is None or self.office_key is None:
            j.refuse("missing_cosignature", f"{e.kind} of {user} carries no office certificate")
            return
        j.needs.append(Need(Check(self.office_key, Domain.CERT, cert.body(), sig), f"office certificate for {user}"))

    def certificate_for(self, e: Event) -> Certificate | None:
        """The certificate an administrator's key event must carry (office signature in data.cert)."""
        d, user = e.data, str(e.data.get("username"))
        if self.office_code is None or self.vault_id is None:
            return None
        account = self.accounts.get(user)
        try:
            if e.kind == K.USER_ENROLLED:
                return Certificate(self.office_code, self.vault_id, user, str(d["role"]), _opt(d.get("agency")),
                                   unb64(str(d["public_key"])))
            if e.kind == K.USER_ROLE_CHANGED and account is not None:
                return Certificate(self.office_code, self.vault_id, user, str(d["role"]), _opt(d.get("agency")),
                                   account.current.key, account.current.temporary)
            if e.kind == K.USER_KEY_ROTATED and account is not None:
                return Certificate(self.office_code, self.vault_id, user, account.role, account.agency,
                                   unb64(str(d["public_key"])), temporary=True)
        except (KeyError, ValueError, binascii.Error):
            return None
        return None

    # -- the genesis pair -------------------------------------------------------------------------------------

    def judge_genesis(self, created: Event, enrolled: Event | None) -> Judgement:
        """vault.created (seq 1) and the first administrator enrolling themself (seq 2), signed with that key."""
        j = Judgement()
        if created.kind != K.VAULT_CREATED or created.seq != 1:
            j.refuse("malformed_event", f"the log starts with {created.kind}, not vault.created")
            return j
        if created.data.get("vault_id") != created.vault:
            j.refuse("malformed_event", "vault.created names another vault id")
        office_key = _key_or_none(created.data.get("office_public_key"))
        if office_key is None:
            j.refuse("malformed_event", "vault.created has no readable office key")
        if enrolled is None or not (enrolled.kind == K.USER_ENROLLED and enrolled.seq == 2
                                    and enrolled.data.get("username") == enrolled.actor == created.actor
                                    and enrolled.cosigner is None and key_event_data(enrolled) is None
                                    and enrolled.data.get("role") == Role.ADMIN.value):
            j.refuse("unknown_signer", f"{created.actor} who created the vault is not enrolled by event 2")
            return j
        key = unb64(str(enrolled.data["public_key"]))
        for e in (created, enrolled):
            sig = e.signature_of("actor")
            if sig is None or sig.by != e.actor or len(e.signatures) != 1:
                j.refuse("bad_signature", f"event {e.seq}: no signature by the actor {e.actor} alone")
            else:
                j.needs.append(Need(Check(key, Domain.EVENT, e.body_bytes(), sig.sig), f"signature by {e.actor}"))
        cert_sig = _sig_or_none(enrolled.data.get("cert"))
        if office_key is not None and cert_sig is not None:
            cert = Certificate(str(created.data.get("office_code")), created.vault, enrolled.actor,
                               Role.ADMIN.value, None, key)
            j.needs.append(Need(Check(office_key, Domain.CERT, cert.body(), cert_sig),
                                f"office certificate for {enrolled.actor}"))
        else:
            j.refuse("missing_cosignature", "the first administrator carries no office certificate")
        return j

    def apply_genesis(self, created: Event, enrolled: Event) -> None:
        self.vault_id = created.vault
        self.office_code = str(created.data.get("office_code") or "")
        self.office_name = str(created.data.get("office_name") or "")
        self.office_key = _key_or_none(created.data.get("office_public_key"))
        self._enrol(enrolled, start=1)
        account = self.accounts[enrolled.actor]
        sig = _sig_or_none(enrolled.data.get("cert"))
        if sig is not None:
            account.chain = Chain(Certificate(self.office_code, created.vault, enrolled.actor, account.role, None,
                                              account.current.key), sig)
        self.last_seq = max(self.last_seq, enrolled.seq)

    # -- changing -----------------------------------------------------------------------------------------------

    def apply(self, e: Event) -> None:
        """Apply a directory event already judged valid (needs verified, no refusals)."""
        self.last_seq = max(self.last_seq, e.seq)
        if e.kind not in KEY_KINDS:
            return
        d, user = e.data, str(e.data["username"])
        account = self.accounts.get(user)
        cert, cert_sig = self.certificate_for(e), _sig_or_none(d.get("cert"))
        if e.kind == K.USER_ENROLLED:
            if account is None:
                self._enrol(e, start=e.seq)
                if cert is not None and cert_sig is not None:
                    self.accounts[user].chain = Chain(cert, cert_sig)
            return
        if account is None:
            return
        if cert is not None and cert_sig is not None and e.actor != user:
            account.chain = Chain(cert, cert_sig)       # an administrator certified it (role change, reset)
        elif e.kind == K.USER_KEY_ROTATED and account.chain is not None:
            link = _sig_or_none(d.get("link"))
            if link is not None:
                account.chain = Chain(account.chain.cert, account.chain.cert_sig,
                                      (*account.chain.links, Link(unb64(str(d["public_key"])), link)))
        if e.kind == K.USER_ROLE_CHANGED:
            account.role, account.agency = str(d["role"]), _opt(d.get("agency"))
            account.roles.append((e.seq, account.role, account.agency))
        elif e.kind == K.USER_REVOKED and account.revoked_seq is None:
            account.revoked_seq = e.seq
            self._close(account, e.seq)
        elif e.kind == K.USER_KEY_ROTATED:
            self._close(account, e.seq + 1)
            account.periods.append(KeyPeriod(e.seq + 1, None, unb64(str(d["public_key"])),
                                             temporary=e.actor != user))

    def _enrol(self, e: Event, start: int) -> None:
        d = e.data
        role, agency = str(d["role"]), _opt(d.get("agency"))
        self.accounts[str(d["username"])] = Account(
            str(d["username"]), str(d.get("full_name") or d["username"]), role, agency, start,
            [KeyPeriod(start, None, unb64(str(d["public_key"])))], [(start, role, agency)])

    @staticmethod
    def _close(account: Account, end: int) -> None:
        last = account.current
        if last.end is None:
            account.periods[-1] = KeyPeriod(last.start, end, last.key, last.temporary)

    # -- replay ---------------------------------------------------------------------------------------------

    @classmethod
    def replay(cls, events: Iterable[Event]) -> Authority:
        """The authority after `events` (directory events in seq order; others are skipped). Events that do not
        hold are ignored, as the verifier ignores them (and reports them)."""
        a = cls()
        it = iter(e for e in events if e.kind in AUTHORITY_KINDS)
        first = next(it, None)
        second = next(it, None)
        if first is None:
            return a
        if second is not None and a.judge_genesis(first, second).holds():
            a.apply_genesis(first, second)
        else:
            return a                          # no valid genesis: nobody is trusted
        for e in it:
            a.observe(e)
        return a

    def observe(self, e: Event) -> bool:
        """Judge and, when it holds, apply one more directory event (checking its signatures now)."""
        if e.seq <= self.last_seq:
            return False
        ok = self.judge(e).holds()
        if ok:
            self.apply(e)
        self.last_seq = e.seq
        return ok


class GenesisAuthority(Authority):
    """The authority while the genesis pair is written: it judges the pair together once both are there."""

    def __init__(self) -> None:
        super().__init__()
        self._created: Event | None = None

    def judge(self, e: Event, body: bytes | None = None) -> Judgement:
        if e.seq == 1:
            return Judgement()
        if self._created is not None and e.seq == 2:
            return self.judge_genesis(self._created, e)
        return super().judge(e, body)

    def apply(self, e: Event) -> None:
        if e.seq == 1:
            self._created = e
        elif e.seq == 2 and self._created is not None:
            self.apply_genesis(self._created, e)
        else:
            super().apply(e)


def key_event_data(event: Event) -> str | None:
    """Why a key-changing event's data is unusable, or None."""
    d = event.data
    if not isinstance(d.get("username"), str):
        return "data.username missing"
    if event.kind in (K.USER_ENROLLED, K.USER_ROLE_CHANGED):
        if d.get("role") not in {r.value for r in Role}:
            return "data.role is not a role"
        if d.get("agency") is not None and not isinstance(d.get("agency"), str):
            return "data.agency is not text"
    if event.kind in (K.USER_ENROLLED, K.USER_KEY_ROTATED) and _key_or_none(d.get("public_key")) is None:
        return "data.public_key is not a 32-byte key"
    return None


def _key_or_none(value: object) -> bytes | None:
    try:
        raw = unb64(str(value))
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == 32 else None


def _sig_or_none(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = unb64(value)
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == 64 else None


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
