"""Peak memory of a 30-day register of 3,000 items a day (90,000 rows): render, preview, print. Prints figures.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_preview_memory.py [ROWS] [PRINT_PAGES]

Steps, each followed by the process's resident memory now and its peak so far (POSIX only):
  1. the rows (synthetic, as bench_register.py makes them) and the PDF rendered into memory (documents layer);
  2. the preview dialog opened, then paged through: RSS after 10 pages and after many more should be the same
     (the preview holds at most MAX_RENDERED_PAGES images), then a jump to the last page;
  3. printing PRINT_PAGES pages (default 200) to a PDF printer at 300 dpi, page by page, RSS sampled as it goes;
  4. for comparison, what Qt's own QPrintPreviewDialog costs per page (it keeps every page as a picture),
     measured on the register's first 40 pages and extrapolated to the register's page count.
No assertions (machine noise); the figures answer "does it fit on a 4 GB PC".
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import resource  # POSIX only; this bench does not run on Windows

import pypdfium2
from bench_register import make_rows, ours
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication

from securemail.gui.pdf_preview import MAX_RENDERED_PAGES, PdfPreviewDialog
from securemail.gui.pdf_print import draw_page

MB = 1024 * 1024


def paint_all(data: bytes, printer: QPrinter) -> None:
    """Every page onto `printer` at once, as Qt's own preview dialog asks (the app prints with PrintJob)."""
    doc = pypdfium2.PdfDocument(data)
    painter = QPainter(printer)
    try:
        for index in range(len(doc)):
            if index:
                printer.newPage()
            draw_page(painter, printer, doc, index)
    finally:
        painter.end()
        doc.close()


def rss_now() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def rss_peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(step: str, started: float) -> None:
    print(f"{step:<58} RSS {rss_now():7.0f} MB   peak {rss_peak():7.0f} MB   {time.perf_counter() - started:6.1f} s",
          flush=True)


def main() -> None:
    rows_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 90_000
    print_pages = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    started = time.perf_counter()
    report("start", started)

    app = QApplication.instance() or QApplication([sys.argv[0]])
    report("Qt loaded", started)
    rows = make_rows(rows_wanted)
    report(f"{rows_wanted:,} register rows in memory", started)
    out = io.BytesIO()
    ours(rows, out)
    data = out.getvalue()
    del rows, out
    report(f"PDF rendered ({len(data) / MB:.1f} MB)", started)

    dialog = PdfPreviewDialog(data, "bench", "bench.pdf", None)
    dialog.show()
    app.processEvents()
    pages = dialog.page_count
    report(f"preview open ({pages:,} pages)", started)
    for _ in range(10):
        dialog.show_page(dialog.current_page() + 1)
        app.processEvents()
    after_10 = rss_now()
    report("preview: 10 pages shown", started)
    steps = min(pages - 1, 300)
    for _ in range(steps):
        dialog.show_page(dialog.current_page() + 1)
        app.processEvents()
    after_many = rss_now()
    report(f"preview: {steps + 10} pages shown (held: {len(dialog.cache)} <= {MAX_RENDERED_PAGES})", started)
    dialog.show_page(pages - 1)
    app.processEvents()
    report("preview: jumped to the last page", started)
    print(f"  RSS growth from 10 to {steps + 10} pages viewed: {after_many - after_10:+.0f} MB "
          f"(ratio {after_many / after_10:.3f})")

    with tempfile.TemporaryDirectory() as tmp:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(Path(tmp) / "printed.pdf"))
        printer.setFromTo(1, min(print_pages, pages))
        samples: list[tuple[int, float]] = []
        dialog.print_to(printer)
        job = dialog.job
        assert job is not None
        job.progressed.connect(lambda done, _total: samples.append((done, rss_now())) if done % 50 == 0 else None)
        while dialog.job is not None:
            app.processEvents()
        report(f"printed {dialog.painted} pages at 300 dpi", started)
        for done, rss in samples:
            print(f"  after {done:5d} pages printed: RSS {rss:7.0f} MB")
    dialog.close()
    app.processEvents()

    # Qt's own preview, for comparison: every page is kept as a QPicture holding its image.
    small = first_pages(data, 40)
    before = rss_now()
    qt_preview = QPrintPreviewDialog()
    qt_preview.paintRequested.connect(lambda p: paint_all(small, p))
    qt_preview.show()
    app.processEvents()
    per_page = (rss_now() - before) / 40
    print(f"Qt's QPrintPreviewDialog: {per_page:.1f} MB per page -> about {per_page * pages / 1024:.1f} GB "
          f"for these {pages:,} pages (why it was replaced)")
    qt_preview.close()
    report("done", started)


def first_pages(data: bytes, count: int) -> bytes:
    """The first `count` pages of the register, as their own PDF (the same content Qt's preview would hold)."""
    source = pypdfium2.PdfDocument(data)
    part = pypdfium2.PdfDocument.new()
    part.import_pages(source, list(range(min(count, len(source)))))
    out = io.BytesIO()
    part.save(out)
    return out.getvalue()


if __name__ == "__main__":
    main()
