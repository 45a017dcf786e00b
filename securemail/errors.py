"""Every error SecureMail raises on purpose.

`UserFacingError` subclasses carry a message key and parameters, never secrets; the CLI and the GUI turn them
into one translated line (securemail.i18n). `exit_code` follows the CLI contract in product.md:
1 verification found problems, 2 bad input, 3 authentication failed, 4 not permitted, 5 not found / wrong state.
"""

from __future__ import annotations

from securemail.i18n import tr


class SecureMailError(Exception):
    """Base of all SecureMail errors."""


class UserFacingError(SecureMailError):
    """An error whose text is safe to show to the user, in their language."""

    exit_code = 2

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return tr(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class BadInputError(UserFacingError):
    """Input that fails validation; `field` names the offending field when there is one."""

    exit_code = 2

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key, field=field or "", **params)
        self.field = field


class AuthenticationError(UserFacingError):
    """Wrong user name or password (deliberately not told apart)."""

    exit_code = 3


class PermissionDeniedError(UserFacingError):
    """The user's role does not allow this action."""

    exit_code = 4


class NotFoundError(UserFacingError):
    """An item, bag, user or agency that does not exist."""

    exit_code = 5


class StateError(UserFacingError):
    """The action is not lawful in the current state of the item or bag."""

    exit_code = 5


class VaultError(UserFacingError):
    """The vault folder is missing, damaged or refused (e.g. rollback)."""

    exit_code = 2


class RollbackError(VaultError):
    """The vault is older than, or not an extension of, a checkpoint already seen."""


class StorageError(UserFacingError):
    """A write to disk failed; nothing was changed."""

    exit_code = 2


class VerificationFailedError(UserFacingError):
    """Raised by callers that want an exception when verification finds problems."""

    exit_code = 1


class CancelledError(UserFacingError):
    """The user stopped a long operation (a verification, a big report); nothing was changed."""

    exit_code = 2
