"""Enumerations of the KT1 domain. Values are the CLI spellings and what is stored in the ledger.

Labels for people (Vietnamese and English) live in ``securemail.domain.labels``.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class Role(StrEnum):
    """What a user of the app may do (product.md, "Who uses it")."""

    ADMIN = "admin"
    CLERK = "clerk"
    COURIER = "courier"
    SECRETARY = "secretary"
    AUDITOR = "auditor"


@unique
class Secrecy(StrEnum):
    """Độ mật (domain.md B1): Tuyệt mật > Tối mật > Mật; ``NONE`` for ordinary KT1 items."""

    NONE = "none"
    MAT = "mat"
    TOI_MAT = "toi-mat"
    TUYET_MAT = "tuyet-mat"

    @property
    def envelope_code(self) -> str | None:
        """Letter on the outer envelope, also the KT1 secrecy class: A, B, C (None if not secret)."""
        return _ENVELOPE_CODES[self]

    @property
    def envelopes_required(self) -> int:
        """Envelopes the item physically travels in: 2 (inner and outer) for Tuyệt mật, otherwise 1."""
        return 2 if self is Secrecy.TUYET_MAT else 1

    @property
    def is_secret(self) -> bool:
        return self is not Secrecy.NONE

    @property
    def rank(self) -> int:
        """0 for not secret, 1 Mật, 2 Tối mật, 3 Tuyệt mật (for sorting and "at least" filters)."""
        return _RANKS[self]


_ENVELOPE_CODES: dict[Secrecy, str | None] = {
    Secrecy.NONE: None,
    Secrecy.MAT: "C",
    Secrecy.TOI_MAT: "B",
    Secrecy.TUYET_MAT: "A",
}
_RANKS: dict[Secrecy, int] = {Secrecy.NONE: 0, Secrecy.MAT: 1, Secrecy.TOI_MAT: 2, Secrecy.TUYET_MAT: 3}


@unique
class ServiceClass(StrEnum):
    """KT1 service class by urgency (domain.md B3): ordinary, Hỏa tốc, Hẹn giờ."""

    THUONG = "thuong"
    HOA_TOC = "hoa-toc"
    HEN_GIO = "hen-gio"


@unique
class Urgency(StrEnum):
    """Độ khẩn marked on the document and its envelope by its signer (NĐ 30/2020 Phụ lục I): Khẩn, Thượng khẩn,
    Hỏa tốc, or none. Not the KT1 service class (``ServiceClass``), which is what the sender buys at the counter;
    the Hỏa tốc delegate rule of NĐ 26/2020 (named-only envelope, addressee absent) reads this mark."""

    NONE = "none"
    KHAN = "khan"
    THUONG_KHAN = "thuong-khan"
    HOA_TOC = "hoa-toc"


@unique
class Scope(StrEnum):
    """Nội tỉnh (within one province) or liên tỉnh (between provinces)."""

    NOI_TINH = "noi-tinh"
    LIEN_TINH = "lien-tinh"


@unique
class ItemStatus(StrEnum):
    """Where an item stands; changed only by the actions in ``securemail.domain.lifecycle``."""

    ACCEPTED = "accepted"
    IN_BAG = "in-bag"
    DISPATCHED = "dispatched"
    IN_TRANSIT = "in-transit"
    ARRIVED = "arrived"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery-failed"
    RETURNED = "returned"
    FORWARDED = "forwarded"


@unique
class IncidentKind(StrEnum):
    SEAL_BROKEN = "seal-broken"
    DAMAGED = "damaged"
    OPENED = "opened"
    LOST = "lost"
    MISROUTED = "misrouted"
    CONTENTS_MISMATCH = "contents-mismatch"


@unique
class SealCondition(StrEnum):
    INTACT = "intact"
    DAMAGED = "damaged"
    BROKEN = "broken"


@unique
class BagStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    DISPATCHED = "dispatched"
    OPENED = "opened"
