"""The intake form's list of items imported from partners' bundles and not yet accepted here: choosing one fills
the form with the partner's data (the counter types nothing again); saving accepts it with a link to the
partner's acceptance (services.imported_items.accept_imported)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.widgets import named
from securemail.services import imported_items
from securemail.services.queries.imported import ImportableItem
from securemail.services.session import Session


class ImportedChooser(QWidget):
    chosen = Signal(object)       # the imported item's data (dict), or None for "type a new item"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._rows: list[ImportableItem] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = named(QLabel(), "importedLabel")
        self.combo = named(QComboBox(), "importedCombo")
        self.combo.setMinimumContentsLength(40)
        self.label.setBuddy(self.combo)
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)
        self.combo.activated.connect(self._activated)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(t("From a partner's &bundle:"))
        self._fill()

    def refresh(self) -> None:
        session = self._session
        run_op(self, lambda: imported_items.importable(session), self.set_rows)

    def set_rows(self, rows: list[ImportableItem]) -> None:
        self._rows = rows
        self._fill()

    def _fill(self) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(t("(a new item, typed here)"), None)
        for r in self._rows:
            self.combo.addItem(t("{tracking} from {office}: {sender} → {recipient} {doc_ref}",
                                 tracking=r.tracking, office=r.office, sender=r.sender_agency,
                                 recipient=r.recipient_agency, doc_ref=r.doc_ref or ""),
                               r.tracking)
        self.combo.blockSignals(False)
        self.setVisible(bool(self._rows))

    def reset(self) -> None:
        self.combo.setCurrentIndex(0)

    def choose(self, tracking: str) -> None:
        index = self.combo.findData(tracking)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._activated(index)

    def _activated(self, index: int) -> None:
        tracking = self.combo.itemData(index)
        self.chosen.emit(next((r for r in self._rows if r.tracking == tracking), None))
