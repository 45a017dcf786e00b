"""An item registered by a pinned partner and not yet in this vault's own chain: what the counter may accept (or an
agency desk confirm) without retyping it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from securemail.crypto.canonical import JsonObject, JsonValue


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class ImportableItem:
    """The partner's signed acceptance of an item. `data` is its `item` payload exactly as signed (open-ended:
    the partner's version may carry fields this one does not know); the attributes are its fields read once."""

    tracking: str
    office: str                   # the partner's office code ("from" in JSON)
    accepted_at: str              # when the partner accepted it (ISO, as signed)
    data: Mapping[str, JsonValue]

    @property
    def sender_agency(self) -> str | None:
        return _text(self.data.get("sender_agency"))

    @property
    def recipient_agency(self) -> str | None:
        return _text(self.data.get("recipient_agency"))

    @property
    def secrecy(self) -> str | None:
        return _text(self.data.get("secrecy"))

    @property
    def service(self) -> str | None:
        return _text(self.data.get("service"))

    @property
    def scope(self) -> str | None:
        return _text(self.data.get("scope"))

    @property
    def urgency(self) -> str | None:
        return _text(self.data.get("urgency"))

    @property
    def doc_ref(self) -> str | None:
        return _text(self.data.get("doc_ref"))

    @property
    def named_recipient(self) -> str | None:
        return _text(self.data.get("named_recipient"))

    @property
    def named_only(self) -> bool:
        return bool(self.data.get("named_only"))

    @property
    def envelopes(self) -> int | None:
        return _number(self.data.get("envelopes"))

    @property
    def weight_grams(self) -> int | None:
        return _number(self.data.get("weight_grams"))

    @property
    def seal_numbers(self) -> str | None:
        return _text(self.data.get("seal_numbers"))

    @property
    def description(self) -> str | None:
        return _text(self.data.get("description"))

    @property
    def notes(self) -> str | None:
        return _text(self.data.get("notes"))

    def as_dict(self) -> JsonObject:
        """As `item list --imported --json` prints it: tracking, from, accepted_at, then the partner's fields."""
        return {"tracking": self.tracking, "from": self.office, "accepted_at": self.accepted_at, **self.data}
