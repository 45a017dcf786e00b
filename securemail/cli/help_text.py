"""The command line's help, usage and error words in Vietnamese (the default) or English (--lang en, or an
English locale). Sources are English msgids under msgctxt "cli" in the gettext catalogue (ADR 0015); argparse's own
words ("usage:", "options", "the following arguments are required") are translated through its gettext hooks."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from securemail.i18n import current_language
from securemail.l10n.catalogue import catalogue

__all__ = ["CONTEXT", "CliParser", "language_from_argv", "translate"]

CONTEXT = "cli"


def translate(text: str, lang: str | None = None) -> str:
    return catalogue(lang or current_language()).text(text, CONTEXT) or text


def _ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current_language()).plural(singular, plural, n, CONTEXT) or (singular if n == 1 else plural)


def install_argparse_translation() -> None:
    """argparse looks its words up through module-level gettext functions at call time."""
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


class _Formatter(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        return translate(action.help) if action.help else action.help

    def add_text(self, text: str | None) -> None:
        super().add_text(translate(text) if text and text != argparse.SUPPRESS else text)


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose help is translated (sub-parsers are made of the same class)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def language_from_argv(argv: Sequence[str]) -> str | None:
    """--lang vi|en wherever it stands (needed before the parser is built)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
