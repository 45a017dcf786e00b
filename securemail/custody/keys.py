"""Which key was valid for which user when: replayed from the directory events of the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

from securemail.crypto.signing import unb64
from securemail.custody import kinds as K
from securemail.custody.events import Event, check_signature


@dataclass
class KeyHistory:
    """For each user, the (from_seq, to_seq_exclusive | None, public key) periods of validity."""

    periods: dict[str, list[tuple[int, int | None, bytes]]] = field(default_factory=dict)
    genesis_actor: str | None = None

    def apply(self, e: Event) -> None:
        """Update with a directory event (call after checking the event's own signatures)."""
        if e.kind == K.VAULT_CREATED and e.seq == 1:
            self.genesis_actor = e.actor
        elif e.kind in (K.USER_ENROLLED, K.USER_KEY_ROTATED):
            user = e.data["username"]
            self._close(user, e.seq)
            # The genesis pair: seq 1 (vault created) is signed by the admin whom seq 2 enrols.
            start = 1 if (e.seq == 2 and user == self.genesis_actor and e.kind == K.USER_ENROLLED) else e.seq
            self.periods.setdefault(user, []).append((start, None, unb64(e.data["public_key"])))
        elif e.kind == K.USER_REVOKED:
            self._close(e.data["username"], e.seq + 1)

    def _close(self, user: str, seq: int) -> None:
        spans = self.periods.get(user)
        if spans and spans[-1][1] is None:
            start, _, key = spans[-1]
            spans[-1] = (start, seq, key)

    def key_at(self, user: str, seq: int) -> bytes | None:
        """The key valid for `user` at event `seq` (an enrolment event is signed by the new key itself)."""
        for start, end, key in self.periods.get(user, []):
            if start <= seq and (end is None or seq < end):
                return key
        return None

    def known(self, user: str) -> bool:
        return user in self.periods


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
    for e in events:
        if e.kind in K.DIRECTORY_KINDS:
            history.apply(e)
    return history
