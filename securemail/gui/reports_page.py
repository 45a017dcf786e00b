"""Reports (roles with print-reports): registers, the on-time / overdue report and bag manifests.

Each document is rendered by services.reports into memory on the long-work thread (long_ops.py: its own vault
connection, progress and Cancel; a 90,000-row register takes minutes and must not hold up the counter), then
previewed page by page (and printed from the preview) or written to a file the user chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from securemail.clock import ICT
from securemail.domain.enums import BagStatus
from securemail.errors import CancelledError, UserFacingError
from securemail.gui.long_ops import run_long
from securemail.gui.ops import run_op
from securemail.gui.pdf_preview import PdfPreviewDialog, open_preview
from securemail.gui.pdf_print import Writer, ask_save_path, pdf_bytes, print_recorder, write_output
from securemail.gui.strings import N_, t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import FieldErrors, lbl, named, show_message
from securemail.services import bags, reports
from securemail.services.background import CancelToken, Progress
from securemail.services.queries.bags import BagRecord
from securemail.services.session import Session

REGISTER_KINDS = (("handover", N_("KT1 handover book (this post office's)")),
                  ("outgoing", N_("Outgoing secret documents register")),
                  ("incoming", N_("Incoming secret documents register")),
                  ("post", N_("Register of documents sent by post")))
DATE_FORMAT = "dd/MM/yyyy"


def to_date(edit: QDateEdit) -> date:
    qdate = edit.date()
    return date(qdate.year(), qdate.month(), qdate.day())


def date_edit(name: str, value: date) -> QDateEdit:
    edit = named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDate(QDate(value.year, value.month, value.day))
    edit.setMinimumWidth(140)
    return edit


class ReportsPage(Retranslating, QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsPage")
        self._session = session
        self.preview: PdfPreviewDialog | None = None  # the last preview opened (tests)
        self._bags: list[BagRecord] = []
        today = session.clock.now().astimezone(ICT).date()
        month_start = today.replace(day=1)

        self.heading = named(QLabel(), "pageHeading")
        self.hint = named(QLabel(), "hintLabel")
        self.hint.setWordWrap(True)

        self.register_box = named(QGroupBox(), "registerBox")
        self.kind_combo = named(QComboBox(), "registerKind")
        self.register_from = date_edit("registerFrom", month_start)
        self.register_to = date_edit("registerTo", today)
        self.register_preview = named(QPushButton(), "registerPreview")
        self.register_save = named(QPushButton(), "registerSave")
        self.register_form = QFormLayout()
        self.kind_label, self.register_period_label = QLabel(), QLabel()
        self.register_form.addRow(self.kind_label, self.kind_combo)
        self.register_form.addRow(self.register_period_label, self._period(self.register_from, self.register_to))
        self._box(self.register_box, self.register_form, self.register_preview, self.register_save)

        self.overdue_box = named(QGroupBox(), "overdueBox")
        self.overdue_from = date_edit("overdueFrom", month_start)
        self.overdue_to = date_edit("overdueTo", today)
        self.overdue_preview = named(QPushButton(), "overduePreview")
        self.overdue_save = named(QPushButton(), "overdueSave")
        self.overdue_form = QFormLayout()
        self.overdue_period_label = QLabel()
        self.overdue_form.addRow(self.overdue_period_label, self._period(self.overdue_from, self.overdue_to))
        self._box(self.overdue_box, self.overdue_form, self.overdue_preview, self.overdue_save)

        self.manifest_box = named(QGroupBox(), "manifestBox")
        self.bag_combo = named(QComboBox(), "manifestBag")
        self.bag_combo.setMinimumContentsLength(40)
        self.bags_refresh = named(QPushButton(), "manifestRefresh")
        self.bags_refresh.clicked.connect(self.refresh)
        bag_row = QHBoxLayout()
        bag_row.addWidget(self.bag_combo, 1)
        bag_row.addWidget(self.bags_refresh)
        self.manifest_preview = named(QPushButton(), "manifestPreview")
        self.manifest_save = named(QPushButton(), "manifestSave")
        self.manifest_form = QFormLayout()
        self.bag_label = QLabel()
        self.manifest_form.addRow(self.bag_label, bag_row)
        self._box(self.manifest_box, self.manifest_form, self.manifest_preview, self.manifest_save)

        self.progress = named(QProgressBar(), "reportProgress")
        self.progress.setVisible(False)
        self.cancel_button = named(QPushButton(), "reportCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self._token: CancelToken | None = None
        self.message = named(QLabel(), "reportsMessage")
        self.message.setWordWrap(True)
        self.errors = FieldErrors({"kind": self.kind_combo, "date_from": self.register_from,
                                   "date_to": self.register_to}, self.message)
        for edit in (self.register_from, self.register_to):
            edit.dateChanged.connect(self.errors.clear)
        self.kind_combo.currentIndexChanged.connect(self.errors.clear)

        self.register_preview.clicked.connect(lambda: self.preview_report("register"))
        self.register_save.clicked.connect(lambda: self.ask_save("register"))
        self.overdue_preview.clicked.connect(lambda: self.preview_report("overdue"))
        self.overdue_save.clicked.connect(lambda: self.ask_save("overdue"))
        self.manifest_preview.clicked.connect(lambda: self.preview_report("manifest"))
        self.manifest_save.clicked.connect(lambda: self.ask_save("manifest"))

        column = QVBoxLayout()
        column.addWidget(self.heading)
        column.addWidget(self.hint)
        column.addWidget(self.register_box)
        column.addWidget(self.overdue_box)
        column.addWidget(self.manifest_box)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.progress, 1)
        busy_row.addWidget(self.cancel_button)
        column.addLayout(busy_row)
        column.addWidget(self.message)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(column, 3)
        layout.addStretch(1)
        show_message(self.message, "")
        self._retranslate()

    def _period(self, start: QDateEdit, end: QDateEdit) -> QHBoxLayout:
        row = QHBoxLayout()
        dash = QLabel("–")
        dash.setBuddy(end)  # the end date's label; its accessible name says what it is (_retranslate)
        row.addWidget(start)
        row.addWidget(dash)
        row.addWidget(end)
        row.addStretch(1)
        return row

    def _box(self, box: QGroupBox, form: QFormLayout, preview: QPushButton, save: QPushButton) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(preview)
        buttons.addWidget(save)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def _retranslate(self) -> None:
        self.heading.setText(t("Reports"))
        self.hint.setText(t("Each document carries a signed QR code. Preview it, print it from the preview, or "
                            "save it as a PDF file."))
        self.register_box.setTitle(t("Register"))
        self.overdue_box.setTitle(t("On-time and overdue report"))
        self.manifest_box.setTitle(t("Bag manifest"))
        chosen = self.kind_combo.currentData()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for value, source in REGISTER_KINDS:
            self.kind_combo.addItem(t(source), value)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(chosen), 0))
        self.kind_combo.blockSignals(False)
        labels = ((self.kind_label, N_("&Register"), self.kind_combo),
                  (self.register_period_label, N_("&Period"), self.register_from),
                  (self.overdue_period_label, N_("Perio&d"), self.overdue_from),
                  (self.bag_label, N_("&Bag"), self.bag_combo))
        for label, source, buddy in labels:
            label.setText(t(source))
            label.setBuddy(buddy)
        for start, end in ((self.register_from, self.register_to), (self.overdue_from, self.overdue_to)):
            start.setAccessibleName(t("First day of the period"))
            end.setAccessibleName(t("Last day of the period"))
        for button in (self.register_preview, self.overdue_preview, self.manifest_preview):
            button.setText(t("Preview and print…"))
        for button in (self.register_save, self.overdue_save, self.manifest_save):
            button.setText(t("Save as PDF…"))
        self.bags_refresh.setText(t("Reload the list"))
        self.cancel_button.setText(t("&Stop"))
        self._fill_bags()

    # ---- bags ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self._session
        run_op(self, lambda: bags.list_bags(session), self.set_bags, self._failed)

    def set_bags(self, found: list[BagRecord]) -> None:
        self._bags = found
        self._fill_bags()

    def _fill_bags(self) -> None:
        chosen = self.bag_combo.currentData()
        self.bag_combo.clear()
        for bag in self._bags:
            status = lbl(BagStatus(bag.status))
            text = f"{bag.bag} → {bag.destination} ({status}, {len(bag.items)})"
            self.bag_combo.addItem(text, bag.bag)
        if not self._bags:
            self.bag_combo.addItem(t("(no bags yet)"), None)
        self.bag_combo.setCurrentIndex(max(self.bag_combo.findData(chosen), 0))
        has_bags = bool(self._bags)
        self.manifest_preview.setEnabled(has_bags)
        self.manifest_save.setEnabled(has_bags)

    # ---- documents -----------------------------------------------------------------------------------------

    def document(self, which: str) -> tuple[Callable[[Session, Progress | None], Writer], str, str]:
        """The service call that renders `which` (given the session to read and a progress callback), the
        preview's title and the suggested file name."""
        if which == "register":
            kind = str(self.kind_combo.currentData())
            start, end = to_date(self.register_from), to_date(self.register_to)
            period = f"{start:%d/%m/%Y} - {end:%d/%m/%Y}"
            return (lambda s, progress: lambda out: reports.register(s, kind, start, end, out, progress=progress),
                    t("{report}, {period}", report=self.kind_combo.currentText(), period=period),
                    f"so-{kind}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
        if which == "overdue":
            start, end = to_date(self.overdue_from), to_date(self.overdue_to)
            period = f"{start:%d/%m/%Y} - {end:%d/%m/%Y}"
            return (lambda s, _progress: lambda out: reports.overdue(s, start, end, out),
                    t("{report}, {period}", report=t("On-time and overdue report"), period=period),
                    f"dung-han-qua-han-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
        bag = str(self.bag_combo.currentData() or "")
        return (lambda s, _progress: lambda out: reports.manifest(s, bag, out), t("Bag manifest {bag}", bag=bag),
                f"bang-ke-{bag}.pdf")

    def busy(self) -> bool:
        return self._token is not None

    def _run(self, work: Callable[[Session, Progress], Any], on_done: Callable[[Any], None]) -> None:
        """Render on the long-work thread with progress and Stop; one document at a time."""
        if self._token is not None:
            return
        self.errors.clear()
        self._set_busy(True)

        def done(result: Any) -> None:
            self._set_busy(False)
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
            on_done(result)

        def failed(error: UserFacingError) -> None:
            self._set_busy(False)
            if isinstance(error, CancelledError):
                show_message(self.message, error.message(), kind="info")
            else:
                self._failed(error)

        self._token = run_long(self, self._session, work, done, failed, self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self._token = None
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # until the first report gives a total
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        for button in (self.register_preview, self.register_save, self.overdue_preview, self.overdue_save):
            button.setEnabled(not busy)
        has_bags = bool(self._bags)
        self.manifest_preview.setEnabled(not busy and has_bags)
        self.manifest_save.setEnabled(not busy and has_bags)

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()
            self.cancel_button.setEnabled(False)

    def preview_report(self, which: str) -> None:
        make, title, file_name = self.document(which)
        root = self._session.paths.root

        def opened(data: bytes) -> None:
            self.progress.setVisible(False)
            dialog = open_preview(self, data, title, file_name, root,
                                  print_recorder(self._session, which, file_name.removesuffix(".pdf")))
            if dialog is not None:
                self._opened(dialog)

        self._run(lambda reader, progress: pdf_bytes(make(reader, progress)), opened)

    def ask_save(self, which: str) -> None:
        self.errors.clear()
        _make, _title, file_name = self.document(which)
        ask_save_path(self, file_name, lambda path: self.save_report(which, path))

    def save_report(self, which: str, path: Path, on_saved: Callable[[Path], None] | None = None) -> None:
        make, _title, name = self.document(which)
        root = self._session.paths.root
        record = print_recorder(self._session, which, name.removesuffix(".pdf"))

        def saved(written: Path) -> None:
            show_message(self.message, t("Saved {path}.", path=str(written)), kind="ok")
            if on_saved is not None:
                on_saved(written)

        def saved_and_signed(written: Path) -> None:
            run_op(None, lambda: record(written, None))      # the signed audit trail: which document, which file
            saved(written)

        self._run(lambda reader, progress: write_output(path, pdf_bytes(make(reader, progress)), root),
                  saved_and_signed)

    def _opened(self, dialog: PdfPreviewDialog) -> None:
        self.preview = dialog

    def _failed(self, error: UserFacingError) -> None:
        self.errors.show(error)
