"""An item's timeline: the signed events of the item (and of the bags it travelled in), each judged now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from securemail.crypto.canonical import JsonObject, JsonValue


@dataclass(frozen=True)
class Origin:
    """Where an event was signed: this vault (`own`) or a partner's, imported in a bundle."""

    office: str
    vault: str
    own: bool
    name: str | None = None        # a partner's pinned name (None: not pinned, or this vault)
    verified: bool | None = None   # a partner's event: proof, pin and signatures hold now

    def as_dict(self) -> JsonObject:
        if self.own:
            return {"office": self.office, "vault": self.vault, "own": True}
        return {"office": self.office, "vault": self.vault, "name": self.name, "own": False,
                "verified": self.verified}


@dataclass(frozen=True)
class TimelineEntry:
    """One event as a timeline shows it. `data` is the event's own payload (open-ended: each kind has its own)."""

    seq: int
    kind: str
    actor: str
    cosigner: str | None
    time: str
    subject: str
    data: Mapping[str, JsonValue]
    hash: str
    signature_ok: bool
    origin: Origin

    def as_dict(self) -> JsonObject:
        """The entry as JSON shows it (the CLI's `item show --json` events)."""
        return {"seq": self.seq, "kind": self.kind, "actor": self.actor, "cosigner": self.cosigner,
                "time": self.time, "subject": self.subject, "data": self.data, "hash": self.hash,
                "signature_ok": self.signature_ok, "origin": self.origin.as_dict()}
