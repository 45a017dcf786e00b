"""A QTranslator that answers from the gettext catalogue (ADR 0015), so Designer forms (retranslateUi) and Qt's
own dialogs (standard buttons, message boxes, file and print dialogs, text fields' context menus: msgctxt
"qt:<Qt context>") follow the same Vietnamese/English choice as everything else. Qt ships no Vietnamese of its
own; these texts are ours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QTranslator

from securemail.gui.strings import lookup
from securemail.i18n import set_language

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget as _WidgetBase
else:
    _WidgetBase = object


class CatalogueTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None (not "") means "no translation": Qt then shows the source text (and fills %n itself).
        return lookup(source, context)

    def isEmpty(self) -> bool:
        return False


def switch_language(app: QCoreApplication, translator: CatalogueTranslator, lang: str) -> None:
    """Choose the language for services and GUI alike; re-installing the translator sends LanguageChange to
    every widget, and each one retranslates itself."""
    set_language(lang)
    app.removeTranslator(translator)
    app.installTranslator(translator)


class Retranslating(_WidgetBase):
    """A widget whose texts are set in code: its `_retranslate()` runs again when the language changes. Name it
    before the Qt class, `class Page(Retranslating, QWidget)`; the widget calls `_retranslate()` itself when built
    (or Designer's setupUi sets the first texts)."""

    def _retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
