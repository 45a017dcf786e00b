"""The items table: rows arrive a page at a time (keyset paging through services.items.search_items).

The model never queries anything itself: `fetchMore` asks for the next page with `more_requested(after)`,
and the page that owns it answers with `append_rows`. Display strings are computed once per row when a
page arrives, so `data()` is a tuple lookup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from securemail.domain.enums import ItemStatus, Secrecy, ServiceClass
from securemail.gui.strings import N_, t
from securemail.gui.table_base import AnyIndex, ReadOnlyTableModel
from securemail.gui.widgets import fmt_time, lbl, plain_tooltip
from securemail.services.items import is_overdue_row
from securemail.services.queries.items import ItemRecord

COL_TRACKING = 0
COL_STATUS = 1
COL_SECRECY = 2
COL_SERVICE = 3
COL_SENDER = 4
COL_RECIPIENT = 5
COL_HOLDER = 6
COL_ACCEPTED = 7
COL_DUE = 8
COLUMN_COUNT = 9

HEADERS: tuple[str, ...] = (
    N_("Tracking number"), N_("Status"), N_("Secrecy"), N_("Service"), N_("Sender"), N_("Recipient"),
    N_("Held by"), N_("Accepted"), N_("Due"),
)
assert len(HEADERS) == COLUMN_COUNT

PAGE_SIZE = 200
OVERDUE_COLOR = QColor("#b71c1c")


def page_key(row: ItemRecord) -> str:
    """The keyset cursor search_items expects after this row."""
    return f"{row.accepted_at}|{row.tracking}"


@dataclass(frozen=True, slots=True)
class ItemRow:
    raw: ItemRecord
    cells: tuple[str, ...]
    flagged: bool
    overdue: bool
    tooltip: str


class ItemsTableModel(ReadOnlyTableModel):
    HEADERS = HEADERS

    more_requested = Signal(str)  # the `after` cursor of the next page

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ItemRow] = []
        self._has_more = False
        self._loading = False
        self._cursor: str | None = None
        self._now: datetime | None = None
        self._agency_names: dict[str, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._overdue_brush = QBrush(OVERDUE_COLOR)

    # ---- feeding -----------------------------------------------------------------------------------------

    def set_agency_names(self, names: Mapping[str, str]) -> None:
        self._agency_names = dict(names)

    def reset_rows(self, rows: Sequence[ItemRecord], now: datetime, *, has_more: bool,
                   cursor: str | None = None) -> None:
        """`cursor`: the service's key for the page after these rows (else the accepted-time key, page_key)."""
        self.beginResetModel()
        self._now = now
        self._rows = [self._make_row(r) for r in rows]
        self._has_more = has_more
        self._cursor = cursor
        self._loading = False
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._has_more = False
        self._loading = False
        self.endResetModel()

    def append_rows(self, rows: Sequence[ItemRecord], *, has_more: bool, cursor: str | None = None) -> None:
        self._loading = False
        self._has_more = has_more
        self._cursor = cursor
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(self._make_row(r) for r in rows)
        self.endInsertRows()

    def loading_failed(self) -> None:
        self._loading = False
        self._has_more = False

    def retranslate(self) -> None:
        if self._rows:
            self._rows = [self._make_row(r.raw) for r in self._rows]
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)

    def _make_row(self, raw: ItemRecord) -> ItemRow:
        overdue = self._now is not None and is_overdue_row(raw, self._now)
        flagged = raw.flagged
        cells = (
            raw.tracking,
            lbl(ItemStatus(raw.status)),
            lbl(Secrecy(raw.secrecy)),
            lbl(ServiceClass(raw.service)),
            raw.sender_agency,
            raw.recipient_agency,
            raw.holder or "",
            fmt_time(raw.accepted_at),
            fmt_time(raw.due_at),
        )
        notes = []
        if flagged:
            notes.append(t("Open incident: see the item's timeline."))
        if overdue:
            notes.append(t("Overdue: not delivered by its due time."))
        return ItemRow(raw, cells, flagged, overdue, "\n".join(notes))

    # ---- reading -------------------------------------------------------------------------------------------

    def row_data(self, row: int) -> ItemRecord:
        return self._rows[row].raw

    def trackings(self, rows: Sequence[int]) -> list[str]:
        return [self._rows[r].raw.tracking for r in rows if 0 <= r < len(self._rows)]

    def next_cursor(self) -> str | None:
        if self._cursor is not None:
            return self._cursor
        return page_key(self._rows[-1].raw) if self._rows else None

    def is_loading(self) -> bool:
        return self._loading

    # ---- QAbstractTableModel ---------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._overdue_brush if row.overdue else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if (row.overdue and column == COL_DUE) else None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TRACKING and row.flagged:
            return _warning_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (COL_SENDER, COL_RECIPIENT):
                return plain_tooltip(self._agency_names.get(row.cells[column]))
            return row.tooltip or None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_TRACKING and row.flagged:
            return t("{tracking}, open incident", tracking=row.cells[column])
        return None


    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        cursor = self.next_cursor()
        if cursor is None:
            return
        self._loading = True
        self.more_requested.emit(cursor)


_icon_cache: list[Any] = []


def _warning_icon() -> Any:
    if not _icon_cache:
        style = QApplication.style()
        _icon_cache.append(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
    return _icon_cache[0]
