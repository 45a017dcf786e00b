"""Key slots: the right password opens, anything else (wrong password, any edit of keyslots.json) is refused;
the vault folder and every file in it are private."""

from __future__ import annotations

import base64
import copy
import json
import os
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from securemail import storage
from securemail.crypto.keywrap import KdfParams
from securemail.errors import AuthenticationError, VaultError
from securemail.services import directory
from securemail.services.vault_init import init_vault
from securemail.storage.keyslots import KeySlotFile, create_slot, unlock_slot

Doc = dict[str, Any]
REFUSED = (AuthenticationError, VaultError)


def _load(vault: Path) -> Doc:
    return json.loads((vault / "keyslots.json").read_text(encoding="utf-8"))


def _save(vault: Path, doc: Doc) -> None:
    (vault / "keyslots.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")


def _slot(doc: Doc, user: str) -> Doc:
    return next(s for s in doc["slots"] if s["user"] == user)


def _flip_b64(value: str, index: int) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index % len(raw)] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


def _opens(vault: Path, user: str, password: str) -> bool:
    conn = storage.connect(vault, user, password)
    try:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0
    finally:
        conn.close()


# ---- the right password, and only it --------------------------------------------------------------------

def test_right_password_opens(vault, kit):
    assert _opens(vault.path, "clerk1", kit.PASSWORDS["clerk1"])


def test_password_typed_in_nfd_opens(vault, kit):
    nfc = kit.PASSWORDS["clerk1"]
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc  # the test password has composed Vietnamese letters
    assert _opens(vault.path, "clerk1", nfd)
    s = vault.open("clerk1", nfd)
    assert s.user.username == "clerk1"


@pytest.mark.parametrize("password", ["giao-dịch-viên-02", "giao-dich-vien-01", "GIAO-DỊCH-VIÊN-01", "",
                                      "giao-dịch-viên-01 "])
def test_wrong_password_refused(vault, password):
    with pytest.raises(AuthenticationError) as err:
        storage.connect(vault.path, "clerk1", password)
    assert err.value.exit_code == 3
    assert err.value.key == "auth.failed"


def test_unknown_user_looks_like_wrong_password(vault, kit):
    with pytest.raises(AuthenticationError) as unknown:
        storage.connect(vault.path, "nobody", kit.PASSWORDS["clerk1"])
    with pytest.raises(AuthenticationError) as wrong:
        storage.connect(vault.path, "clerk1", "not-the-password")
    assert unknown.value.key == wrong.value.key
    assert unknown.value.message("en") == wrong.value.message("en")


def test_password_is_not_in_keyslot_file(vault, kit):
    text = (vault.path / "keyslots.json").read_bytes()
    for pw in kit.PASSWORDS.values():
        assert pw.encode() not in text
        assert pw.encode("utf-16-le") not in text


# ---- tampering with keyslots.json -----------------------------------------------------------------------

def _set_role_admin(doc: Doc) -> None:
    _slot(doc, "clerk1")["role"] = "admin"


def _set(path: tuple[str, ...], value: object) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = _slot(doc, "clerk1")
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def _flip(path: tuple[str, ...], index: int) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = _slot(doc, "clerk1")
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = _flip_b64(target[path[-1]], index)
    return mutate


def _other_salt(doc: Doc) -> None:
    _slot(doc, "clerk1")["kdf"]["salt"] = base64.b64encode(b"\x42" * 16).decode()


def _salt_from(other: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _slot(doc, "clerk1")["kdf"]["salt"] = _slot(doc, other)["kdf"]["salt"]
    return mutate


def _vault_id(doc: Doc) -> None:
    vid = doc["vault_id"]
    doc["vault_id"] = vid[:-1] + ("0" if vid[-1] != "0" else "1")


def _rename_to_clerk2(doc: Doc) -> None:
    """clerk1's slot now claims to be clerk2's (clerk2's own slot removed)."""
    doc["slots"] = [s for s in doc["slots"] if s["user"] != "clerk2"]
    _slot(doc, "clerk1")["user"] = "clerk2"


def _rename_to_new_name(doc: Doc) -> None:
    _slot(doc, "clerk1")["user"] = "clerk1x"


def _copy_dek_from(other: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _slot(doc, "clerk1")["dek"] = copy.deepcopy(_slot(doc, other)["dek"])
    return mutate


def _copy_kem_key_from(other: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        mine, theirs = _slot(doc, "clerk1"), _slot(doc, other)
        mine["kem_key"] = copy.deepcopy(theirs["kem_key"])
        mine["kem_public"] = theirs["kem_public"]
    return mutate


def _bogus_dek_next(doc: Doc) -> None:
    _slot(doc, "clerk1")["dek_next"] = copy.deepcopy(_slot(doc, "clerk2")["dek"])


B64_FIELDS = [("kem_public",), ("signing_public",), ("kem_key", "nonce"), ("kem_key", "ct"),
              ("signing_key", "nonce"), ("signing_key", "ct"), ("dek", "eph"), ("dek", "nonce"), ("dek", "ct"),
              ("kdf", "salt")]

TAMPERS: dict[str, Callable[[Doc], None]] = {
    "role-clerk-to-admin": _set_role_admin,
    "role-clerk-to-auditor": _set(("role",), "auditor"),
    "kdf-memory-below-minimum": _set(("kdf", "memory_kib"), 1024),
    "kdf-memory-one-less": _set(("kdf", "memory_kib"), KdfParams.MIN_MEMORY_KIB - 1),
    "kdf-memory-raised": _set(("kdf", "memory_kib"), KdfParams.MIN_MEMORY_KIB * 2),
    "kdf-iterations-lowered": _set(("kdf", "iterations"), 1),
    "kdf-iterations-raised": _set(("kdf", "iterations"), 3),
    "kdf-lanes-changed": _set(("kdf", "lanes"), 2),
    "kdf-alg-changed": _set(("kdf", "alg"), "argon2i"),
    "salt-replaced": _other_salt,
    "salt-from-other-user": _salt_from("clerk2"),
    "salt-truncated": _set(("kdf", "salt"), base64.b64encode(b"\x01" * 8).decode()),
    "vault-id-changed": _vault_id,
    "user-renamed-to-existing": _rename_to_clerk2,
    "dek-from-other-user": _copy_dek_from("clerk2"),
    "kem-key-from-other-user": _copy_kem_key_from("clerk2"),
    "bogus-pending-dek": _bogus_dek_next,
    **{f"flip-{'.'.join(p)}-first": _flip(p, 0) for p in B64_FIELDS},
    **{f"flip-{'.'.join(p)}-last": _flip(p, -1) for p in B64_FIELDS},
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tampered_slot_refused(vault, kit, name):
    doc = _load(vault.path)
    TAMPERS[name](doc)
    _save(vault.path, doc)
    # Whoever the slot now claims to be, clerk1's password must not open it.
    claimed = {"user-renamed-to-existing": "clerk2"}.get(name, "clerk1")
    with pytest.raises(REFUSED):
        storage.connect(vault.path, claimed, kit.PASSWORDS["clerk1"])
    with pytest.raises(REFUSED):
        vault.open(claimed, kit.PASSWORDS["clerk1"])


def test_renamed_slot_refused_under_new_name(vault, kit):
    doc = _load(vault.path)
    _rename_to_new_name(doc)
    _save(vault.path, doc)
    with pytest.raises(REFUSED):
        storage.connect(vault.path, "clerk1x", kit.PASSWORDS["clerk1"])
    with pytest.raises(REFUSED):
        storage.connect(vault.path, "clerk1", kit.PASSWORDS["clerk1"])


def test_tampering_one_slot_leaves_the_others_working(vault, kit):
    doc = _load(vault.path)
    _set_role_admin(doc)
    _save(vault.path, doc)
    assert _opens(vault.path, "admin", kit.PASSWORDS["admin"])
    assert _opens(vault.path, "clerk2", kit.PASSWORDS["clerk2"])


@pytest.mark.parametrize("who", ["clerk1", "admin"])
def test_swapped_slots_refused(vault, kit, who):
    """Swap the user names of clerk1's and admin's slots: neither password opens either name."""
    doc = _load(vault.path)
    a, b = _slot(doc, "clerk1"), _slot(doc, "admin")
    a["user"], b["user"] = "admin", "clerk1"
    a["role"], b["role"] = b["role"], a["role"]
    _save(vault.path, doc)
    for user in ("clerk1", "admin"):
        with pytest.raises(REFUSED):
            storage.connect(vault.path, user, kit.PASSWORDS[who])


def test_swapped_slot_bodies_refused(vault, kit):
    """Keep the names, swap everything else between clerk1 and clerk2 (same role)."""
    doc = _load(vault.path)
    a, b = _slot(doc, "clerk1"), _slot(doc, "clerk2")
    body_a = {k: v for k, v in a.items() if k != "user"}
    body_b = {k: v for k, v in b.items() if k != "user"}
    a.update(body_b)
    b.update(body_a)
    _save(vault.path, doc)
    for user in ("clerk1", "clerk2"):
        for pw_of in ("clerk1", "clerk2"):
            with pytest.raises(REFUSED):
                storage.connect(vault.path, user, kit.PASSWORDS[pw_of])
            (vault.path / "lockout.json").unlink()  # keep the failed-attempt delay out of this test


def test_slot_moved_into_another_vault_refused(vault, kit, tmp_path):
    other = tmp_path / "other-vault"
    with init_vault(other, office_code="HP02", office_name="Bưu điện Hải Phòng", admin="admin",
                    full_name="Quản Trị Khác", password="mật-khẩu-khác-123", kdf_profile="minimum",
                    clock=vault.clock):
        pass
    mine = _load(vault.path)
    theirs = _load(other)
    assert mine["vault_id"] != theirs["vault_id"]
    theirs["slots"].append(copy.deepcopy(_slot(mine, "clerk1")))
    _save(other, theirs)
    with pytest.raises(REFUSED):
        storage.connect(other, "clerk1", kit.PASSWORDS["clerk1"])
    # and an admin slot from this vault replacing the other vault's admin slot
    theirs = _load(other)
    theirs["slots"] = [s for s in theirs["slots"] if s["user"] != "admin"] + [copy.deepcopy(_slot(mine, "admin"))]
    _save(other, theirs)
    with pytest.raises(REFUSED):
        storage.connect(other, "admin", kit.PASSWORDS["admin"])


def test_lowered_kdf_params_refused_even_above_the_floor(vault, kit):
    """A slot made with stronger parameters; lowering them to values that are still allowed must fail too
    (the parameters are bound into the associated data, not only checked against the minimum)."""
    slots = KeySlotFile.load(vault.path / "keyslots.json")
    s = vault.open("clerk1")
    strong = KdfParams(salt=os.urandom(16), memory_kib=KdfParams.MIN_MEMORY_KIB + 4096, iterations=3)
    old = slots.slots["clerk1"]
    unlocked = unlock_slot(slots.vault_id, old, kit.PASSWORDS["clerk1"])
    slots.slots["clerk1"] = create_slot(slots.vault_id, "clerk1", "clerk", kit.PASSWORDS["clerk1"],
                                        bytes(unlocked.deks[0]), s.signer.key, strong)
    slots.kdf_profile = "standard"  # the vault-wide profile may never be weaker than a slot (test_kdf_profile.py)
    slots.save(vault.path / "keyslots.json")
    assert _opens(vault.path, "clerk1", kit.PASSWORDS["clerk1"])
    for path, value in ((("kdf", "memory_kib"), KdfParams.MIN_MEMORY_KIB), (("kdf", "iterations"), 2)):
        doc = _load(vault.path)
        saved = copy.deepcopy(doc)
        _set(path, value)(doc)
        _save(vault.path, doc)
        with pytest.raises(REFUSED):
            storage.connect(vault.path, "clerk1", kit.PASSWORDS["clerk1"])
        _save(vault.path, saved)
    assert _opens(vault.path, "clerk1", kit.PASSWORDS["clerk1"])



@pytest.mark.parametrize("content", [
    b"", b"{", b'{"format": "other"}', b"\xff\xfe", b'{"format": "securemail-keyslots-v1"}',
    b"[]",
])
def test_damaged_keyslot_file_refused(vault, kit, content):
    (vault.path / "keyslots.json").write_bytes(content)
    with pytest.raises(REFUSED):
        storage.connect(vault.path, "clerk1", kit.PASSWORDS["clerk1"])


def test_slot_with_wrong_shaped_kdf_refused(vault, kit):
    doc = _load(vault.path)
    _slot(doc, "clerk1")["kdf"] = ["argon2id"]
    _save(vault.path, doc)
    with pytest.raises(REFUSED):
        storage.connect(vault.path, "clerk1", kit.PASSWORDS["clerk1"])


# ---- file permissions -----------------------------------------------------------------------------------

def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def _assert_private(folder: Path) -> None:
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = _modes(folder)
    assert modes, "empty vault folder"
    for name, mode in modes.items():
        assert (folder / name).is_file(), name
        assert mode == 0o600, f"{name} has mode {oct(mode)}"
        assert ".tmp-" not in name, f"left-over temporary file {name}"


def test_vault_files_private_even_with_umask_zero(tmp_path, kit):
    folder = tmp_path / "vault"
    old_umask = os.umask(0)
    try:
        s = init_vault(folder, office_code="HN09", office_name="Bưu điện Thử", admin="admin", full_name="Quản Trị",
                       password=kit.PASSWORDS["admin"], kdf_profile="minimum")
        try:
            directory.add_agency(s, "REC", name="Cơ quan Nhận")
            directory.add_user(s, "clerk1", role="clerk", full_name="Giao Dịch", password=kit.PASSWORDS["clerk1"])
            with pytest.raises(AuthenticationError):
                storage.connect(folder, "clerk1", "wrong-password-000")  # writes lockout.json
            assert (folder / "lockout.json").exists()
            directory.rekey(s)
            names = {p.name for p in folder.iterdir()}
            assert {"vault.db", "keyslots.json", "state.json", "lockout.json"} <= names
            _assert_private(folder)  # while open: -wal / -shm included when present
        finally:
            s.close()
        _assert_private(folder)
    finally:
        os.umask(old_umask)


def test_template_copy_is_private_while_open(vault):
    s = vault.open("clerk1")
    vault.accept(s)
    names = {p.name for p in vault.path.iterdir()}
    assert {"vault.db", "vault.db-wal", "vault.db-shm", "keyslots.json", "state.json"} <= names
    _assert_private(vault.path)
