"""Receive a dispatched bag: scan what is really in it and see, live, the manifest against the scans (expected,
scanned, missing, not on the manifest) before the courier signs; then the result, with the incidents recorded.

Nothing is recorded until the courier types their password and the clerk confirms (services.bags.open_bag)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from securemail.errors import UserFacingError
from securemail.gui.bags_model import EXTRA_BRUSH, MISSING_BRUSH, SCANNED_BRUSH
from securemail.gui.list_tables import list_table
from securemail.gui.ops import run_op
from securemail.gui.strings import N_, nt, t
from securemail.gui.widgets import PlainLabel, button_row, enter_confirms, named, show_message
from securemail.services import bags
from securemail.services.bags import BagOpening, compare_manifest
from securemail.services.cosign import cosigner
from securemail.services.items import normalise_tracking
from securemail.services.queries.bags import BagRecord
from securemail.services.session import Session

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
HEADERS = (N_("Tracking number"), N_("On the manifest"), N_("Scanned"))


class BagOpenDialog(QDialog):
    opened = Signal(object)  # BagOpening

    def __init__(self, session: Session, bag: BagRecord, holder_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bagOpenDialog")
        self.setWindowTitle(t("Receive a bag"))
        self.resize(640, 560)
        self._session = session
        self._bag = bag
        self._expected = [str(x) for x in bag.items]
        self._scanned: list[str] = []
        self._busy = False
        self.opening: BagOpening | None = None
        self.heading = PlainLabel(nt("Open bag {bag} (seal {seal}, {count} item on the manifest). Scan every item "
                                     "found in it; the courier then signs.",
                                     "Open bag {bag} (seal {seal}, {count} items on the manifest). Scan every item "
                                     "found in it; the courier then signs.", len(self._expected),
                                     bag=bag.bag, seal=bag.seal or "-"), wrap=True)
        self.scan_edit = named(QLineEdit(), "openScan")
        self.scan_edit.setPlaceholderText(t("Tracking number, then Enter"))
        self.scan_edit.installEventFilter(self)  # Enter here adds the scan, and only that
        self.counts = named(PlainLabel(wrap=True), "openCounts")
        self.table = list_table("openManifest", len(HEADERS))
        self.table.setHorizontalHeaderLabels([t(h) for h in HEADERS])
        self.remove_button = named(QPushButton(t("Take the selected scan &out")), "openRemove")
        self.remove_button.clicked.connect(self._remove_scanned)
        self.giver_value = named(PlainLabel(holder_text), "openGiver")
        self.password_edit = named(QLineEdit(), "openPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(), "openMessage")
        self.message.setWordWrap(True)
        self.confirm_button = named(QPushButton(t("Sign and record")), "openConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "openCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        scan_label = QLabel(t("&Scan:"))
        scan_label.setBuddy(self.scan_edit)
        form.addRow(scan_label, self.scan_edit)
        table_label = QLabel(t("&Manifest and scans"))
        table_label.setBuddy(self.table)
        form.addRow(table_label, self.counts)
        form.addRow(self.table)
        form.addRow("", self.remove_button)
        form.addRow(QLabel(t("Handed over by")), self.giver_value)
        password_label = named(QLabel(t("&Password of {name}", name=holder_text)), "openPasswordLabel")
        password_label.setBuddy(self.password_edit)
        form.addRow(password_label, self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm_button, self.cancel_button))
        enter_confirms(self, self.confirm_button)
        show_message(self.message, "")
        self._show()
        self.scan_edit.setFocus()

    # ---- scanning: only this screen's list until the courier signs -----------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scan_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in ENTER_KEYS:
            self.scan()
            return True
        return super().eventFilter(watched, event)

    def scanned(self) -> list[str]:
        return list(self._scanned)

    def check(self) -> BagOpening:
        """The manifest against the scans so far (the same comparison open_bag records)."""
        return compare_manifest(self._bag.bag, self._expected, self._scanned)

    def scan(self) -> None:
        try:
            tracking = normalise_tracking(self.scan_edit.text())
        except UserFacingError:
            tracking = self.scan_edit.text().strip().upper()
        if not tracking or self.opening is not None:
            return
        if tracking not in self._scanned:
            self._scanned.append(tracking)
        self.scan_edit.clear()
        self._show(select=tracking)

    def _remove_scanned(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is not None and item.text() in self._scanned:
            self._scanned.remove(item.text())
            self._show()

    def _show(self, select: str | None = None) -> None:
        check = self.check()
        rows: list[tuple[str, str, str, QBrush | None]] = []
        done = self.opening is not None
        for tracking in sorted(self._expected):
            if tracking in check.found:
                rows.append((tracking, t("yes"), "✓ " + t("scanned"), SCANNED_BRUSH))
            else:
                state = t("MISSING - incident recorded") if done else t("not scanned yet")
                rows.append((tracking, t("yes"), "✗ " + state, MISSING_BRUSH if done else None))
        for tracking in check.extra:
            state = t("not on the manifest - incident recorded") if done else t("not on the manifest")
            rows.append((tracking, t("no"), "⚠ " + state, EXTRA_BRUSH))
        self.table.setRowCount(len(rows))
        for i, (tracking, listed, state, brush) in enumerate(rows):
            for j, text in enumerate((tracking, listed, state)):
                cell = QTableWidgetItem(text)
                if brush is not None:
                    cell.setBackground(brush)
                self.table.setItem(i, j, cell)
            if tracking == select:
                self.table.selectRow(i)
        self.counts.setText(t("Expected {expected}, scanned {scanned}, missing {missing}, not on the manifest "
                              "{extra}.", expected=len(self._expected), scanned=len(self._scanned),
                              missing=len(check.missing), extra=len(check.extra)))

    def row_states(self) -> dict[str, str]:
        """tracking -> what the table shows in its last column (for tests and screen readers alike)."""
        states: dict[str, str] = {}
        for i in range(self.table.rowCount()):
            tracking, state = self.table.item(i, 0), self.table.item(i, 2)
            if tracking is not None and state is not None:
                states[tracking.text()] = state.text()
        return states

    # ---- signing -------------------------------------------------------------------------------------------

    def confirm(self) -> None:
        if self._busy or self.opening is not None:
            return
        password = self.password_edit.text()
        if not password:
            show_message(self.message, t("The courier handing over the bag must type their password."))
            self.password_edit.setFocus()
            return
        self._set_busy(True)
        show_message(self.message, "")
        session, bag_id, holder, scanned = self._session, self._bag.bag, self._bag.holder, self.scanned()

        def work() -> BagOpening:
            signer, _user = cosigner(session, str(holder or ""), password)
            return bags.open_bag(session, bag_id, scanned, signer)

        run_op(self, work, self._done, self._failed)

    def _done(self, opening: BagOpening) -> None:
        self._busy = False
        self.opening = opening
        self.password_edit.clear()
        for widget in (self.scan_edit, self.remove_button, self.password_edit, self.confirm_button):
            widget.setEnabled(False)
        self.cancel_button.setText(t("&Close"))
        enter_confirms(self, self.cancel_button)  # now the only thing left to do
        self._show()
        if opening.missing or opening.extra:
            show_message(self.message, t("Bag {bag} received: {found} found, {missing} missing, {extra} not on the "
                                         "manifest. The incidents are recorded on the items.", bag=opening.bag,
                                         found=len(opening.found), missing=len(opening.missing),
                                         extra=len(opening.extra)))
        else:
            show_message(self.message, nt("Bag {bag} received: its {found} item found.",
                                          "Bag {bag} received: all {found} items found.", len(opening.found),
                                          bag=opening.bag, found=len(opening.found)), kind="ok")
        self.opened.emit(opening)

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        show_message(self.message, error.message())
        self.password_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.scan_edit, self.password_edit, self.confirm_button):
            widget.setEnabled(not busy)
