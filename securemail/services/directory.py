"""Users, roles and agencies: directory events in the ledger plus key slots beside the database."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

from securemail.crypto.keywrap import new_kdf_params
from securemail.crypto.signing import Domain, SigningKey, b64
from securemail.custody import kinds as K
from securemail.custody.certs import Certificate, link_body
from securemail.custody.ledger import LedgerWriter, Signer
from securemail.domain.enums import Role
from securemail.domain.labels import parse_choice
from securemail.domain.text import clean_code, clean_text
from securemail.errors import BadInputError, NotFoundError, PermissionDeniedError, StateError, StorageError
from securemail.services.permissions import Permission
from securemail.services.session import (
    Session,
    UserInfo,
    check_password,
    fields_checked,
    load_user,
    wipe_unlocked,
)
from securemail.storage.database import DatabaseError, rekey_pragma, storage_failure
from securemail.storage.keyslots import (
    KeySlotFile,
    Slot,
    commit_pending_dek,
    create_slot,
    with_office_key,
    with_pending_dek,
)
from securemail.storage.vault import slots_for_update, slots_locked, unlock

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


def clean_username(value: str) -> str:
    name = (value or "").strip()
    if not _USERNAME.match(name):
        raise BadInputError("input.bad_username", field="username")
    return name


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    province: str | None
    suburban: bool = False  # ngoại thành: outside the inner city (Hẹn giờ needs a longer lead time)


def list_users(session: Session) -> list[UserInfo]:
    """Everyone the signed directory knows, active or revoked."""
    return [u for name in sorted(session.authority.accounts) if (u := load_user(session, name)) is not None]


def get_user(session: Session, username: str) -> UserInfo:
    user = load_user(session, username)
    if user is None:
        raise NotFoundError("notfound.user", user=username)
    return user


def _role_and_agency(session: Session, role: str, agency: str | None) -> tuple[Role, str | None]:
    """A role as typed and its agency: a secretary needs one, and it must be in the directory."""
    with fields_checked():
        role_v = parse_choice(Role, role, field="role")
        agency_code = clean_code(agency, "agency") if agency else None
    if role_v is Role.SECRETARY and agency_code is None:
        raise BadInputError("input.secretary_needs_agency", field="agency")
    if agency_code is not None:
        get_agency(session, agency_code)
    return role_v, agency_code


def add_user(session: Session, username: str, *, role: str, full_name: str, password: str,
             agency: str | None = None) -> UserInfo:
    """Enrol a user: a new signing key, a key slot under their password, and a signed directory event."""
    session.require(Permission.MANAGE_USERS)
    name = clean_username(username)
    with fields_checked():
        fname = clean_text(full_name, field="full_name", max_len=200, required=True)
    role_v, agency_code = _role_and_agency(session, role, agency)
    check_password(password)
    if load_user(session, name) is not None or name in session.slots.slots:
        raise BadInputError("input.user_exists", field="username", user=name)
    key = SigningKey.generate()
    dek = _current_dek(session)
    kdf = new_kdf_params(session.slots.kdf_profile)
    slot = _admin_slot(session, role_v, create_slot(session.vault_id, name, role_v.value, password, dek, key, kdf))
    cert = session.certify(Certificate(session.office_code, session.vault_id, name, role_v.value, agency_code,
                                       key.public_raw()))
    with session.write() as ledger:
        ledger.append(K.USER_ENROLLED, K.DIRECTORY, session.signer, {
            "username": name, "full_name": fname, "role": role_v.value, "agency": agency_code,
            "public_key": b64(key.public_raw()), "cert": cert}, cosigner=Signer(name, key))
        with slots_for_update(session.paths) as slots:
            slots.slots[name] = slot
        session.slots = slots
    key.wipe()
    return get_user(session, name)


def change_password(session: Session, current_password: str, new_password: str) -> None:
    """The signed-in user sets a new password and gets a new signing key (a key rotation they sign with the old
    key and co-sign with the new one). Whoever knew the old password - an administrator who reset it - can no
    longer sign in this user's name."""
    check_password(new_password)
    # Through unlock(): a wrong current password is an AuthenticationError and counts as a failed attempt.
    _slots, slot, unlocked = unlock(session.paths, session.user.username, current_password)
    new_key = SigningKey.generate()
    try:
        fresh = create_slot(session.vault_id, slot.user, slot.role, new_password, bytes(unlocked.deks[0]), new_key,
                            new_kdf_params(session.slots.kdf_profile))
        fresh = with_office_key(session.vault_id, fresh, session.office_signing_key)
        if len(unlocked.deks) > 1:  # a rekey is in progress: keep the pending key
            fresh = with_pending_dek(session.vault_id, fresh, bytes(unlocked.deks[1]))
        old_public = session.signer.key.public_raw()
        link = session.signer.key.sign(Domain.CERT, link_body(session.vault_id, slot.user, old_public,
                                                              new_key.public_raw()))
        session.slots = _replace_slot(session, fresh, lambda ledger: ledger.append(
            K.USER_KEY_ROTATED, K.DIRECTORY, session.signer,
            {"username": slot.user, "public_key": b64(new_key.public_raw()), "link": b64(link)},
            cosigner=Signer(slot.user, new_key)))
        session.use_new_key(new_key)
    finally:
        wipe_unlocked(unlocked, keep_signing_key=False)


def reset_password(session: Session, username: str, new_password: str) -> None:
    """An admin gives another user a new password. Their old signing key cannot be recovered without the old
    password, so they get a new key, recorded as a key rotation signed by the admin and the user's new key."""
    session.require(Permission.MANAGE_USERS)
    user = get_user(session, username)
    if not user.active:
        raise NotFoundError("notfound.user", user=username)
    check_password(new_password)
    key = SigningKey.generate()
    slot = _admin_slot(session, user.role, create_slot(session.vault_id, username, user.role.value, new_password,
                                                       _current_dek(session), key,
                                                       new_kdf_params(session.slots.kdf_profile)))
    # A temporary key: it can sign nothing but the user's own new password (custody.authority).
    cert = session.certify(Certificate(session.office_code, session.vault_id, username, user.role.value,
                                       user.agency, key.public_raw(), temporary=True))
    session.slots = _replace_slot(session, slot, lambda ledger: ledger.append(
        K.USER_KEY_ROTATED, K.DIRECTORY, session.signer,
        {"username": username, "public_key": b64(key.public_raw()), "cert": cert}, cosigner=Signer(username, key)))
    key.wipe()


def change_role(session: Session, username: str, *, role: str, agency: str | None,
                new_password: str | None = None) -> UserInfo:
    """An admin moves a user to another role or agency: a signed user.role_changed with a fresh office
    certificate of the user's key.

    A key slot is bound to its role, and only its owner's password opens it: a new role therefore needs a new
    initial password, given here, and the user gets a new temporary key as after a reset (they set their own
    password at their next sign-in). A change of agency alone keeps the key and the password."""
    session.require(Permission.MANAGE_USERS)
    user = get_user(session, username)
    if not user.active:
        raise NotFoundError("notfound.user", user=username)
    if user.username == session.user.username:
        raise BadInputError("input.own_role", field="role")
    role_v, agency_code = _role_and_agency(session, role, agency)
    if role_v is user.role and agency_code == user.agency:
        return user  # nothing changes: nothing is signed
    if user.role is Role.ADMIN and role_v is not Role.ADMIN and len(session.authority.admins()) <= 1:
        raise BadInputError("input.last_admin", field="role")
    account = session.authority.account(username)
    if account is None:
        raise NotFoundError("notfound.user", user=username)
    cert = session.certify(Certificate(session.office_code, session.vault_id, username, role_v.value, agency_code,
                                       account.current.key, account.current.temporary))
    changed = {"username": username, "role": role_v.value, "agency": agency_code, "cert": cert}
    if role_v is user.role:
        with session.write() as ledger:
            ledger.append(K.USER_ROLE_CHANGED, K.DIRECTORY, session.signer, changed)
        return get_user(session, username)
    if not new_password:
        raise BadInputError("input.required", field="password")
    check_password(new_password)
    key = SigningKey.generate()
    slot = _admin_slot(session, role_v, create_slot(session.vault_id, username, role_v.value, new_password,
                                                    _current_dek(session), key,
                                                    new_kdf_params(session.slots.kdf_profile)))
    key_cert = session.certify(Certificate(session.office_code, session.vault_id, username, role_v.value,
                                           agency_code, key.public_raw(), temporary=True))

    def record(ledger: LedgerWriter) -> None:
        ledger.append(K.USER_ROLE_CHANGED, K.DIRECTORY, session.signer, changed)
        ledger.append(K.USER_KEY_ROTATED, K.DIRECTORY, session.signer,
                      {"username": username, "public_key": b64(key.public_raw()), "cert": key_cert},
                      cosigner=Signer(username, key))

    session.slots = _replace_slot(session, slot, record)
    key.wipe()
    return get_user(session, username)


def edit_agency(session: Session, code: str, *, name: str, province: str | None = None,
                suburban: bool | None = None) -> Agency:
    """Correct an agency's name, province or inner-city flag: a signed agency.changed (its code stays)."""
    session.require(Permission.MANAGE_AGENCIES)
    agency = get_agency(session, code)
    with fields_checked():
        n = clean_text(name, field="name", max_len=300, required=True)
        p = clean_text(province, field="province", max_len=100)
    outside = agency.suburban if suburban is None else suburban
    if (n, p, outside) == (agency.name, agency.province, agency.suburban):
        return agency  # nothing changes: nothing is signed
    with session.write() as ledger:
        ledger.append(K.AGENCY_CHANGED, K.DIRECTORY, session.signer, {
            "code": agency.code, "name": n, "province": p, "suburban": 1 if outside else 0})
    return Agency(agency.code, n or "", p, outside)


def revoke_user(session: Session, username: str) -> None:
    """Revoke: the slot removed, a signed directory event, and the database rekeyed with a fresh data key.

    The slot goes first: if the process dies after that, the user can no longer open the vault, and running the
    command again finishes the job (an already revoked user whose slot survived is cleaned up too)."""
    session.require(Permission.MANAGE_USERS)
    user = get_user(session, username)
    if user.active:
        if user.role is Role.ADMIN and len(session.authority.admins()) <= 1:
            raise BadInputError("input.last_admin", field="username")
        held = session.conn.execute("SELECT count(*) FROM items WHERE holder = ?", (username,)).fetchone()[0]
        held += session.conn.execute("SELECT count(*) FROM bags WHERE holder = ? AND status = 'dispatched'",
                                     (username,)).fetchone()[0]
        if held:
            raise StateError("input.user_holds_items", user=username, count=held)
    _room_for_rekey(session)      # the revocation is followed by a rekey: refuse both up front, not half
    # An already revoked user: run the rest again (remove a leftover slot, rotate the key), as after a crash.
    with slots_for_update(session.paths) as slots:
        slots.slots.pop(username, None)
        slots.pending.pop(username, None)
    session.slots = slots
    if user.active:
        with session.write() as ledger:
            ledger.append(K.USER_REVOKED, K.DIRECTORY, session.signer, {"username": username})
    rekey(session)


def rekey(session: Session) -> None:
    """Give the database a fresh data key and seal it to every remaining slot.

    Crash-safe order: slots get the new key as 'pending' first, then the database is rekeyed, then the pending key
    becomes current. Opening tries both keys, so an interruption at any point leaves a vault that opens.
    """
    session.require(Permission.MANAGE_USERS)
    _room_for_rekey(session)
    new_dek = bytearray(os.urandom(32))
    active = {u.username for u in list_users(session) if u.active}
    try:
        # One lock for the whole rotation, so a backup or another rekey never sees half of it.
        with slots_locked(session.paths) as slots:
            # Only users the signed directory says are active keep a slot: a revoked user's leftover slot (an
            # interrupted revocation, a restored keyslots.json) never receives the new key.
            slots.slots = {u: with_pending_dek(slots.vault_id, s, bytes(new_dek))
                           for u, s in slots.slots.items() if u in active}
            slots.pending = {u: with_pending_dek(slots.vault_id, s, bytes(new_dek))
                             for u, s in slots.pending.items() if u in active}
            slots.save(session.paths.keyslots)
            try:
                session.conn.execute(rekey_pragma(new_dek))
                # Move every page into the main file now, so the old key opens nothing there either.
                session.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except DatabaseError as e:     # the slots hold both keys: the vault opens with either
                failure = storage_failure(e, session.paths.root)
                if failure is not None:
                    raise failure from e
                raise
            # The tree head is authenticated under the new key while the slots still hold both keys (opening
            # tries both), so no moment leaves a head that no slot's key can check.
            session.replace_dek(new_dek)
            slots.slots = {u: commit_pending_dek(s) for u, s in slots.slots.items()}
            slots.pending = {u: commit_pending_dek(s) for u, s in slots.pending.items()}
            slots.save(session.paths.keyslots)
        session.slots = slots
    finally:
        new_dek[:] = bytes(32)
    # Signed record that the data key changed (verify warns when a revocation is not followed by one).
    with session.write() as ledger:
        ledger.append(K.VAULT_REKEYED, K.DIRECTORY, session.signer, {"slots": sorted(slots.slots)})


def _room_for_rekey(session: Session) -> None:
    """A rekey rewrites every page into the -wal before the checkpoint copies them back: refuse up front (nothing
    changed) when the disk cannot hold that, rather than let SQLCipher fail half-way (make faults found a rekey on a
    nearly full disk ending in "database table is locked")."""
    db = session.paths.db
    wal = db.with_name(db.name + "-wal")
    need = 2 * db.stat().st_size + (wal.stat().st_size if wal.exists() else 0) + (1 << 20)
    if shutil.disk_usage(session.paths.root).free < need:
        raise StorageError("storage.disk_full", path=str(session.paths.root))


def _replace_slot(session: Session, fresh: Slot, record: Callable[[LedgerWriter], object]) -> KeySlotFile:
    """A user's new slot, crash-safe: saved as pending, the key rotation committed to the log, then promoted.
    Killed at any point, the old password (before the commit) or the new one (after it) opens the vault, and the
    next login settles the file (services.session.settle_pending_slot)."""
    with slots_for_update(session.paths) as slots:
        slots.pending[fresh.user] = fresh
    with session.write() as ledger:
        record(ledger)
    with slots_for_update(session.paths) as slots:
        slots.slots[fresh.user] = slots.pending.pop(fresh.user, fresh)
    return slots


def _admin_slot(session: Session, role: Role, slot: Slot) -> Slot:
    """An administrator's slot gets the office key sealed to it; nobody else's does."""
    if role is not Role.ADMIN:
        return slot
    if session.office_signing_key is None:
        raise PermissionDeniedError("perm.no_office_key")
    return with_office_key(session.vault_id, slot, session.office_signing_key)


def _current_dek(session: Session) -> bytes:
    """The data key, from the signed-in user's own slot (needs no password: sealed to the session's KEM key)."""
    return session.current_dek()


def add_agency(session: Session, code: str, *, name: str, province: str | None = None,
               suburban: bool = False) -> Agency:
    session.require(Permission.MANAGE_AGENCIES)
    with fields_checked():
        c = clean_code(code, "code")
        n = clean_text(name, field="name", max_len=300, required=True)
        p = clean_text(province, field="province", max_len=100)
    if session.conn.execute("SELECT 1 FROM agencies WHERE code = ?", (c,)).fetchone():
        raise BadInputError("input.agency_exists", field="code", code=c)
    with session.write() as ledger:
        data: dict[str, object] = {"code": c, "name": n, "province": p}
        if suburban:
            data["suburban"] = 1
        ledger.append(K.AGENCY_ADDED, K.DIRECTORY, session.signer, data)
    return Agency(c, n or "", p, suburban)


def set_suburban(session: Session, code: str, suburban: bool) -> Agency:
    """Mark an agency as outside (ngoại thành) or inside (nội thành) the inner city: a signed agency.changed."""
    session.require(Permission.MANAGE_AGENCIES)
    agency = get_agency(session, code)
    with session.write() as ledger:
        ledger.append(K.AGENCY_CHANGED, K.DIRECTORY, session.signer, {
            "code": agency.code, "name": agency.name, "province": agency.province, "suburban": 1 if suburban else 0})
    return Agency(agency.code, agency.name, agency.province, suburban)


def get_agency(session: Session, code: str) -> Agency:
    row = session.conn.execute("SELECT code, name, province, suburban FROM agencies WHERE code = ?",
                               (code.strip().upper(),)).fetchone()
    if row is None:
        raise NotFoundError("notfound.agency", code=code)
    return Agency(row[0], row[1], row[2], bool(row[3]))


def list_agencies(session: Session) -> list[Agency]:
    rows = session.conn.execute("SELECT code, name, province, suburban FROM agencies ORDER BY code").fetchall()
    return [Agency(r[0], r[1], r[2], bool(r[3])) for r in rows]
