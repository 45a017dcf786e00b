"""Which key was valid for which user when: replayed from the directory events of the ledger.

Only directory events whose own signatures hold, made by someone allowed to make them (an administrator; the
genesis pair; a user rotating their own key), change the key history. So an unsigned or forged enrolment never
makes a forged event look valid in an item's timeline. The full verifier (custody/verify.py) reports every such
problem; this module only decides what `signature_ok` means for display and printing.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field

from securemail.crypto.signing import unb64
from securemail.custody import kinds as K
from securemail.custody.events import Event, check_signature

_KEY_EVENTS = frozenset({K.USER_ENROLLED, K.USER_KEY_ROTATED, K.USER_REVOKED, K.USER_ROLE_CHANGED})


@dataclass
class KeyHistory:
    """For each user, the (from_seq, to_seq_exclusive | None, public key) periods of validity, and their role."""

    periods: dict[str, list[tuple[int, int | None, bytes]]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    genesis_actor: str | None = None

    def apply(self, e: Event) -> None:
        """Update with a directory event, if it is properly signed by someone allowed to make it."""
        if e.kind == K.VAULT_CREATED and e.seq == 1:
            self.genesis_actor = e.actor
            return
        if e.kind not in _KEY_EVENTS or not isinstance(e.data.get("username"), str):
            return
        user = e.data["username"]
        genesis = e.seq == 2 and e.kind == K.USER_ENROLLED and user == self.genesis_actor == e.actor
        self_rotation = e.kind == K.USER_KEY_ROTATED and e.actor == user
        if not (genesis or self_rotation or self.roles.get(e.actor) == "admin"):
            return
        new_key = _public_key(e) if e.kind in (K.USER_ENROLLED, K.USER_KEY_ROTATED) else None
        actor_key = new_key if genesis else self.key_at(e.actor, e.seq)
        if actor_key is None or not _signed_by(e, "actor", e.actor, actor_key):
            return
        if e.kind in (K.USER_ENROLLED, K.USER_KEY_ROTATED):
            if new_key is None or (not genesis and not _signed_by(e, "cosigner", user, new_key)):
                return
            if e.kind == K.USER_ENROLLED and user in self.periods:
                return
            self._close(user, e.seq)
            self.periods.setdefault(user, []).append((1 if genesis else e.seq, None, new_key))
            if e.kind == K.USER_ENROLLED:
                self.roles[user] = str(e.data.get("role"))
        elif e.kind == K.USER_REVOKED:
            self._close(user, e.seq + 1)
        elif e.kind == K.USER_ROLE_CHANGED:
            self.roles[user] = str(e.data.get("role"))

    def _close(self, user: str, seq: int) -> None:
        spans = self.periods.get(user)
        if spans and spans[-1][1] is None:
            start, _, key = spans[-1]
            spans[-1] = (start, seq, key)

    def key_at(self, user: str, seq: int) -> bytes | None:
        """The key valid for `user` at event `seq`."""
        for start, end, key in self.periods.get(user, []):
            if start <= seq and (end is None or seq < end):
                return key
        return None

    def known(self, user: str) -> bool:
        return user in self.periods


def _public_key(e: Event) -> bytes | None:
    try:
        key = unb64(str(e.data.get("public_key")))
    except (ValueError, binascii.Error):
        return None
    return key if len(key) == 32 else None


def _signed_by(e: Event, role: str, who: str | None, key: bytes) -> bool:
    sig = e.signature_of(role)
    return sig is not None and sig.by == who and check_signature(e.body_bytes(), sig, key)


def signatures_ok(e: Event, history: KeyHistory) -> bool:
    """True when every signature on `e` verifies with the key valid for its signer at that seq."""
    body = e.body_bytes()
    if e.signature_of("actor") is None:
        return False
    for sig in e.signatures:
        expected = e.actor if sig.role == "actor" else e.cosigner
        key = history.key_at(sig.by, e.seq) if sig.by == expected else None
        if key is None or not check_signature(body, sig, key):
            return False
    return e.cosigner is None or e.signature_of("cosigner") is not None


def load_history(events: list[Event]) -> KeyHistory:
    history = KeyHistory()
    for e in sorted(events, key=lambda ev: ev.seq):
        if e.kind in K.DIRECTORY_KINDS:
            history.apply(e)
    return history
