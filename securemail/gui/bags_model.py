"""The table of bags (services.bags.list_bags rows) with named columns and translatable headers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from securemail.domain.enums import BagStatus
from securemail.gui.strings import N_, t
from securemail.gui.table_base import ReadOnlyTableModel
from securemail.gui.widgets import lbl
from securemail.services.queries.bags import BagRecord

AnyIndex = QModelIndex | QPersistentModelIndex
COL_BAG, COL_DESTINATION, COL_STATUS, COL_SEAL, COL_ITEMS, COL_HOLDER = range(6)
MISSING_BRUSH = QBrush(QColor("#f8d7da"))
EXTRA_BRUSH = QBrush(QColor("#fff3cd"))
SCANNED_BRUSH = QBrush(QColor("#e8f5e9"))


class BagsTableModel(ReadOnlyTableModel):
    HEADERS = (N_("Bag"), N_("Destination"), N_("Status"), N_("Seal"), N_("Items in the bag"), N_("Held by"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BagRecord] = []
        self._agencies: dict[str, str] = {}

    def set_rows(self, rows: list[BagRecord], agencies: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._agencies = dict(agencies)
        self.endResetModel()

    def row(self, index: int) -> BagRecord:
        return self._rows[index]

    def rows(self) -> list[BagRecord]:
        return list(self._rows)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def destination(self, code: str) -> str:
        name = self._agencies.get(code)
        return f"{code} - {name}" if name else code

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        bag = self._rows[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole:  # a bag that arrived with items missing stands out
            return MISSING_BRUSH if bag.missing else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == COL_BAG:
            return bag.bag
        if column == COL_DESTINATION:
            return self.destination(bag.destination)
        if column == COL_STATUS:
            status = lbl(BagStatus(bag.status))
            missing = len(bag.missing or [])
            return status + (" - " + t("{count} MISSING", count=missing) if missing else "")
        if column == COL_SEAL:
            return bag.seal or ""
        if column == COL_ITEMS:
            return str(len(bag.items))
        if column == COL_HOLDER:
            return bag.holder or ""
        return None

