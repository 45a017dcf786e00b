"""Read-only lists shown as a QTableWidget (users, agencies, norms, days off, pins, a bag's manifest, incidents):
how they behave, and how rows of plain text fill them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from securemail.gui.widgets import named


def list_table(name: str, columns: int) -> QTableWidget:
    """Whole rows are chosen, one at a time, never edited; Tab leaves the table (arrows move inside it); no row
    numbers; columns as wide as their text, the last one stretching."""
    table = named(QTableWidget(0, columns), name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_rows(table: QTableWidget, rows: Iterable[Sequence[str]]) -> None:
    """One row a sequence of cell texts, shown as plain text (a table item never renders rich text: names and
    descriptions typed by people are shown as typed)."""
    rows = list(rows)
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.setItem(i, j, QTableWidgetItem(text))
