"""GUI text, looked up in the gettext catalogue (securemail/assets/locale, ADR 0015).

Sources are the English texts themselves (gettext msgids without a msgctxt), so the Designer forms stay
readable; the Vietnamese .po gives each one's translation. `t(source, **params)` translates and fills `{name}`
placeholders; `nt(singular, plural, n, **params)` picks the plural form for n (Vietnamese has one); `N_(source)`
only marks a source for the catalogue where the translation must happen later (headers, tab titles).
The Designer forms and Qt's own dialogs are translated by translator.CatalogueTranslator from the same catalogue.
Messages from the services come from securemail.i18n.tr, enum labels from securemail.domain.labels.
Untranslated sources show in English (tests/test_catalogue.py checks that none is missing).
"""

from __future__ import annotations

from securemail.i18n import current_language
from securemail.l10n.catalogue import catalogue


def N_(source: str) -> str:
    """Mark `source` for the catalogue; translate it later with t()."""
    return source


def lookup(source: str, context: str | None = None) -> str | None:
    """The text to show for `source` (of Qt context `context`, if any) in the current language; None when the
    catalogue does not know it. Qt's own texts are under msgctxt "qt:<context>", the app's under none."""
    texts = catalogue(current_language())
    if context:
        found = texts.text(source, f"qt:{context}")
        if found is not None:
            return found
    return texts.text(source)


def _format(text: str, params: dict[str, object]) -> str:
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def t(source: str, **params: object) -> str:
    """Translate `source` into the current language and fill its `{name}` placeholders."""
    return _format(lookup(source) or source, params)


def nt(singular: str, plural: str, n: int, **params: object) -> str:
    """The form of singular/plural for the number `n`, translated, with `{count}` = n unless given."""
    params.setdefault("count", n)
    text = catalogue(current_language()).plural(singular, plural, n)
    return _format(text or (singular if n == 1 else plural), params)
