"""Printing: the pdfium-to-QPrinter print job, the preview, the item's print buttons, print on save, the Reports tab."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from gui_vault import VaultInfo
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from securemail.gui.intake import IntakeForm
from securemail.gui.item_detail import ItemDetailDialog
from securemail.gui.pdf_preview import PrintJob
from securemail.gui.pdf_print import pdf_bytes, prepare_printer, print_range
from securemail.gui.reports_page import ReportsPage
from securemail.services import bags, reports
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _pdf(pages: int, *, wide: bool = False) -> bytes:
    out = io.BytesIO()
    doc = canvas.Canvas(out, pagesize=landscape(A4) if wide else A4)
    for n in range(pages):
        doc.drawString(72, 400, f"Trang {n + 1} / {pages}")
        doc.showPage()
    doc.save()
    return out.getvalue()


def _print_to_file(qtbot: QtBot, data: bytes, path: Path) -> int:
    """Print as the preview window does (its PrintJob, one page per event-loop turn) to a PDF file."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    prepare_printer(printer, data)
    doc = pypdfium2.PdfDocument(data)
    try:
        first, last = print_range(printer, len(doc))
        job = PrintJob(doc, printer, first, last)
        with qtbot.waitSignal(job.finished, timeout=60000) as finished:
            job.start()
        assert finished.args == [True]
        return job.painted
    finally:
        doc.close()


@pytest.mark.parametrize(("pages", "wide"), [(1, False), (3, False), (2, True)])
def test_print_job_prints_every_page(qtbot: QtBot, tmp_path: Path, pages: int, wide: bool) -> None:
    out = tmp_path / "printed.pdf"
    assert _print_to_file(qtbot, _pdf(pages, wide=wide), out) == pages
    printed = pypdf.PdfReader(out)
    assert len(printed.pages) == pages
    box = printed.pages[0].mediabox
    assert (float(box.width) > float(box.height)) == wide  # the paper follows the document's orientation


def test_print_a_real_receipt(qtbot: QtBot, open_as: Opener, vault: VaultInfo, tmp_path: Path) -> None:
    session = open_as("clerk1")
    data = pdf_bytes(lambda out: reports.receipt(session, vault.trackings["waiting"], out))
    assert _print_to_file(qtbot, data, tmp_path / "receipt.pdf") == len(pypdf.PdfReader(io.BytesIO(data)).pages)
    assert len(pypdf.PdfReader(tmp_path / "receipt.pdf").pages) >= 1


# ---- item detail ------------------------------------------------------------------------------------------------

def _detail(qtbot: QtBot, session: Session, tracking: str) -> ItemDetailDialog:
    dialog = ItemDetailDialog(session, tracking)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.item()), timeout=10000)
    return dialog


def test_print_buttons_follow_the_role(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    courier = _detail(qtbot, open_as("courier1"), vault.trackings["delivered"])
    assert courier.receipt_button.isHidden() and courier.delivery_button.isHidden()
    assert courier.custody_button.isHidden()
    secretary = _detail(qtbot, open_as("vanthu1"), vault.trackings["delivered"])
    assert not secretary.receipt_button.isHidden() and not secretary.delivery_button.isHidden()
    assert secretary.custody_button.isHidden()  # secretaries print receipts, not reports
    clerk = _detail(qtbot, open_as("clerk1"), vault.trackings["waiting"])
    assert not clerk.receipt_button.isHidden() and not clerk.custody_button.isHidden()
    assert clerk.delivery_button.isHidden()  # not delivered yet
    assert clerk.receipt_button.text() == "&In biên nhận…"


@pytest.mark.parametrize(("button", "story"), [("receipt_button", "waiting"), ("delivery_button", "delivered"),
                                               ("custody_button", "flagged")])
def test_print_button_opens_the_preview(qtbot: QtBot, open_as: Opener, vault: VaultInfo, button: str,
                                        story: str) -> None:
    dialog = _detail(qtbot, open_as("clerk1"), vault.trackings[story])
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=15000)
    preview = dialog.preview
    assert preview is not None and vault.trackings[story] in preview.windowTitle()
    assert preview.cache.renders >= 1 and preview.page_label.pixmap().width() > 0  # the first page, on screen
    assert preview.data().startswith(b"%PDF")


def test_intake_prints_the_receipt_on_save(qtbot: QtBot, open_as: Opener) -> None:
    form = IntakeForm(open_as("clerk1"))
    qtbot.addWidget(form)
    form.show()
    form.start()
    ui = form.ui
    qtbot.waitUntil(lambda: ui.senderCombo.count() == 3, timeout=10000)
    assert ui.printReceiptCheck.isChecked() and ui.printReceiptCheck.text() == "In biên nhận sau khi lưu"
    ui.senderCombo.setCurrentIndex(ui.senderCombo.findData("UBND-HN"))
    ui.recipientCombo.setCurrentIndex(ui.recipientCombo.findData("TU-HN"))
    saved: list[str] = []
    form.accepted.connect(saved.append)
    form.save()
    qtbot.waitUntil(lambda: form.preview is not None, timeout=15000)
    assert form.preview is not None and saved[0] in form.preview.windowTitle()

    form.preview = None
    ui.printReceiptCheck.setChecked(False)
    ui.senderCombo.setCurrentIndex(ui.senderCombo.findData("UBND-HN"))
    ui.recipientCombo.setCurrentIndex(ui.recipientCombo.findData("TU-HN"))
    form.save()
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=10000)
    qtbot.wait(200)
    assert form.preview is None


# ---- the Reports tab ------------------------------------------------------------------------------------------

def _reports(qtbot: QtBot, session: Session) -> ReportsPage:
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    return page


def _period(page: ReportsPage, start: date, end: date) -> None:
    page.register_from.setDate(QDate(start.year, start.month, start.day))
    page.register_to.setDate(QDate(end.year, end.month, end.day))


def test_agency_register_at_a_post_office_shows_whose_it_is(qtbot: QtBot, open_as: Opener) -> None:
    """The đi/đến registers are the agency's: a post office's desk is told to print them at the agency's desk."""
    page = _reports(qtbot, open_as("clerk1"))
    _period(page, date(2026, 3, 1), date(2026, 3, 15))
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("outgoing"))
    qtbot.mouseClick(page.register_preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=10000)
    assert "init --kind agency" in page.message.text()
    assert page.message.textFormat() == Qt.TextFormat.PlainText
    assert page.preview is None


def test_register_and_overdue_preview_and_save(qtbot: QtBot, open_as: Opener, vault: VaultInfo,
                                               tmp_path: Path) -> None:
    session = open_as("auditor1")
    page = _reports(qtbot, session)
    today = session.clock.now().date()
    _period(page, today.replace(day=1), today)
    assert page.kind_combo.currentData() == "handover"   # the post office's own book comes first
    qtbot.mouseClick(page.register_preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=15000)
    assert page.preview is not None and page.preview.windowTitle().startswith("Sổ theo dõi giao nhận bưu gửi KT1")
    assert page.preview.cache.renders >= 1

    target = tmp_path / "qua-han.pdf"
    page.save_report("overdue", target)
    qtbot.waitUntil(lambda: page.message.text().startswith("Đã lưu"), timeout=15000)
    assert len(pypdf.PdfReader(target).pages) >= 1

    page.save_report("overdue", vault.path / "inside.pdf")  # never inside the vault folder
    qtbot.waitUntil(lambda: "thư mục kho dữ liệu" in page.message.text(), timeout=10000)
    assert not (vault.path / "inside.pdf").exists()


def test_manifest_for_a_bag(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    clerk = open_as("clerk1")
    page = _reports(qtbot, clerk)
    qtbot.waitUntil(lambda: page.bag_combo.count() == 1, timeout=10000)
    assert page.bag_combo.currentData() is None and not page.manifest_preview.isEnabled()
    bag = bags.create_bag(clerk, "TU-HN")
    bags.add_to_bag(clerk, bag, [vault.trackings["waiting"]])
    bags.close_bag(clerk, bag, "KP-01")
    page.refresh()
    qtbot.waitUntil(lambda: page.bag_combo.currentData() == bag, timeout=10000)
    assert page.manifest_preview.isEnabled()
    qtbot.mouseClick(page.manifest_preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=15000)
    assert page.preview is not None and bag in page.preview.windowTitle()


def test_reports_refused_by_the_service_show_the_message(qtbot: QtBot, open_as: Opener) -> None:
    """The tab is only built for roles allowed; the service still decides (a courier is refused)."""
    page = _reports(qtbot, open_as("courier1"))
    qtbot.mouseClick(page.overdue_preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=10000)
    assert page.preview is None

