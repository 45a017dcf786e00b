"""Norms and the working calendar for administrators: delivery-time norms, working hours, days off and make-up
working days (as the CLI's `holiday builtin|add|remove`). Every change is a signed event; open items get new due
times at once (services.norms, services.workdays)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.norms import Norm
from securemail.errors import UserFacingError
from securemail.gui.admin_forms import AddDayDialog, NormDialog, RemoveDayDialog, StatutoryDialog
from securemail.gui.flow_layout import FlowRow
from securemail.gui.list_tables import fill_rows, list_table
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, t
from securemail.gui.widgets import labelled, lbl, named, show_message
from securemail.services import norms, workdays
from securemail.services.session import Session
from securemail.services.workdays import CalendarDay

NORM_HEADERS = (N_("Service"), N_("Scope"), N_("Target"), N_("Basis"))
DAY_HEADERS = (N_("Day"), N_("Kind"), N_("Name"), N_("Basis"))
Loaded = tuple[list[Norm], str, list[CalendarDay]]


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = list_table(name, len(headers))
    table.setMinimumHeight(140)
    return table


def norm_target(norm: Norm) -> str:
    if norm.working_days_tenths is None:
        return t("at the appointed time, at least {hours} h ahead", hours=norm.min_lead_hours or 0)
    return t("{days} working day(s)", days=f"{norm.working_days_tenths / 10:g}")


class CalendarPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPage")
        self._session = session
        self._norms: list[Norm] = []
        self._days: list[CalendarDay] = []
        self.message = named(QLabel(), "calendarMessage")
        self.message.setWordWrap(True)
        self.norms_box = QGroupBox()
        self.norms_table = _table("normsTable", NORM_HEADERS)
        self.edit_norm_button = named(QPushButton(), "editNormButton")
        self.edit_norm_button.clicked.connect(self.open_norm)
        norms_layout = QVBoxLayout(self.norms_box)
        norms_layout.addWidget(self.norms_table)
        norms_layout.addWidget(FlowRow([self.edit_norm_button]))

        self.hours_box = QGroupBox()
        self.hours_edit = named(QLineEdit(), "workingHours")
        self.hours_edit.setPlaceholderText("07:30-11:30,13:00-17:00")
        self.hours_label = labelled("", self.hours_edit)
        self.hours_button = named(QPushButton(), "saveWorkingHours")
        self.hours_button.clicked.connect(self.save_hours)
        self.hours_edit.returnPressed.connect(self.save_hours)
        hours_row = QHBoxLayout(self.hours_box)
        hours_row.addWidget(self.hours_label)
        hours_row.addWidget(self.hours_edit, 1)
        hours_row.addWidget(self.hours_button)

        self.days_box = QGroupBox()
        self.year_spin = named(QSpinBox(), "calendarYear")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(session.clock.now().year)
        self.year_label = labelled("", self.year_spin)
        self.year_spin.valueChanged.connect(lambda _: self.refresh())
        self.days_table = _table("daysTable", DAY_HEADERS)
        self.statutory_button = named(QPushButton(), "statutoryButton")
        self.add_day_button = named(QPushButton(), "addDayButton")
        self.remove_day_button = named(QPushButton(), "removeDayButton")
        self.statutory_button.clicked.connect(self.open_statutory)
        self.add_day_button.clicked.connect(self.open_add_day)
        self.remove_day_button.clicked.connect(self.open_remove_day)
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_label)
        year_row.addWidget(self.year_spin)
        year_row.addStretch(1)
        days_layout = QVBoxLayout(self.days_box)
        days_layout.addLayout(year_row)
        days_layout.addWidget(self.days_table)
        days_layout.addWidget(FlowRow([self.statutory_button, self.add_day_button, self.remove_day_button]))

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.norms_box)
        layout.addWidget(self.hours_box)
        layout.addWidget(self.days_box, 1)
        show_message(self.message, "")
        self.retranslate()

    def retranslate(self) -> None:
        self.norms_box.setTitle(t("Delivery-time norms"))
        self.edit_norm_button.setText(t("Edit the &norm…"))
        self.hours_box.setTitle(t("Working hours"))
        self.hours_label.setText(t("H&ours:"))
        self.hours_edit.setAccessibleName(t("Working hours"))
        self.hours_button.setText(t("Save the hour&s"))
        self.days_box.setTitle(t("Days off and make-up working days"))
        self.year_label.setText(t("Y&ear:"))
        self.year_spin.setAccessibleName(t("Year"))
        self.statutory_button.setText(t("Re&cord the statutory days off…"))
        self.add_day_button.setText(t("Add a day off or &working day…"))
        self.remove_day_button.setText(t("Remove the selected da&y…"))
        self.norms_table.setHorizontalHeaderLabels([t(h) for h in NORM_HEADERS])
        self.days_table.setHorizontalHeaderLabels([t(h) for h in DAY_HEADERS])
        self._show()

    # ---- data ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        session, year = self._session, self.year_spin.value()

        def work() -> Loaded:
            return norms.list_norms(session), norms.get_setting(session, "working_hours"), \
                workdays.list_days(session, year)

        run_op(self, work, self._loaded, self._failed)

    def _loaded(self, loaded: Loaded) -> None:
        self._norms, hours, self._days = loaded
        if not self.hours_edit.isModified():
            self.hours_edit.setText(hours)
        self._show()

    def _failed(self, error: UserFacingError) -> None:
        show_message(self.message, error.message())

    def _show(self) -> None:
        fill_rows(self.norms_table, [
            (lbl(norm.service), lbl(norm.scope), norm_target(norm),
             norm.source + (" " + t("(default)") if norm.is_default else "")) for norm in self._norms])
        fill_rows(self.days_table, [
            (day.day.strftime("%d/%m/%Y"), t("make-up working day") if day.kind == "work" else t("day off"),
             day.name or "", day.source) for day in self._days])

    def _saved(self, text: str) -> None:
        show_message(self.message, text, kind="ok")
        self.refresh()

    # ---- changes -------------------------------------------------------------------------------------------

    def selected_norm(self) -> Norm | None:
        row = self.norms_table.currentRow()
        return self._norms[row] if 0 <= row < len(self._norms) else None

    def selected_day(self) -> date | None:
        row = self.days_table.currentRow()
        return self._days[row].day if 0 <= row < len(self._days) else None

    def open_norm(self) -> NormDialog | None:
        norm = self.selected_norm()
        if norm is None:
            show_message(self.message, t("Choose a norm in the list first."))
            return None
        dialog = NormDialog(self._session, norm, self)
        dialog.saved.connect(lambda: self._saved(t("Norm saved; due times of open items were updated.")))
        dialog.open()
        return dialog

    def save_hours(self) -> None:
        session, text = self._session, self.hours_edit.text()

        def done(_: object) -> None:
            self.hours_edit.setModified(False)
            self._saved(t("Working hours saved; due times of open items were updated."))

        run_op(self, lambda: norms.set_setting(session, "working_hours", text), done, self._failed)

    def open_statutory(self) -> StatutoryDialog:
        dialog = StatutoryDialog(self._session, self.year_spin.value(), self)
        dialog.saved.connect(lambda: self._saved(t("Statutory days off recorded.")))
        dialog.open()
        return dialog

    def open_add_day(self) -> AddDayDialog:
        dialog = AddDayDialog(self._session, self.year_spin.value(), self)
        dialog.saved.connect(lambda: self._saved(t("Day added to the calendar.")))
        dialog.open()
        return dialog

    def open_remove_day(self) -> RemoveDayDialog | None:
        day = self.selected_day()
        if day is None:
            show_message(self.message, t("Choose a day in the list first."))
            return None
        dialog = RemoveDayDialog(self._session, day, self)
        dialog.saved.connect(lambda: self._saved(t("Day removed from the calendar.")))
        dialog.open()
        return dialog
