"""Previewing and printing a PDF of any length in bounded memory: pages are rendered when shown, a few at a time.

Qt's QPrintPreviewDialog asks for every page at once and keeps each as a picture holding a 150 dpi image (about
9 MB a page): a 30-day register of 90,000 rows (about 10,000 pages) cannot be previewed that way on a 4 GB PC.
This dialog shows one page at a time; `PageCache` keeps at most MAX_RENDERED_PAGES rendered images (the page on
screen and its neighbours), whatever the length of the document. Printing (`PrintJob`) paints one page per
event-loop turn onto the printer, with progress and Cancel, so the window stays responsive and only one page
image exists at a time. The PDF itself stays in memory (no temporary file: docs/adr).

pdfium is not thread-safe: everything here runs on the GUI thread.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from securemail.gui.ops import as_user_facing, report_error, run_op
from securemail.gui.pdf_print import (
    POINTS_PER_INCH,
    PREVIEW_DPI_CAP,
    Failed,
    Recorder,
    Writer,
    ask_save_path,
    draw_page,
    pdf_bytes,
    prepare_printer,
    print_range,
    render_page,
    save_bytes,
)
from securemail.gui.strings import N_, t
from securemail.gui.widgets import named, shortcut, show_message

MAX_RENDERED_PAGES = 3          # the page on screen and the two it is most likely to move to
ZOOMS = (("width", N_("Fit width")), ("page", N_("Whole page")), ("100", "100 %"))


class PageCache:
    """At most `capacity` rendered pages, least recently used dropped first (pdfium pages are closed at once)."""

    def __init__(self, document: Any, capacity: int = MAX_RENDERED_PAGES) -> None:
        self._doc = document
        self.capacity = capacity
        self._images: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self.renders = 0  # pages rendered so far (tests, bench)

    def __len__(self) -> int:
        return len(self._images)

    def image(self, index: int, dpi: int) -> QImage:
        key = (index, dpi)
        found = self._images.get(key)
        if found is not None:
            self._images.move_to_end(key)
            return found
        page = self._doc[index]
        try:
            image = render_page(page, dpi)
        finally:
            page.close()
        self.renders += 1
        self._images[key] = image
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)
        return image

    def clear(self) -> None:
        self._images.clear()


class PrintJob(QObject):
    """Paints pages [first, last] of a PDF onto a printer, one per event-loop turn; `cancel()` stops it."""

    progressed = Signal(int, int)   # pages painted, pages to paint
    finished = Signal(bool)         # True when every page was painted, False when cancelled or failed

    def __init__(self, document: Any, printer: QPrinter, first: int, last: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._printer = printer
        self._next = first
        self._last = last
        self.painted = 0
        self.total = last - first + 1
        self._painter = QPainter()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        if not self._painter.begin(self._printer):
            self._timer.stop()
            self.finished.emit(False)
            return
        self._painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self._timer.start()

    def cancel(self) -> None:
        if self._painter.isActive():
            self._timer.stop()
            self._printer.abort()
            self._painter.end()
            self.finished.emit(False)

    def _step(self) -> None:
        try:
            if self.painted:
                self._printer.newPage()
            draw_page(self._painter, self._printer, self._doc, self._next)
        except Exception as e:  # a slot must not raise: stop and show it in the one place
            self._timer.stop()
            if self._painter.isActive():
                self._painter.end()
            report_error(None, as_user_facing(e))
            self.finished.emit(False)
            return
        self.painted += 1
        self._next += 1
        self.progressed.emit(self.painted, self.total)
        if self._next > self._last:
            self._timer.stop()
            self._painter.end()
            self.finished.emit(True)


class PdfPreviewDialog(QDialog):
    """One PDF held in memory: page through it, zoom, print it (pages on demand) or save it as a file."""

    paintRequested = Signal(QPrinter)  # print these pages onto this printer (what "Print…" does once chosen)

    def __init__(self, data: bytes, title: str, file_name: str, vault_root: Path | None,
                 parent: QWidget | None = None, record: Recorder | None = None) -> None:
        super().__init__(parent)
        self._record = record  # signs a save or a print into the audit trail (services.audit_trail)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._data = bytes(data)
        self._file_name = file_name
        self._vault_root = vault_root
        self._doc = pypdfium2.PdfDocument(self._data)
        self.page_count = len(self._doc)
        self.cache = PageCache(self._doc)
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # referenced for the dialog's lifetime
        prepare_printer(self._printer, self._data)
        self._printer.setDocName(file_name)
        self.job: PrintJob | None = None
        self.painted = 0  # pages painted by the last print (tests)
        self._page = 0
        self._build()
        self.paintRequested.connect(self.print_to)
        self.resize(900, 860)
        self.show_page(0)

    # ---- layout --------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.first_button = named(QPushButton("|◀"), "previewFirst")
        self.prev_button = named(QPushButton("◀"), "previewPrevious")
        self.page_spin = named(QSpinBox(), "previewPage")
        self.page_spin.setRange(1, max(1, self.page_count))
        self.page_spin.setKeyboardTracking(False)
        self.of_label = named(QLabel(), "previewPageCount")
        self.next_button = named(QPushButton("▶"), "previewNext")
        self.last_button = named(QPushButton("▶|"), "previewLast")
        self.zoom_combo = named(QComboBox(), "previewZoom")
        self.print_button = named(QPushButton(), "previewPrint")
        self.save_button = named(QPushButton(), "previewSave")
        self.close_button = named(QPushButton(), "previewClose")
        for button in (self.first_button, self.prev_button, self.next_button, self.last_button):
            button.setAutoDefault(False)
        for button in (self.print_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
        bar = QHBoxLayout()
        for widget in (self.first_button, self.prev_button, self.page_spin, self.of_label, self.next_button,
                       self.last_button, self.zoom_combo):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(widget)

        self.page_label = named(QLabel(), "previewPageImage")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = named(QScrollArea(), "previewArea")
        self.area.setWidget(self.page_label)
        self.area.setWidgetResizable(True)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.progress = named(QProgressBar(), "printProgress")
        self.progress.setVisible(False)
        self.cancel_button = named(QPushButton(), "printCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.setAutoDefault(False)
        self.message = named(QLabel(), "previewMessage")
        self.message.setWordWrap(True)
        status = QHBoxLayout()
        status.addWidget(self.progress, 1)
        status.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.area, 1)
        layout.addLayout(status)
        layout.addWidget(self.message)
        show_message(self.message, "")

        self.first_button.clicked.connect(lambda: self.show_page(0))
        self.prev_button.clicked.connect(lambda: self.show_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self._page + 1))
        self.last_button.clicked.connect(lambda: self.show_page(self.page_count - 1))
        self.page_spin.valueChanged.connect(lambda value: self.show_page(value - 1))
        self.zoom_combo.currentIndexChanged.connect(lambda _i: self._render())
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(self.ask_save)
        self.close_button.clicked.connect(self.close)
        self.cancel_button.clicked.connect(self.cancel_print)
        shortcut(QKeySequence(QKeySequence.StandardKey.MoveToNextPage), self, lambda: self.show_page(self._page + 1))
        shortcut(QKeySequence(QKeySequence.StandardKey.MoveToPreviousPage), self,
                 lambda: self.show_page(self._page - 1))
        shortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.ask_print)
        self._retranslate()

    def _retranslate(self) -> None:
        self.of_label.setText(t("of {count}", count=self.page_count))
        chosen = self.zoom_combo.currentData()
        self.zoom_combo.blockSignals(True)
        self.zoom_combo.clear()
        for value, source in ZOOMS:
            self.zoom_combo.addItem(t(source), value)
        self.zoom_combo.setCurrentIndex(max(0, self.zoom_combo.findData(chosen)))
        self.zoom_combo.blockSignals(False)
        self.print_button.setText(t("&Print…"))
        self.save_button.setText(t("Save as PDF…"))
        self.close_button.setText(t("Close"))
        self.cancel_button.setText(t("Stop printing"))
        for button, tip in ((self.first_button, N_("First page")), (self.prev_button, N_("Previous page")),
                            (self.next_button, N_("Next page")), (self.last_button, N_("Last page"))):
            button.setToolTip(t(tip))
            button.setAccessibleName(t(tip))
        self.page_spin.setAccessibleName(t("Page"))

    # ---- pages ---------------------------------------------------------------------------------------------

    def current_page(self) -> int:
        return self._page

    def show_page(self, index: int) -> None:
        if self.page_count == 0:
            return
        self._page = min(max(index, 0), self.page_count - 1)
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(self._page + 1)
        self.page_spin.blockSignals(False)
        self.first_button.setEnabled(self._page > 0)
        self.prev_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page < self.page_count - 1)
        self.last_button.setEnabled(self._page < self.page_count - 1)
        self._render()

    def _dpi(self) -> int:
        """The resolution that fills the chosen zoom, never above the preview cap."""
        page = self._doc[self._page]
        try:
            width_pt, height_pt = page.get_size()
        finally:
            page.close()
        zoom = self.zoom_combo.currentData() or "width"
        screen_dpi = max(72.0, float(self.logicalDpiX()))
        if zoom == "100":
            dpi = screen_dpi
        else:
            view = self.area.viewport().size()
            bar = self.area.verticalScrollBar().sizeHint().width()  # the page may need it once shown
            fit_w = (view.width() - bar - 8) / (width_pt / POINTS_PER_INCH)
            fit_h = (view.height() - 8) / (height_pt / POINTS_PER_INCH)
            dpi = fit_w if zoom == "width" else min(fit_w, fit_h)
        return int(min(PREVIEW_DPI_CAP, max(24.0, dpi)))

    def _render(self) -> None:
        if self.page_count == 0:
            return
        try:
            image = self.cache.image(self._page, self._dpi())
        except Exception as e:  # a damaged page: say so, keep the dialog
            show_message(self.message, as_user_facing(e).message())
            return
        self.page_label.setPixmap(QPixmap.fromImage(image))
        self.page_label.setAccessibleName(t("Page {page} of {count}", page=self._page + 1, count=self.page_count))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            self._render()

    # ---- printing and saving -------------------------------------------------------------------------------

    def printer(self) -> QPrinter:
        return self._printer

    def data(self) -> bytes:
        return self._data

    def ask_print(self) -> QPrintDialog:
        dialog = QPrintDialog(self._printer, self)
        dialog.setObjectName("printDialog")
        dialog.setMinMax(1, max(1, self.page_count))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.print_to(self._printer))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()  # QPrintDialog.open() is typed only with a receiver
        return dialog

    def print_to(self, printer: QPrinter) -> None:
        """Print the range the printer asks for (all pages by default), one page per event-loop turn."""
        if self.job is not None or self.page_count == 0:
            return
        first, last = print_range(printer, self.page_count)
        self.painted = 0
        job = PrintJob(self._doc, printer, first, last, self)
        job.progressed.connect(self._print_progressed)
        job.finished.connect(self._print_finished)
        self.job = job
        self.progress.setRange(0, job.total)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.print_button.setEnabled(False)
        show_message(self.message, t("Printing {count} pages…", count=job.total), kind="info")
        job.start()

    def cancel_print(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _print_progressed(self, painted: int, total: int) -> None:
        self.painted = painted
        self.progress.setValue(painted)

    def _print_finished(self, complete: bool) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.print_button.setEnabled(True)
        if complete:
            show_message(self.message, t("Sent {count} pages to the printer.", count=self.painted), kind="ok")
            record, printer = self._record, self._printer.printerName() or "?"
            if record is not None:
                run_op(None, lambda: record(None, printer))
        else:
            show_message(self.message, t("Printing stopped after {count} pages.", count=self.painted))

    def ask_save(self) -> QFileDialog:
        return ask_save_path(self, self._file_name, self.save_to)

    def save_to(self, path: Path) -> None:
        save_bytes(self, self._data, path, self._vault_root,
                   lambda written: show_message(self.message, t("Saved {path}.", path=str(written)), kind="ok"),
                   lambda error: show_message(self.message, error.message()), self._record)

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel()
        self.cache.clear()
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        if self.job is not None:
            self.job.cancel()
        self.cache.clear()
        super().closeEvent(event)


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
