"""What every command gets: parsed options, output helpers, and a way to open the vault as the user."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from securemail.cli import passwords
from securemail.cli.visible import visible, visible_json
from securemail.errors import BadInputError
from securemail.i18n import current_language, tr
from securemail.storage.paths import default_vault

if TYPE_CHECKING:
    from securemail.crypto.canonical import JsonValue
    from securemail.services.session import Session

# The subparsers of a command group: argparse names the class privately, typeshed types it.
Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


@dataclass
class Ctx:
    args: argparse.Namespace
    _password: str | None = None
    _opened: list[Session] = field(default_factory=list)

    @property
    def vault(self) -> Path:
        v = getattr(self.args, "vault", None)
        if v is not None and not str(v).strip():
            raise BadInputError("input.required", field="vault")
        return Path(v) if v is not None else default_vault()

    @property
    def username(self) -> str:
        u = getattr(self.args, "user", None) or os.environ.get("SECUREMAIL_USER")
        if not u:
            raise BadInputError("auth.no_user", field="username")
        return str(u)

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def lang(self) -> str:
        return current_language()

    @property
    def use_stdin(self) -> bool:
        return bool(getattr(self.args, "password_stdin", False))

    def password(self) -> str:
        """The signed-in user's password, read once per run (stdin can only be read once)."""
        if self._password is None:
            self._password = passwords.user_password(self.use_stdin)
        return self._password

    def open(self, *, allow_rollback: bool = False) -> Session:
        # Imported here: `--version`, `--help` and the commands that open no vault do not load the services.
        from securemail.services.audit_trail import record_login  # noqa: PLC0415
        from securemail.services.session import open_session  # noqa: PLC0415

        username = self.username
        password = self.password()

        def on_wait(count: int, seconds: int) -> None:
            self.info(tr("auth.waiting", count=count, seconds=seconds))

        session = open_session(self.vault, username, password, on_wait=on_wait, allow_rollback=allow_rollback)
        try:
            record_login(session, "cli")
        except BaseException:
            session.close()
            raise
        if session.must_change_password:
            self.info(tr("auth.change_password_now", user=username))
        self._opened.append(session)
        return session

    def warn_lagging_head(self) -> None:
        """After the command: a write it committed whose outside copy (head.json) could not be written."""
        for session in self._opened:
            if session.state_lag:
                self.info(tr("storage.head_lag", path=str(session.paths.root)))

    def emit(self, doc: JsonValue, human: str | list[str]) -> None:
        """Print the JSON document or the human lines; every line goes through `visible` (untrusted text)."""
        if self.as_json:
            print(visible_json(json.dumps(doc, ensure_ascii=False, indent=2, default=str)))
        else:
            print("\n".join(visible(line) for line in ([human] if isinstance(human, str) else human)))

    def info(self, text: str) -> None:
        """Progress and notes go to stderr so stdout stays machine-readable."""
        print(visible(text), file=sys.stderr)
