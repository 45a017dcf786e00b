"""A small real vault for GUI tests, made through the services (fast KDF profile)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from securemail.services import directory, incidents, items, transfers
from securemail.services.cosign import cosigner
from securemail.services.session import open_session
from securemail.services.vault_init import init_vault

OFFICE_NAME = "Bưu điện Thành phố Hà Nội"
USERS = {
    "admin": ("admin", "Lê Thị Thu Hà", None),
    "clerk1": ("clerk", "Trần Văn Bảo", None),
    "clerk2": ("clerk", "Nguyễn Thị Lan", None),
    "courier1": ("courier", "Phạm Văn Hùng", None),
    "vanthu1": ("secretary", "Nguyễn Thị Hồng Nhung", "TU-HN"),
    "auditor1": ("auditor", "Đỗ Quang Minh", None),
}
AGENCIES = {
    "UBND-HN": "Văn phòng Ủy ban nhân dân Thành phố Hà Nội",
    "TU-HN": "Văn phòng Thành ủy Hà Nội",
    "CA-HN": "Công an Thành phố Hà Nội",
}


@dataclass
class VaultInfo:
    path: Path
    passwords: dict[str, str]
    trackings: dict[str, str] = field(default_factory=dict)  # role in the story -> tracking number


def password_of(username: str) -> str:
    return f"{username}-password-1"


def make_vault(path: Path) -> VaultInfo:
    info = VaultInfo(path, {u: password_of(u) for u in USERS})
    with init_vault(path, office_code="HN01", office_name=OFFICE_NAME, admin="admin",
                    full_name=USERS["admin"][1], password=password_of("admin"), kdf_profile="minimum") as admin:
        for code, name in AGENCIES.items():
            directory.add_agency(admin, code, name=name, province="Hà Nội")
        for username, (role, full_name, agency) in USERS.items():
            if username != "admin":
                directory.add_user(admin, username, role=role, full_name=full_name,
                                   password=password_of(username), agency=agency)
    with open_session(path, "clerk1", password_of("clerk1")) as clerk:
        accept = items.accept_item
        info.trackings["waiting"] = accept(clerk, {"sender_agency": "UBND-HN", "recipient_agency": "TU-HN",
                                                   "secrecy": "mat", "service": "hoa-toc",
                                                   "named_recipient": "Nguyễn Thị Hồng Nhung"})
        info.trackings["transit"] = accept(clerk, {"sender_agency": "CA-HN", "recipient_agency": "UBND-HN",
                                                   "secrecy": "tuyet-mat", "service": "thuong", "envelopes": 2})
        info.trackings["delivered"] = accept(clerk, {"sender_agency": "UBND-HN", "recipient_agency": "TU-HN",
                                                     "secrecy": "none", "service": "thuong",
                                                     "description": "Báo cáo <b>quý IV</b>"})
        info.trackings["flagged"] = accept(clerk, {"sender_agency": "TU-HN", "recipient_agency": "CA-HN",
                                                   "secrecy": "toi-mat", "service": "hoa-toc"})
        signer, courier = cosigner(clerk, "courier1", password_of("courier1"))
        transfers.handover(clerk, [info.trackings["transit"]], signer, courier)
        signer, secretary = cosigner(clerk, "vanthu1", password_of("vanthu1"))
        transfers.deliver(clerk, info.trackings["delivered"], to=signer, to_user=secretary)
        incidents.report_incident(clerk, info.trackings["flagged"], "seal-broken",
                                  "Niêm phong bị rách <script>alert(1)</script>")
    return info
