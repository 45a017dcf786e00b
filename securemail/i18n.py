"""User-facing text in Vietnamese (default) and English.

Messages live in securemail/messages.py as {key: (vi, en)}. The language comes from an explicit choice,
else SECUREMAIL_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG): English when it starts with "en".
"""

from __future__ import annotations

import os

from securemail.messages import FIELD_NAMES, MESSAGES

SUPPORTED = ("vi", "en")
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
    names = FIELD_NAMES.get(field)
    if names is None:
        return field
    return names[0] if (lang or current_language()) == "vi" else names[1]


def tr(key: str, lang: str | None = None, **params: object) -> str:
    lang = lang or current_language()
    pair = MESSAGES.get(key)
    if pair is None:
        text = key
    else:
        text = pair[0] if lang == "vi" else pair[1]
    if "field" in params and isinstance(params["field"], str):
        params = dict(params, field=field_name(params["field"], lang))
    for name in ("action", "role"):  # machine words (permission, state-machine action, role) read as words
        value = params.get(name)
        if isinstance(value, str) and f"{name}.{value}" in MESSAGES:
            pair = MESSAGES[f"{name}.{value}"]
            params = dict(params, **{name: pair[0] if lang == "vi" else pair[1]})
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
