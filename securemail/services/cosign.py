"""The second person at a transfer: a user of this vault who types their own password on the spot."""

from __future__ import annotations

from securemail.custody.ledger import Signer
from securemail.errors import AuthenticationError, BadInputError, PermissionDeniedError
from securemail.services.permissions import Permission, require
from securemail.services.session import Session, UserInfo, load_user, wipe_unlocked
from securemail.storage.vault import unlock


def cosigner(session: Session, username: str, password: str) -> tuple[Signer, UserInfo]:
    """Unlock `username`'s slot with their password and check them against the signed directory."""
    if username == session.user.username:
        raise BadInputError("input.self_cosign", field="username")
    # Who may take custody is decided before the password is tried, so the answer never depends on it.
    known = load_user(session, username)
    if known is None or not known.active:
        raise AuthenticationError("auth.cosign_failed", user=username)
    require(known.role, Permission.ACCEPT_COSIGN)
    try:
        _slots, slot, unlocked = unlock(session.paths, username, password)
    except AuthenticationError as e:
        raise AuthenticationError("auth.cosign_failed", user=username) from e
    user = load_user(session, username)
    account = session.authority.account(username)
    if user is None or not user.active or user.public_key != slot.signing_public or user.role.value != slot.role \
            or account is None:
        wipe_unlocked(unlocked, keep_signing_key=False)
        raise AuthenticationError("auth.cosign_failed", user=username)
    if account.current.temporary:     # right password, but the key of a reset: it may not co-sign
        wipe_unlocked(unlocked, keep_signing_key=False)
        raise PermissionDeniedError("auth.cosigner_must_change_password", user=username)
    wipe_unlocked(unlocked)  # the co-signer needs only their signing key
    return Signer(username, unlocked.signing_key), user


def same_person(signer: Signer, user: UserInfo) -> None:
    """A transfer names the person who co-signed, never someone else."""
    if signer.username != user.username:
        raise BadInputError("input.cosigner_mismatch", field="username", user=user.username, signer=signer.username)
