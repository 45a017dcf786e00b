"""Custody moves of one item from its detail window (services.transfers): failed delivery, return, forward,
arrival at this office (the holder signs on the same screen) and delivery to a person without an account.

Which of them a user may start is decided here from the same rules the services enforce (the permission
matrix, the lifecycle table and who holds the item); the services check everything again before writing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import ItemStatus
from securemail.domain.lifecycle import Action, allowed_actions
from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.widgets import FieldErrors, PlainLabel, button_row, enter_confirms, named, show_message
from securemail.services import directory, imported_items, transfers
from securemail.services.cosign import cosigner
from securemail.services.items import ExternalPerson
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session

FAIL = "fail"
RETURN = "return"
FORWARD = "forward"

# The action, the permission it needs, and whether only the current holder may do it (services.transfers).
MOVES: dict[str, tuple[Action, Permission, bool]] = {
    "handover": (Action.HANDOVER, Permission.HANDOVER, True),
    "deliver": (Action.DELIVER, Permission.DELIVER, True),
    "out_for_delivery": (Action.OUT_FOR_DELIVERY, Permission.OUT_FOR_DELIVERY, True),
    FAIL: (Action.FAIL, Permission.FAIL, True),
    RETURN: (Action.RETURN, Permission.RETURN, True),
    FORWARD: (Action.FORWARD, Permission.FORWARD, True),
    "arrive": (Action.ARRIVE, Permission.ARRIVE, False),
}


def may(session: Session, item: ItemRecord | None, move: str) -> bool:
    """True when this user's role, the item's status and (for holder-only moves) its holder allow `move`."""
    action, permission, holder_only = MOVES[move]
    if item is None or not allowed(session.role, permission):
        return False
    try:
        status = ItemStatus(item.status)
    except ValueError:
        return False
    if action not in allowed_actions(status):
        return False
    holder = item.holder or ""
    if holder_only:
        return holder == session.user.username
    # Arrival: the clerk takes the item from someone else, who co-signs.
    return bool(holder) and holder != session.user.username


class _MoveDialog(QDialog):
    """Shared busy handling: one service call at a time; errors mark their field and keep what was typed."""

    recorded = Signal(str)  # the tracking number that moved

    def __init__(self, session: Session, tracking: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._session = session
        self._tracking = tracking
        self._busy = False
        self.message = named(QLabel(), "moveMessage")
        self.message.setWordWrap(True)
        self.confirm_button = named(QPushButton(t("Sign and record")), "moveConfirm")
        self.cancel_button = named(QPushButton(t("Cancel")), "moveCancel")
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        self._errors: FieldErrors | None = None

    def _finish_layout(self, heading: str, form: QFormLayout, fields: Mapping[str, QWidget]) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(PlainLabel(heading, wrap=True))
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm_button, self.cancel_button))
        self._errors = FieldErrors(fields, self.message)
        enter_confirms(self, self.confirm_button)
        show_message(self.message, "")

    def _work(self) -> Callable[[], object]:
        raise NotImplementedError

    def confirm(self) -> None:
        if self._busy or self._errors is None:
            return
        work = self._work()
        self._set_busy(True)
        self._errors.clear()
        run_op(self, work, self._done, self._failed)

    def _done(self, _: object) -> None:
        self._set_busy(False)
        self.recorded.emit(self._tracking)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        if self._errors is not None:
            self._errors.show(error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.confirm_button.setEnabled(not busy)

    def marked(self) -> list[str]:
        return self._errors.marked() if self._errors is not None else []


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class RedirectDialog(_MoveDialog):
    """Failed delivery (reason required), return to sender (reason required, destination defaults to the
    sender agency) and forward (destination required, reason optional)."""

    def __init__(self, session: Session, item: ItemRecord, mode: str, parent: QWidget | None = None) -> None:
        if mode not in (FAIL, RETURN, FORWARD):
            raise ValueError(f"unknown move {mode!r}")
        super().__init__(session, item.tracking, parent)
        self._mode = mode
        self._sender = item.sender_agency
        self.setObjectName({FAIL: "failDialog", RETURN: "returnDialog", FORWARD: "forwardDialog"}[mode])
        self.resize(560, 340)
        self.reason_edit = named(QPlainTextEdit(), "moveReason")
        self.destination_combo = named(QComboBox(), "moveDestination")
        self.destination_combo.setMinimumContentsLength(30)
        form = QFormLayout()
        tracking = self._tracking
        if mode == FAIL:
            self.setWindowTitle(t("Delivery failed"))
            heading = t("Item {tracking} could not be delivered. The reason is signed and recorded.",
                        tracking=tracking)
            form.addRow(_label(t("&Reason (required)"), self.reason_edit), self.reason_edit)
            self.destination_combo.setVisible(False)
        elif mode == RETURN:
            self.setWindowTitle(t("Return to sender"))
            heading = t("Return item {tracking} to the sender. Returned items cannot move any further.",
                        tracking=tracking)
            form.addRow(_label(t("Return &to"), self.destination_combo), self.destination_combo)
            form.addRow(_label(t("&Reason (required)"), self.reason_edit), self.reason_edit)
        else:
            self.setWindowTitle(t("Forward"))
            heading = t("Forward item {tracking} to another agency.", tracking=tracking)
            form.addRow(_label(t("Forward &to"), self.destination_combo), self.destination_combo)
            form.addRow(_label(t("&Reason (optional)"), self.reason_edit), self.reason_edit)
        if mode != FAIL:
            # Until the directory has loaded, the sender agency (return) or nothing (forward) is offered.
            self.destination_combo.addItem("" if mode == FORWARD else self._sender,
                                           "" if mode == FORWARD else self._sender)
        self._finish_layout(heading, form, {"reason": self.reason_edit, "destination": self.destination_combo})

    def start(self) -> None:
        if self._mode == FAIL:
            return
        session = self._session
        run_op(self, lambda: directory.list_agencies(session), self._fill_agencies, self._failed)

    def _fill_agencies(self, agencies: list[Any]) -> None:
        combo = self.destination_combo
        chosen = combo.currentData()
        combo.clear()
        if self._mode == FORWARD:
            combo.addItem(t("- choose an agency -"), "")
        for agency in agencies:
            combo.addItem(f"{agency.code} - {agency.name}", agency.code)
        if self._mode == RETURN and combo.findData(self._sender) < 0 and self._sender:
            combo.insertItem(0, self._sender, self._sender)
        index = combo.findData(chosen) if chosen else -1
        if index < 0 and self._mode == RETURN:
            index = combo.findData(self._sender)
        combo.setCurrentIndex(max(index, 0))

    def choose(self, code: str) -> None:
        self.destination_combo.setCurrentIndex(self.destination_combo.findData(code))

    def _work(self) -> Callable[[], object]:
        session, tracking, mode = self._session, self._tracking, self._mode
        reason = self.reason_edit.toPlainText()
        destination = str(self.destination_combo.currentData() or "")
        if mode == FAIL:
            return lambda: transfers.fail(session, tracking, reason)
        if mode == RETURN:
            return lambda: transfers.return_to_sender(session, tracking, reason, destination or None)
        return lambda: transfers.forward(session, tracking, destination, reason or None)


class ArriveDialog(_MoveDialog):
    """The clerk takes the item back at this office; its current holder types their password here."""

    def __init__(self, session: Session, item: ItemRecord, holder_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, item.tracking, parent)
        self.setObjectName("arriveDialog")
        self.setWindowTitle(t("Receive at this office"))
        self.resize(520, 300)
        self._holder = item.holder or ""
        self.holder_value = named(PlainLabel(f"{holder_name} ({self._holder})" if holder_name else self._holder),
                                  "arriveHolder")
        self.password_edit = named(QLineEdit(), "arrivePassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(QLabel(t("Handed back by")), self.holder_value)
        form.addRow(_label(t("Holder's &password"), self.password_edit), self.password_edit)
        self._finish_layout(t("Receive item {tracking} at this office from the person holding it, who types their "
                              "own password here. If it is refused, nothing is recorded.", tracking=self._tracking),
                            form, {"password": self.password_edit, "giver": self.password_edit})
        self.password_edit.setFocus()

    def confirm(self) -> None:
        if not self.password_edit.text():
            show_message(self.message, t("The person handing the item back must type their password."))
            self.password_edit.setFocus()
            return
        super().confirm()

    def _work(self) -> Callable[[], object]:
        session, tracking, holder, password = self._session, self._tracking, self._holder, self.password_edit.text()

        def work() -> list[str]:
            signer, _user = cosigner(session, holder, password)
            return transfers.arrive(session, [tracking], signer)

        return work

    def _failed(self, error: UserFacingError) -> None:
        self.password_edit.clear()  # never keep a password that was refused
        super()._failed(error)
        self.password_edit.setFocus()


class DeliverExternalDialog(_MoveDialog):
    """Delivery to someone without an account: their full name (required) and ID number are recorded. With
    `pass_on`, the văn thư hands an envelope she received unopened to the named person (services.imported_items)."""

    def __init__(self, session: Session, item: ItemRecord, parent: QWidget | None = None, *,
                 pass_on: bool = False) -> None:
        super().__init__(session, item.tracking, parent)
        self._pass_on = pass_on
        self.setObjectName("passOnDialog" if pass_on else "deliverExternalDialog")
        self.setWindowTitle(t("Pass the unopened envelope to the named person") if pass_on
                            else t("Deliver to a person without an account"))
        self.resize(520, 300)
        self.name_edit = named(QLineEdit(), "externalName")
        self.id_edit = named(QLineEdit(), "externalId")
        form = QFormLayout()
        form.addRow(_label(t("&Full name (required)"), self.name_edit), self.name_edit)
        form.addRow(_label(t("&ID number"), self.id_edit), self.id_edit)
        named_to = item.named_recipient or ""
        heading = (t("Hand the unopened envelope {tracking} to the person named on it. Their details are recorded "
                     "with your signature.", tracking=self._tracking) if pass_on else
                   t("Deliver item {tracking} to a person who has no account in this vault. Their details are "
                     "recorded with your signature.", tracking=self._tracking))
        if named_to and item.named_only:
            heading += "\n" + t("Only {name} may receive this item.", name=named_to)
        self._finish_layout(heading, form, {"person_name": self.name_edit, "person_id": self.id_edit})
        self.name_edit.setFocus()

    def _work(self) -> Callable[[], object]:
        session, tracking = self._session, self._tracking
        person = ExternalPerson(self.name_edit.text(), self.id_edit.text() or None, None)
        if self._pass_on:
            return lambda: imported_items.pass_on(session, tracking, person=person)
        return lambda: transfers.deliver(session, tracking, person=person)
