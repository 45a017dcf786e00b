"""The items list: filters, a tracking search box (scanner friendly) and a keyset-paged table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import ItemStatus, Secrecy, ServiceClass
from securemail.errors import UserFacingError
from securemail.gui.items_model import PAGE_SIZE, ItemsTableModel
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, nt, t
from securemail.gui.widgets import fill_enum_combo, named, shortcut, show_message
from securemail.services import directory, items
from securemail.services.directory import Agency
from securemail.services.permissions import Permission, allowed
from securemail.services.session import Session

Page = tuple[list[dict[str, Any]], bool, datetime]


class ItemsPage(QWidget):
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
        self._build()
        self._fill_filters()
        self.model.modelReset.connect(self._update_buttons)

    # ---- layout ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.status_combo = named(QComboBox(), "statusFilter")
        self.secrecy_combo = named(QComboBox(), "secrecyFilter")
        self.service_combo = named(QComboBox(), "serviceFilter")
        self.agency_combo = named(QComboBox(), "agencyFilter")
        self.agency_combo.setMinimumContentsLength(18)
        self.agency_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.search_edit = named(QLineEdit(), "trackingSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(260)
        self.refresh_button = named(QPushButton(), "refreshButton")
        self._filter_labels = [QLabel() for _ in range(4)]
        bar = QHBoxLayout()
        for lab, combo in zip(self._filter_labels, (self.status_combo, self.secrecy_combo, self.service_combo,
                                                   self.agency_combo), strict=True):
            lab.setBuddy(combo)
            bar.addWidget(lab)
            bar.addWidget(combo)
        bar.addStretch(1)
        bar.addWidget(self.search_edit)
        bar.addWidget(self.refresh_button)

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
        self._sized = False
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.message = named(QLabel(), "itemsMessage")
        self.count_label = named(QLabel(), "itemsCount")
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
        actions.addStretch(1)
        for button in (self.open_button, self.handover_button, self.deliver_button):
            actions.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        show_message(self.message, "")

        for combo in (self.status_combo, self.secrecy_combo, self.service_combo, self.agency_combo):
            combo.currentIndexChanged.connect(self.reload)
        self.search_edit.returnPressed.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        shortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search_edit.setFocus,
                 context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut(QKeySequence(Qt.Key.Key_Return), self.table, self._open_selected,
                 context=Qt.ShortcutContext.WidgetShortcut)
        self._retranslate()

    def _fill_filters(self) -> None:
        fill_enum_combo(self.status_combo, ItemStatus, any_text=t("All statuses"))
        fill_enum_combo(self.secrecy_combo, Secrecy, any_text=t("All secrecy levels"))
        fill_enum_combo(self.service_combo, ServiceClass, any_text=t("All services"))
        chosen = self.agency_combo.currentData()
        self.agency_combo.blockSignals(True)
        self.agency_combo.clear()
        self.agency_combo.addItem(t("All agencies"), "")
        for agency in self._agencies:
            self.agency_combo.addItem(f"{agency.code} - {agency.name}", agency.code)
        self.agency_combo.setCurrentIndex(max(0, self.agency_combo.findData(chosen)) if chosen else 0)
        self.agency_combo.blockSignals(False)

    def _retranslate(self) -> None:
        sources = (N_("&Status"), N_("Se&crecy"), N_("Ser&vice"), N_("A&gency"))
        for lab, text in zip(self._filter_labels, sources, strict=True):
            lab.setText(t(text))
        self.search_edit.setPlaceholderText(t("Tracking number (scan or type, Enter)"))
        self.refresh_button.setText(t("&Refresh"))
        self.open_button.setText(t("&Open"))
        self.handover_button.setText(t("&Hand over…"))
        self.deliver_button.setText(t("&Deliver…"))
        self._fill_filters()
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ---- loading -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """First load: the agency list (for the filter and tooltips), then the first page."""
        session = self._session
        run_op(self, lambda: directory.list_agencies(session), self._agencies_loaded, self._show_error)

    def _agencies_loaded(self, agencies: list[Agency]) -> None:
        self._agencies = agencies
        self.model.set_agency_names({a.code: a.name for a in agencies})
        self._fill_filters()
        self.reload()

    def _filters(self) -> dict[str, str | None]:
        return {"status": self.status_combo.currentData() or None,
                "secrecy": self.secrecy_combo.currentData() or None,
                "service": self.service_combo.currentData() or None}

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        session, filters = self._session, self._filters()
        agency = self.agency_combo.currentData() or None
        tracking = self.search_edit.text().strip()
        show_message(self.message, "")

        def work() -> Page:
            now = session.clock.now()
            if tracking:
                return [items.item_row(session, tracking)], False, now
            rows = items.search_items(session, filters=filters, agency=agency, limit=PAGE_SIZE + 1)
            return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, now

        def done(page: Page) -> None:
            if generation == self._generation:
                rows, has_more, now = page
                self.model.reset_rows(rows, now, has_more=has_more)
                self._update_count()
                if rows and not self._sized:  # once, from the first page; the user may resize afterwards
                    self._sized = True
                    self.table.resizeColumnsToContents()
                if tracking and rows:
                    self.table.selectRow(0)
                    self.table.setFocus()

        def failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self.model.clear()
                self._update_count()
                self._show_error(error)

        run_op(self, work, done, failed)

    def _load_more(self, cursor: str) -> None:
        generation = self._generation
        session, filters = self._session, self._filters()
        agency = self.agency_combo.currentData() or None

        def work() -> list[dict[str, Any]]:
            return items.search_items(session, filters=filters, agency=agency, after=cursor, limit=PAGE_SIZE + 1)

        def done(rows: list[dict[str, Any]]) -> None:
            if generation == self._generation:
                self.model.append_rows(rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE)
                self._update_count()

        def failed(error: UserFacingError) -> None:
            if generation == self._generation:
                self.model.loading_failed()
                self._show_error(error)

        run_op(self, work, done, failed)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        more = self.model.canFetchMore(self.table.rootIndex())
        self.count_label.setText(nt("{count} item shown; scroll down for more",
                                    "{count} items shown; scroll down for more", count) if more
                                 else nt("{count} item", "{count} items", count))

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
            self.open_item.emit(str(self.model.row_data(row)["tracking"]))

    def _open_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self._open_row(rows[0])

    def _transfer(self, mode: str) -> None:
        trackings = self.model.trackings(self.selected_rows())
        if trackings:
            self.transfer_requested.emit(trackings, mode)
