"""Entry point of securemail-cli: options, dispatch, and turning errors into one line and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from securemail import __version__
from securemail.cli.context import Ctx
from securemail.cli.help_text import CliParser, install_argparse_translation, language_from_argv
from securemail.cli.registry import modules_for
from securemail.cli.visible import visible
from securemail.errors import UserFacingError
from securemail.i18n import set_language, tr


def common_options() -> argparse.ArgumentParser:
    """Options accepted both before and after the command name."""
    p = CliParser(add_help=False)
    p.add_argument("--vault", default=argparse.SUPPRESS, help="vault folder (env SECUREMAIL_VAULT)")
    p.add_argument("--user", default=argparse.SUPPRESS, help="user name (env SECUREMAIL_USER)")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document")
    p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS, help="message language")
    p.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                   help="read the password from the first line of standard input")
    return p


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of the commands in `argv` (only the module of the command given is imported), or of every
    command when `argv` is None."""
    common = common_options()
    parser = CliParser(prog="securemail-cli", parents=[common],
                                     description="SecureMail: chain-of-custody log for KT1 classified mail.")
    parser.add_argument("--version", action="version", version=f"securemail {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in modules_for(() if argv is None else argv, every=argv is None):
        module.register(sub, common)
    return parser


def _harden_process() -> None:
    # No core dumps: they would hold keys and plaintext.
    # Windows has no `resource` module; crash dumps there are Windows Error Reporting's (docs/build-windows.md).
    if sys.platform != "win32":
        import resource  # noqa: PLC0415 - POSIX only

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _vault_or_none(ctx: Ctx) -> Path | None:
    try:
        return ctx.vault
    except UserFacingError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    _harden_process()
    # The language is needed before the parser: help, usage and argparse's errors are in it (Vietnamese unless
    # --lang en or an English locale).
    words = list(sys.argv[1:] if argv is None else argv)
    set_language(language_from_argv(words))
    install_argparse_translation()
    parser = build_parser(words)
    args = parser.parse_args(words)
    set_language(getattr(args, "lang", None))
    # After parsing: `--version` and `--help` need no database driver.
    from securemail.storage.database import DatabaseError, storage_failure  # noqa: PLC0415
    ctx = Ctx(args)
    try:
        code: int = args.handler(ctx)
        return code
    except UserFacingError as e:
        print(visible(e.message()), file=sys.stderr)
        return e.exit_code
    except DatabaseError as e:  # a full disk or read-only folder, or SQLCipher could not read a page (damage)
        failure = storage_failure(e, _vault_or_none(ctx) or Path("."))
        if failure is not None:
            print(visible(failure.message()), file=sys.stderr)
            return failure.exit_code
        print(tr("vault.damaged", detail=type(e).__name__), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # stdout closed early (e.g. piped into `head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(tr("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("SECUREMAIL_DEBUG"):
            raise
        print(tr("error.internal", kind=type(e).__name__), file=sys.stderr)
        return 70
    finally:
        ctx.warn_lagging_head()     # a write committed whose outside copy could not be written: say so, always


if __name__ == "__main__":
    sys.exit(main())
