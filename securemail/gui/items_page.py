"""The items list: the role's views, filters and searches by any field (item_filters.py), sortable columns, totals,
and a keyset-paged table (services.views). Filter choices, column widths and sort order are remembered per role;
typed text never is (docs/adr/0013-views-remembered-filters-and-long-work.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from securemail.errors import UserFacingError
from securemail.gui import items_model as cols
from securemail.gui.item_filters import FilterBar
from securemail.gui.items_model import PAGE_SIZE, ItemsTableModel
from securemail.gui.long_ops import run_long
from securemail.gui.ops import run_op
from securemail.gui.strings import nt, t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import named, shortcut, show_message
from securemail.services import directory, items, views
from securemail.services.directory import Agency
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session
from securemail.services.views import ItemQuery, Sort

COLUMN_SORTS: dict[int, Sort] = {
    cols.COL_TRACKING: Sort.TRACKING, cols.COL_STATUS: Sort.STATUS, cols.COL_SENDER: Sort.SENDER,
    cols.COL_RECIPIENT: Sort.RECIPIENT, cols.COL_HOLDER: Sort.HOLDER, cols.COL_ACCEPTED: Sort.ACCEPTED,
    cols.COL_DUE: Sort.DUE,
}
SORT_COLUMNS = {sort: column for column, sort in COLUMN_SORTS.items()}
TRACKING_LENGTH = 13  # S10: two letters, nine digits, two letters


@dataclass(frozen=True)
class Loaded:
    rows: list[ItemRecord]
    cursor: str | None
    totals: views.Totals | None
    now: datetime


class ItemsPage(Retranslating, QWidget):
    open_item = Signal(str)
    transfer_requested = Signal(list, str)  # trackings, "handover" | "deliver"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemsPage")
        self._session = session
        self._generation = 0
        self._agencies: list[Agency] = []
        self.model = ItemsTableModel(self)
        self.model.more_requested.connect(self._load_more)
        self._totals: views.Totals | None = None
        self._build()
        self.model.modelReset.connect(self._update_buttons)

    # ---- layout ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.filters = FilterBar(self._session)
        bar = self.filters
        self.status_combo, self.secrecy_combo = bar.status_combo, bar.secrecy_combo
        self.service_combo, self.agency_combo, self.search_edit = bar.service_combo, bar.agency_combo, bar.search_edit
        self.refresh_button = named(QPushButton(), "refreshButton")

        self.table = named(QTableView(), "itemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        self._sized = bar.settings.restore_header(header)  # widths and sort order from last time, if any
        self._sort, self._descending = self._remembered_sort()
        header.setSortIndicator(SORT_COLUMNS[self._sort], Qt.SortOrder.DescendingOrder if self._descending
                                else Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        header.sectionResized.connect(lambda *_: bar.settings.save_header(header))
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.message = named(QLabel(), "itemsMessage")
        self.count_label = named(QLabel(), "itemsCount")
        self.totals_label = named(QLabel(), "itemsTotals")
        for label in (self.count_label, self.totals_label):
            label.setWordWrap(True)  # wraps on a narrow screen instead of widening the window
        self.open_button = named(QPushButton(), "openButton")
        self.handover_button = named(QPushButton(), "handoverButton")
        self.deliver_button = named(QPushButton(), "deliverButton")
        self.open_button.clicked.connect(self._open_selected)
        self.handover_button.clicked.connect(lambda: self._transfer("handover"))
        self.deliver_button.clicked.connect(lambda: self._transfer("deliver"))
        self.handover_button.setVisible(allowed(self._session.role, Permission.HANDOVER))
        self.deliver_button.setVisible(allowed(self._session.role, Permission.DELIVER))
        actions = QHBoxLayout()
        actions.addWidget(self.count_label)
        actions.addWidget(self.totals_label, 1)
        for button in (self.refresh_button, self.open_button, self.handover_button, self.deliver_button):
            actions.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        show_message(self.message, "")

        bar.changed.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        shortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search_edit.setFocus,
                 context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut(QKeySequence(Qt.Key.Key_Return), self.table, self._open_selected,
                 context=Qt.ShortcutContext.WidgetShortcut)
        self._retranslate()

    def _retranslate(self) -> None:
        self.refresh_button.setText(t("&Refresh"))
        self.open_button.setText(t("&Open"))
        self.handover_button.setText(t("H&and over…"))
        self.deliver_button.setText(t("&Deliver…"))
        self.model.retranslate()
        self._update_count()

    # ---- loading -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """First load: the agency list (for the filter and tooltips), then the first page."""
        session = self._session
        run_op(self, lambda: directory.list_agencies(session), self._agencies_loaded, self._show_error)

    def _agencies_loaded(self, agencies: list[Agency]) -> None:
        self._agencies = agencies
        self.model.set_agency_names({a.code: a.name for a in agencies})
        self.filters.set_agencies(agencies)
        self.reload()

    def _remembered_sort(self) -> tuple[Sort, bool]:
        remembered = self.filters.settings.get("sort")
        return (Sort(remembered) if remembered else Sort.ACCEPTED), self.filters.settings.get("descending") != "0"

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        sort = COLUMN_SORTS.get(column)
        if sort is None:  # secrecy and service are filters, not orders: keep the current order
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(SORT_COLUMNS[self._sort], Qt.SortOrder.DescendingOrder if self._descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self._sort, self._descending = sort, order == Qt.SortOrder.DescendingOrder
        self.filters.settings.set("sort", sort.value)
        self.filters.settings.set("descending", "1" if self._descending else "0")
        self.filters.settings.save_header(self.table.horizontalHeader())
        self.reload()

    def query(self) -> ItemQuery:
        """What the list shows now: the chosen view narrowed by the filters, in the chosen order."""
        base = replace(self.filters.query(), sort=self._sort, descending=self._descending)
        return views.view_query(self._session, self.filters.view(), base)

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        session = self._session
        scanned = self.filters.scanned()
        show_message(self.message, "")
        try:
            typed = self.search_edit.text().strip()
            if scanned is None and len(typed) >= TRACKING_LENGTH:  # a whole number that does not check: say why
                items.normalise_tracking(typed)
            query = self.query()
        except UserFacingError as e:
            self.model.clear()
            self._totals = None
            self._update_count()
            self._show_error(e)
            return

        def work() -> Loaded:
            now = session.clock.now()
            if scanned:
                return Loaded([items.item_row(session, scanned)], None, None, now)
            page = views.search(session, query, limit=PAGE_SIZE)
            return Loaded(page.rows, page.cursor, None, now)

        def done(loaded: Loaded) -> None:
            if generation == self._generation:
                self._totals = loaded.totals
                self.model.reset_rows(loaded.rows, loaded.now, has_more=loaded.cursor is not None,
                                      cursor=loaded.cursor)
                if not scanned:
                    self._count_totals(generation, query, loaded.now)
                self._update_count()
                if loaded.rows and not self._sized:  # once, from the first page; the user may resize afterwards
                    self._sized = True
                    self.table.resizeColumnsToContents()
                if scanned and loaded.rows:
                    self.table.selectRow(0)
                    self.table.setFocus()

        def failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self._totals = None
                self.model.clear()
                self._update_count()
                self._show_error(error)

        run_op(self, work, done, failed)

    def _count_totals(self, generation: int, query: ItemQuery, now: datetime) -> None:
        """Totals read every matching row (sums, overdue): on the long-work thread, so that a million items never
        hold up the counter's next operation; shown when they arrive, if the list has not changed since."""

        def done(totals: views.Totals) -> None:
            if generation == self._generation:
                self._totals = totals
                self._update_count()

        run_long(self, self._session, lambda reader, _progress: views.totals(reader, query, now), done,
                 lambda _error: None)

    def _load_more(self, cursor: str) -> None:
        generation = self._generation
        session, query = self._session, self.query()

        def work() -> views.Page:
            return views.search(session, query, after=cursor, limit=PAGE_SIZE)

        def done(page: views.Page) -> None:
            if generation == self._generation:
                self.model.append_rows(page.rows, has_more=page.cursor is not None, cursor=page.cursor)
                self._update_count()

        def failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self.model.loading_failed()
                self._show_error(error)

        run_op(self, work, done, failed)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        more = self.model.canFetchMore(self.table.rootIndex())
        totals = self._totals
        self.count_label.setText(nt("{count} item shown; scroll down for more",
                                    "{count} items shown; scroll down for more", count) if more
                                 else nt("{count} item", "{count} items", count))
        self.totals_label.setText("" if totals is None else t(
            "Total: {count} items, {envelopes} envelopes, {overdue} overdue", count=totals.items,
            envelopes=totals.envelopes, overdue=totals.overdue))

    def remember(self) -> None:
        """Save the column layout (called when the window closes; choices are saved as they change)."""
        self.filters.settings.save_header(self.table.horizontalHeader())
        self.filters.settings.sync()

    def _show_error(self, error: UserFacingError) -> None:
        show_message(self.message, error.message())

    # ---- actions -----------------------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        self.open_button.setEnabled(len(rows) == 1)
        self.handover_button.setEnabled(bool(rows))
        self.deliver_button.setEnabled(len(rows) == 1)

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_item.emit(self.model.row_data(row).tracking)

    def _open_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self._open_row(rows[0])

    def _transfer(self, mode: str) -> None:
        trackings = self.model.trackings(self.selected_rows())
        if trackings:
            self.transfer_requested.emit(trackings, mode)


