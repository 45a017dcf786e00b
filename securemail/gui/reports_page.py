"""Reports (roles with print-reports): registers, the on-time / overdue report and bag manifests.

Each document is rendered by services.reports on the operations thread into memory, then previewed (and printed
from the preview) or written to a file the user chooses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from securemail.clock import ICT
from securemail.domain.enums import BagStatus
from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.pdf_preview import PdfPreviewDialog, preview_document
from securemail.gui.pdf_print import Writer, ask_save_path, save_document
from securemail.gui.strings import N_, t
from securemail.gui.widgets import FieldErrors, lbl, named, show_message
from securemail.services import bags, reports
from securemail.services.session import Session

REGISTER_KINDS = (("outgoing", N_("Outgoing secret documents register")),
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


class ReportsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsPage")
        self._session = session
        self.preview: PdfPreviewDialog | None = None  # the last preview opened (tests)
        self._bags: list[dict[str, Any]] = []
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
        for button in (self.register_preview, self.overdue_preview, self.manifest_preview):
            button.setText(t("Preview and print…"))
        for button in (self.register_save, self.overdue_save, self.manifest_save):
            button.setText(t("Save as PDF…"))
        self.bags_refresh.setText(t("Reload the list"))
        self._fill_bags()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ---- bags ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self._session
        run_op(self, lambda: bags.list_bags(session), self.set_bags, self._failed)

    def set_bags(self, found: list[dict[str, Any]]) -> None:
        self._bags = found
        self._fill_bags()

    def _fill_bags(self) -> None:
        chosen = self.bag_combo.currentData()
        self.bag_combo.clear()
        for bag in self._bags:
            status = lbl(BagStatus(bag["status"]))
            text = f"{bag['bag']} → {bag['destination']} ({status}, {len(bag['items'])})"
            self.bag_combo.addItem(text, bag["bag"])
        if not self._bags:
            self.bag_combo.addItem(t("(no bags yet)"), None)
        self.bag_combo.setCurrentIndex(max(self.bag_combo.findData(chosen), 0))
        has_bags = bool(self._bags)
        self.manifest_preview.setEnabled(has_bags)
        self.manifest_save.setEnabled(has_bags)

    # ---- documents -----------------------------------------------------------------------------------------

    def document(self, which: str) -> tuple[Writer, str, str]:
        """The service call that renders `which`, the preview's title and the suggested file name."""
        session = self._session
        if which == "register":
            kind = str(self.kind_combo.currentData())
            start, end = to_date(self.register_from), to_date(self.register_to)
            period = f"{start:%d/%m/%Y} - {end:%d/%m/%Y}"
            return (lambda out: reports.register(session, kind, start, end, out),
                    t("{report}, {period}", report=self.kind_combo.currentText(), period=period),
                    f"so-{kind}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
        if which == "overdue":
            start, end = to_date(self.overdue_from), to_date(self.overdue_to)
            period = f"{start:%d/%m/%Y} - {end:%d/%m/%Y}"
            return (lambda out: reports.overdue(session, start, end, out),
                    t("{report}, {period}", report=t("On-time and overdue report"), period=period),
                    f"dung-han-qua-han-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
        bag = str(self.bag_combo.currentData() or "")
        return (lambda out: reports.manifest(session, bag, out), t("Bag manifest {bag}", bag=bag),
                f"bang-ke-{bag}.pdf")

    def preview_report(self, which: str) -> None:
        self.errors.clear()
        write, title, file_name = self.document(which)
        preview_document(self, write, title, file_name, self._session.paths.root, self._opened, self._failed)

    def ask_save(self, which: str) -> None:
        self.errors.clear()
        _write, _title, file_name = self.document(which)
        ask_save_path(self, file_name, lambda path: self.save_report(which, path))

    def save_report(self, which: str, path: Path, on_saved: Callable[[Path], None] | None = None) -> None:
        write, _title, _name = self.document(which)

        def saved(written: Path) -> None:
            show_message(self.message, t("Saved {path}.", path=str(written)), kind="ok")
            if on_saved is not None:
                on_saved(written)

        save_document(self, write, path, self._session.paths.root, saved, self._failed)

    def _opened(self, dialog: PdfPreviewDialog) -> None:
        self.preview = dialog

    def _failed(self, error: UserFacingError) -> None:
        self.errors.show(error)

