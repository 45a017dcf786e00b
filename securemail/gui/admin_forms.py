"""Administrators' small forms: add or edit users and agencies, reset a password, change a role or agency,
edit a norm, add or remove a day of the working calendar. Each save is one service call on the operations
thread; an error highlights the field it names and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import Role, ServiceClass
from securemail.domain.norms import Norm
from securemail.errors import BadInputError, UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, t
from securemail.gui.widgets import (
    FieldErrors,
    PlainLabel,
    button_row,
    enter_confirms,
    labelled,
    lbl,
    named,
    show_message,
)
from securemail.services import directory, norms, workdays
from securemail.services.directory import Agency
from securemail.services.session import Session, UserInfo


class FormDialog(QDialog):
    """A small form whose save runs a service call; errors highlight the named field, nothing is cleared."""

    saved = Signal()

    def __init__(self, title: str, parent: QWidget | None = None, *, intro: str = "",
                 save_text: str | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.message = named(QLabel(), "formMessage")
        self.message.setWordWrap(True)
        self.save_button = named(QPushButton(save_text or t("&Save")), "formSave")
        self.cancel_button = named(QPushButton(t("Cancel")), "formCancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._save)
        layout = QVBoxLayout(self)
        if intro:
            layout.addWidget(named(PlainLabel(intro, wrap=True), "formIntro"))
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.save_button, self.cancel_button))
        enter_confirms(self, self.save_button)
        show_message(self.message, "")
        self.errors: FieldErrors | None = None
        self._busy = False

    def add_row(self, text: str, widget: QWidget) -> None:
        self.form.addRow(labelled(t(text), widget), widget)

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def _save(self) -> None:
        if self._busy:
            return
        try:
            fn = self.work()
        except UserFacingError as e:
            self._failed(e)
            return
        self._busy = True
        self.save_button.setEnabled(False)
        run_op(self, fn, self._done, self._failed)

    def _done(self, _: object) -> None:
        self._busy = False
        self.saved.emit()
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if self.errors is not None:
            self.errors.show(error)
        else:
            show_message(self.message, error.message())


def _secret(name: str) -> QLineEdit:
    return named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), name)


def _agency_combo(name: str, agencies: list[Agency], chosen: str | None) -> QComboBox:
    combo = named(QComboBox(), name)
    combo.addItem(t("(none)"), "")
    for agency in agencies:
        combo.addItem(f"{agency.code} - {agency.name}", agency.code)
    combo.setCurrentIndex(max(0, combo.findData(chosen or "")))
    return combo


class AddAgencyDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(t("Add an agency"), parent)
        self._session = session
        self.code_edit = named(QLineEdit(maxLength=32), "agencyCode")
        self.name_edit = named(QLineEdit(maxLength=300), "agencyName")
        self.province_edit = named(QLineEdit(maxLength=100), "agencyProvince")
        self.add_row(N_("&Code"), self.code_edit)
        self.add_row(N_("&Name"), self.name_edit)
        self.add_row(N_("&Province"), self.province_edit)
        self.errors = FieldErrors({"code": self.code_edit, "name": self.name_edit,
                                   "province": self.province_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, code, name = self._session, self.code_edit.text(), self.name_edit.text()
        province = self.province_edit.text() or None
        return lambda: directory.add_agency(session, code, name=name, province=province)


class EditAgencyDialog(FormDialog):
    def __init__(self, session: Session, agency: Agency, parent: QWidget | None = None) -> None:
        super().__init__(t("Edit agency {code}", code=agency.code), parent,
                         intro=t("The code stays; the change is signed and kept in the log."))
        self._session = session
        self._code = agency.code
        self.name_edit = named(QLineEdit(agency.name, maxLength=300), "agencyName")
        self.province_edit = named(QLineEdit(agency.province or "", maxLength=100), "agencyProvince")
        self.suburban_check = named(QCheckBox(t("Outside the inner &city (ngoại thành)")), "agencySuburban")
        self.suburban_check.setChecked(agency.suburban)
        self.add_row(N_("&Name"), self.name_edit)
        self.add_row(N_("&Province"), self.province_edit)
        self.form.addRow("", self.suburban_check)
        self.errors = FieldErrors({"name": self.name_edit, "province": self.province_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, code, name = self._session, self._code, self.name_edit.text()
        province, suburban = self.province_edit.text() or None, self.suburban_check.isChecked()
        return lambda: directory.edit_agency(session, code, name=name, province=province, suburban=suburban)


class AddUserDialog(FormDialog):
    def __init__(self, session: Session, agencies: list[Agency], parent: QWidget | None = None) -> None:
        super().__init__(t("Add a user"), parent)
        self._session = session
        self.username_edit = named(QLineEdit(maxLength=32), "newUsername")
        self.full_name_edit = named(QLineEdit(maxLength=200), "newFullName")
        self.role_combo = named(QComboBox(), "newRole")
        for role in Role:
            self.role_combo.addItem(lbl(role), role.value)
        self.agency_combo = _agency_combo("newAgency", agencies, None)
        self.password_edit = _secret("newPassword")
        self.repeat_edit = _secret("newPasswordRepeat")
        self.add_row(N_("&User name"), self.username_edit)
        self.add_row(N_("&Full name"), self.full_name_edit)
        self.add_row(N_("&Role"), self.role_combo)
        self.add_row(N_("&Agency (for secretaries)"), self.agency_combo)
        self.add_row(N_("&Initial password"), self.password_edit)
        self.add_row(N_("Repea&t the password"), self.repeat_edit)
        self.errors = FieldErrors({"username": self.username_edit, "full_name": self.full_name_edit,
                                   "role": self.role_combo, "agency": self.agency_combo,
                                   "password": self.password_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        if self.password_edit.text() != self.repeat_edit.text():
            raise BadInputError("input.password_mismatch", field="password")
        session = self._session
        username, full_name = self.username_edit.text(), self.full_name_edit.text()
        role, agency = str(self.role_combo.currentData()), self.agency_combo.currentData() or None
        password = self.password_edit.text()
        return lambda: directory.add_user(session, username, role=role, full_name=full_name, password=password,
                                          agency=agency)


class ResetPasswordDialog(FormDialog):
    """A new initial password for someone who forgot theirs; they must set their own at the next sign-in."""

    def __init__(self, session: Session, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(t("Reset the password of {name}", name=user.full_name), parent, intro=t(
            "{name} ({username}) gets a new signing key and this initial password, and must choose their own at "
            "the next sign-in. What they signed before stays valid.", name=user.full_name, username=user.username),
            save_text=t("&Reset the password"))
        self._session = session
        self._username = user.username
        self.password_edit = _secret("resetPassword")
        self.repeat_edit = _secret("resetPasswordRepeat")
        self.add_row(N_("&New initial password"), self.password_edit)
        self.add_row(N_("Repea&t the password"), self.repeat_edit)
        self.errors = FieldErrors({"password": self.password_edit, "repeat": self.repeat_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        if self.password_edit.text() != self.repeat_edit.text():
            raise BadInputError("input.password_mismatch", field="repeat")
        session, username, password = self._session, self._username, self.password_edit.text()
        return lambda: directory.reset_password(session, username, password)


class ChangeRoleDialog(FormDialog):
    """Another role (a new initial password with it) or another agency (the key and password stay)."""

    def __init__(self, session: Session, user: UserInfo, agencies: list[Agency],
                 parent: QWidget | None = None) -> None:
        super().__init__(t("Role and agency of {name}", name=user.full_name), parent, intro=t(
            "A new role needs a new initial password (the user chooses their own at the next sign-in). A new "
            "agency alone keeps their password."), save_text=t("&Change"))
        self._session = session
        self._user = user
        self.role_combo = named(QComboBox(), "changeRole")
        for role in Role:
            self.role_combo.addItem(lbl(role), role.value)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(user.role.value)))
        self.agency_combo = _agency_combo("changeAgency", agencies, user.agency)
        self.password_edit = _secret("changeRolePassword")
        self.add_row(N_("&Role"), self.role_combo)
        self.add_row(N_("&Agency (for secretaries)"), self.agency_combo)
        self.add_row(N_("&New initial password (only for a new role)"), self.password_edit)
        self.errors = FieldErrors({"role": self.role_combo, "agency": self.agency_combo,
                                   "password": self.password_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, username = self._session, self._user.username
        role, agency = str(self.role_combo.currentData()), self.agency_combo.currentData() or None
        password = self.password_edit.text() or None
        return lambda: directory.change_role(session, username, role=role, agency=agency, new_password=password)


class NormDialog(FormDialog):
    """One delivery-time norm (service x scope); the basis (decision, circular) is required and signed."""

    def __init__(self, session: Session, norm: Norm, parent: QWidget | None = None) -> None:
        super().__init__(t("Norm: {service} / {scope}", service=lbl(norm.service), scope=lbl(norm.scope)), parent,
                         intro=t("Open items get new due times at once; the old ones stay in their timelines."))
        self._session = session
        self._norm = norm
        self.days_spin = named(QSpinBox(), "normDays")
        self.days_spin.setRange(1, 600)
        self.days_spin.setSuffix(t(" tenths of a working day"))
        self.days_spin.setValue(norm.working_days_tenths or 10)
        self.lead_spin = named(QSpinBox(), "normLead")
        self.lead_spin.setRange(0, 168)
        self.lead_spin.setSuffix(t(" hours"))
        self.lead_spin.setValue(norm.min_lead_hours or 0)
        self.source_edit = named(QLineEdit(maxLength=300), "normSource")
        appointed = norm.service is ServiceClass.HEN_GIO
        if not appointed:
            self.add_row(N_("&Working days (tenths)"), self.days_spin)
        else:
            self.add_row(N_("&Least lead time"), self.lead_spin)
        self.add_row(N_("&Basis (decision, circular)"), self.source_edit)
        self.errors = FieldErrors({"working_days_tenths": self.days_spin, "min_lead_hours": self.lead_spin,
                                   "source": self.source_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, norm, source = self._session, self._norm, self.source_edit.text()
        appointed = norm.service is ServiceClass.HEN_GIO
        days = None if appointed else self.days_spin.value()
        lead = self.lead_spin.value() if appointed else norm.min_lead_hours
        return lambda: norms.set_norm(session, norm.service.value, norm.scope.value, working_days_tenths=days,
                                      min_lead_hours=lead, source=source)


class AddDayDialog(FormDialog):
    """One day off decided by the government (a weekday) or one make-up working day (a Saturday or Sunday)."""

    def __init__(self, session: Session, year: int, parent: QWidget | None = None) -> None:
        super().__init__(t("Add a day to the working calendar"), parent, save_text=t("&Add the day"))
        self._session = session
        self.day_edit = named(QDateEdit(QDate(year, 1, 1)), "dayDate")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.kind_combo = named(QComboBox(), "dayKind")
        self.kind_combo.addItem(t("Day off (a weekday)"), "off")
        self.kind_combo.addItem(t("Make-up working day (Saturday or Sunday)"), "work")
        self.name_edit = named(QLineEdit(maxLength=200), "dayName")
        self.source_edit = named(QLineEdit(maxLength=300), "daySource")
        self.add_row(N_("&Day"), self.day_edit)
        self.add_row(N_("&Kind of day"), self.kind_combo)
        self.add_row(N_("&Name (optional)"), self.name_edit)
        self.add_row(N_("&Basis (decision, circular)"), self.source_edit)
        self.errors = FieldErrors({"holiday": self.day_edit, "kind": self.kind_combo, "name": self.name_edit,
                                   "source": self.source_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session = self._session
        qday = self.day_edit.date()
        day = date(qday.year(), qday.month(), qday.day())
        kind, name, source = str(self.kind_combo.currentData()), self.name_edit.text() or None, self.source_edit.text()
        return lambda: workdays.add_day(session, day, kind, source, name)


class RemoveDayDialog(FormDialog):
    def __init__(self, session: Session, day: date, parent: QWidget | None = None) -> None:
        super().__init__(t("Remove {day} from the calendar", day=day.strftime("%d/%m/%Y")), parent,
                         intro=t("Due times of open items are computed again without this day."),
                         save_text=t("Remo&ve the day"))
        self._session = session
        self._day = day
        self.source_edit = named(QLineEdit(maxLength=300), "removeDaySource")
        self.add_row(N_("&Reason (decision, circular)"), self.source_edit)
        self.errors = FieldErrors({"source": self.source_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, day, source = self._session, self._day, self.source_edit.text()
        return lambda: workdays.remove_day(session, day, source)


class StatutoryDialog(FormDialog):
    """Record the statutory days off of a year (computed, Tết and Hùng Kings' day included)."""

    def __init__(self, session: Session, year: int, parent: QWidget | None = None) -> None:
        super().__init__(t("Statutory days off"), parent, intro=t(
            "The days off the Labour Code gives (lunar ones computed) are recorded, signed, for the year. Add the "
            "government's swaps afterwards, one day at a time."), save_text=t("&Record the days off"))
        self._session = session
        self.year_spin = named(QSpinBox(), "statutoryYear")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        self.source_edit = named(QLineEdit(maxLength=300), "statutorySource")
        self.source_edit.setPlaceholderText(t("(the Labour Code 2019, Article 112)"))
        self.add_row(N_("&Year"), self.year_spin)
        self.add_row(N_("&Basis (optional)"), self.source_edit)
        self.errors = FieldErrors({"year": self.year_spin, "source": self.source_edit}, self.message)

    def work(self) -> Callable[[], Any]:
        session, year, source = self._session, self.year_spin.value(), self.source_edit.text() or None
        return lambda: workdays.record_statutory(session, year, source)


__all__ = ["AddAgencyDialog", "AddDayDialog", "AddUserDialog", "ChangeRoleDialog", "EditAgencyDialog",
           "FormDialog", "NormDialog", "RemoveDayDialog", "ResetPasswordDialog", "StatutoryDialog"]
