"""Errors raised by the pure domain layer.

Exceptions here carry machine-readable data only (a field name, a code, parameters); the services map
them to translated messages (``securemail.i18n.tr``, gettext catalogue: ``"input." + code``). Their ``str()`` is a short
English repr for logs and tracebacks, never text meant for the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from securemail.domain.enums import ItemStatus
    from securemail.domain.lifecycle import Action

#: Every code a ``FieldError`` raised by this package can carry (for translation coverage checks).
ERROR_CODES: frozenset[str] = frozenset(
    {
        "required",
        "too_long",
        "bad_chars",
        "bad_format",
        "bad_choice",
        "not_integer",
        "negative",
        "too_small",
        "too_large",
        "bad_check_digit",
        "forbidden_for_tuyet_mat",
        "tuyet_mat_two_envelopes",
        "needs_named_recipient",
        "needs_appointed_time",
        "appointed_too_soon",
        "only_for_hen_gio",
        "needs_deadline",
    }
)


class DomainError(Exception):
    """Base of the errors raised by securemail.domain."""


class FieldError(DomainError, ValueError):
    """A field failed validation: ``field`` names it, ``code`` says why, ``params`` fill the message."""

    def __init__(self, field: str, code: str, **params: object) -> None:
        super().__init__(field, code)
        self.field = field
        self.code = code
        self.params: dict[str, object] = dict(params)

    def __str__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in sorted(self.params.items()))
        return f"{self.field}: {self.code}{extra}"

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"FieldError({self.field!r}, {self.code!r}{extra})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_field_error, (self.field, self.code, self.params))


def _rebuild_field_error(field: str, code: str, params: dict[str, object]) -> FieldError:
    return FieldError(field, code, **params)


class IllegalTransition(DomainError):
    """The action is not lawful for an item in ``current`` status (``None``: the item does not exist yet)."""

    def __init__(self, current: ItemStatus | None, action: Action) -> None:
        super().__init__(current, action)
        self.current = current
        self.action = action

    def __str__(self) -> str:
        where = "no item" if self.current is None else f"status {self.current.value!r}"
        return f"action {self.action.value!r} is not allowed for {where}"
