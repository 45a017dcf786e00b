"""Remembered window sizes, column layouts and list filters (QSettings), with nothing from the vault in them.

QSettings is a plain file (or the Windows registry) outside the encrypted vault, readable by anyone with the
account: docs/adr/0013-views-remembered-filters-and-long-work.md decides what may go there. Only:
  - window geometry and table header state (sizes, order, sort indicator: numbers);
  - list choices from fixed sets: status, secrecy, service, sort column and direction, role view, date preset.
Never typed text (tracking, seal, document number, person), never agency codes or user names (directory data),
never anything that came out of the vault. `ViewSettings.set` refuses any key not in ALLOWED and any value not
in that key's fixed set: a later change cannot start storing item text by accident.
Keys are grouped by role ("clerk/items/status"), not by user: no user name is written either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget

from securemail.domain.enums import ItemStatus, Secrecy, ServiceClass
from securemail.services.views import Sort, View

DATE_PRESETS = ("any", "today", "7d", "30d", "month")


def _values(members: Iterable[object]) -> frozenset[str]:
    return frozenset(str(getattr(m, "value", m)) for m in members) | {""}


ALLOWED: dict[str, frozenset[str]] = {
    "status": _values(ItemStatus),
    "secrecy": _values(Secrecy),
    "service": _values(ServiceClass),
    "sort": _values(Sort),
    "descending": frozenset({"0", "1"}),
    "view": _values(View),
    "dates": frozenset(DATE_PRESETS),
}

_factory: Callable[[], QSettings] = lambda: QSettings("SecureMail", "SecureMail")  # noqa: E731


def use_settings_file(path: Path | None) -> None:
    """Keep settings in this INI file (tests, portable installs); None: the platform's default place."""
    global _factory  # noqa: PLW0603 - one settings location per process
    if path is None:
        _factory = lambda: QSettings("SecureMail", "SecureMail")  # noqa: E731
    else:
        _factory = lambda: QSettings(str(path), QSettings.Format.IniFormat)  # noqa: E731


class ViewSettings:
    """The remembered choices of one screen (`scope`, e.g. "clerk/items")."""

    def __init__(self, scope: str) -> None:
        self._scope = scope
        self._settings = _factory()

    def get(self, key: str) -> str:
        value = self._settings.value(f"{self._scope}/{key}", "")
        text = str(value) if value is not None else ""
        return text if text in ALLOWED.get(key, frozenset()) else ""

    def set(self, key: str, value: str) -> None:
        if key not in ALLOWED or value not in ALLOWED[key]:
            raise ValueError(f"not a setting that may be remembered: {key}")
        self._settings.setValue(f"{self._scope}/{key}", value)

    def save_geometry(self, widget: QWidget) -> None:
        self._settings.setValue(f"{self._scope}/geometry", widget.saveGeometry())

    def restore_geometry(self, widget: QWidget) -> bool:
        value = self._settings.value(f"{self._scope}/geometry")
        return isinstance(value, QByteArray) and widget.restoreGeometry(value)

    def save_header(self, header: QHeaderView) -> None:
        self._settings.setValue(f"{self._scope}/header", header.saveState())

    def restore_header(self, header: QHeaderView) -> bool:
        value = self._settings.value(f"{self._scope}/header")
        return isinstance(value, QByteArray) and header.restoreState(value)

    def sync(self) -> None:
        self._settings.sync()

    def keys(self) -> list[str]:
        return list(self._settings.allKeys())
