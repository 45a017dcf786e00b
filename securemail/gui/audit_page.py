"""Integrity checks (every role with verify): verify the vault with a progress bar, list what is wrong, print the
audit report; export the newest checkpoint; auditors witness it.

verify_vault runs on the long-work thread with its own connection (long_ops.py), so the counter's operations never
wait for it; its progress callback emits a signal, which Qt queues to the GUI thread, and Cancel stops it at the
next report. Only auditors and administrators are offered the full check (every signature again).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from securemail.custody.kinds import kind_label
from securemail.domain.enums import Role
from securemail.errors import CancelledError, UserFacingError
from securemail.gui.long_ops import ProgressRelay, run_long
from securemail.gui.ops import run_op
from securemail.gui.pdf_preview import PdfPreviewDialog, preview_document
from securemail.gui.pdf_print import ask_save_path, check_output, print_recorder
from securemail.gui.strings import N_, t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import PlainLabel, named, plain_tooltip, show_message
from securemail.i18n import current_language, tr
from securemail.services import audit, audit_trail, reports
from securemail.services.background import CancelToken, Progress
from securemail.services.permissions import Permission, allowed
from securemail.services.session import Session

if TYPE_CHECKING:  # the report's type only; the page calls the services
    from securemail.custody.verify import VerificationReport

PROBLEM_HEADERS = (N_("Event"), N_("Item"), N_("Problem"))
TRAIL_HEADERS = (N_("Event"), N_("Time"), N_("User"), N_("Activity"), N_("Details"))
TRAIL_ROWS = 500
FULL_VERIFY_ROLES = (Role.AUDITOR, Role.ADMIN)  # the others check what was added since the last clean run
__all__ = ["AuditPage", "ProgressRelay"]


class AuditPage(Retranslating, QWidget):
    verified = Signal(bool)  # a verification finished: True when nothing is wrong

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self._session = session
        self.report: VerificationReport | None = None
        self.preview: PdfPreviewDialog | None = None
        self._running = False
        self._token: CancelToken | None = None
        role = session.role

        self.heading = named(QLabel(), "pageHeading")
        self.verify_box = named(QGroupBox(), "verifyBox")
        self.verify_hint = named(QLabel(), "hintLabel")
        self.verify_hint.setWordWrap(True)
        self.full_check = named(QCheckBox(), "verifyFull")
        self.full_check.setVisible(role in FULL_VERIFY_ROLES)
        self.cancel_button = named(QPushButton(), "verifyCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.verify_button = named(QPushButton(), "verifyButton")
        self.verify_button.setDefault(True)
        self.progress = named(QProgressBar(), "verifyProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setVisible(False)
        self.result = named(QLabel(), "verifyResult")
        self.result.setWordWrap(True)
        self.problems = named(QTableWidget(0, len(PROBLEM_HEADERS)), "verifyProblems")
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.setWordWrap(True)
        self.problems.verticalHeader().setVisible(False)
        self.problems.setAlternatingRowColors(True)
        header = self.problems.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.setVisible(False)
        self.warnings = PlainLabel(wrap=True)
        self.warnings.setObjectName("verifyWarnings")
        self.print_button = named(QPushButton(), "auditPrint")
        self.print_button.setVisible(allowed(role, Permission.PRINT_REPORTS))
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_report)
        self.verify_button.clicked.connect(self.verify)
        run_row = QHBoxLayout()
        run_row.addWidget(self.full_check)
        run_row.addStretch(1)
        run_row.addWidget(self.print_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.verify_button)
        verify_layout = QVBoxLayout(self.verify_box)
        verify_layout.addWidget(self.verify_hint)
        verify_layout.addLayout(run_row)
        verify_layout.addWidget(self.progress)
        verify_layout.addWidget(self.result)
        verify_layout.addWidget(self.problems, 1)
        verify_layout.addWidget(self.warnings)
        verify_layout.addStretch(1)  # takes the room while there is no problems table
        self._verify_layout = verify_layout

        self.checkpoint_box = named(QGroupBox(), "checkpointBox")
        self.checkpoint_hint = named(QLabel(), "hintLabel")
        self.checkpoint_hint.setWordWrap(True)
        self.witness_button = named(QPushButton(), "witnessButton")
        self.witness_button.setVisible(allowed(role, Permission.WITNESS))
        self.witness_button.clicked.connect(self.witness)
        self.export_button = named(QPushButton(), "exportCheckpoint")
        self.export_button.setVisible(allowed(role, Permission.EXPORT_CHECKPOINT))
        self.export_button.clicked.connect(self.ask_export)
        self.checkpoint_message = named(QLabel(), "checkpointMessage")
        self.checkpoint_message.setWordWrap(True)
        checkpoint_row = QHBoxLayout()
        checkpoint_row.addStretch(1)
        checkpoint_row.addWidget(self.export_button)
        checkpoint_row.addWidget(self.witness_button)
        checkpoint_layout = QVBoxLayout(self.checkpoint_box)
        checkpoint_layout.addWidget(self.checkpoint_hint)
        checkpoint_layout.addLayout(checkpoint_row)
        checkpoint_layout.addWidget(self.checkpoint_message)
        self.checkpoint_box.setVisible(allowed(role, Permission.EXPORT_CHECKPOINT) or allowed(role, Permission.WITNESS))

        self.trail_box = named(QGroupBox(), "trailBox")
        self.trail_hint = named(QLabel(), "hintLabel")
        self.trail_hint.setWordWrap(True)
        self.trail_refresh = named(QPushButton(), "trailRefresh")
        self.trail_refresh.clicked.connect(self.load_trail)
        self.trail = named(QTableWidget(0, len(TRAIL_HEADERS)), "auditTrail")
        self.trail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trail.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trail.verticalHeader().setVisible(False)
        self.trail.setAlternatingRowColors(True)
        self.trail.horizontalHeader().setStretchLastSection(True)
        self.trail_entries: list[audit_trail.TrailEntry] = []
        trail_row = QHBoxLayout()
        trail_row.addWidget(self.trail_hint, 1)
        trail_row.addWidget(self.trail_refresh)
        trail_layout = QVBoxLayout(self.trail_box)
        trail_layout.addLayout(trail_row)
        trail_layout.addWidget(self.trail, 1)
        self.trail_box.setVisible(allowed(role, Permission.READ_AUDIT_TRAIL))

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.verify_box, 1)
        layout.addWidget(self.trail_box, 1)
        layout.addWidget(self.checkpoint_box)
        show_message(self.result, "")
        show_message(self.checkpoint_message, "")
        self.warnings.setVisible(False)
        self._retranslate()
        self.load_trail()

    def _retranslate(self) -> None:
        self.heading.setText(t("Integrity"))
        self.verify_box.setTitle(t("Integrity check"))
        self.verify_hint.setText(t(
            "Re-reads the whole custody log: every hash link, the Merkle checkpoints, and what the screens show "
            "against what was signed. Signatures are checked from the last clean run unless you tick the box."))
        self.full_check.setText(t("Check &every signature again (slower)"))
        self.verify_button.setText(t("Check &integrity"))
        self.cancel_button.setText(t("&Stop the check"))
        self.print_button.setText(t("&Print the audit report…"))
        self.checkpoint_box.setTitle(t("Checkpoints"))
        self.checkpoint_hint.setText(t(
            "A checkpoint copied outside this computer, or countersigned by an auditor, proves later that the log "
            "was not rewritten or replaced by an older copy."))
        self.witness_button.setText(t("&Witness the checkpoint"))
        self.export_button.setText(t("E&xport the checkpoint…"))
        self.problems.setHorizontalHeaderLabels([t(h) for h in PROBLEM_HEADERS])
        self.trail_box.setTitle(t("Application audit trail"))
        self.trail_hint.setText(t(
            "Sign-ins, failed sign-ins, locks, exports, printed documents, backups and settings changes, each "
            "signed in the custody log. Newest last."))
        self.trail_refresh.setText(t("&Refresh"))
        self.trail.setHorizontalHeaderLabels([t(h) for h in TRAIL_HEADERS])
        if self.report is not None:
            self._show(self.report)
        self._fill_trail()

    # ---- verification --------------------------------------------------------------------------------------

    def running(self) -> bool:
        return self._running

    def verify(self) -> None:
        if self._running:
            return
        self._running = True
        self._set_busy(True)
        show_message(self.result, t("Checking…"), kind="info")
        self.progress.setRange(0, 0)  # busy until the first progress report gives a total
        self.progress.setVisible(True)
        session, full = self._session, self.full_check.isChecked() and self._session.role in FULL_VERIFY_ROLES

        def work(reader: Session, progress: Progress) -> VerificationReport:
            return audit.verify_vault(reader, full=full, progress=progress)

        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._token = run_long(self, session, work, self._verified, self._verify_failed, self._progressed)

    def cancel(self) -> None:
        """Stop a running check at its next progress report (nothing is recorded)."""
        if self._token is not None:
            self._token.cancel()
            self.cancel_button.setEnabled(False)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _verified(self, report: VerificationReport) -> None:
        self._running = False
        self._token = None
        self.cancel_button.setVisible(False)
        self._set_busy(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.report = report
        self._show(report)
        self.verified.emit(bool(report))

    def _verify_failed(self, error: UserFacingError) -> None:
        self._running = False
        self._token = None
        self.cancel_button.setVisible(False)
        self._set_busy(False)
        self.progress.setVisible(False)
        show_message(self.result, error.message(), kind="info" if isinstance(error, CancelledError) else "error")

    def _set_busy(self, busy: bool) -> None:
        for button in (self.verify_button, self.witness_button, self.export_button):
            button.setEnabled(not busy)
        self.print_button.setEnabled(not busy and self.report is not None)
        self.full_check.setEnabled(not busy)

    def _show(self, report: VerificationReport) -> None:
        if report:
            show_message(self.result, "✓ " + tr("verify.ok", events=report.size, root=report.root.hex()[:16]),
                         kind="ok")
        else:
            show_message(self.result, "✗ " + tr("verify.problems", count=len(report.problems), events=report.size))
        self.problems.setRowCount(len(report.problems))
        for row, problem in enumerate(report.problems):
            values = ("" if problem.seq is None else str(problem.seq), problem.item or "", problem.message())
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)  # plain text: details quote what an attacker may have written
                cell.setToolTip(plain_tooltip(value) or "")
                self.problems.setItem(row, column, cell)
        self.problems.resizeRowsToContents()
        self.problems.setVisible(bool(report.problems))
        self._verify_layout.setStretch(self._verify_layout.count() - 1, 0 if report.problems else 1)
        self.warnings.setText("\n".join("⚠ " + tr(w) for w in report.warnings))
        self.warnings.setVisible(bool(report.warnings))
        self.print_button.setEnabled(True)

    def problem_rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for row in range(self.problems.rowCount()):
            cells = [self.problems.item(row, c) for c in range(3)]
            a, b, c = (cell.text() if cell is not None else "" for cell in cells)
            rows.append((a, b, c))
        return rows

    # ---- the application audit trail ------------------------------------------------------------------------

    def load_trail(self) -> None:
        """Read the newest entries on the operations thread, then fill the table."""
        if not allowed(self._session.role, Permission.READ_AUDIT_TRAIL):
            return
        session = self._session
        self.trail_refresh.setEnabled(False)
        run_op(self, lambda: audit_trail.trail(session, limit=TRAIL_ROWS), self._trail_loaded,
               self._trail_failed)

    def _trail_loaded(self, entries: list[audit_trail.TrailEntry]) -> None:
        self.trail_refresh.setEnabled(True)
        self.trail_entries = entries
        self._fill_trail()

    def _trail_failed(self, error: UserFacingError) -> None:
        self.trail_refresh.setEnabled(True)
        show_message(self.result, error.message())

    def _fill_trail(self) -> None:
        lang = current_language()
        self.trail.setRowCount(len(self.trail_entries))
        for row, e in enumerate(self.trail_entries):
            values = (str(e.seq), e.time[:19].replace("T", " "), e.actor, kind_label(e.kind, lang),
                      audit_trail.describe(e, lang))
            for column, value in enumerate(values):
                self.trail.setItem(row, column, QTableWidgetItem(value))   # plain text, never rich text
        self.trail.resizeColumnsToContents()
        if self.trail_entries:
            self.trail.scrollToBottom()

    def trail_rows(self) -> list[tuple[str, ...]]:
        return [tuple((self.trail.item(r, c).text() if self.trail.item(r, c) else "")  # type: ignore[union-attr]
                      for c in range(len(TRAIL_HEADERS))) for r in range(self.trail.rowCount())]

    # ---- documents and checkpoints -------------------------------------------------------------------------

    def print_report(self) -> None:
        report = self.report
        if report is None:
            return
        session = self._session
        preview_document(self, lambda out: reports.audit(session, report, out), t("Audit report"),
                         f"bao-cao-kiem-tra-{report.size}.pdf", session.paths.root, self._opened,
                         lambda e: show_message(self.result, e.message()),
                         record=print_recorder(session, "audit", f"size-{report.size}"))

    def _opened(self, dialog: PdfPreviewDialog) -> None:
        self.preview = dialog

    def witness(self) -> None:
        session = self._session
        self._set_busy(True)
        show_message(self.checkpoint_message, t("Checking every signature, then countersigning…"), kind="info")
        run_op(self, lambda: audit.witness_checkpoint(session), self._witnessed, self._checkpoint_failed)

    def _witnessed(self, checkpoint: Any) -> None:
        self._set_busy(False)
        show_message(self.checkpoint_message, t("Witnessed the checkpoint of {size} events (root {root}).",
                                                size=checkpoint.size, root=checkpoint.root.hex()[:16]), kind="ok")

    def ask_export(self) -> None:
        name = f"diem-kiem-tra-{self._session.office_code}.txt"
        ask_save_path(self, name, self.export_to, title=t("Export the checkpoint"),
                      name_filter=t("Checkpoint notes (*.txt)"), suffix="txt")

    def export_to(self, path: Path) -> None:
        session = self._session
        self._set_busy(True)

        def work() -> tuple[Any, Path]:
            target = check_output(path, session.paths.root)
            return audit.export_checkpoint(session, target), target

        run_op(self, work, self._exported, self._checkpoint_failed)

    def _exported(self, result: tuple[Any, Path]) -> None:
        checkpoint, path = result
        self._set_busy(False)
        show_message(self.checkpoint_message, tr("cli.checkpoint_exported", path=str(path), size=checkpoint.size),
                     kind="ok")

    def _checkpoint_failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        show_message(self.checkpoint_message, error.message())
