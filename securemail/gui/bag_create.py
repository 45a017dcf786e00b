"""Make up a new bag for one destination agency (services.bags.create_bag)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.widgets import FieldErrors, button_row, enter_confirms, named, show_message
from securemail.services import bags
from securemail.services.directory import Agency
from securemail.services.session import Session


class CreateBagDialog(QDialog):
    created = Signal(str)

    def __init__(self, session: Session, agencies: list[Agency], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createBagDialog")
        self.setWindowTitle(t("Create a bag"))
        self._session = session
        self._busy = False
        self.destination_combo = named(QComboBox(), "bagDestination")
        for agency in agencies:
            self.destination_combo.addItem(f"{agency.code} - {agency.name}", agency.code)
        self.message = named(QLabel(), "createBagMessage")
        self.message.setWordWrap(True)
        self.confirm_button = named(QPushButton(t("C&reate")), "createBagConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "createBagCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        form = QFormLayout()
        dest_label = QLabel(t("&Destination agency"))
        dest_label.setBuddy(self.destination_combo)
        form.addRow(dest_label, self.destination_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm_button, self.cancel_button))
        enter_confirms(self, self.confirm_button)
        self._errors = FieldErrors({"destination": self.destination_combo}, self.message)
        show_message(self.message, "")
        if not agencies:
            show_message(self.message, t("There is no agency to send a bag to yet."))

    def choose(self, code: str) -> None:
        self.destination_combo.setCurrentIndex(self.destination_combo.findData(code))

    def confirm(self) -> None:
        code = self.destination_combo.currentData()
        if self._busy or not code:
            return
        self._busy = True
        self.confirm_button.setEnabled(False)
        session = self._session
        run_op(self, lambda: bags.create_bag(session, str(code)), self._done, self._failed)

    def _done(self, bag_id: str) -> None:
        self._busy = False
        self.created.emit(bag_id)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._busy = False
        self.confirm_button.setEnabled(True)
        self._errors.show(error)
