"""Opening a vault as a user: unlock, check the signed directory, refuse rollbacks, and write through the ledger."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from securemail.clock import Clock, SystemClock
from securemail.crypto.signing import SigningKey, b64
from securemail.custody.authority import Authority
from securemail.custody.certs import Certificate, Chain
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.ledger import (
    LedgerRefused,
    LedgerWriter,
    ProjectionStale,
    Signer,
    latest_checkpoint,
    load_authority,
    load_frontier,
)
from securemail.domain.enums import Role
from securemail.domain.errors import FieldError
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
from securemail.services.read_cache import ReadCache
from securemail.services.rollback_guard import check_not_rolled_back, remember_checkpoint
from securemail.storage.database import Connection, DatabaseError, storage_failure
from securemail.storage.head import HeadReading, TreeHead, head_key, read_head, write_head
from securemail.storage.keyslots import KeySlotFile, Slot, Unlocked
from securemail.storage.paths import VaultPaths
from securemail.storage.schema import FIRST_SIGNED_DIRECTORY_SCHEMA, schema_version
from securemail.storage.vault import (
    Sleeper,
    open_unlocked,
    slots_for_update,
    unlock,
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
        # True while a committed write's outside copy (head.json / state.json) could not be written: the CLI and
        # the app say so; the next write that records it clears it.
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
        # Norms, calendar, agencies: read once while no commit can have changed them (services/read_cache.py).
        self.cache = ReadCache(conn)
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
        self.cache.committed(self.ledger.last_kinds)
        head = self.ledger.last_head
        if head is None:
            return
        self._wrote = True
        try:
            write_head(self.paths, self._head_key, self.vault_id, TreeHead(*head))
            cp = self.ledger.last_checkpoint
            if cp is not None:
                remember_checkpoint(self.paths, cp, self.authority, self.signer_chain())
            self.state_lag = False      # the outside copy caught up with every write so far
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


def office_checkpoint(session: Session) -> Checkpoint:
    cp = latest_checkpoint(session.conn)
    if cp is None:
        raise VaultError("vault.damaged", detail="no checkpoint")
    return cp
