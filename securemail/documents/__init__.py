"""Printed documents (reportlab PDFs) from plain, already-prepared data: no database, no crypto, no Qt.

Every ``render_*`` function takes one frozen dataclass from ``securemail.documents.models`` and writes a PDF
to a path or a binary file object.

The names below load on first use (PEP 562): reportlab takes a noticeable share of a second to import, and a
module that only needs the register layouts (the settings) or the models must not wait for it (issue 15).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from securemail.documents.audit import render_audit
    from securemail.documents.custody import render_custody
    from securemail.documents.delivery import render_delivery
    from securemail.documents.manifest import render_manifest
    from securemail.documents.overdue import render_overdue
    from securemail.documents.receipt import render_receipt
    from securemail.documents.register import render_register
    from securemail.documents.register_layouts import (
        LayoutChoiceError,
        PeriodStraddlesError,
        choose_layout,
        split_period,
    )

_HOME = {
    "render_audit": "audit",
    "render_custody": "custody",
    "render_delivery": "delivery",
    "render_manifest": "manifest",
    "render_overdue": "overdue",
    "render_receipt": "receipt",
    "render_register": "register",
    "LayoutChoiceError": "register_layouts",
    "PeriodStraddlesError": "register_layouts",
    "choose_layout": "register_layouts",
    "split_period": "register_layouts",
}

__all__ = [
    "LayoutChoiceError",
    "PeriodStraddlesError",
    "choose_layout",
    "render_audit",
    "render_custody",
    "render_delivery",
    "render_manifest",
    "render_overdue",
    "render_receipt",
    "render_register",
    "split_period",
]


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
