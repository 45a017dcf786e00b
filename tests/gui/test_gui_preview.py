"""The print preview renders pages on demand (a bounded number held), prints page by page with progress and
Cancel, honours a page range, and saves the PDF it holds."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from securemail.gui.pdf_preview import MAX_RENDERED_PAGES, PdfPreviewDialog


def _pdf(pages: int) -> bytes:
    out = io.BytesIO()
    doc = canvas.Canvas(out, pagesize=A4)
    for n in range(pages):
        doc.drawString(72, 400, f"Trang {n + 1} / {pages}")
        doc.showPage()
    doc.save()
    return out.getvalue()


def _printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _dialog(qtbot: QtBot, pages: int) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(_pdf(pages), "Xem trước", "thu.pdf", None)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preview_holds_at_most_a_few_rendered_pages(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, 40)
    assert dialog.page_count == 40
    assert dialog.of_label.text() == "trên 40"
    assert dialog.cache.renders == 1  # only the page on screen, not the 40
    for _ in range(39):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        assert len(dialog.cache) <= MAX_RENDERED_PAGES
    assert dialog.current_page() == 39
    assert not dialog.next_button.isEnabled() and not dialog.last_button.isEnabled()
    dialog.page_spin.setValue(7)
    assert dialog.current_page() == 6 and dialog.prev_button.isEnabled()
    assert dialog.page_label.accessibleName() == "Trang 7 trên 40"


def test_print_runs_page_by_page_with_progress(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, 5)
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=10000):
        dialog.paintRequested.emit(_printer(tmp_path / "all.pdf"))  # what "Print…" does with the chosen printer
    assert dialog.cancel_button.isVisible()  # still printing: the window answers meanwhile
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    assert dialog.painted == 5 and not dialog.cancel_button.isVisible()
    assert len(pypdf.PdfReader(tmp_path / "all.pdf").pages) == 5
    assert len(dialog.cache) <= MAX_RENDERED_PAGES


def test_print_honours_the_page_range(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, 6)
    printer = _printer(tmp_path / "range.pdf")
    printer.setFromTo(2, 4)
    dialog.print_to(printer)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    text = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "range.pdf").pages]
    assert len(text) == 3 and dialog.painted == 3


def test_cancel_stops_printing(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, 30)
    dialog.print_to(_printer(tmp_path / "stopped.pdf"))
    qtbot.waitUntil(lambda: dialog.painted >= 1, timeout=20000)
    with qtbot.waitSignal(dialog.job.finished, timeout=10000) as blocker:  # type: ignore[union-attr]
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]
    assert dialog.job is None and dialog.painted < 30
    assert "dừng" in dialog.message.text()


def test_preview_saves_the_pdf_it_holds(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, 2)
    assert dialog.save_button.text() == "Lưu thành tệp PDF…"
    dialog.save_to(tmp_path / "saved.pdf")
    qtbot.waitUntil((tmp_path / "saved.pdf").exists, timeout=10000)
    assert (tmp_path / "saved.pdf").read_bytes() == dialog.data()
    assert (tmp_path / "saved.pdf").stat().st_mode & 0o077 == 0
