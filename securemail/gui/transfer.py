"""Hand-over, delivery and a sealed bag to a courier, with the second person signing on the same screen
(services.cosign + transfers or bags): one form for the three."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from securemail.domain.enums import Role
from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import nt, t
from securemail.gui.translator import Retranslating
from securemail.gui.ui_transfer_dialog import Ui_TransferDialog
from securemail.gui.widgets import FieldErrors, lbl, set_plain, show_message
from securemail.services import bags, directory, transfers
from securemail.services.cosign import cosigner
from securemail.services.queries.bags import BagRecord
from securemail.services.session import Session, UserInfo

HANDOVER = "handover"
DELIVER = "deliver"
BAG = "bag"  # a sealed bag (services.bags.dispatch_bag): couriers only
TAKERS = {HANDOVER: (Role.COURIER, Role.CLERK), DELIVER: (Role.SECRETARY,), BAG: (Role.COURIER,)}


class TransferDialog(Retranslating, QDialog):
    recorded = Signal(list)  # the trackings that moved (BAG: the bag's id)

    def __init__(self, session: Session, trackings: Sequence[str], mode: str,
                 parent: QWidget | None = None, *, bag: BagRecord | None = None) -> None:
        super().__init__(parent)
        if mode not in TAKERS or (mode == BAG) != (bag is not None):
            raise ValueError(f"unknown transfer mode {mode!r}")
        self._session = session
        self._trackings = list(trackings)
        self._mode = mode
        self._bag = bag
        self._busy = False
        self._takers: list[UserInfo] = []
        self._takers_loaded = False
        if mode == DELIVER and len(self._trackings) != 1:
            raise ValueError("deliver one item at a time")
        self._ui = Ui_TransferDialog()
        self._ui.setupUi(self)
        if mode == BAG:
            self.setObjectName("bagDispatchDialog")
        self._errors = FieldErrors({"username": self._ui.toCombo, "password": self._ui.passwordEdit},
                                   self._ui.errorLabel)
        self._ui.confirmButton.clicked.connect(self._confirm)
        self._ui.toCombo.currentIndexChanged.connect(self._name_signer)
        self._ui.cancelButton.clicked.connect(self.reject)
        show_message(self._ui.errorLabel, "")
        self._retranslate()
        self._ui.passwordEdit.setFocus()

    def _retranslate(self) -> None:
        self._ui.retranslateUi(self)
        user = self._session.user
        set_plain(self._ui.giverValue, f"{user.full_name} ({user.username})")
        set_plain(self._ui.itemsLabel, ", ".join(self._trackings))
        if self._mode == BAG:
            self.setWindowTitle(t("Give the bag to a courier"))
            bag_id, seal = (self._bag.bag, self._bag.seal) if self._bag else (None, None)
            heading = t("Hand sealed bag {bag} (seal {seal}) to a courier:", bag=bag_id, seal=seal or "-")
            set_plain(self._ui.itemsLabel, nt("{count} item: {items}", "{count} items: {items}", len(self._trackings),
                                              items=", ".join(self._trackings)))
        elif self._mode == HANDOVER:
            self.setWindowTitle(t("Hand over items"))
            heading = nt("Hand over {count} item to a courier or clerk:",
                         "Hand over {count} items to a courier or clerk:", len(self._trackings))
        else:
            self.setWindowTitle(t("Deliver to the recipient agency"))
            heading = t("Deliver to the recipient agency's secretary, who signs for receipt:")
        set_plain(self._ui.headingLabel, heading)
        self._name_signer()
        if self._takers_loaded:  # their roles in the list, or "nobody can take custody", in the new language
            self._fill_takers(self._takers)

    def _name_signer(self, *_: object) -> None:
        """The password label says whose password goes there: the person chosen to take custody."""
        chosen = self._ui.toCombo.currentData()
        taker = next((u for u in self._takers if u.username == chosen), None)
        self._ui.passwordLabel.setText(t("&Password of {name}", name=taker.full_name) if taker is not None
                                       else t("Their &password"))

    # ---- who may take custody ----------------------------------------------------------------------------

    def start(self) -> None:
        session = self._session
        run_op(self, lambda: directory.list_users(session), self._fill_takers, self._errors.show)

    def _fill_takers(self, users: list[UserInfo]) -> None:
        roles = TAKERS[self._mode]
        self._takers_loaded = True
        self._takers = [u for u in users if u.active and u.role in roles and u.username != self._session.user.username]
        combo = self._ui.toCombo
        chosen = combo.currentData()
        combo.clear()
        for user in self._takers:
            extra = f", {user.agency}" if user.agency else ""
            combo.addItem(f"{user.full_name} ({user.username}) - {lbl(user.role)}{extra}", user.username)
        if chosen:
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        if not self._takers:
            show_message(self._ui.errorLabel, t("Nobody in this vault can take custody of these items."))

    def choose(self, username: str) -> None:
        self._ui.toCombo.setCurrentIndex(self._ui.toCombo.findData(username))

    # ---- signing -----------------------------------------------------------------------------------------

    def _confirm(self) -> None:
        if self._busy:
            return
        username = self._ui.toCombo.currentData()
        password = self._ui.passwordEdit.text()
        if not username:
            show_message(self._ui.errorLabel, t("Choose who takes custody."))
            return
        if not password:
            show_message(self._ui.errorLabel, t("The person taking custody must type their password."))
            self._ui.passwordEdit.setFocus()
            return
        self._set_busy(True)
        self._errors.clear()
        session, trackings, mode = self._session, self._trackings, self._mode
        bag_id = self._bag.bag if self._bag else None

        def work() -> list[str]:
            signer, user = cosigner(session, str(username), password)
            if mode == BAG:
                return [bags.dispatch_bag(session, str(bag_id), signer, user).bag]
            if mode == HANDOVER:
                return transfers.handover(session, trackings, signer, user)
            transfers.deliver(session, trackings[0], to=signer, to_user=user)
            return trackings[:1]

        run_op(self, work, self._done, self._failed)

    def _done(self, moved: list[str]) -> None:
        self._set_busy(False)
        self.recorded.emit(moved)
        self.accept()

    def _failed(self, error: UserFacingError) -> None:
        self._set_busy(False)
        self._ui.passwordEdit.clear()  # only the password; the choice of person stays
        self._errors.show(error)
        self._ui.passwordEdit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self._ui.toCombo, self._ui.passwordEdit, self._ui.confirmButton):
            widget.setEnabled(not busy)
