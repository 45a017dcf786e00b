"""One language's compiled catalogue, looked up by key (msgctxt) or by source text (msgid).

Files: assets/locale/<lang>/LC_MESSAGES/securemail.mo, compiled at build time (packaging/compile_catalogues.py,
run by `make venv` and by the wheel build) from assets/locale/vi/LC_MESSAGES/securemail.po (Vietnamese) and
assets/locale/securemail.pot (English, the source language). In a source checkout whose .mo is missing or older
than its .po (a fresh clone tested without make, a .po just edited) the .po is compiled in memory instead, with
the same compiler, so nobody sees a stale text.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from securemail.l10n import mo
from securemail.l10n.mo import Message
from securemail.resources import ASSETS

DOMAIN = "securemail"
SOURCE_LANGUAGE = "en"


def locale_dir(assets: Path) -> Path:
    return assets / "locale"


def mo_path(assets: Path, lang: str) -> Path:
    return locale_dir(assets) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def source_path(assets: Path, lang: str) -> Path:
    """The .po a language's .mo is compiled from (the template for the source language)."""
    if lang == SOURCE_LANGUAGE:
        return locale_dir(assets) / f"{DOMAIN}.pot"
    return locale_dir(assets) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(assets: Path) -> list[str]:
    """The source language and every language with a .po."""
    found = sorted(p.parent.parent.name for p in locale_dir(assets).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE, *found]


def compile_file(source: Path, lang: str) -> bytes:
    from securemail.l10n import po  # noqa: PLC0415 - only for a missing or stale .mo (start-up, issue 15)

    return mo.compile_catalogue(po.parse(source.read_text(encoding="utf-8")),
                                source_language=lang == SOURCE_LANGUAGE)


def _plural_rule(header: dict[str, str]) -> Callable[[int], int]:
    forms = header.get("Plural-Forms", "")
    for part in forms.split(";"):
        name, _, expression = part.partition("=")
        if name.strip() == "plural" and expression.strip():
            rule: Callable[[int], int] = gettext.c2py(expression.strip())
            return rule
    return lambda n: int(n != 1)


class Catalogue:
    """Lookups return None when the catalogue has no such text; callers fall back to the source."""

    def __init__(self, data: bytes | None) -> None:
        header, messages = mo.read(data) if data else ({}, [])
        self.header = header
        self._plural = _plural_rule(header)
        self._texts: dict[tuple[str | None, str], Message] = {(m.msgctxt, m.msgid): m for m in messages}
        self._keys: dict[str, Message] = {m.msgctxt: m for m in messages if m.msgctxt is not None}

    def __len__(self) -> int:
        return len(self._texts)

    def _form(self, entry: Message, n: int | None) -> str:
        if n is None or entry.msgid_plural is None:
            return entry.forms[0]
        index = self._plural(n)
        return entry.forms[index] if 0 <= index < len(entry.forms) else entry.forms[-1]

    def keyed(self, key: str, n: int | None = None) -> str | None:
        """The text whose msgctxt is `key` (the message keys of securemail.i18n, "field:<name>")."""
        entry = self._keys.get(key)
        return None if entry is None else self._form(entry, n)

    def text(self, msgid: str, context: str | None = None) -> str | None:
        entry = self._texts.get((context, msgid))
        return None if entry is None else entry.forms[0]

    def plural(self, msgid: str, msgid_plural: str, n: int, context: str | None = None) -> str | None:
        entry = self._texts.get((context, msgid))
        if entry is None or entry.msgid_plural != msgid_plural:
            return None
        return self._form(entry, n)


def load(assets: Path, lang: str) -> Catalogue:
    compiled = mo_path(assets, lang)
    source = source_path(assets, lang)
    if source.is_file() and (not compiled.is_file() or compiled.stat().st_mtime < source.stat().st_mtime):
        return Catalogue(compile_file(source, lang))
    if compiled.is_file():
        return Catalogue(compiled.read_bytes())
    return Catalogue(None)


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue shipped in the package (not SECUREMAIL_RESOURCES, which only moves fonts and icons)."""
    return load(ASSETS, lang)
