"""Where passwords come from: never the command line. Env var, --password-stdin, or the terminal prompt."""

from __future__ import annotations

import getpass
import os
import sys

from securemail.errors import BadInputError, UserFacingError
from securemail.i18n import tr

_stdin_lines: list[str] | None = None


def _from_stdin() -> str | None:
    global _stdin_lines  # noqa: PLW0603 - stdin is read once per process
    if _stdin_lines is None:
        _stdin_lines = [line.rstrip("\r\n") for line in sys.stdin.readlines()]
    return _stdin_lines.pop(0) if _stdin_lines else None


def _prompt(label: str) -> str | None:
    try:
        with open("/dev/tty", encoding="utf-8"):
            pass
    except OSError:
        return None
    return getpass.getpass(label + ": ")


def _env_or_stdin(env: str, use_stdin: bool) -> str | None:
    """--password-stdin, when given, wins over the environment (the explicit choice of this run)."""
    if use_stdin:
        line = _from_stdin()
        if line:
            return line
    return os.environ.get(env) or None


def get_password(*, env: str, use_stdin: bool, prompt_label: str, missing: UserFacingError) -> str:
    value = _env_or_stdin(env, use_stdin) or _prompt(prompt_label)
    if value:
        return value
    raise missing


def user_password(use_stdin: bool) -> str:
    return get_password(env="SECUREMAIL_PASSWORD", use_stdin=use_stdin, prompt_label=tr("field.password_prompt"),
                        missing=BadInputError("auth.no_password", field="password"))


def new_password(use_stdin: bool, user: str, env: str = "SECUREMAIL_NEW_PASSWORD") -> str:
    """A password being set: from the environment variable, stdin, or typed twice at the prompt (one typo must
    not lock anyone out)."""
    value = _env_or_stdin(env, use_stdin)
    if value:
        return value
    first = _prompt(tr("field.new_password_prompt", user=user))
    if first:
        second = _prompt(tr("field.repeat_password_prompt"))
        if first != second:
            raise BadInputError("input.password_mismatch", field="password")
        return first
    raise BadInputError("auth.no_new_password", field="password")


def cosign_password(use_stdin: bool, user: str) -> str:
    return get_password(env="SECUREMAIL_COSIGN_PASSWORD", use_stdin=use_stdin,
                        prompt_label=tr("field.cosign_password_prompt", user=user),
                        missing=BadInputError("auth.no_cosign_password", field="password", user=user))
