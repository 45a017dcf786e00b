"""What each role sees first on the dashboard, beside the counter's cards:

  courier    the items he holds (and the overdue list)
  secretary  what waits for her confirmation, and what is on its way to her agency
  auditor    the integrity of the log (the last clean check) and the open incidents
  clerk, admin: the counter (waiting, Hỏa tốc first; overdue) as dashboard.py shows it.

Each panel loads through the operations thread (services only) and opens an item on double-click or Enter. A view's
totals read every matching row: they are counted afterwards on the long-work thread (as the items page does), so
the operations thread stays free for the counter; "counting…" until they arrive, an older refresh's are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QTableView,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import IncidentKind, Role
from securemail.errors import UserFacingError
from securemail.gui.item_filters import VIEW_NAMES
from securemail.gui.items_model import ItemsTableModel
from securemail.gui.list_tables import list_table
from securemail.gui.long_ops import run_long
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import PlainLabel, fmt_time, lbl, named, plain_tooltip, show_message
from securemail.services import audit, incidents, views
from securemail.services.queries.incidents import IncidentRecord
from securemail.services.session import Session
from securemail.services.views import View

PANEL_ROWS = 100
INCIDENT_HEADERS = (N_("Item"), N_("Incident"), N_("Opened"), N_("Description"))


def _table(name: str) -> QTableView:
    table = named(QTableView(), name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setTabKeyNavigation(False)
    return table


@dataclass(frozen=True)
class ViewLoad:
    page: views.Page
    query: views.ItemQuery
    now: datetime


class ViewPanel(Retranslating, QGroupBox):
    """One ready-made view of the role (services.views.View): the first rows, and the totals."""

    open_item = Signal(str)

    def __init__(self, session: Session, view: View, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"panel_{view.value.replace('-', '_')}")
        self._session = session
        self.view = view
        self.model = ItemsTableModel(self)
        self.table = _table(f"{self.objectName()}Table")
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)
        self.totals_label = named(QLabel(), f"{self.objectName()}Totals")
        self.message = named(QLabel(), f"{self.objectName()}Message")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.message)
        show_message(self.message, "")
        self.loaded: ViewLoad | None = None
        self.totals: views.Totals | None = None  # None while counting (or if the count failed)
        self._totals_failed = False
        self._generation = 0  # each refresh; answers to an older one are dropped
        self._retranslate()

    def _retranslate(self) -> None:
        self.setTitle(t(VIEW_NAMES[self.view]))
        self.model.retranslate()
        if self.loaded is not None:
            self._show_totals(self.loaded)

    def refresh(self) -> None:
        self._generation += 1
        generation, session, view = self._generation, self._session, self.view

        def work() -> ViewLoad:
            now = session.clock.now()
            query = views.view_query(session, view)
            return ViewLoad(views.search(session, query, limit=PANEL_ROWS), query, now)

        def done(load: ViewLoad) -> None:
            if generation == self._generation:
                self._loaded(generation, load)

        def failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self._failed(error)

        run_op(self, work, done, failed)

    def _loaded(self, generation: int, load: ViewLoad) -> None:
        self.loaded, self.totals, self._totals_failed = load, None, False
        self.model.reset_rows(load.page.rows, load.now, has_more=False)
        self.table.resizeColumnsToContents()  # at most PANEL_ROWS rows: tracking numbers shown whole
        self._show_totals(load)
        show_message(self.message, "" if load.page.rows else t("Nothing here now."), kind="info")

        def counted(totals: views.Totals) -> None:
            if generation == self._generation:
                self.totals = totals
                self._show_totals(load)

        def count_failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self._totals_failed = True
                self._show_totals(load)
                show_message(self.message, error.message())

        run_long(self, self._session, lambda reader, _progress: views.totals(reader, load.query, load.now),
                 counted, count_failed)

    def _show_totals(self, load: ViewLoad) -> None:
        totals = self.totals
        if totals is None:
            self.totals_label.setText("" if self._totals_failed else t("counting…"))
            return
        text = t("{count} items, {envelopes} envelopes, {overdue} overdue", count=totals.items,
                 envelopes=totals.envelopes, overdue=totals.overdue)
        if load.page.cursor is not None:
            text += " · " + t("the first {shown} are listed; see the Items tab for all", shown=len(load.page.rows))
        self.totals_label.setText(text)

    def _failed(self, error: UserFacingError) -> None:
        show_message(self.message, error.message())

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_item.emit(self.model.row_data(index.row()).tracking)


@dataclass(frozen=True)
class IntegrityLoad:
    last_check: tuple[int, int] | None
    incidents: list[IncidentRecord]


class IntegrityPanel(Retranslating, QGroupBox):
    """The auditor's view: whether the log was checked clean lately, and the open incidents (newest first)."""

    open_item = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel_integrity")
        self._session = session
        self.status = PlainLabel(wrap=True)
        self.status.setObjectName("integrityStatus")
        self.incidents_title = named(QLabel(), "incidentsTitle")
        self.incidents = list_table("openIncidentsTable", len(INCIDENT_HEADERS))
        self.incidents.setWordWrap(False)
        self.incidents.cellDoubleClicked.connect(self._open)
        self.message = named(QLabel(), "integrityMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.incidents_title)
        layout.addWidget(self.incidents, 1)
        layout.addWidget(self.message)
        show_message(self.message, "")
        self.loaded: IntegrityLoad | None = None
        self._retranslate()

    def _retranslate(self) -> None:
        self.setTitle(t("Integrity and incidents"))
        self.incidents.setHorizontalHeaderLabels([t(h) for h in INCIDENT_HEADERS])
        if self.loaded is not None:
            self._show(self.loaded)

    def refresh(self) -> None:
        session = self._session

        def work() -> IntegrityLoad:
            found = incidents.list_incidents(session)
            return IntegrityLoad(audit.last_clean_check(session), sorted(found, key=lambda r: -r.id))

        run_op(self, work, self._loaded, lambda e: show_message(self.message, e.message()))

    def _loaded(self, load: IntegrityLoad) -> None:
        self.loaded = load
        self._show(load)

    def _show(self, load: IntegrityLoad) -> None:
        if load.last_check is None:
            self.status.setText(t("You have not checked the log yet on this computer: run the integrity check "
                                  "(Integrity tab)."))
            self.status.setProperty("messageKind", "error")
        else:
            checked, size = load.last_check
            if checked >= size:
                self.status.setText(t("Your last integrity check found no problem and covers all {size} events.",
                                      size=size))
            else:
                self.status.setText(t("Your last clean check covers {checked} of {size} events: {new} were added "
                                      "since. Check again.", checked=checked, size=size, new=size - checked))
        self.incidents_title.setText(t("Open incidents: {count}", count=len(load.incidents)))
        self.incidents.setRowCount(len(load.incidents))
        for row, incident in enumerate(load.incidents):
            kind = incident.kind
            cells = (incident.tracking, lbl(IncidentKind(kind)) if kind in IncidentKind._value2member_map_
                     else kind, fmt_time(incident.opened_at), incident.description)
            for column, value in enumerate(cells):
                cell = QTableWidgetItem(str(value))  # plain text: descriptions are typed by people
                cell.setToolTip(plain_tooltip(str(value)) or "")
                self.incidents.setItem(row, column, cell)

    def _open(self, row: int, _column: int) -> None:
        cell = self.incidents.item(row, 0)
        if cell is not None:
            self.open_item.emit(cell.text())


def role_panels(session: Session) -> list[ViewPanel | IntegrityPanel]:
    """The panels that replace the counter's lists on this role's dashboard (none for clerks and admins)."""
    if session.role is Role.COURIER:
        return [ViewPanel(session, View.I_HOLD)]
    if session.role is Role.SECRETARY:
        return [ViewPanel(session, View.TO_CONFIRM), ViewPanel(session, View.ON_ITS_WAY)]
    if session.role is Role.AUDITOR:
        return [IntegrityPanel(session), ViewPanel(session, View.OVERDUE)]
    return []
