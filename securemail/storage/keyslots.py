"""The key-slot file beside the database: one slot per user.

A slot holds, for one user: Argon2id parameters, the user's X25519 key and Ed25519 signing key (each wrapped
with AES-256-GCM under a subkey of the password-derived KEK), and the database key sealed to the X25519 key.
Associated data binds vault id, user, role, KDF parameters and both public keys, so editing a slot or moving it
into another vault makes unlocking fail (docs/adr/0002-keyslots.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.keywrap import (
    PROFILES,
    KdfParams,
    UnwrapError,
    aead_unwrap,
    aead_wrap,
    derive_kek,
    seal,
    subkey,
    unseal,
    x25519_generate,
)
from securemail.crypto.signing import SigningKey, b64, unb64
from securemail.errors import VaultError
from securemail.storage.files import atomic_write

FORMAT = "securemail-keyslots-v1"


@dataclass(frozen=True)
class Sealed:
    eph: bytes
    nonce: bytes
    ct: bytes


@dataclass(frozen=True)
class Slot:
    user: str
    role: str
    kdf: KdfParams
    kem_public: bytes
    signing_public: bytes
    kem_key: tuple[bytes, bytes]       # (nonce, ciphertext)
    signing_key: tuple[bytes, bytes]   # (nonce, ciphertext)
    dek: Sealed
    dek_next: Sealed | None = None     # set only while a rekey is in progress
    office_key: Sealed | None = None   # the office's private signing key: administrators' slots only


@dataclass
class Unlocked:
    """What a correct password opens. `deks` lists the current key first, then a pending one."""

    deks: list[bytearray]
    signing_key: SigningKey
    kem_private: bytearray
    office_key: SigningKey | None = None


def _ad(vault_id: str, user: str, role: str, kdf: KdfParams, kem_public: bytes, signing_public: bytes,
        purpose: str) -> bytes:
    return canonical_bytes({
        "format": FORMAT, "vault_id": vault_id, "user": user, "role": role, "purpose": purpose,
        "kdf": {"alg": "argon2id", "salt": b64(kdf.salt), "memory_kib": kdf.memory_kib,
                "iterations": kdf.iterations, "lanes": kdf.lanes},
        "kem_public": b64(kem_public), "signing_public": b64(signing_public),
    })


def _slot_ad(vault_id: str, slot: Slot, purpose: str) -> bytes:
    return _ad(vault_id, slot.user, slot.role, slot.kdf, slot.kem_public, slot.signing_public, purpose)


def create_slot(vault_id: str, user: str, role: str, password: str, dek: bytes, signing_key: SigningKey,
                kdf: KdfParams) -> Slot:
    kem_priv, kem_pub = x25519_generate()
    signing_pub = signing_key.public_raw()
    kek = derive_kek(password, kdf)
    try:
        def ad(purpose: str) -> bytes:
            return _ad(vault_id, user, role, kdf, kem_pub, signing_pub, purpose)

        kem_wrapped = aead_wrap(subkey(kek, "kem-key"), kem_priv, ad("kem-key"))
        sig_wrapped = aead_wrap(subkey(kek, "signing-key"), signing_key.raw(), ad("signing-key"))
        eph, nonce, ct = seal(kem_pub, dek, ad("data-key"))
    finally:
        kek[:] = bytes(len(kek))
    return Slot(user=user, role=role, kdf=kdf, kem_public=kem_pub, signing_public=signing_pub,
                kem_key=kem_wrapped, signing_key=sig_wrapped, dek=Sealed(eph, nonce, ct))


def unlock_slot(vault_id: str, slot: Slot, password: str) -> Unlocked:
    """Open a slot; raises UnwrapError for a wrong password or any edited field."""
    kek = derive_kek(password, slot.kdf)
    try:
        kem_priv = bytearray(aead_unwrap(subkey(kek, "kem-key"), *slot.kem_key, _slot_ad(vault_id, slot, "kem-key")))
        sig_raw = aead_unwrap(subkey(kek, "signing-key"), *slot.signing_key, _slot_ad(vault_id, slot, "signing-key"))
    finally:
        kek[:] = bytes(len(kek))
    signing_key = SigningKey(sig_raw)
    if signing_key.public_raw() != slot.signing_public:
        raise UnwrapError("signing key does not match its public key")
    deks = [bytearray(_unseal(vault_id, slot, slot.dek, kem_priv))]
    if slot.dek_next is not None:
        deks.append(bytearray(_unseal(vault_id, slot, slot.dek_next, kem_priv)))
    office = None
    if slot.office_key is not None:
        sealed = slot.office_key
        office = SigningKey(unseal(bytes(kem_priv), sealed.eph, sealed.nonce, sealed.ct,
                                   _slot_ad(vault_id, slot, "office-key")))
    return Unlocked(deks=deks, signing_key=signing_key, kem_private=kem_priv, office_key=office)


def _unseal(vault_id: str, slot: Slot, sealed: Sealed, kem_priv: bytearray) -> bytes:
    dek = unseal(bytes(kem_priv), sealed.eph, sealed.nonce, sealed.ct, _slot_ad(vault_id, slot, "data-key"))
    if len(dek) != 32:
        raise UnwrapError("data key has the wrong length")
    return dek


def seal_dek(vault_id: str, slot: Slot, dek: bytes) -> Sealed:
    eph, nonce, ct = seal(slot.kem_public, dek, _slot_ad(vault_id, slot, "data-key"))
    return Sealed(eph, nonce, ct)


def with_office_key(vault_id: str, slot: Slot, office_key: SigningKey | None) -> Slot:
    """The slot with the office key sealed to it (an administrator's), or without it (None)."""
    if office_key is None:
        return replace(slot, office_key=None)
    eph, nonce, ct = seal(slot.kem_public, office_key.raw(), _slot_ad(vault_id, slot, "office-key"))
    return replace(slot, office_key=Sealed(eph, nonce, ct))


def with_pending_dek(vault_id: str, slot: Slot, new_dek: bytes) -> Slot:
    return replace(slot, dek_next=seal_dek(vault_id, slot, new_dek))


def commit_pending_dek(slot: Slot) -> Slot:
    if slot.dek_next is None:
        return slot
    return replace(slot, dek=slot.dek_next, dek_next=None)


# ---- file format -------------------------------------------------------------------------------------------

def _sealed_json(s: Sealed) -> dict[str, str]:
    return {"eph": b64(s.eph), "nonce": b64(s.nonce), "ct": b64(s.ct)}


def _sealed_from(d: dict[str, str]) -> Sealed:
    return Sealed(unb64(d["eph"]), unb64(d["nonce"]), unb64(d["ct"]))


def slot_to_json(slot: Slot) -> dict[str, Any]:
    out: dict[str, Any] = {
        "user": slot.user, "role": slot.role,
        "kdf": {"alg": "argon2id", "salt": b64(slot.kdf.salt), "memory_kib": slot.kdf.memory_kib,
                "iterations": slot.kdf.iterations, "lanes": slot.kdf.lanes},
        "kem_public": b64(slot.kem_public), "signing_public": b64(slot.signing_public),
        "kem_key": {"nonce": b64(slot.kem_key[0]), "ct": b64(slot.kem_key[1])},
        "signing_key": {"nonce": b64(slot.signing_key[0]), "ct": b64(slot.signing_key[1])},
        "dek": _sealed_json(slot.dek),
    }
    if slot.dek_next is not None:
        out["dek_next"] = _sealed_json(slot.dek_next)
    if slot.office_key is not None:
        out["office_key"] = _sealed_json(slot.office_key)
    return out


def slot_from_json(d: dict[str, Any]) -> Slot:
    kdf = d["kdf"]
    if kdf.get("alg") != "argon2id":
        raise ValueError("unknown KDF")
    return Slot(
        user=str(d["user"]), role=str(d["role"]),
        kdf=KdfParams(salt=unb64(kdf["salt"]), memory_kib=int(kdf["memory_kib"]),
                      iterations=int(kdf["iterations"]), lanes=int(kdf["lanes"])),
        kem_public=unb64(d["kem_public"]), signing_public=unb64(d["signing_public"]),
        kem_key=(unb64(d["kem_key"]["nonce"]), unb64(d["kem_key"]["ct"])),
        signing_key=(unb64(d["signing_key"]["nonce"]), unb64(d["signing_key"]["ct"])),
        dek=_sealed_from(d["dek"]),
        dek_next=_sealed_from(d["dek_next"]) if "dek_next" in d else None,
        office_key=_sealed_from(d["office_key"]) if "office_key" in d else None,
    )


def _check_profile(profile: str, slots: list[Slot]) -> None:
    """The vault-wide profile (used for new slots) is not itself under any key, so it must never be weaker than
    any slot's own parameters, which are bound into that slot's associated data (lowering them breaks the slot).
    Editing it down, to make the next slots cheap to guess, is refused as damage."""
    if profile not in PROFILES:
        raise ValueError("unknown kdf_profile")
    memory, iterations = PROFILES[profile]
    if any(s.kdf.memory_kib > memory or s.kdf.iterations > iterations for s in slots):
        raise ValueError("kdf_profile weaker than an existing slot (downgrade)")


@dataclass
class KeySlotFile:
    """One slot per user; `pending` holds a user's next slot while their password change is being recorded
    (written before the key rotation is committed, promoted after it: a crash between leaves both passwords
    able to open one of them, and login keeps whichever matches the signed directory)."""

    vault_id: str
    kdf_profile: str
    slots: dict[str, Slot]
    pending: dict[str, Slot] = field(default_factory=dict)

    def open(self, user: str, password: str) -> tuple[Slot, Unlocked]:
        """Open `user`'s slot, or their pending one; UnwrapError when neither opens (or there is none)."""
        candidates = [s for s in (self.slots.get(user), self.pending.get(user)) if s is not None]
        if not candidates:
            raise UnwrapError("no such slot")
        for slot in candidates:
            try:
                return slot, unlock_slot(self.vault_id, slot, password)
            except UnwrapError:
                if slot is candidates[-1]:
                    raise
        raise UnwrapError("no such slot")

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT:
                raise ValueError("unknown format")
            slots = [slot_from_json(s) for s in doc["slots"]]
            pending = [slot_from_json(s) for s in doc.get("pending", [])]
            profile = str(doc.get("kdf_profile", "standard"))
            _check_profile(profile, slots + pending)
            return cls(vault_id=str(doc["vault_id"]), kdf_profile=profile,
                       slots={s.user: s for s in slots}, pending={s.user: s for s in pending})
        except FileNotFoundError as e:
            raise VaultError("vault.missing", path=str(path.parent)) from e
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise VaultError("vault.damaged", detail=f"{path.name}: {type(e).__name__}") from e

    def save(self, path: Path) -> None:
        doc: dict[str, Any] = {"format": FORMAT, "vault_id": self.vault_id, "kdf_profile": self.kdf_profile,
                               "slots": [slot_to_json(s) for s in sorted(self.slots.values(), key=lambda s: s.user)]}
        if self.pending:
            doc["pending"] = [slot_to_json(s) for s in sorted(self.pending.values(), key=lambda s: s.user)]
        atomic_write(path, (json.dumps(doc, indent=1, ensure_ascii=True) + "\n").encode("ascii"))


__all__ = ["KeySlotFile", "Slot", "Unlocked", "UnwrapError", "commit_pending_dek", "create_slot",
           "seal_dek", "unlock_slot", "with_office_key", "with_pending_dek"]
