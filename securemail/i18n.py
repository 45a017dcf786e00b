"""User-facing text in Vietnamese (default) and English.

Texts live in the gettext catalogue securemail/assets/locale/vi/LC_MESSAGES/securemail.po (see
docs/adr/0015-i18n-gettext-catalogue.md): a message's key is its msgctxt, its msgid the English text, its msgstr
the Vietnamese. `tr(key, **params)` fills `{name}` placeholders; a message with plural forms takes the form for
its `count` parameter (or `ntr(key, n)`). The language comes from an explicit choice, else SECUREMAIL_LANG, else
the locale (LC_ALL, LC_MESSAGES, LANG): English when it starts with "en".
"""

from __future__ import annotations

import os

from securemail.l10n.catalogue import catalogue

SUPPORTED = ("vi", "en")
FIELD_CONTEXT = "field:"
_forced: str | None = None


def set_language(lang: str | None) -> None:
    global _forced  # noqa: PLW0603 - one process-wide language, chosen once at start-up
    _forced = lang if lang in SUPPORTED else None


def current_language() -> str:
    if _forced:
        return _forced
    explicit = os.environ.get("SECUREMAIL_LANG", "")
    if explicit in SUPPORTED:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "vi"
    return "vi"


def field_name(field: str, lang: str | None = None) -> str:
    return catalogue(lang or current_language()).keyed(FIELD_CONTEXT + field) or field


def _fill(text: str, lang: str, params: dict[str, object]) -> str:
    if "field" in params and isinstance(params["field"], str):
        params = dict(params, field=field_name(params["field"], lang))
    words = catalogue(lang)
    for name in ("action", "role"):  # machine words (permission, state-machine action, role) read as words
        value = params.get(name)
        if isinstance(value, str):
            word = words.keyed(f"{name}.{value}")
            if word is not None:
                params = dict(params, **{name: word})
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def tr(key: str, lang: str | None = None, **params: object) -> str:
    lang = lang or current_language()
    count = params.get("count")
    n = count if isinstance(count, int) and not isinstance(count, bool) else None
    text = catalogue(lang).keyed(key, n)
    return key if text is None else _fill(text, lang, params)


def ntr(key: str, n: int, lang: str | None = None, **params: object) -> str:
    """The plural form of message `key` for the number `n` (filled into `{count}` unless given)."""
    lang = lang or current_language()
    params.setdefault("count", n)
    text = catalogue(lang).keyed(key, n)
    return key if text is None else _fill(text, lang, params)
