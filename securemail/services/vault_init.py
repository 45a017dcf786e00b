"""Creating a vault: its database, office key and genesis pair (vault created, first administrator enrolled), built
in a hidden folder and renamed into place; the result is an open session for that administrator."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from securemail.clock import Clock, SystemClock
from securemail.crypto.keywrap import new_kdf_params
from securemail.crypto.signing import SigningKey, b64
from securemail.custody import kinds as K
from securemail.custody.authority import GenesisAuthority
from securemail.custody.certs import Certificate
from securemail.custody.ledger import LedgerWriter, Signer, load_authority
from securemail.domain.enums import Role
from securemail.domain.text import clean_code, clean_text
from securemail.errors import BadInputError, VaultError
from securemail.services.rollback_guard import remember_checkpoint
from securemail.services.session import Session, check_password, fields_checked, user_info
from securemail.storage.database import open_database
from securemail.storage.files import ensure_private_dir
from securemail.storage.head import TreeHead, head_key, write_head
from securemail.storage.keyslots import KeySlotFile, create_slot, with_office_key
from securemail.storage.paths import VaultPaths
from securemail.storage.schema import migrate


def init_vault(vault: Path, *, office_code: str, office_name: str, admin: str, full_name: str, password: str,
               province: str | None = None, clock: Clock | None = None, kdf_profile: str = "standard",
               kind: str = "office", agency: str | None = None, agency_name: str | None = None) -> Session:
    """Create a new vault with its first administrator; returns an open session for that admin. `kind` is
    "office" (a post office desk) or "agency" (the desk of one agency, `agency` / `agency_name`); it is part of
    the signed vault.created event."""
    from securemail.services.directory import clean_username  # noqa: PLC0415

    clock = clock or SystemClock()
    paths = VaultPaths(vault)
    with fields_checked():
        code = clean_code(office_code, "office_code")
        name = clean_text(office_name, field="office_name", max_len=200, required=True)
        fname = clean_text(full_name, field="full_name", max_len=200, required=True)
        prov = clean_text(province, field="province", max_len=100)
        if kind not in ("office", "agency"):
            raise BadInputError("input.bad_choice", field="kind", value=kind)
        ag = clean_code(agency, "agency") if kind == "agency" and agency else None
        if kind == "agency" and ag is None:
            raise BadInputError("input.agency_required", field="agency")
        ag_name = clean_text(agency_name or name, field="agency_name", max_len=200) if ag else None
    username = clean_username(admin)
    check_password(password)
    if vault.exists() and (not vault.is_dir() or any(vault.iterdir())):
        raise VaultError("vault.exists", path=str(vault))
    vault_id = secrets.token_hex(16)
    dek = bytearray(os.urandom(32))
    office_key = SigningKey.generate()
    admin_key = SigningKey.generate()
    slot = with_office_key(vault_id, create_slot(vault_id, username, Role.ADMIN.value, password, bytes(dek),
                                                 admin_key, new_kdf_params(kdf_profile)), office_key)
    cert = Certificate(code, vault_id, username, Role.ADMIN.value, None, admin_key.public_raw())
    # Built in a hidden sibling folder and renamed into place at the end: a crash leaves no half-made vault.
    build = vault.parent / f".{vault.name}.init-{secrets.token_hex(4)}"
    try:
        ensure_private_dir(build)
        _build_vault(VaultPaths(build), vault_id, dek, office_key, Signer(username, admin_key), clock, {
            "vault_id": vault_id, "office_code": code, "office_name": name, "province": prov,
            "office_public_key": b64(office_key.public_raw()), "kind": kind, "agency": ag,
            "agency_name": ag_name}, {
            "username": username, "full_name": fname, "role": Role.ADMIN.value, "agency": None,
            "public_key": b64(admin_key.public_raw()), "cert": b64(cert.sign(office_key))})
        KeySlotFile(vault_id=vault_id, kdf_profile=kdf_profile, slots={username: slot}).save(
            VaultPaths(build).keyslots)
        if vault.exists():
            vault.rmdir()  # empty (checked above); rename needs the name free
        os.replace(build, vault)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    try:
        conn = open_database(paths.db, dek)
        slots = KeySlotFile.load(paths.keyslots)
        authority = load_authority(conn)
        user = user_info(authority, username)
        assert user is not None
        return Session(paths, conn, slots, authority, user, admin_key, dek, clock, office_signing_key=office_key)
    finally:
        dek[:] = bytes(32)


def _build_vault(paths: VaultPaths, vault_id: str, dek: bytearray, office_key: SigningKey, admin: Signer,
                 clock: Clock, created: dict[str, object], enrolled: dict[str, object]) -> None:
    """The database of a new vault: schema, office key, and the genesis pair (vault created, admin enrolled)."""
    conn = open_database(paths.db, dek, create=True)
    try:
        migrate(conn)
        conn.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?)", (vault_id,))
        writer = LedgerWriter(conn, vault_id=vault_id, office_code=str(created["office_code"]),
                              authority=GenesisAuthority(), checkpoint_signer=admin, office_key=office_key,
                              clock=clock)
        with writer.transaction():
            writer.append(K.VAULT_CREATED, K.DIRECTORY, admin, created)
            writer.append(K.USER_ENROLLED, K.DIRECTORY, admin, enrolled)
            writer.request_checkpoint()
        if writer.last_checkpoint is not None:
            account = writer.authority.account(admin.username)
            remember_checkpoint(paths, writer.last_checkpoint, writer.authority,
                                account.chain if account is not None else None)
        if writer.last_head is not None:
            write_head(paths, head_key(dek, vault_id), vault_id, TreeHead(*writer.last_head))
    finally:
        conn.close()
