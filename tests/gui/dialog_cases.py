"""Every dialog of the app, built as the role that opens it (for the Enter-key and screen-size tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from gui_vault import VaultInfo
from PySide6.QtWidgets import QDialog

from securemail.domain.enums import ServiceClass
from securemail.gui.admin_forms import (
    AddAgencyDialog,
    AddDayDialog,
    AddUserDialog,
    ChangeRoleDialog,
    EditAgencyDialog,
    NormDialog,
    RemoveDayDialog,
    ResetPasswordDialog,
    StatutoryDialog,
)
from securemail.gui.bag_create import CreateBagDialog
from securemail.gui.bag_open import BagOpenDialog
from securemail.gui.incident_dialogs import CloseIncidentDialog, ReportIncidentDialog
from securemail.gui.item_actions import FAIL, FORWARD, RETURN, ArriveDialog, DeliverExternalDialog, RedirectDialog
from securemail.gui.item_detail import ItemDetailDialog
from securemail.gui.password_dialog import ChangePasswordDialog
from securemail.gui.transfer import BAG, DELIVER, HANDOVER, TransferDialog
from securemail.services import directory, items, norms
from securemail.services.queries.bags import BagRecord
from securemail.services.queries.items import ItemRecord
from securemail.services.session import Session

Factory = Callable[[Session, VaultInfo], QDialog]


@dataclass(frozen=True)
class Case:
    user: str
    make: Factory
    confirm: str | None  # objectName of the confirming button; None: no button answers Enter
    prefilled: bool = False  # every required field has a value when the dialog opens: Enter may record


def _item(session: Session, vault: VaultInfo, key: str = "waiting") -> ItemRecord:
    return items.item_row(session, vault.trackings[key])


def _user(session: Session, name: str) -> object:
    return directory.get_user(session, name)


def bag_of(vault: VaultInfo) -> BagRecord:
    return BagRecord("TUI-1", "HN01", "closed", "NP-1", "clerk1", "2025-03-03T08:00:00+07:00", "courier1", 1, None,
                     (vault.trackings["waiting"],))


def _norm(session: Session) -> object:
    return next(n for n in norms.list_norms(session) if n.service is ServiceClass.THUONG)


CASES: dict[str, Case] = {
    "handover": Case("clerk1", lambda s, v: TransferDialog(s, [v.trackings["waiting"]], HANDOVER), "confirmButton"),
    "deliver": Case("clerk1", lambda s, v: TransferDialog(s, [v.trackings["waiting"]], DELIVER), "confirmButton"),
    "bag to courier": Case("clerk1", lambda s, v: TransferDialog(s, [v.trackings["waiting"]], BAG, bag=bag_of(v)),
                           "confirmButton"),
    "receive bag": Case("clerk1", lambda s, v: BagOpenDialog(s, bag_of(v), "Phạm Văn Hùng (courier1)"),
                        "openConfirm"),
    "create bag": Case("clerk1", lambda s, v: CreateBagDialog(s, directory.list_agencies(s)), "createBagConfirm",
                       prefilled=True),
    "report incident": Case("clerk1", lambda s, v: ReportIncidentDialog(s, v.trackings["waiting"]),
                            "incidentConfirm"),
    "close incident": Case("auditor1", lambda s, v: CloseIncidentDialog(s, v.trackings["flagged"]),
                           "closeIncidentConfirm"),
    "failed delivery": Case("clerk1", lambda s, v: RedirectDialog(s, _item(s, v), FAIL), "moveConfirm"),
    "return": Case("clerk1", lambda s, v: RedirectDialog(s, _item(s, v), RETURN), "moveConfirm"),
    "forward": Case("clerk1", lambda s, v: RedirectDialog(s, _item(s, v), FORWARD), "moveConfirm"),
    "take back from the holder": Case("clerk1", lambda s, v: ArriveDialog(s, _item(s, v, "transit"), "Phạm Văn Hùng"),
                                      "moveConfirm"),
    "deliver to a person without an account": Case("clerk1", lambda s, v: DeliverExternalDialog(s, _item(s, v)),
                                                   "moveConfirm"),
    "change own password": Case("clerk1", lambda s, v: ChangePasswordDialog(s), "changePasswordConfirm"),
    "item detail": Case("clerk1", lambda s, v: ItemDetailDialog(s, v.trackings["waiting"]), None),
    "add agency": Case("admin", lambda s, v: AddAgencyDialog(s), "formSave"),
    "edit agency": Case("admin", lambda s, v: EditAgencyDialog(s, directory.get_agency(s, "CA-HN")), "formSave",
                        prefilled=True),
    "add user": Case("admin", lambda s, v: AddUserDialog(s, directory.list_agencies(s)), "formSave"),
    "reset password": Case("admin", lambda s, v: ResetPasswordDialog(s, _user(s, "clerk2")), "formSave"),
    "role or agency": Case("admin", lambda s, v: ChangeRoleDialog(s, _user(s, "clerk2"), directory.list_agencies(s)),
                           "formSave", prefilled=True),
    "norm": Case("admin", lambda s, v: NormDialog(s, _norm(s)), "formSave"),
    "add a day": Case("admin", lambda s, v: AddDayDialog(s, 2027), "formSave"),
    "remove a day": Case("admin", lambda s, v: RemoveDayDialog(s, date(2027, 1, 1)), "formSave"),
    "statutory days": Case("admin", lambda s, v: StatutoryDialog(s, 2027), "formSave", prefilled=True),
}
