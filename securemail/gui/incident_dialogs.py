"""Report an incident on an item, and (for auditors) close one (services.incidents)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import IncidentKind
from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.widgets import (
    FieldErrors,
    PlainLabel,
    button_row,
    enter_confirms,
    fmt_time,
    lbl,
    named,
    show_message,
)
from securemail.services import incidents
from securemail.services.queries.incidents import IncidentRecord
from securemail.services.session import Session


class ReportIncidentDialog(QDialog):
    recorded = Signal(int)

    def __init__(self, session: Session, tracking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportIncidentDialog")
        self.setWindowTitle(t("Report an incident"))
        self.resize(520, 320)
        self._session = session
        self._tracking = tracking
        self._busy = False
        self.kind_combo = named(QComboBox(), "incidentKind")
        for kind in IncidentKind:
            self.kind_combo.addItem(lbl(kind), kind.value)
        self.description_edit = named(QPlainTextEdit(), "incidentDescription")
        self.message = named(QLabel(), "incidentMessage")
        self.confirm_button = named(QPushButton(t("&Record the incident")), "incidentConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "incidentCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        form = QFormLayout()
        kind_label = QLabel(t("&Kind"))
        kind_label.setBuddy(self.kind_combo)
        text_label = QLabel(t("&What happened"))
        text_label.setBuddy(self.description_edit)
        form.addRow(kind_label, self.kind_combo)
        form.addRow(text_label, self.description_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(PlainLabel(t("Item {tracking}: the incident is signed and the item stays flagged until an "
                                      "auditor closes it.", tracking=tracking), wrap=True))
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm_button, self.cancel_button))
        enter_confirms(self, self.confirm_button)
        self._errors = FieldErrors({"kind": self.kind_combo, "description": self.description_edit}, self.message)
        show_message(self.message, "")

    def choose(self, kind: IncidentKind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def confirm(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.confirm_button.setEnabled(False)
        self._errors.clear()
        session, tracking = self._session, self._tracking
        kind, text = str(self.kind_combo.currentData()), self.description_edit.toPlainText()
        run_op(self, lambda: incidents.report_incident(session, tracking, kind, text), self._done, self._failed)

    def _done(self, incident_id: int) -> None:
        self._busy = False
        self.recorded.emit(incident_id)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.confirm_button.setEnabled(True)
        self._errors.show(error)


class CloseIncidentDialog(QDialog):
    closed = Signal(int)

    def __init__(self, session: Session, tracking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closeIncidentDialog")
        self.setWindowTitle(t("Close an incident"))
        self.resize(560, 320)
        self._session = session
        self._tracking = tracking
        self._busy = False
        self.incident_combo = named(QComboBox(), "incidentChoice")
        self.incident_combo.setMinimumContentsLength(40)
        self.note_edit = named(QPlainTextEdit(), "incidentNote")
        self.message = named(QLabel(), "closeIncidentMessage")
        self.message.setWordWrap(True)
        self.confirm_button = named(QPushButton(t("C&lose the incident")), "closeIncidentConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "closeIncidentCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.setEnabled(False)
        form = QFormLayout()
        which_label = QLabel(t("&Incident"))
        which_label.setBuddy(self.incident_combo)
        note_label = QLabel(t("Closing &note"))
        note_label.setBuddy(self.note_edit)
        form.addRow(which_label, self.incident_combo)
        form.addRow(note_label, self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm_button, self.cancel_button))
        enter_confirms(self, self.confirm_button)
        self._errors = FieldErrors({"text": self.note_edit}, self.message)
        show_message(self.message, "")

    def start(self) -> None:
        session, tracking = self._session, self._tracking
        run_op(self, lambda: incidents.list_incidents(session, open_only=True, tracking=tracking), self._loaded,
               self._errors.show)

    def _loaded(self, rows: list[IncidentRecord]) -> None:
        self.incident_combo.clear()
        for row in rows:
            try:
                kind = lbl(IncidentKind(row.kind))
            except ValueError:
                kind = row.kind
            description = " ".join(row.description.split())
            if len(description) > 80:
                description = description[:79] + "…"
            self.incident_combo.addItem(f"#{row.id} {fmt_time(row.opened_at)} - {kind}: {description}", row.id)
        self.confirm_button.setEnabled(bool(rows))
        if not rows:
            show_message(self.message, t("This item has no open incident."), kind="info")

    def confirm(self) -> None:
        incident_id = self.incident_combo.currentData()
        if self._busy or incident_id is None:
            return
        self._busy = True
        self.confirm_button.setEnabled(False)
        self._errors.clear()
        session, note, chosen = self._session, self.note_edit.toPlainText(), int(incident_id)
        run_op(self, lambda: incidents.close_incident(session, chosen, note), lambda _: self._done(chosen),
               self._failed)

    def _done(self, incident_id: int) -> None:
        self._busy = False
        self.closed.emit(incident_id)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.confirm_button.setEnabled(True)
        self._errors.show(error)
