"""Printed documents (reportlab PDFs) from plain, already-prepared data: no database, no crypto, no Qt.

Every ``render_*`` function takes one frozen dataclass from ``securemail.documents.models`` and writes a PDF
to a path or a binary file object.
"""

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
