"""Exchange with other offices and agency desks: import a bundle (the report names the check that failed), export
a bundle for a pinned vault, and the pinned keys (list for everyone who may verify; pin and unpin for admins).
Every call goes through the services (services: pins, bundle_export, bundle_import), off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from securemail.errors import UserFacingError
from securemail.gui.list_tables import fill_rows, list_table
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import named, show_message
from securemail.services import imported_items
from securemail.services.bundle_export import Exported, export_bundle
from securemail.services.bundle_import import Imported, import_bundle, read_bundle_file
from securemail.services.permissions import Permission, allowed
from securemail.services.pins import Pin, add_pin, list_pins, revoke_pin
from securemail.services.queries.imported import ImportableItem
from securemail.services.session import Session

# What each check of an import is, in words (docs/formats/bundle-v2.md): a refusal names the first that failed.
CHECK_WORDS = {
    "format": "the file's format", "version": "the format version", "recipient": "the vault it is addressed to",
    "pin": "the sender's pinned key", "certificate": "the certificate of the person who exported it",
    "bundle_signature": "the signature of the bundle", "checkpoint": "the sender's signed checkpoint",
    "events": "the events it carries", "inclusion": "the events' place in the sender's log",
    "directory": "the sender's directory of users", "signatures": "the signatures of the events",
    "custody": "the custody rules (holder, lawful moves)", "hash_chain": "the chain of each item's events",
    "items": "the items it names", "split_view": "continuity with what was imported before (split view)",
    "cosignatures": "the cosignatures it carries",
}


def refusal_text(check: str, detail: str) -> str:
    """The import refusal in the user's words: which check failed, then the technical detail."""
    return t("The bundle was refused. Check that failed: {check}.\nDetail: {detail}\nNothing was stored.",
             check=t(CHECK_WORDS.get(check, "the file's format")), detail=detail)


class ExchangePage(Retranslating, QWidget):
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._admin = allowed(session.role, Permission.MANAGE_SETTINGS)
        layout = QVBoxLayout(self)

        self.import_box = named(QGroupBox(), "importBox")
        box = QVBoxLayout(self.import_box)
        self.import_button = named(QPushButton(), "importButton")
        self.import_button.clicked.connect(self.choose_import)
        self.import_result = named(QLabel(), "importResult")
        self.import_result.setWordWrap(True)
        box.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.import_result)
        layout.addWidget(self.import_box)

        # At an agency desk, its văn thư confirms receipt of what the delivering post office exported here, with her
        # own signature (a named-only envelope she is not named on: received unopened, then passed on).
        self.receive_box = named(QGroupBox(), "receiveBox")
        receive = QHBoxLayout(self.receive_box)
        self.receive_label = QLabel()
        self.receive_combo = named(QComboBox(), "receiveItem")
        self.receive_combo.setMinimumContentsLength(30)
        self.receive_label.setBuddy(self.receive_combo)
        self.receive_unopened = named(QCheckBox(), "receiveUnopened")
        self.receive_button = named(QPushButton(), "receiveButton")
        self.receive_button.clicked.connect(self.confirm_receipt)
        for widget in (self.receive_label, self.receive_combo, self.receive_unopened, self.receive_button):
            receive.addWidget(widget, 1 if widget is self.receive_combo else 0)
        self.receive_result = named(QLabel(), "receiveResult")
        self.receive_result.setWordWrap(True)
        self.receive_box.setVisible(session.setting("vault_kind") == "agency"
                                    and allowed(session.role, Permission.CONFIRM_RECEIPT))
        layout.addWidget(self.receive_box)
        layout.addWidget(self.receive_result)
        self._receivable: list[ImportableItem] = []

        self.export_box = named(QGroupBox(), "exportBox")
        row = QHBoxLayout(self.export_box)
        self.export_to = named(QComboBox(), "exportTo")
        self.export_to.setMinimumContentsLength(28)
        self.export_items = named(QLineEdit(), "exportItems")
        self.export_button = named(QPushButton(), "exportButton")
        self.export_button.clicked.connect(self.choose_export)
        self.export_result = named(QLabel(), "exportResult")
        self.export_result.setWordWrap(True)
        self.export_to_label = QLabel()
        self.export_to_label.setBuddy(self.export_to)
        self.export_items_label = QLabel()
        self.export_items_label.setBuddy(self.export_items)
        row.addWidget(self.export_to_label)
        row.addWidget(self.export_to)
        row.addWidget(self.export_items_label)
        row.addWidget(self.export_items, 1)
        row.addWidget(self.export_button)
        layout.addWidget(self.export_box)
        layout.addWidget(self.export_result)

        self.pins_box = named(QGroupBox(), "pinsBox")
        pins = QVBoxLayout(self.pins_box)
        self.pins_table = list_table("pinsTable", 5)
        pins.addWidget(self.pins_table)
        buttons = QHBoxLayout()
        self.pin_button = named(QPushButton(), "pinButton")
        self.pin_button.clicked.connect(self.choose_pin)
        self.unpin_button = named(QPushButton(), "unpinButton")
        self.unpin_button.clicked.connect(self.ask_unpin)
        for button in (self.pin_button, self.unpin_button):
            button.setVisible(self._admin)
            buttons.addWidget(button)
        buttons.addStretch(1)
        pins.addLayout(buttons)
        self.pins_message = named(QLabel(), "pinsMessage")
        pins.addWidget(self.pins_message)
        layout.addWidget(self.pins_box, 1)
        self._pins: list[Pin] = []
        self._retranslate()

    def _retranslate(self) -> None:
        self.import_box.setTitle(t("Import a bundle from another office or agency desk"))
        self.import_button.setText(t("&Import a bundle…"))
        self.export_box.setTitle(t("Export a bundle for a pinned vault"))
        self.export_items.setPlaceholderText(t("Tracking numbers (separated by spaces; empty: every item of that "
                                               "agency)"))
        self.export_button.setText(t("E&xport…"))
        self.export_to_label.setText(t("&To vault:"))
        self.export_items_label.setText(t("Trac&king numbers:"))
        self.receive_box.setTitle(t("Confirm receipt of an item delivered to this agency"))
        self.receive_label.setText(t("Item:"))
        self.receive_unopened.setText(t("Named-only envelope, received unopened"))
        self.receive_button.setText(t("Confirm receipt (sign)"))
        self._show_receivable(self._receivable)
        self.pins_box.setTitle(t("Pinned keys of partner vaults"))
        self.pin_button.setText(t("&Pin a key file…"))
        self.unpin_button.setText(t("&Unpin…"))
        self.pins_table.setHorizontalHeaderLabels([t("Code"), t("Kind"), t("Fingerprint"), t("Active"), t("Name")])
        self._show_pins(self._pins)

    # ---- pins ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self._session
        run_op(self, lambda: list_pins(session), self._show_pins, self._pin_error)
        if not self.receive_box.isHidden():          # an agency desk's văn thư
            run_op(self, lambda: imported_items.importable(session), self._show_receivable, self._receive_error)

    # ---- receipt at an agency desk ---------------------------------------------------------------------------

    def _show_receivable(self, rows: list[ImportableItem]) -> None:
        self._receivable = rows
        combo = self.receive_combo
        combo.clear()
        for r in rows:
            named_to = f" — {t('only {name} may open', name=r.named_recipient)}" if r.named_only else ""
            combo.addItem(f"{r.tracking} ({r.office}: {r.sender_agency} → {r.recipient_agency})"
                          f"{named_to}", r.tracking)
        self.receive_button.setEnabled(bool(rows))
        combo.setPlaceholderText(t("No imported item waits for confirmation."))
        combo.setCurrentIndex(0 if rows else -1)

    def confirm_receipt(self) -> None:
        tracking = self.receive_combo.currentData()
        if not tracking:
            return
        session, unopened = self._session, self.receive_unopened.isChecked()
        self.receive_button.setEnabled(False)

        def done(_: object) -> None:
            show_message(self.receive_result, t("Receipt of {tracking} signed{how}.", tracking=tracking,
                                                how=t(" (unopened)") if unopened else ""), kind="ok")
            self.receive_unopened.setChecked(False)
            self.changed.emit()
            self.refresh()

        run_op(self, lambda: imported_items.receive_imported(session, str(tracking), unopened=unopened), done,
               self._receive_error)

    def _receive_error(self, error: UserFacingError) -> None:
        self.receive_button.setEnabled(bool(self._receivable))
        show_message(self.receive_result, error.message())

    def _show_pins(self, pins: list[Pin]) -> None:
        self._pins = pins
        fill_rows(self.pins_table, [  # plain text: a partner's name is outside text
            (p.code, t("Agency desk") if p.kind == "agency" else t("Post office"), p.fingerprint,
             t("Yes") if p.active else t("No (revoked)"), p.name) for p in pins])
        current = self.export_to.currentData()
        self.export_to.clear()
        for p in pins:
            if p.active:
                self.export_to.addItem(f"{p.code} - {p.name}", p.code)
        index = self.export_to.findData(current)
        self.export_to.setCurrentIndex(max(index, 0))

    def _pin_error(self, error: UserFacingError) -> None:
        show_message(self.pins_message, error.message())

    def choose_pin(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("Key file of the partner vault"), "",
                                              t("Office key files (*.key);;All files (*)"))
        if path:
            reason, ok = QInputDialog.getText(self, t("Pin a key"), t("Who read the fingerprint aloud, and when:"))
            if ok:
                self.pin(Path(path), reason)

    def pin(self, path: Path, reason: str) -> None:
        session = self._session

        def done(p: Pin) -> None:
            show_message(self.pins_message, t("Pinned {code} ({name}). Fingerprint: {fingerprint}. Compare it aloud "
                                              "with the partner.", code=p.code, name=p.name,
                                              fingerprint=p.fingerprint), kind="ok")
            self.refresh()

        run_op(self, lambda: add_pin(session, path, reason or None), done, self._pin_error)

    def ask_unpin(self) -> None:
        row = self.pins_table.currentRow()
        if row < 0 or row >= len(self._pins):
            show_message(self.pins_message, t("Choose a pinned key in the list first."))
            return
        code = self._pins[row].code
        reason, ok = QInputDialog.getText(self, t("Unpin a key"), t("Why is {code} no longer trusted?", code=code))
        if ok:
            self.unpin(code, reason)

    def unpin(self, code: str, reason: str) -> None:
        session = self._session

        def done(p: Pin) -> None:
            show_message(self.pins_message, t("Unpinned {code}.", code=p.code), kind="ok")
            self.refresh()

        run_op(self, lambda: revoke_pin(session, code, reason), done, self._pin_error)

    # ---- import / export -----------------------------------------------------------------------------------

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("Bundle to import"), "",
                                              t("SecureMail bundles (*.bundle);;All files (*)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        session = self._session
        show_message(self.import_result, t("Checking {path}…", path=str(path)), kind="info")

        def work() -> Imported:
            return import_bundle(session, read_bundle_file(path))

        def done(r: Imported) -> None:
            key = ("The bundle of {office} (checkpoint {size}) was imported before; nothing more stored."
                   if r.already else "Verified and imported the bundle of {office}: {events} events ({new} new), "
                                     "checkpoint size {size}.")
            show_message(self.import_result, t(key, office=r.office, events=r.events, new=r.new_events, size=r.size),
                         kind="ok")
            self.changed.emit()

        def failed(error: UserFacingError) -> None:
            check = getattr(error, "check", None)
            if isinstance(check, str):
                detail = getattr(error, "detail", None) or error.message()
                show_message(self.import_result, refusal_text(check, str(detail)))
            else:
                show_message(self.import_result, error.message())

        run_op(self, work, done, failed)

    def choose_export(self) -> None:
        code = self.export_to.currentData()
        if not code:
            show_message(self.export_result, t("Pin the partner's key first (an administrator)."))
            return
        path, _ = QFileDialog.getSaveFileName(self, t("Save the bundle"), f"{code}.bundle",
                                              t("SecureMail bundles (*.bundle);;All files (*)"))
        if path:
            self.export_file(str(code), self.export_items.text().split(), Path(path))

    def export_file(self, code: str, trackings: list[str], path: Path) -> None:
        session = self._session

        def done(r: Exported) -> None:
            show_message(self.export_result, t("Wrote bundle {path} for {to}: {items} items, {events} events.",
                                               path=str(r.path), to=r.to, items=len(r.items), events=r.events),
                         kind="ok")

        def failed(error: UserFacingError) -> None:
            show_message(self.export_result, error.message())

        run_op(self, lambda: export_bundle(session, code, trackings or None, path), done, failed)
