"""What needs attention now: counts, Hỏa tốc items not yet delivered (first), and overdue items.

The counts read the whole items table (seconds at 1,000,000 items): they run on the long-work thread with their own
reader (long_ops.run_long), never on the operations thread, so the items list's first page and the counter's
actions do not queue behind them. The page says "counting…" until the figures arrive; an answer to an older refresh
is dropped, and one that arrives after a lock or logout never reaches a page (the page is gone; cancel_all stops
the count at its next step).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import ItemStatus, Secrecy, ServiceClass
from securemail.errors import UserFacingError
from securemail.gui.long_ops import run_long
from securemail.gui.role_panels import role_panels
from securemail.gui.strings import N_, t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import PlainLabel, fmt_time, lbl, named, show_message
from securemail.services import incidents, items, norms
from securemail.services.background import CancelToken, Progress
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session

LIST_LIMIT = 50
AT_COUNTER = (ItemStatus.ACCEPTED, ItemStatus.ARRIVED, ItemStatus.IN_BAG, ItemStatus.DELIVERY_FAILED,
              ItemStatus.FORWARDED)
IN_TRANSIT = (ItemStatus.DISPATCHED, ItemStatus.IN_TRANSIT, ItemStatus.OUT_FOR_DELIVERY)
UNDELIVERED = AT_COUNTER + IN_TRANSIT
URGENCY = (ServiceClass.HOA_TOC, ServiceClass.HEN_GIO, ServiceClass.THUONG)  # order of the waiting list


@dataclass(frozen=True)
class Snapshot:
    at_counter: int
    in_transit: int
    overdue: int
    open_incidents: int | None  # None: this role may not list incidents
    waiting: list[ItemRecord]  # not yet delivered, Hỏa tốc first
    overdue_items: list[ItemRecord]


def _count(session: Session, statuses: Sequence[ItemStatus]) -> int:
    return items.count_items(session, statuses=[s.value for s in statuses])


SNAPSHOT_STEPS = len(URGENCY) + 5


def load_snapshot(session: Session, progress: Progress | None = None) -> Snapshot:
    """Runs on the long-work thread with a reader (long_ops.run_long): only service calls. `progress` is called
    between the steps (it stops the work once the page asked to: a newer refresh, a lock)."""
    step = 0

    def advance() -> None:
        nonlocal step
        step += 1
        if progress is not None:
            progress(step, SNAPSHOT_STEPS)

    waiting: list[ItemRecord] = []
    for service in URGENCY:
        advance()
        batch: list[ItemRecord] = []
        for status in UNDELIVERED:
            batch += items.search_items(session, filters={"service": service.value, "status": status.value},
                                        limit=LIST_LIMIT)
        batch.sort(key=lambda r: (r.due_at or "", r.tracking))
        waiting += batch
        if len(waiting) >= LIST_LIMIT:
            break
    now = session.clock.now()
    advance()
    overdue_count = items.count_items(session, overdue_at=now)
    advance()
    overdue = norms.overdue_items(session, now=now, limit=LIST_LIMIT * 4)
    most_late = sorted(overdue, key=lambda r: (r.due_at or "", r.tracking))
    advance()
    open_incidents = (len(incidents.list_incidents(session)) if allowed(session.role, Permission.VIEW_ALL)
                      else None)
    advance()
    at_counter = _count(session, AT_COUNTER)
    advance()
    return Snapshot(at_counter, _count(session, IN_TRANSIT), overdue_count, open_incidents,
                    waiting[:LIST_LIMIT], most_late[:LIST_LIMIT])


def _fmt_count(value: int | None) -> str:
    if value is None:
        return "-"
    return str(value)


class _Card(QFrame):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("card", True)
        self.number = QLabel("…")
        self.number.setObjectName("cardNumber")
        self.caption = QLabel()
        self.caption.setObjectName("cardCaption")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)


URGENT_BRUSH = QBrush(QColor("#b71c1c"))
RECIPIENT_COLUMN = 4
DUE_COLUMN = 5
TABLE_HEADERS = (N_("Tracking number"), N_("Service"), N_("Status"), N_("Secrecy"), N_("Recipient"), N_("Due"))


class DashboardPage(Retranslating, QWidget):
    open_item = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self._session = session
        self._snapshot: Snapshot | None = None
        self._updated: datetime | None = None  # when the figures shown were counted
        self._generation = 0  # each refresh; an answer to an older one is dropped
        self._counting: CancelToken | None = None  # the running count, if any
        self.cards = {name: _Card(name) for name in ("atCounter", "inTransit", "overdue", "incidents")}
        self.cards["overdue"].setProperty("alert", True)
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card)
        self.waiting_box, self.waiting_table = self._table_box("waitingTable")
        self.overdue_box, self.overdue_table = self._table_box("overdueTable")
        self.refresh_button = named(QPushButton(), "dashboardRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.updated_label = PlainLabel()
        self.message = named(QLabel(), "dashboardMessage")
        self.heading = named(QLabel(), "pageHeading")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.updated_label)
        top.addWidget(self.refresh_button)
        lists = QGridLayout()
        self.panels = role_panels(session)  # this role's own views (role_panels.py); none for clerks and admins
        boxes: list[QGroupBox] = [*self.panels, self.waiting_box, self.overdue_box][:2]
        if len(self.panels) == 1:
            boxes = [self.panels[0], self.overdue_box]  # a courier still sees what is overdue
        for column, box in enumerate(boxes):
            lists.addWidget(box, 0, column)
        for box in (self.waiting_box, self.overdue_box):
            box.setVisible(box in boxes)
        for panel in self.panels:
            panel.open_item.connect(self.open_item)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addLayout(lists, 1)
        layout.addWidget(self.message)
        show_message(self.message, "")
        self._retranslate()

    def _table_box(self, name: str) -> tuple[QGroupBox, QTableWidget]:
        box = QGroupBox()
        table = named(QTableWidget(0, len(TABLE_HEADERS)), name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The recipient stretches and elides; the status keeps its full label (it is what the clerk reads first).
        header.setSectionResizeMode(RECIPIENT_COLUMN, QHeaderView.ResizeMode.Stretch)
        table.setWordWrap(False)
        table.cellDoubleClicked.connect(lambda row, _col, tb=table: self._open(tb, row))
        QVBoxLayout(box).addWidget(table)
        return box, table

    def _retranslate(self) -> None:
        self.heading.setText(t("Today at this office"))
        captions = {"atCounter": N_("Waiting at the counter"), "inTransit": N_("In transit"),
                    "overdue": N_("Overdue"), "incidents": N_("Open incidents")}
        for name, card in self.cards.items():
            card.caption.setText(t(captions[name]))
        self.waiting_box.setTitle(t("Not yet delivered - Hỏa tốc first"))
        self.overdue_box.setTitle(t("Overdue (not delivered by the due time)"))
        self.refresh_button.setText(t("&Refresh"))
        for table in (self.waiting_table, self.overdue_table):
            table.setHorizontalHeaderLabels([t(h) for h in TABLE_HEADERS])
        if self._snapshot is not None:  # figures, not words: shown again in the new language, never dropped
            self._show(self._snapshot)
        self._show_updated()

    def counting(self) -> bool:
        """True from a refresh until its figures (or its error) arrive."""
        return self._counting is not None

    def refresh(self) -> None:
        self._generation += 1
        generation, session = self._generation, self._session
        if self._counting is not None:
            self._counting.cancel()  # its answer would be dropped anyway: stop it at its next step
        self.refresh_button.setEnabled(False)

        def done(result: tuple[Snapshot, datetime]) -> None:
            if generation == self._generation:
                self._loaded(result)

        def failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self._failed(error)

        self._counting = run_long(self, session, lambda reader, progress: (load_snapshot(reader, progress),
                                                                           reader.clock.now()), done, failed)
        self._show_updated()
        for panel in self.panels:
            panel.refresh()

    def _show_updated(self) -> None:
        """"counting…" while a count runs (the last figures stay on the cards meanwhile: no flicker after each
        counter action; "…" before the first), else when the figures shown were counted."""
        if self.counting():
            self.updated_label.setText(t("counting…"))
        elif self._updated is not None:
            self.updated_label.setText(t("Updated {time}", time=fmt_time(self._updated)))
        else:
            self.updated_label.setText("")

    def _loaded(self, result: tuple[Snapshot, datetime]) -> None:
        self._counting = None
        self._snapshot, self._updated = result
        self.refresh_button.setEnabled(True)
        self._show_updated()
        show_message(self.message, "")
        self._show(self._snapshot)

    def _failed(self, error: UserFacingError) -> None:
        self._counting = None
        self.refresh_button.setEnabled(True)
        self._show_updated()
        show_message(self.message, error.message())
        if self._snapshot is None:
            for card in self.cards.values():
                card.number.setText("-")

    def _show(self, snap: Snapshot) -> None:
        values = {"atCounter": snap.at_counter, "inTransit": snap.in_transit, "overdue": snap.overdue,
                  "incidents": snap.open_incidents}
        for name, card in self.cards.items():
            card.number.setText(_fmt_count(values[name]))
        self._fill(self.waiting_table, snap.waiting)
        self._fill(self.overdue_table, snap.overdue_items, overdue=True)

    def _fill(self, table: QTableWidget, rows: list[ItemRecord], *, overdue: bool = False) -> None:
        cells: list[Callable[[ItemRecord], str]] = [
            lambda r: r.tracking, lambda r: lbl(ServiceClass(r.service)),
            lambda r: lbl(ItemStatus(r.status)), lambda r: lbl(Secrecy(r.secrecy)),
            lambda r: r.recipient_agency, lambda r: fmt_time(r.due_at)]
        bold = QFont(table.font())
        bold.setBold(True)
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, cell in enumerate(cells):
                item = QTableWidgetItem(cell(row))
                item.setData(Qt.ItemDataRole.UserRole, row.tracking)
                if (j == 1 and row.service == ServiceClass.HOA_TOC.value) or (overdue and j == DUE_COLUMN):
                    item.setForeground(URGENT_BRUSH)
                    item.setFont(bold)
                if row.flagged and j == 0:
                    item.setText("⚠ " + item.text())
                    item.setToolTip(t("Open incident: see the item's timeline."))
                table.setItem(i, j, item)

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.open_item.emit(str(item.data(Qt.ItemDataRole.UserRole)))
