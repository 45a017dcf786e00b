"""The intake form at the counter: keyboard first, scanner friendly, and it never loses what was typed.

Saving calls services.items.accept_item; a BadInputError names its field, which is highlighted and focused.
An item imported from a partner's bundle is chosen at the top (gui.imported_intake): the form fills itself and
saving accepts it from the imported data (services.imported_items.accept_imported).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QMessageBox, QWidget

from securemail.clock import ICT
from securemail.domain.enums import Scope, Secrecy, ServiceClass, Urgency
from securemail.errors import UserFacingError
from securemail.gui.form_draft import Draft, restore_draft, take_draft
from securemail.gui.imported_intake import ImportedChooser
from securemail.gui.ops import run_op
from securemail.gui.pdf_preview import PdfPreviewDialog, preview_document
from securemail.gui.pdf_print import print_recorder
from securemail.gui.strings import t
from securemail.gui.translator import Retranslating
from securemail.gui.ui_intake_form import Ui_IntakeForm
from securemail.gui.widgets import FieldErrors, fill_enum_combo, fmt_time, mark_field, named, shortcut, show_message
from securemail.i18n import tr
from securemail.services import directory, imported_items, items, reports
from securemail.services.directory import Agency
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.imported import ImportableItem
from securemail.services.session import Session

VN_ZONE = QTimeZone(7 * 3600)


def agency_code(combo: QComboBox) -> str:
    """The agency code chosen or typed in an editable combo ("CODE - Name", or just a code)."""
    text = combo.currentText().strip()
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    if index >= 0 and combo.itemData(index):
        return str(combo.itemData(index))
    return text.split(" - ", 1)[0].strip()


class IntakeForm(Retranslating, QWidget):
    accepted = Signal(str)  # tracking number of the item just recorded

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._saving = False
        self.preview: PdfPreviewDialog | None = None  # the last receipt preview opened after a save
        self._ui = Ui_IntakeForm()
        self._ui.setupUi(self)
        ui = self._ui
        ui.printReceiptCheck.setVisible(allowed(session.role, Permission.PRINT_RECEIPT))
        # Độ khẩn marked on the document (NĐ 30/2020), apart from the KT1 service class: the Hỏa tốc delegate rule
        # reads it. Built here rather than in the Designer form: one row after the service class.
        self.urgency_combo = named(QComboBox(), "urgencyCombo")
        self.urgency_label = QLabel()
        self.urgency_label.setBuddy(self.urgency_combo)
        ui.handlingForm.insertRow(2, self.urgency_label, self.urgency_combo)
        self.imported = ImportedChooser(session, self)
        self._imported: str | None = None        # the tracking number of the imported item the form shows
        ui.mainLayout.insertWidget(0, self.imported)
        self.imported.chosen.connect(self.fill_from_imported)
        self._errors = FieldErrors({
            "tracking": ui.trackingEdit, "sender_agency": ui.senderCombo, "recipient_agency": ui.recipientCombo,
            "secrecy": ui.secrecyCombo, "service": ui.serviceCombo, "scope": ui.scopeCombo,
            "urgency": self.urgency_combo, "appointed_at": ui.appointedEdit, "doc_ref": ui.docRefEdit,
            "named_recipient": ui.namedRecipientEdit,
            "named_only": ui.namedOnlyCheck, "envelopes": ui.envelopesSpin, "weight_grams": ui.weightSpin,
            "seal_numbers": ui.sealsEdit, "description": ui.descriptionEdit, "notes": ui.notesEdit,
            "sender_person": ui.senderPersonEdit, "sender_person_id": ui.senderPersonIdEdit,
        }, ui.errorLabel)
        for combo in (ui.senderCombo, ui.recipientCombo):
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.setMinimumContentsLength(28)
            completer = QCompleter(combo.model(), combo)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            combo.setCompleter(completer)
        ui.appointedEdit.setTimeZone(VN_ZONE)
        self._fill_choices()
        ui.serviceCombo.currentIndexChanged.connect(self._update_enabled)
        ui.secrecyCombo.currentIndexChanged.connect(self._update_enabled)
        ui.descriptionEdit.textChanged.connect(self._update_enabled)
        ui.trackingEdit.returnPressed.connect(self._scanned)
        ui.saveButton.clicked.connect(self.save)
        ui.clearButton.clicked.connect(self.ask_clear)
        for sequence in (QKeySequence(QKeySequence.StandardKey.Save), QKeySequence("Ctrl+Return")):
            shortcut(sequence, self, self.save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.ask_clear,
                 context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for widget in self._errors_widgets():
            _clear_mark_on_edit(widget)
        show_message(ui.errorLabel, "")
        show_message(ui.resultLabel, "")
        self._reset_appointed()
        self._update_enabled()

    def _errors_widgets(self) -> list[QWidget]:
        ui = self._ui
        return [ui.trackingEdit, ui.senderCombo, ui.recipientCombo, ui.appointedEdit, ui.docRefEdit,
                ui.namedRecipientEdit, ui.sealsEdit, ui.descriptionEdit, ui.notesEdit, ui.senderPersonEdit,
                ui.senderPersonIdEdit, ui.envelopesSpin, ui.weightSpin, ui.secrecyCombo, ui.serviceCombo,
                self.urgency_combo]

    def _fill_choices(self) -> None:
        ui = self._ui
        fill_enum_combo(ui.secrecyCombo, Secrecy)
        fill_enum_combo(ui.serviceCombo, ServiceClass)
        fill_enum_combo(ui.scopeCombo, Scope)
        fill_enum_combo(self.urgency_combo, Urgency)
        self.urgency_label.setText(t("Urgency mark"))

    def _retranslate(self) -> None:  # the first texts: setupUi, _fill_choices and _update_enabled in __init__
        self._ui.retranslateUi(self)
        self.imported.retranslate()
        self._fill_choices()
        self._update_enabled()

    # ---- agencies ------------------------------------------------------------------------------------------

    def start(self) -> None:
        session = self._session
        run_op(self, lambda: directory.list_agencies(session), self.set_agencies, self._errors.show)
        self.imported.refresh()

    def fill_from_imported(self, row: ImportableItem | None) -> None:
        """The partner's data in the form (read-only where it is theirs); None: back to typing a new item."""
        ui = self._ui
        self.clear_form(keep_imported=True)
        self._imported = None if row is None else row.tracking
        if row is None:
            for widget in self._partner_fields():
                widget.setEnabled(True)
            self._update_enabled()
            return
        ui.trackingEdit.setText(row.tracking)
        for combo, value in ((ui.senderCombo, row.sender_agency), (ui.recipientCombo, row.recipient_agency)):
            index = combo.findData(value)
            combo.setCurrentIndex(index)
            if index < 0:
                combo.setEditText(value or "")
        for combo, value in ((ui.secrecyCombo, row.secrecy), (ui.serviceCombo, row.service), (ui.scopeCombo, row.scope),
                             (self.urgency_combo, row.urgency)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        ui.namedRecipientEdit.setText(row.named_recipient or "")
        ui.namedOnlyCheck.setChecked(row.named_only)
        ui.docRefEdit.setText(row.doc_ref or "")
        ui.envelopesSpin.setValue(row.envelopes or 1)
        ui.weightSpin.setValue(row.weight_grams or 0)
        ui.sealsEdit.setText(row.seal_numbers or "")
        ui.descriptionEdit.setPlainText(row.description or "")
        ui.notesEdit.setPlainText(row.notes or "")
        for widget in self._partner_fields():      # last: filling the service re-enables what it governs
            widget.setEnabled(False)
        ui.senderPersonEdit.setFocus()

    def _partner_fields(self) -> list[QWidget]:
        ui = self._ui
        return [ui.trackingEdit, ui.senderCombo, ui.recipientCombo, ui.secrecyCombo, ui.serviceCombo, ui.scopeCombo,
                self.urgency_combo, ui.appointedEdit, ui.namedRecipientEdit, ui.namedOnlyCheck, ui.docRefEdit,
                ui.envelopesSpin, ui.weightSpin, ui.sealsEdit, ui.descriptionEdit, ui.notesEdit]

    def set_agencies(self, agencies: list[Agency]) -> None:
        for combo in (self._ui.senderCombo, self._ui.recipientCombo):
            typed = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            for agency in agencies:
                combo.addItem(f"{agency.code} - {agency.name}", agency.code)
            combo.setCurrentIndex(-1)
            combo.setEditText(typed)
            combo.blockSignals(False)

    # ---- behaviour -----------------------------------------------------------------------------------------

    def _update_enabled(self) -> None:
        ui = self._ui
        hen_gio = ui.serviceCombo.currentData() == ServiceClass.HEN_GIO.value
        ui.appointedEdit.setEnabled(hen_gio)
        tuyet_mat = ui.secrecyCombo.currentData() == Secrecy.TUYET_MAT.value
        has_text = bool(ui.descriptionEdit.toPlainText())
        # Tuyệt mật carries no description. Typed text is kept (and stays editable) so the user can see it
        # and delete it; an empty field is simply switched off.
        ui.descriptionEdit.setEnabled(not tuyet_mat or has_text)
        ui.descriptionEdit.setPlaceholderText(t("Tuyệt mật items carry no description.") if tuyet_mat else "")
        if tuyet_mat:  # travels in an inner and an outer envelope
            needed = Secrecy.TUYET_MAT.envelopes_required
            ui.envelopesSpin.setValue(max(ui.envelopesSpin.value(), needed))

    def _reset_appointed(self) -> None:
        now = self._session.clock.now() + timedelta(days=1)
        self._ui.appointedEdit.setDateTime(QDateTime.fromSecsSinceEpoch(int(now.timestamp()), VN_ZONE))

    def _scanned(self) -> None:
        """A USB scanner types the number and Enter: tidy it and move on to the next field."""
        edit = self._ui.trackingEdit
        edit.setText(edit.text().strip().upper())
        self._ui.senderCombo.setFocus(Qt.FocusReason.TabFocusReason)

    def raw_input(self) -> dict[str, Any]:
        """The form as the loosely typed mapping accept_item validates (the service decides what is valid)."""
        ui = self._ui
        appointed: datetime | None = None
        if ui.appointedEdit.isEnabled():
            appointed = datetime.fromtimestamp(ui.appointedEdit.dateTime().toSecsSinceEpoch(), tz=ICT)
        return {
            "tracking": ui.trackingEdit.text(),
            "sender_agency": agency_code(ui.senderCombo),
            "sender_person": ui.senderPersonEdit.text(),
            "sender_person_id": ui.senderPersonIdEdit.text(),
            "recipient_agency": agency_code(ui.recipientCombo),
            "named_recipient": ui.namedRecipientEdit.text(),
            "named_only": ui.namedOnlyCheck.isChecked(),
            "doc_ref": ui.docRefEdit.text(),
            "secrecy": ui.secrecyCombo.currentData(),
            "service": ui.serviceCombo.currentData(),
            "scope": ui.scopeCombo.currentData(),
            "urgency": self.urgency_combo.currentData(),
            "appointed_at": appointed,
            "envelopes": ui.envelopesSpin.value(),
            "weight_grams": ui.weightSpin.value() or None,
            "seal_numbers": ui.sealsEdit.text(),
            "description": ui.descriptionEdit.toPlainText(),
            "notes": ui.notesEdit.toPlainText(),
        }

    def save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self._ui.saveButton.setEnabled(False)
        self._errors.clear()
        show_message(self._ui.resultLabel, "")
        session, raw = self._session, self.raw_input()

        imported = self._imported

        def work() -> tuple[str, str]:
            if imported is not None:     # the partner's data; the messenger who brought it is typed here
                messenger = items.ExternalPerson(str(raw["sender_person"]), str(raw["sender_person_id"]) or None,
                                                 None) if str(raw["sender_person"]).strip() else None
                tracking = imported_items.accept_imported(session, imported, messenger=messenger)
            else:
                tracking = items.accept_item(session, raw)
            return tracking, items.item_row(session, tracking).due_at or ""

        run_op(self, work, self._saved, self._failed)

    def _saved(self, result: tuple[str, str]) -> None:
        tracking, due = result
        self._saving = False
        self._ui.saveButton.setEnabled(True)
        show_message(self._ui.resultLabel, tr("cli.accepted", tracking=tracking, due=fmt_time(due) or "-"),
                     kind="ok")
        self.clear_form(keep_result=True)
        self.imported.refresh()
        self.accepted.emit(tracking)
        if self._ui.printReceiptCheck.isChecked() and allowed(self._session.role, Permission.PRINT_RECEIPT):
            self.print_receipt(tracking)

    def print_receipt(self, tracking: str) -> None:
        """Open the print preview of an item's receipt (the item is saved: a failure here only shows)."""
        session = self._session

        def failed(error: UserFacingError) -> None:
            show_message(self._ui.errorLabel, error.message())

        preview_document(self, lambda out: reports.receipt(session, tracking, out),
                         t("Receipt {tracking}", tracking=tracking), f"bien-nhan-{tracking}.pdf", session.paths.root,
                         self._preview_opened, failed, record=print_recorder(session, "receipt", tracking))

    def _preview_opened(self, dialog: PdfPreviewDialog) -> None:
        self.preview = dialog

    def _failed(self, error: UserFacingError) -> None:
        self._saving = False
        self._ui.saveButton.setEnabled(True)
        self._errors.show(error)  # highlights the field; nothing typed is cleared

    def clear_form(self, *, keep_result: bool = False, keep_imported: bool = False) -> None:
        ui = self._ui
        if not keep_imported:
            self._imported = None
            self.imported.reset()
            for widget in self._partner_fields():
                widget.setEnabled(True)
        for edit in (ui.trackingEdit, ui.senderPersonEdit, ui.senderPersonIdEdit, ui.namedRecipientEdit,
                     ui.docRefEdit, ui.sealsEdit):
            edit.clear()
        ui.descriptionEdit.clear()
        ui.notesEdit.clear()
        ui.namedOnlyCheck.setChecked(False)
        for combo in (ui.senderCombo, ui.recipientCombo):
            combo.setCurrentIndex(-1)
            combo.setEditText("")
        for combo in (ui.secrecyCombo, ui.serviceCombo, ui.scopeCombo, self.urgency_combo):
            combo.setCurrentIndex(0)
        ui.envelopesSpin.setValue(1)
        ui.weightSpin.setValue(0)
        self._reset_appointed()
        self._update_enabled()
        self._errors.clear()
        if not keep_result:
            show_message(ui.resultLabel, "")
        ui.trackingEdit.setFocus(Qt.FocusReason.OtherFocusReason)

    def ask_clear(self) -> QMessageBox | None:
        """Ctrl+N and Clear: a form with typed text is cleared only after a question whose default is No."""
        if not self.draft().typed():
            self.clear_form()
            return None
        box = QMessageBox(QMessageBox.Icon.Question, t("Clear the form"),
                          t("Clear everything typed in this form? It has not been saved."), parent=self)
        box.setObjectName("clearQuestion")
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(t("C&lear the form"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(t("&Keep it"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes.clicked.connect(lambda: self.clear_form())  # noqa: PLW0108 - clicked(bool) must not reach clear_form
        box.open()
        return box

    def draft(self) -> Draft:
        return take_draft(self)

    def restore(self, draft: Draft) -> None:
        restore_draft(self, draft)
        self._update_enabled()

    def marked_fields(self) -> list[str]:
        return self._errors.marked()

    @property
    def ui(self) -> Ui_IntakeForm:
        return self._ui


def _clear_mark_on_edit(widget: QWidget) -> None:
    """Once the user edits a highlighted field, the highlight goes (the message stays until the next save)."""
    for name in ("textEdited", "textChanged", "currentIndexChanged", "valueChanged", "dateTimeChanged"):
        signal = getattr(widget, name, None)
        if signal is not None:
            signal.connect(lambda *_, w=widget: mark_field(w, False))
            return
