"""Which module defines each command, so that a run imports only the module of the command it runs.

A command module pulls in the services it calls (the ledger, reportlab for reports, the QR reader...): importing
all of them for `item show` or `--version` cost seconds on a loaded PC (issue 15). The parser is built from the
modules `modules_for(argv)` names: the one holding the command on the command line, or all of them when there is
none or it is unknown (`--help`, a typo: argparse then lists every command, as before). `--version` alone needs
none. tests/cli/test_cli_registry.py checks that this table and the modules' parsers name the same commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType

# In the order of the `--help` listing.
MODULES = ("commands_admin", "commands_items", "commands_calendar", "commands_audit", "commands_reports",
           "commands_selftest", "commands_exchange")

COMMANDS: dict[str, str] = {
    **dict.fromkeys(("init", "user", "agency", "rekey", "backup", "restore", "demo"), "commands_admin"),
    **dict.fromkeys(("item", "bag", "handover", "arrive", "out", "deliver", "receive", "pass-on", "fail", "return",
                     "forward", "incident", "note", "norm", "setting"), "commands_items"),
    "holiday": "commands_calendar",
    **dict.fromkeys(("verify", "checkpoint", "office-key", "audit-trail", "receipt"), "commands_audit"),
    "report": "commands_reports",
    "selftest": "commands_selftest",
    **dict.fromkeys(("pin", "export", "import"), "commands_exchange"),
}

# The options before the command that take a value (the common options of main.common_options).
_VALUED = ("--vault", "--user", "--lang")


def _takes_value(token: str) -> bool:
    """`--vault DIR`, or an abbreviation argparse accepts (`--vau DIR`); `--vault=DIR` holds its own value."""
    return "=" not in token and len(token) > 2 and any(opt.startswith(token) for opt in _VALUED)


def command_of(argv: Sequence[str]) -> str | None:
    """The first word on the command line that is not an option or an option's value: the command, if any."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--":  # noqa: S105 - the end of the options, not a password
            return None
        elif token.startswith("-"):
            skip = _takes_value(token)
        else:
            return token
    return None


def _asks_help(argv: Sequence[str]) -> bool:
    return any(token == "-h" or (token.startswith("--h") and "--help".startswith(token))  # noqa: S105
               for token in argv)


def _asks_version(argv: Sequence[str]) -> bool:
    return any(len(token) >= 4 and "--version".startswith(token) for token in argv)


def module_names(argv: Sequence[str]) -> tuple[str, ...]:
    command = command_of(argv)
    if command in COMMANDS:
        return (COMMANDS[command],)
    if command is None and _asks_version(argv) and not _asks_help(argv):
        return ()   # argparse prints the version before it looks for a command
    return MODULES


def modules_for(argv: Sequence[str], *, every: bool = False) -> list[ModuleType]:
    """The command modules to register for `argv` (all of them with `every`), imported now."""
    names = MODULES if every else module_names(argv)
    return [importlib.import_module(f"securemail.cli.{name}") for name in names]
