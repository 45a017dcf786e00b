"""Loads the main window's modules while the unlock window waits for a password (issue 15).

The unlock window shows first, within 1.5x of a bare PySide6 window: it needs only Qt, the translations and the
vault's path. The services, every page, reportlab and pdfium take a second or more to import on a slow PC; they
load here once the unlock window is drawn, so that the main window appears at once after unlocking.

The imports run on the operations thread (gui.ops): the unlock itself is queued behind them there, so no two
threads ever import the same modules at once, and the GUI thread stays free while the user types.
"""

from __future__ import annotations

import importlib

# What unlocking and the main window import, in the order they are needed.
MODULES = ("securemail.services.session", "securemail.services.audit_trail", "securemail.gui.main_window")

_started: set[str] = set()


def _load() -> None:
    for name in MODULES:
        importlib.import_module(name)


def start() -> None:
    """Queue the imports on the operations thread (once per process)."""
    if _started:
        return
    _started.add("main")
    from securemail.gui.ops import run_op  # noqa: PLC0415 - not needed to show the unlock window

    # A failed import is not shown here: the unlock or the main window meets it again and reports it there.
    run_op(None, _load, None, lambda _error: None)
