"""Opening a vault as a user: unlock, check the signed directory, refuse rollbacks, and write through the ledger."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from securemail.clock import Clock, SystemClock
from securemail.crypto.canonical import JsonObject
from securemail.crypto.keywrap import new_kdf_params
from securemail.crypto.signing import SigningKey, b64
from securemail.custody import kinds as K
from securemail.custody.authority import Authority, GenesisAuthority
from securemail.custody.certs import Certificate, Chain
from securemail.custody.checkpoint import Checkpoint, parse_note, user_signer_name
from securemail.custody.ledger import (
    LedgerRefused,
    LedgerWriter,
    ProjectionStale,
    Signer,
    kept_frontier,
    latest_checkpoint,
    leaf_hashes_between,
    load_authority,
    load_frontier,
    log_size,
)
from securemail.domain.enums import Role
from securemail.domain.errors import FieldError
from securemail.domain.text import clean_code, clean_text
from securemail.errors import (
    AuthenticationError,
    BadInputError,
    PermissionDeniedError,
    RollbackError,
    SecureMailError,
    StateError,
    StorageError,
    VaultError,
)
from securemail.services.password_strength import weakness
from securemail.services.permissions import Permission, require
from securemail.storage.database import Connection, DatabaseError, open_database, storage_failure
from securemail.storage.files import ensure_private_dir
from securemail.storage.head import HeadReading, HeadStatus, TreeHead, head_key, read_head, write_head
from securemail.storage.keyslots import KeySlotFile, Slot, Unlocked, create_slot, with_office_key
from securemail.storage.paths import VaultPaths
from securemail.storage.schema import FIRST_SIGNED_DIRECTORY_SCHEMA, migrate, schema_version
from securemail.storage.vault import (
    Sleeper,
    open_unlocked,
    read_state,
    slots_for_update,
    unlock,
    write_state,
)

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


@contextmanager
def fields_checked() -> Iterator[None]:
    """Validation inside this block reaches the user as the error that names the field: the one mapping from a
    domain FieldError to a message, used by every service."""
    try:
        yield
    except FieldError as e:
        raise field_error(e) from e


def check_password(password: str) -> None:
    """At least MIN_PASSWORD characters, not a common password, and hard to guess by zxcvbn's estimate; the
    message says which rule failed and why (services.password_strength)."""
    if len(password) < MIN_PASSWORD:
        raise BadInputError("input.password_short", field="password", min=MIN_PASSWORD)
    reason = weakness(password)
    if reason is not None:
        raise BadInputError(f"input.password_weak.{reason}", field="password")


def user_info(authority: Authority, username: str) -> UserInfo | None:
    """A user as the signed directory says (never the editable users table)."""
    a = authority.account(username)
    if a is None:
        return None
    return UserInfo(a.username, a.full_name, Role(a.role), a.agency, a.current.key, a.active)


def load_user(session: Session, username: str) -> UserInfo | None:
    return user_info(session.authority, username)


class Session:
    """One user's open vault. Writes go through `write()`: each commit's tree head is recorded in head.json, and
    the checkpoints signed at the ledger's cadence in state.json; closing a session that wrote signs one
    covering the log (docs/adr/0016-checkpoint-cadence.md)."""

    def __init__(self, paths: VaultPaths, conn: Connection, slots: KeySlotFile, authority: Authority,
                 user: UserInfo, signing_key: SigningKey, dek: bytes | bytearray, clock: Clock, *,
                 office_signing_key: SigningKey | None = None, readonly: bool = False) -> None:
        self.paths = paths
        self.conn = conn
        self.slots = slots
        self.user = user
        self.signer = Signer(user.username, signing_key)
        self.clock = clock
        self.readonly = readonly
        self.state_lag = False
        self._dek = bytearray(dek)
        self.vault_id = slots.vault_id
        self._head_key = head_key(dek, self.vault_id)
        self._wrote = False
        self.office_code = authority.office_code or ""
        self.office_name = authority.office_name or ""
        if authority.office_key is None:
            raise VaultError("vault.damaged", detail="no office key in the signed directory")
        self.office_public_key: bytes = authority.office_key
        # Administrators only: the office key certifies the keys they issue (docs/adr/0006-key-hierarchy.md).
        self.office_signing_key = office_signing_key
        self.ledger = LedgerWriter(conn, vault_id=self.vault_id, office_code=self.office_code, authority=authority,
                                   checkpoint_signer=self.signer, office_key=office_signing_key, clock=clock)

    @property
    def authority(self) -> Authority:
        """The signed directory as replayed (kept current by every write)."""
        return self.ledger.authority

    @property
    def must_change_password(self) -> bool:
        """The user's key was issued by an administrator (a reset): it signs nothing but their own new password."""
        account = self.authority.account(self.user.username)
        return account is not None and account.current.temporary

    @property
    def role(self) -> Role:
        return self.user.role

    def require(self, permission: Permission) -> None:
        require(self.user.role, permission)

    def use_new_key(self, key: SigningKey) -> None:
        """After the user's own key rotation: sign with the new key from now on. The log up to the rotation is
        signed off with the old key first (the key the directory gives them at that size)."""
        if self._wrote and not self.readonly:
            with contextlib.suppress(SecureMailError, DatabaseError):
                self.checkpoint()
        old = self.signer.key
        self.signer = Signer(self.user.username, key)
        self.ledger.checkpoint_signer = self.signer
        old.wipe()
        refreshed = load_user(self, self.user.username)
        if refreshed is not None:
            self.user = refreshed

    def signer_chain(self) -> Chain | None:
        """The signed-in user's certificate chain (office certificate and links), as the directory holds it."""
        account = self.authority.account(self.user.username)
        return account.chain if account is not None else None

    def certify(self, cert: Certificate) -> str:
        """The office's signature on a key certificate (base64); administrators only."""
        if self.office_signing_key is None:
            raise PermissionDeniedError("perm.no_office_key")
        return b64(cert.sign(self.office_signing_key))

    def current_dek(self) -> bytes:
        return bytes(self._dek)

    def replace_dek(self, dek: bytes | bytearray) -> None:
        """After a rekey: the new data key, and the tree head authenticated again under its key."""
        self._dek[:] = dek
        self._head_key = head_key(dek, self.vault_id)
        head = load_frontier(self.conn)
        try:
            write_head(self.paths, self._head_key, self.vault_id, TreeHead(head.size, head.root()))
        except StorageError:
            self.state_lag = True

    def head_reading(self) -> HeadReading:
        """head.json checked with this vault's key (for verify)."""
        return read_head(self.paths, [self._head_key], self.vault_id)

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    @contextmanager
    def write(self) -> Iterator[LedgerWriter]:
        if self.readonly:
            raise VaultError("vault.damaged", detail="opened read-only")
        try:
            with self.ledger.transaction():
                yield self.ledger
        except ProjectionStale as e:
            raise VaultError("vault.projection_stale", subjects=", ".join(e.subjects)) from e
        except DatabaseError as e:      # a full disk or a read-only folder is not damage: say what it is
            failure = storage_failure(e, self.paths.root)
            if failure is None:
                raise
            raise failure from e
        except LedgerRefused as e:
            if self.must_change_password:
                raise PermissionDeniedError("auth.must_change_password") from e
            key = "ledger.refused_state" if e.about_state else "ledger.refused"
            error = StateError(key, detail=str(e)) if e.about_state else PermissionDeniedError(key, detail=str(e))
            raise error from e
        if not self.ledger.in_transaction:      # nested in an outer write: that one's commit is recorded
            self._record_commit()

    def _record_commit(self) -> None:
        head = self.ledger.last_head
        if head is None:
            return
        self._wrote = True
        try:
            write_head(self.paths, self._head_key, self.vault_id, TreeHead(*head))
            cp = self.ledger.last_checkpoint
            if cp is not None:
                remember_checkpoint(self.paths, cp, self.authority, self.signer_chain())
        except StorageError:
            # The write is committed; only the outside copy of its head lags. The next write (or `checkpoint
            # export`) records a newer one. Never report "nothing was changed" here.
            self.state_lag = True

    def checkpoint(self) -> Checkpoint:
        """A signed checkpoint covering the whole log, signed now unless the newest already does: what an export,
        a bundle, a witness and a printed statement cite. A read-only session, or a reader inside its read
        snapshot (services.background: long reports), cites the newest there is: it writes nothing."""
        if self.readonly or self.conn.in_transaction:
            return office_checkpoint(self)
        try:
            cp, signed = self.ledger.checkpoint_now()
        except DatabaseError as e:
            failure = storage_failure(e, self.paths.root)
            if failure is None:
                raise
            raise failure from e
        except LedgerRefused as e:        # revoked or re-keyed at another desk meanwhile
            raise PermissionDeniedError("ledger.refused", detail=str(e)) from e
        if signed:
            try:
                remember_checkpoint(self.paths, cp, self.authority, self.signer_chain())
            except StorageError:
                self.state_lag = True
        return cp

    def close(self) -> None:
        """Closing (logout, lock, quit) signs a checkpoint covering what this session wrote, when the newest
        does not (best effort: a full disk must not stop the keys from being wiped)."""
        try:
            if self._wrote and not self.readonly:
                with contextlib.suppress(SecureMailError, DatabaseError):
                    self.checkpoint()
        finally:
            self._wipe_and_close()

    def _wipe_and_close(self) -> None:
        self._head_key = b""
        self.signer.key.wipe()
        if self.office_signing_key is not None:
            self.office_signing_key.wipe()
        self._dek[:] = bytes(len(self._dek))
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def remember_checkpoint(paths: VaultPaths, cp: Checkpoint, authority: Authority, signer: Chain | None) -> None:
    """Keep the newest checkpoint seen outside the database (rollback defence), with the certificate chain of the
    person who signed it, so that an older copy of the database (which may not know them yet) can still check it.
    A larger checkpoint already there is kept only if its signature holds: an edited size must not freeze the
    state file."""
    state = read_state(paths)
    old = _signed_state_checkpoint(state, authority)
    if old is not None and old.size > cp.size:
        return
    state["checkpoint"] = cp.note()
    if signer is not None:
        state["checkpoint_signer"] = signer.to_json()
    else:
        state.pop("checkpoint_signer", None)
    write_state(paths, state, durable_name=False)


def _signed_state_checkpoint(state: JsonObject, authority: Authority) -> Checkpoint | None:
    """The checkpoint in state.json, only if it parses and is signed by the office key, by a person this log
    knows, or by the person whose certificate chain (from the office key) is stored beside it: an unsigned or
    edited size must not decide anything (verify reports such a file as bad_checkpoint_signature)."""
    note = state.get("checkpoint")
    if not isinstance(note, str) or not note:
        return None
    try:
        seen = parse_note(note)
    except ValueError:
        return None
    if authority.checkpoint_holds(seen):
        return seen
    if authority.office_key is None or authority.office_code is None or authority.vault_id is None:
        return None
    try:
        chain = Chain.from_json(state.get("checkpoint_signer"), office=authority.office_code,
                                vault=authority.vault_id)
    except ValueError:
        return None
    name = user_signer_name(authority.office_code, chain.cert.username)
    if chain.verify(authority.office_key) and seen.has_valid_signature(name, chain.key):
        return seen
    return None


def check_not_rolled_back(paths: VaultPaths, conn: Connection, vault_id: str, authority: Authority,
                          head_keys: list[bytes] | None = None) -> None:
    """Refuse a log shorter than, or not extending, what was recorded outside the database: the signed
    checkpoint in state.json and the authenticated tree head in head.json (each only if it holds: an edited or
    unreadable one bounds nothing, and verify reports it). A head that lags the log (a crash between the commit
    and its write) is a prefix: accepted."""
    bounds: list[tuple[int, bytes]] = []
    seen = _signed_state_checkpoint(read_state(paths), authority)
    if seen is not None:
        if not seen.origin.endswith("/" + vault_id):
            raise RollbackError("vault.rollback_fork", seen=seen.size)
        bounds.append((seen.size, seen.root))
    if head_keys:
        reading = read_head(paths, head_keys, vault_id)
        if reading.status is HeadStatus.OK and reading.head is not None:
            bounds.append((reading.head.size, reading.head.root))
    size = log_size(conn)
    for n, _ in bounds:
        if size < n:
            raise RollbackError("vault.rollback_shorter", size=size, seen=n)
    for n, root in bounds:
        if not _extends(conn, n, root):
            raise RollbackError("vault.rollback_fork", seen=n)


def _extends(conn: Connection, size: int, root: bytes) -> bool:
    """Whether the stored log extends the tree head (size, root). Normally head.json holds the stored frontier's
    head: compare roots. Otherwise (the signed checkpoint, a lagging head) start from the compact range kept with a
    checkpoint row at most FRONTIER_EVERY events (plus the checkpoint cadence) before it (vaults without one: from
    the first leaf), extend it with the stored leaf hashes up to `size` (its root must match) and on to the end (it
    must give the stored frontier). Like the stored leaf hashes before, these are stored values: `verify`
    recomputes all of them from the signed bytes."""
    stored = load_frontier(conn)
    if stored.size == size:
        return stored.root() == root
    tree = kept_frontier(conn, size)
    tree.extend(leaf_hashes_between(conn, tree.size, size))
    if tree.size != size or tree.root() != root:
        return False
    tree.extend(leaf_hashes_between(conn, size))
    return tree == stored


def open_session(vault: Path, username: str, password: str, *, clock: Clock | None = None,
                 sleep: Sleeper = time.sleep, on_wait: Callable[[int, int], None] | None = None,
                 allow_rollback: bool = False) -> Session:
    """Unlock and open. With `allow_rollback` a refused vault opens read-only so it can be inspected and verified."""
    paths = VaultPaths(vault)
    slots, slot, unlocked = unlock(paths, username, password, sleep=sleep, on_wait=on_wait)
    conn, dek = open_unlocked(paths, slots, unlocked)
    # The head may be authenticated under the pending key of an interrupted rekey: both keys are tried.
    head_keys = [head_key(d, slots.vault_id) for d in unlocked.deks]
    readonly = False
    dek_copy = bytearray(dek)  # the Session keeps its own copy; the unlocked bundle is wiped below
    office, unlocked.office_key = unlocked.office_key, None
    wipe_unlocked(unlocked)
    dek = dek_copy
    try:
        if schema_version(conn) < FIRST_SIGNED_DIRECTORY_SCHEMA:
            raise VaultError("vault.old_format")
        authority = load_authority(conn)
        user = user_info(authority, username)
        if user is None or not user.active:
            raise AuthenticationError("auth.failed")
        # The slot's role and key are only hints: they must be what the signed directory says.
        if user.public_key != slot.signing_public or user.role.value != slot.role:
            raise AuthenticationError("auth.role_mismatch", user=username)
        settle_pending_slot(paths, username, slot)
        if office is not None and (user.role is not Role.ADMIN or office.public_raw() != authority.office_key):
            office.wipe()
            office = None
        try:
            check_not_rolled_back(paths, conn, slots.vault_id, authority, head_keys)
        except RollbackError:
            if not allow_rollback:
                raise
            readonly = True
        return Session(paths, conn, slots, authority, user, unlocked.signing_key, dek, clock or SystemClock(),
                       office_signing_key=office, readonly=readonly)
    except BaseException:
        if office is not None:
            office.wipe()
        conn.close()
        raise


def settle_pending_slot(paths: VaultPaths, username: str, opened: Slot) -> None:
    """Finish or forget an interrupted password change: the slot that opened matches the signed directory, so it
    becomes the user's slot and any other pending one (never committed to the log) is dropped."""
    slots = KeySlotFile.load(paths.keyslots)
    if username not in slots.pending:
        return
    with slots_for_update(paths) as fresh:
        pending = fresh.pending.pop(username, None)
        if pending is not None and pending.signing_public == opened.signing_public:
            fresh.slots[username] = pending


def wipe_unlocked(unlocked: Unlocked, *, keep_signing_key: bool = True) -> None:
    """Zero what a slot opened (data keys, X25519 key, office key); best effort, Python cannot guarantee no
    copies."""
    for dek in unlocked.deks:
        dek[:] = bytes(len(dek))
    unlocked.kem_private[:] = bytes(len(unlocked.kem_private))
    if unlocked.office_key is not None:
        unlocked.office_key.wipe()
    if not keep_signing_key:
        unlocked.signing_key.wipe()


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


def office_checkpoint(session: Session) -> Checkpoint:
    cp = latest_checkpoint(session.conn)
    if cp is None:
        raise VaultError("vault.damaged", detail="no checkpoint")
    return cp
