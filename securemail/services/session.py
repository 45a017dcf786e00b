"""Opening a vault as a user: unlock, check the signed directory, refuse rollbacks, and write through the ledger."""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from securemail.clock import Clock, SystemClock
from securemail.crypto.keywrap import new_kdf_params
from securemail.crypto.signing import Domain, SigningKey, b64
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint, office_signer_name, parse_note
from securemail.custody.ledger import LedgerWriter, Signer, latest_checkpoint, leaf_hashes, log_size
from securemail.custody.merkle import root_from_leaf_hashes
from securemail.domain.enums import Role
from securemail.domain.errors import FieldError
from securemail.domain.text import clean_code, clean_text
from securemail.errors import AuthenticationError, BadInputError, RollbackError, StorageError, VaultError
from securemail.services.password_strength import weakness
from securemail.services.permissions import Permission, require
from securemail.storage.database import Connection, open_database
from securemail.storage.files import ensure_private_dir
from securemail.storage.keyslots import KeySlotFile, Unlocked, create_slot
from securemail.storage.schema import migrate
from securemail.storage.vault import Sleeper, VaultPaths, open_unlocked, read_state, unlock, write_state

MIN_PASSWORD = 10


@dataclass(frozen=True)
class UserInfo:
    username: str
    full_name: str
    role: Role
    agency: str | None
    public_key: bytes
    active: bool


def field_error(e: FieldError) -> BadInputError:
    """Turn a domain FieldError into the user-facing error that names the field."""
    return BadInputError(f"input.{e.code}", field=e.field, **{k: v for k, v in e.params.items() if k != "field"})


def check_password(password: str) -> None:
    """At least MIN_PASSWORD characters, not a common password, and hard to guess by zxcvbn's estimate; the
    message says which rule failed and why (services.password_strength)."""
    if len(password) < MIN_PASSWORD:
        raise BadInputError("input.password_short", field="password", min=MIN_PASSWORD)
    reason = weakness(password)
    if reason is not None:
        raise BadInputError(f"input.password_weak.{reason}", field="password")


def load_user(conn: Connection, username: str) -> UserInfo | None:
    row = conn.execute("SELECT username, full_name, role, agency, public_key, active FROM users WHERE username = ?",
                       (username,)).fetchone()
    if row is None:
        return None
    return UserInfo(row[0], row[1], Role(row[2]), row[3], bytes(row[4]), bool(row[5]))


class Session:
    """One user's open vault. Writes go through `write()`, which commits events with a checkpoint."""

    def __init__(self, paths: VaultPaths, conn: Connection, slots: KeySlotFile, user: UserInfo,
                 signing_key: SigningKey, dek: bytes | bytearray, clock: Clock, *, readonly: bool = False) -> None:
        self.paths = paths
        self.conn = conn
        self.slots = slots
        self.user = user
        self.signer = Signer(user.username, signing_key)
        self.clock = clock
        self.readonly = readonly
        self.state_lag = False
        # The user's current key was issued by an administrator (a password reset): they should change it, after
        # which the administrator, who knew that password, can no longer sign as them.
        row = conn.execute("SELECT actor FROM events WHERE kind = 'user.key_rotated' AND "
                           "json_extract(body, '$.data.username') = ? ORDER BY seq DESC LIMIT 1",
                           (user.username,)).fetchone()
        self.admin_issued_key = row is not None and row[0] != user.username
        self._dek = bytearray(dek)
        self.vault_id = slots.vault_id
        self.office_code = self.setting("office_code") or ""
        self.office_name = self.setting("office_name") or ""
        row = conn.execute("SELECT private_key, public_key FROM office_key WHERE id = 1").fetchone()
        if row is None:
            raise VaultError("vault.damaged", detail="office key missing")
        self.office_key = SigningKey(bytes(row[0]))
        self.ledger = LedgerWriter(conn, vault_id=self.vault_id, office_code=self.office_code,
                                   office_key=self.office_key, clock=clock)

    @property
    def role(self) -> Role:
        return self.user.role

    def require(self, permission: Permission) -> None:
        require(self.user.role, permission)

    def use_new_key(self, key: SigningKey) -> None:
        """After the user's own key rotation: sign with the new key from now on."""
        old = self.signer.key
        self.signer = Signer(self.user.username, key)
        old.wipe()
        refreshed = load_user(self.conn, self.user.username)
        if refreshed is not None:
            self.user = refreshed

    def current_dek(self) -> bytes:
        return bytes(self._dek)

    def replace_dek(self, dek: bytes | bytearray) -> None:
        self._dek[:] = dek

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    @contextmanager
    def write(self) -> Iterator[LedgerWriter]:
        if self.readonly:
            raise VaultError("vault.damaged", detail="opened read-only")
        with self.ledger.transaction():
            yield self.ledger
        cp = self.ledger.last_checkpoint
        if cp is not None:
            try:
                remember_checkpoint(self.paths, cp, self.office_key.public_raw())
            except StorageError:
                # The write is committed; only the outside copy of its checkpoint lags. The next write (or
                # `checkpoint export`) records a newer one. Never report "nothing was changed" here.
                self.state_lag = True

    def close(self) -> None:
        self.signer.key.wipe()
        self.office_key.wipe()
        self._dek[:] = bytes(len(self._dek))
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def vault_exists(vault: Path) -> bool:
    """Whether `vault` holds a SecureMail vault (for a friendly first screen; opening still checks everything)."""
    return VaultPaths(vault).exists()


def remember_checkpoint(paths: VaultPaths, cp: Checkpoint, office_public: bytes | None = None) -> None:
    """Keep the newest checkpoint seen outside the database (rollback defence). A larger one already there is
    kept only if it carries a valid signature under `office_public` by one of `cp`'s signers: an edited size
    must not freeze the state file."""
    state = read_state(paths)
    seen = state.get("checkpoint")
    if isinstance(seen, str) and seen and office_public is not None:
        try:
            old = parse_note(seen)
        except ValueError:
            old = None
        if old is not None and old.size > cp.size and any(
                old.has_valid_signature(s.name, office_public, Domain.CHECKPOINT) for s in cp.signatures):
            return
    state["checkpoint"] = cp.note()
    write_state(paths, state)


def _signed_state_checkpoint(paths: VaultPaths, conn: Connection) -> Checkpoint | None:
    """The checkpoint in state.json, only if it parses and carries a valid office signature: an unsigned or edited
    size must not decide anything (verify reports such a file as bad_checkpoint_signature)."""
    note = read_state(paths).get("checkpoint")
    if not isinstance(note, str) or not note:
        return None
    try:
        seen = parse_note(note)
    except ValueError:
        return None
    row = conn.execute("SELECT public_key FROM office_key WHERE id = 1").fetchone()
    code = conn.execute("SELECT value FROM settings WHERE key = 'office_code'").fetchone()
    if row is None or code is None:
        return None
    if not seen.has_valid_signature(office_signer_name(str(code[0])), bytes(row[0]), Domain.CHECKPOINT):
        return None
    return seen


def check_not_rolled_back(paths: VaultPaths, conn: Connection, vault_id: str) -> None:
    seen = _signed_state_checkpoint(paths, conn)
    if seen is None:
        return
    size = log_size(conn)
    if size < seen.size:
        raise RollbackError("vault.rollback_shorter", size=size, seen=seen.size)
    if not seen.origin.endswith("/" + vault_id) or root_from_leaf_hashes(leaf_hashes(conn, seen.size)) != seen.root:
        raise RollbackError("vault.rollback_fork", seen=seen.size)


def open_session(vault: Path, username: str, password: str, *, clock: Clock | None = None,
                 sleep: Sleeper = time.sleep, on_wait: Callable[[int, int], None] | None = None,
                 allow_rollback: bool = False) -> Session:
    """Unlock and open. With `allow_rollback` a refused vault opens read-only so it can be inspected and verified."""
    paths = VaultPaths(vault)
    slots, slot, unlocked = unlock(paths, username, password, sleep=sleep, on_wait=on_wait)
    conn, dek = open_unlocked(paths, slots, unlocked)
    readonly = False
    dek_copy = bytearray(dek)  # the Session keeps its own copy; the unlocked bundle is wiped below
    wipe_unlocked(unlocked)
    dek = dek_copy
    try:
        user = load_user(conn, username)
        if user is None or not user.active:
            raise AuthenticationError("auth.failed")
        if user.public_key != slot.signing_public or user.role.value != slot.role:
            raise AuthenticationError("auth.role_mismatch", user=username)
        try:
            check_not_rolled_back(paths, conn, slots.vault_id)
        except RollbackError:
            if not allow_rollback:
                raise
            readonly = True
        return Session(paths, conn, slots, user, unlocked.signing_key, dek, clock or SystemClock(),
                       readonly=readonly)
    except BaseException:
        conn.close()
        raise


def wipe_unlocked(unlocked: Unlocked, *, keep_signing_key: bool = True) -> None:
    """Zero what a slot opened (data keys, X25519 key); best effort, Python cannot guarantee no copies."""
    for dek in unlocked.deks:
        dek[:] = bytes(len(dek))
    unlocked.kem_private[:] = bytes(len(unlocked.kem_private))
    if not keep_signing_key:
        unlocked.signing_key.wipe()


def init_vault(vault: Path, *, office_code: str, office_name: str, admin: str, full_name: str, password: str,
               province: str | None = None, clock: Clock | None = None, kdf_profile: str = "standard") -> Session:
    """Create a new office vault with its first administrator; returns an open session for that admin."""
    from securemail.services.directory import clean_username  # noqa: PLC0415

    clock = clock or SystemClock()
    paths = VaultPaths(vault)
    try:
        code = clean_code(office_code, "office_code")
        name = clean_text(office_name, field="office_name", max_len=200, required=True)
        fname = clean_text(full_name, field="full_name", max_len=200, required=True)
        prov = clean_text(province, field="province", max_len=100)
    except FieldError as e:
        raise field_error(e) from e
    username = clean_username(admin)
    check_password(password)
    if vault.exists() and (not vault.is_dir() or any(vault.iterdir())):
        raise VaultError("vault.exists", path=str(vault))
    vault_id = secrets.token_hex(16)
    dek = bytearray(os.urandom(32))
    office_key = SigningKey.generate()
    admin_key = SigningKey.generate()
    slot = create_slot(vault_id, username, Role.ADMIN.value, password, bytes(dek), admin_key,
                       new_kdf_params(kdf_profile))
    # Built in a hidden sibling folder and renamed into place at the end: a crash leaves no half-made vault.
    build = vault.parent / f".{vault.name}.init-{secrets.token_hex(4)}"
    try:
        ensure_private_dir(build)
        _build_vault(VaultPaths(build), vault_id, dek, office_key, Signer(username, admin_key), clock, {
            "vault_id": vault_id, "office_code": code, "office_name": name, "province": prov,
            "office_public_key": b64(office_key.public_raw())}, {
            "username": username, "full_name": fname, "role": Role.ADMIN.value, "agency": None,
            "public_key": b64(admin_key.public_raw())})
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
        user = load_user(conn, username)
        assert user is not None
        return Session(paths, conn, slots, user, admin_key, dek, clock)
    finally:
        dek[:] = bytes(32)


def _build_vault(paths: VaultPaths, vault_id: str, dek: bytearray, office_key: SigningKey, admin: Signer,
                 clock: Clock, created: dict[str, object], enrolled: dict[str, object]) -> None:
    """The database of a new vault: schema, office key, and the genesis pair (vault created, admin enrolled)."""
    conn = open_database(paths.db, dek, create=True)
    try:
        migrate(conn)
        conn.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?)", (vault_id,))
        conn.execute("INSERT INTO office_key (id, private_key, public_key) VALUES (1, ?, ?)",
                     (office_key.raw(), office_key.public_raw()))
        writer = LedgerWriter(conn, vault_id=vault_id, office_code=str(created["office_code"]),
                              office_key=office_key, clock=clock)
        with writer.transaction():
            writer.append(K.VAULT_CREATED, K.DIRECTORY, admin, created)
            writer.append(K.USER_ENROLLED, K.DIRECTORY, admin, enrolled)
        if writer.last_checkpoint is not None:
            remember_checkpoint(paths, writer.last_checkpoint, office_key.public_raw())
    finally:
        conn.close()


def office_checkpoint(session: Session) -> Checkpoint:
    cp = latest_checkpoint(session.conn)
    if cp is None:
        raise VaultError("vault.damaged", detail="no checkpoint")
    return cp
