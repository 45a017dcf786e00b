"""Printing, previewing and saving the vault's PDFs, with no new dependency and no temporary file.

The services render a document into a BytesIO; the bytes stay in memory. Each page is rasterised by pdfium
(pypdfium2, already used to read QR codes) into a QImage at the printer's resolution, capped at 300 dpi
(150 dpi on screen), and painted onto the QPrinter, fitted to the paper and centred, one page image at a time.
Nothing is written to disk unless the user picks "Save as PDF…" and a file name. The preview window, which
renders pages on demand, is in pdf_preview.py:

    preview_document(parent, lambda out: reports.receipt(session, tracking, out), title, "bien-nhan.pdf", root)

pdfium is not thread-safe: it is only used here, on the GUI thread (the services' QR reader runs on the
operations thread, but the desktop app never calls it).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pypdfium2
from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.services import audit_trail
from securemail.services.outputs import check_output_path, write_user_file
from securemail.services.session import Session

PRINT_DPI_CAP = 300
PREVIEW_DPI_CAP = 150
POINTS_PER_INCH = 72.0

Writer = Callable[[BinaryIO], object]  # a service call that renders into `out`, e.g. reports.receipt(session, x, out)
Failed = Callable[[UserFacingError], None]

# Signs "this document was saved to this file / sent to this printer" into the audit trail (services.audit_trail).
Recorder = Callable[[Path | None, str | None], object]


def pdf_bytes(write: Writer) -> bytes:
    """Run a service that renders a PDF into `out`, keeping the result in memory (runs on the operations thread)."""
    out = io.BytesIO()
    write(out)
    return out.getvalue()


def first_page_size(data: bytes) -> tuple[float, float] | None:
    """(width, height) of the first page in points; None for a document without pages. Only the first page is
    read: a 10,000-page register opens at once."""
    doc = pypdfium2.PdfDocument(data)
    try:
        if len(doc) == 0:
            return None
        width, height = doc.get_page_size(0)
        return float(width), float(height)
    finally:
        doc.close()


def render_page(page: Any, dpi: float) -> QImage:
    """One pdfium page as an opaque RGBX image at `dpi` (a copy: the pdfium bitmap is freed at once)."""
    bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True, optimize_mode="print")
    try:
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBX8888)
        return image.copy()
    finally:
        bitmap.close()


def prepare_printer(printer: QPrinter, data: bytes) -> None:
    """Paper size and orientation from the document's first page; coordinates relative to the paper's corner."""
    size = first_page_size(data)
    if size is None:
        return
    width, height = size
    portrait = QSizeF(min(width, height), max(width, height))
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setPageSize(page_size)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if width > height
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)


def is_preview(painter: QPainter) -> bool:
    engine = painter.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def print_range(printer: QPrinter, page_count: int) -> tuple[int, int]:
    """The 0-based first and last page to print: the range chosen in the print dialog, else every page."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 or last <= 0:
        return 0, page_count - 1
    return min(first, page_count) - 1, min(last, page_count) - 1


def draw_page(painter: QPainter, printer: QPrinter, doc: Any, index: int) -> None:
    """Render page `index` of `doc` at the printer's resolution (capped) and paint it fitted and centred."""
    cap = PREVIEW_DPI_CAP if is_preview(painter) else PRINT_DPI_CAP
    resolution = max(1, printer.resolution())
    page = doc[index]
    try:
        width_pt, height_pt = page.get_size()
        area = painter.viewport()  # device pixels of the sheet (full page) or its printable area
        natural_w = width_pt / POINTS_PER_INCH * resolution
        natural_h = height_pt / POINTS_PER_INCH * resolution
        fit = min(area.width() / natural_w, area.height() / natural_h)
        target_w, target_h = natural_w * fit, natural_h * fit
        image = render_page(page, min(cap, resolution * fit))
        target = QRectF((area.width() - target_w) / 2, (area.height() - target_h) / 2, target_w, target_h)
        painter.drawImage(target, image)
    finally:
        page.close()


# ---- saving ---------------------------------------------------------------------------------------------------

def check_output(path: Path, vault_root: Path | None) -> Path:
    """See securemail.services.outputs: never inside the vault, never onto a non-file, folder must exist."""
    return check_output_path(path, vault_root)


def write_output(path: Path, data: bytes, vault_root: Path | None) -> Path:
    """Write a file the user asked for, owner-only and atomically (runs on the operations thread)."""
    return write_user_file(path, data, vault_root)


def ask_save_path(parent: QWidget | None, file_name: str, on_chosen: Callable[[Path], None], *,
                  title: str | None = None, name_filter: str | None = None,
                  suffix: str = "pdf") -> QFileDialog:
    """A window-modal "save as" dialog; `on_chosen(path)` runs once a file name is accepted."""
    dialog = QFileDialog(parent, title or t("Save as PDF…"), str(Path.home() / file_name))
    dialog.setObjectName("saveDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(name_filter or t("PDF documents (*.pdf)"))
    dialog.setDefaultSuffix(suffix)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda chosen: on_chosen(Path(chosen)))
    dialog.open()
    return dialog


def save_bytes(parent: QWidget | None, data: bytes, path: Path, vault_root: Path | None,
               on_saved: Callable[[Path], None] | None = None, on_error: Failed | None = None,
               record: Recorder | None = None) -> None:
    """Write bytes already rendered, on the operations thread (then sign it into the audit trail when `record`
    is given)."""

    def work() -> Path:
        written = write_output(path, data, vault_root)
        if record is not None:
            record(written, None)
        return written

    run_op(parent, work, on_saved, on_error)


def print_recorder(session: Session, document: str, subject: str | None) -> Recorder:
    """What signs a saved or printed document into the audit trail: kind, subject (tracking, bag, period), and the
    file or printer. Runs on the operations thread."""
    return lambda path, printer: audit_trail.record_print(session, document, subject, path, printer)
