"""Printing, previewing and saving the vault's PDFs, with no new dependency and no temporary file.

The services render a document into a BytesIO; the bytes stay in memory. Each page is rasterised by pdfium
(pypdfium2, already used to read QR codes) into a QImage at the printer's resolution, capped at 300 dpi
(150 dpi for the on-screen preview, whose pages Qt keeps as pictures), and painted onto the QPrinter, fitted to
the paper and centred. Nothing is written to disk unless the user picks "Save as PDF…" and a file name.

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
from PySide6.QtGui import QAction, QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QToolBar, QWidget

from securemail.errors import StorageError, UserFacingError
from securemail.gui.ops import as_user_facing, report_error, run_op
from securemail.gui.strings import t
from securemail.gui.widgets import named
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


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    """(width, height) of every page, in points."""
    doc = pypdfium2.PdfDocument(data)
    try:
        return [(float(w), float(h)) for w, h in (doc[i].get_size() for i in range(len(doc)))]
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
    sizes = page_sizes(data)
    if not sizes:
        return
    width, height = sizes[0]
    portrait = QSizeF(min(width, height), max(width, height))
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setPageSize(page_size)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if width > height
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)


def is_preview(painter: QPainter) -> bool:
    engine = painter.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def paint_pdf(data: bytes, printer: QPrinter) -> int:
    """Paint every page of `data` onto `printer`, one sheet each; returns the number of pages painted."""
    doc = pypdfium2.PdfDocument(data)
    painter = QPainter()
    painted = 0
    try:
        if not painter.begin(printer):
            raise StorageError("storage.write_failed", path=printer.outputFileName() or printer.printerName(),
                               detail="QPrinter")
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        cap = PREVIEW_DPI_CAP if is_preview(painter) else PRINT_DPI_CAP
        resolution = max(1, printer.resolution())
        for index in range(len(doc)):
            if index:
                printer.newPage()
            page = doc[index]
            try:
                width_pt, height_pt = page.get_size()
                area = painter.viewport()  # device pixels of the sheet (full page) or its printable area
                natural_w = width_pt / POINTS_PER_INCH * resolution
                natural_h = height_pt / POINTS_PER_INCH * resolution
                fit = min(area.width() / natural_w, area.height() / natural_h)
                target_w, target_h = natural_w * fit, natural_h * fit
                dpi = min(cap, resolution * fit)
                image = render_page(page, dpi)
                target = QRectF((area.width() - target_w) / 2, (area.height() - target_h) / 2, target_w, target_h)
                painter.drawImage(target, image)
            finally:
                page.close()
            painted += 1
    finally:
        if painter.isActive():
            painter.end()
        doc.close()
    return painted


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
               on_saved: Callable[[Path], None] | None = None, on_error: Failed | None = None) -> None:
    run_op(parent, lambda: write_output(path, data, vault_root), on_saved, on_error)


def save_document(parent: QWidget | None, write: Writer, path: Path, vault_root: Path | None,
                  on_saved: Callable[[Path], None] | None = None, on_error: Failed | None = None,
                  record: Recorder | None = None) -> None:
    """Render with the service and write the file, both on the operations thread (then sign it into the audit
    trail when `record` is given)."""

    def work() -> Path:
        written = write_output(path, pdf_bytes(write), vault_root)
        if record is not None:
            record(written, None)
        return written

    run_op(parent, work, on_saved, on_error)


def print_recorder(session: Session, document: str, subject: str | None) -> Recorder:
    """What signs a saved or printed document into the audit trail: kind, subject (tracking, bag, period), and the
    file or printer. Runs on the operations thread."""
    return lambda path, printer: audit_trail.record_print(session, document, subject, path, printer)


# ---- preview --------------------------------------------------------------------------------------------------

class PdfPreviewDialog(QPrintPreviewDialog):
    """Qt's print preview of one PDF held in memory; its toolbar also has "Save as PDF…". Printing from here
    asks for a printer, then paints the same pages at the printer's resolution."""

    def __init__(self, data: bytes, title: str, file_name: str, vault_root: Path | None,
                 parent: QWidget | None = None, record: Recorder | None = None) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # referenced for the dialog's lifetime
        super().__init__(self._printer, parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._data = bytes(data)
        self._file_name = file_name
        self._vault_root = vault_root
        self.painted = 0  # pages painted by the last paint request (tests)
        self.page_count = len(page_sizes(self._data))
        prepare_printer(self._printer, self._data)
        self._printer.setDocName(file_name)
        self.paintRequested.connect(self.paint)
        self._record = record
        # QPrintPreviewDialog accepts itself once its print action has printed (closing the window rejects it).
        self.accepted.connect(self._printed)
        self.save_action = named(QAction(t("Save as PDF…"), self), "previewSave")
        self.save_action.triggered.connect(self.ask_save)
        toolbar = self.findChild(QToolBar)
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.save_action)
        self.resize(900, 900)

    def printer(self) -> QPrinter:
        return self._printer

    def data(self) -> bytes:
        return self._data

    def paint(self, printer: QPrinter) -> None:
        try:
            self.painted = paint_pdf(self._data, printer)
        except Exception as e:  # a slot must not raise: the one error path shows it
            report_error(self, as_user_facing(e))

    def ask_save(self) -> QFileDialog:
        return ask_save_path(self, self._file_name, self.save_to)

    def save_to(self, path: Path) -> None:
        record, data, root = self._record, self._data, self._vault_root

        def work() -> Path:
            written = write_output(path, data, root)
            if record is not None:
                record(written, None)      # the signed audit trail: which document went to which file
            return written

        run_op(self, work)

    def _printed(self) -> None:
        record, printer = self._record, self._printer.printerName() or "?"
        if record is not None:
            run_op(None, lambda: record(None, printer))



def open_preview(parent: QWidget | None, data: bytes, title: str, file_name: str,
                 vault_root: Path | None, record: Recorder | None = None) -> PdfPreviewDialog | None:
    try:
        dialog = PdfPreviewDialog(data, title, file_name, vault_root, parent, record)
    except Exception as e:
        report_error(parent, as_user_facing(e))
        return None
    dialog.show()
    dialog.raise_()
    return dialog


def preview_document(parent: QWidget | None, write: Writer, title: str, file_name: str, vault_root: Path | None,
                     on_open: Callable[[PdfPreviewDialog], None] | None = None,
                     on_error: Failed | None = None, record: Recorder | None = None) -> None:
    """Render with the service on the operations thread, then open the preview on the GUI thread. `record`
    signs a save or a print into the audit trail (services.audit_trail.record_print)."""

    def opened(data: bytes) -> None:
        dialog = open_preview(parent, data, title, file_name, vault_root, record)
        if dialog is not None and on_open is not None:
            on_open(dialog)

    run_op(parent, lambda: pdf_bytes(write), opened, on_error)
