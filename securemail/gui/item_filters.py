"""The items list's filters: the role's views, fixed choices (status, secrecy, service, agency), text searches in
part (tracking, seal, document number, person) and a date range. Builds a services.views.ItemQuery.

Fixed choices are remembered per role (view_settings.py); typed text and agency codes never are (ADR 0013).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from securemail.clock import ICT
from securemail.domain.enums import ItemStatus, Secrecy, ServiceClass
from securemail.domain.errors import FieldError
from securemail.domain.tracking import parse_tracking
from securemail.gui.strings import N_, t
from securemail.gui.translator import Retranslating
from securemail.gui.view_settings import ViewSettings
from securemail.gui.widgets import fill_enum_combo, named
from securemail.services.directory import Agency
from securemail.services.session import Session
from securemail.services.views import ItemQuery, View, views_for

VIEW_NAMES: dict[View, str] = {
    View.ALL: N_("All items I may see"),
    View.I_HOLD: N_("Items I hold"),
    View.ON_ITS_WAY: N_("On its way to my agency"),
    View.TO_CONFIRM: N_("Waiting for my confirmation"),
    View.OVERDUE: N_("Overdue"),
}
DATE_NAMES = (("any", N_("Any date")), ("today", N_("Today")), ("7d", N_("Last 7 days")),
              ("30d", N_("Last 30 days")), ("month", N_("This month")), ("custom", N_("From … to …")))
DATE_FORMAT = "dd/MM/yyyy"
COMBO_CHARS = 12


def date_range(preset: str, today: date, start: date, end: date) -> tuple[datetime | None, datetime | None]:
    """[from, to) in Vietnam time for a date preset ("custom": the two dates, both included)."""
    def at(day: date) -> datetime:
        return datetime.combine(day, time.min, ICT)

    tomorrow = at(today + timedelta(days=1))
    if preset == "today":
        return at(today), tomorrow
    if preset == "7d":
        return at(today - timedelta(days=6)), tomorrow
    if preset == "30d":
        return at(today - timedelta(days=29)), tomorrow
    if preset == "month":
        return at(today.replace(day=1)), tomorrow
    if preset == "custom":
        return at(min(start, end)), at(max(start, end) + timedelta(days=1))
    return None, None


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def exact_tracking(text: str) -> str | None:
    """The tracking number when `text` is a whole, valid one (a scan); None for a part of one."""
    try:
        return parse_tracking(text)
    except FieldError:
        return None


class FilterBar(Retranslating, QWidget):
    changed = Signal()   # a choice changed, or Enter in a text field: search again

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemFilters")
        self._session = session
        self._agencies: list[Agency] = []
        self.settings = ViewSettings(f"{session.role.value}/items")
        self.view_combo = named(QComboBox(), "viewFilter")
        self.status_combo = named(QComboBox(), "statusFilter")
        self.secrecy_combo = named(QComboBox(), "secrecyFilter")
        self.service_combo = named(QComboBox(), "serviceFilter")
        self.agency_combo = named(QComboBox(), "agencyFilter")
        self.search_edit = named(QLineEdit(), "trackingSearch")
        self.seal_edit = named(QLineEdit(), "sealSearch")
        self.doc_edit = named(QLineEdit(), "docRefSearch")
        self.person_edit = named(QLineEdit(), "personSearch")
        self.dates_combo = named(QComboBox(), "datesFilter")
        today = session.clock.now().astimezone(ICT).date()
        self.date_from = self._date_edit("dateFrom", today.replace(day=1))
        self.date_to = self._date_edit("dateTo", today)
        self.clear_button = named(QPushButton(), "clearFilters")
        self.clear_button.setAutoDefault(False)
        self._combo_labels = [QLabel() for _ in range(5)]
        self._text_labels = [QLabel() for _ in range(5)]
        combos = (self.view_combo, self.status_combo, self.secrecy_combo, self.service_combo, self.agency_combo)
        texts = (self.search_edit, self.seal_edit, self.doc_edit, self.person_edit, self.dates_combo)
        for combo in (*combos, self.dates_combo):  # narrow enough for a 1024-pixel screen; the list opens wider
            combo.setMinimumContentsLength(COMBO_CHARS)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for edit in texts[:4]:
            edit.setMinimumWidth(90)
        # Three rows of label-and-field pairs (a grid, not one long row: 1024x600 screens show every control).
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        pairs = [*zip(self._combo_labels[:4], combos[:4], strict=True),
                 (self._combo_labels[4], self.agency_combo), (self._text_labels[4], self.dates_combo),
                 *zip(self._text_labels[:4], texts[:4], strict=True)]
        for index, (lab, widget) in enumerate(pairs):
            row, column = divmod(index, 4)
            lab.setBuddy(widget)
            grid.addWidget(lab, row, column * 2)
            grid.addWidget(widget, row, column * 2 + 1)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        dates.addWidget(self.clear_button)
        grid.addLayout(dates, 2, 4, 1, 4)  # beside the last two text fields
        for column in range(4):
            grid.setColumnStretch(column * 2 + 1, 1)
        self._views = list(views_for(session.role))
        for hidden in ((self._combo_labels[0], self.view_combo) if len(self._views) < 2 else ()):
            hidden.setVisible(False)
        self._retranslate()
        self._restore()
        for combo in (*combos, self.dates_combo):
            combo.currentIndexChanged.connect(self._choice_changed)
        for edit in (self.search_edit, self.seal_edit, self.doc_edit, self.person_edit):
            edit.setClearButtonEnabled(True)
            edit.returnPressed.connect(self.changed)
        for date_edit in (self.date_from, self.date_to):
            date_edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.clear_button.clicked.connect(self.clear)
        self._update_dates()

    def _date_edit(self, name: str, value: date) -> QDateEdit:
        edit = named(QDateEdit(), name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setDate(QDate(value.year, value.month, value.day))
        return edit

    # ---- text ----------------------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        for lab, source in zip(self._combo_labels, (N_("Vie&w"), N_("&Status"), N_("Se&crecy"), N_("Serv&ice"),
                                                     N_("A&gency")), strict=True):
            lab.setText(t(source))
        for lab, source in zip(self._text_labels, (N_("Trac&king"), N_("S&eal"), N_("Doc&ument no."),
                                                    N_("Perso&n"), N_("Acce&pted")), strict=True):
            lab.setText(t(source))
        self.search_edit.setPlaceholderText(t("scan, or type part of it"))
        self.seal_edit.setPlaceholderText(t("part of a seal number"))
        self.doc_edit.setPlaceholderText(t("e.g. 15/BC"))
        self.person_edit.setPlaceholderText(t("part of a name"))
        self.clear_button.setText(t("Clear fil&ters"))
        self._fill_combos()

    def _fill_combos(self) -> None:
        for combo in (self.view_combo, self.dates_combo, self.agency_combo):
            combo.blockSignals(True)
        chosen_view, chosen_dates = self.view_combo.currentData(), self.dates_combo.currentData()
        self.view_combo.clear()
        for view in self._views:
            self.view_combo.addItem(t(VIEW_NAMES[view]), view.value)
        self.view_combo.setCurrentIndex(max(0, self.view_combo.findData(chosen_view)))
        self.dates_combo.clear()
        for value, source in DATE_NAMES:
            self.dates_combo.addItem(t(source), value)
        self.dates_combo.setCurrentIndex(max(0, self.dates_combo.findData(chosen_dates)))
        chosen_agency = self.agency_combo.currentData()
        self.agency_combo.clear()
        self.agency_combo.addItem(t("All agencies"), "")
        for agency in self._agencies:
            self.agency_combo.addItem(f"{agency.code} - {agency.name}", agency.code)
        self.agency_combo.setCurrentIndex(max(0, self.agency_combo.findData(chosen_agency)) if chosen_agency else 0)
        for combo in (self.view_combo, self.dates_combo, self.agency_combo):
            combo.blockSignals(False)
        fill_enum_combo(self.status_combo, ItemStatus, any_text=t("All statuses"))
        fill_enum_combo(self.secrecy_combo, Secrecy, any_text=t("All secrecy levels"))
        fill_enum_combo(self.service_combo, ServiceClass, any_text=t("All services"))

    def set_agencies(self, agencies: list[Agency]) -> None:
        self._agencies = agencies
        self._fill_combos()

    # ---- state ---------------------------------------------------------------------------------------------

    def _restore(self) -> None:
        """The choices remembered for this role (fixed sets only; see the module doc)."""
        pairs = ((self.view_combo, "view"), (self.status_combo, "status"), (self.secrecy_combo, "secrecy"),
                 (self.service_combo, "service"), (self.dates_combo, "dates"))
        for combo, key in pairs:
            value = self.settings.get(key)
            index = combo.findData(value) if value else -1
            if index >= 0:
                combo.setCurrentIndex(index)

    def remember(self) -> None:
        for combo, key in ((self.view_combo, "view"), (self.status_combo, "status"),
                           (self.secrecy_combo, "secrecy"), (self.service_combo, "service"),
                           (self.dates_combo, "dates")):
            value = str(combo.currentData() or "")
            if value != "custom":  # the custom dates themselves are not remembered
                self.settings.set(key, value)

    def _choice_changed(self) -> None:
        self._update_dates()
        self.remember()
        self.changed.emit()

    def _update_dates(self) -> None:
        custom = self.dates_combo.currentData() == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)

    def clear(self) -> None:
        widgets = (self.status_combo, self.secrecy_combo, self.service_combo, self.agency_combo, self.dates_combo)
        for combo in widgets:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for edit in (self.search_edit, self.seal_edit, self.doc_edit, self.person_edit):
            edit.clear()
        self._choice_changed()

    def view(self) -> View:
        return View(self.view_combo.currentData() or View.ALL.value)

    def query(self) -> ItemQuery:
        today = self._session.clock.now().astimezone(ICT).date()
        start, end = date_range(str(self.dates_combo.currentData() or "any"), today,
                                _day(self.date_from), _day(self.date_to))
        status = str(self.status_combo.currentData() or "")
        tracking = self.search_edit.text().strip()
        return ItemQuery(tracking="" if exact_tracking(tracking) else tracking, seal=self.seal_edit.text().strip(),
                         doc_ref=self.doc_edit.text().strip(), person=self.person_edit.text().strip(),
                         agency=str(self.agency_combo.currentData() or ""), statuses=(status,) if status else (),
                         secrecy=str(self.secrecy_combo.currentData() or ""),
                         service=str(self.service_combo.currentData() or ""), date_from=start, date_to=end)

    def scanned(self) -> str | None:
        """A whole tracking number in the search box (a scan): the page opens that item directly."""
        return exact_tracking(self.search_edit.text().strip())
