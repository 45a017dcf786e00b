"""An administrator changes a user's role or agency, and corrects an agency: signed, verifiable, and the user
still signs in (with the new initial password when the role changed)."""

from __future__ import annotations

import pytest

from securemail.custody import kinds as K
from securemail.domain.enums import Role
from securemail.errors import AuthenticationError, BadInputError
from securemail.services import directory
from securemail.services.audit import verify_vault


def test_agency_change_keeps_the_key_and_password(vault) -> None:
    admin = vault.open("admin")
    before = directory.get_user(admin, "sec1")
    user = directory.change_role(admin, "sec1", role="secretary", agency="SND")
    assert user.agency == "SND" and user.public_key == before.public_key
    admin.close()
    s = vault.open("sec1")  # the same password still opens the vault
    assert s.user.agency == "SND" and not s.must_change_password
    s.close()
    auditor = vault.open("auditor1")
    assert verify_vault(auditor, full=True)


def test_role_change_needs_a_new_initial_password(vault) -> None:
    admin = vault.open("admin")
    before = vault.snapshot(admin)
    with pytest.raises(BadInputError) as refused:
        directory.change_role(admin, "clerk2", role="courier", agency=None)
    assert refused.value.field == "password"
    assert vault.snapshot(admin) == before
    user = directory.change_role(admin, "clerk2", role="courier", agency=None, new_password="mật-khẩu-mới-bưu-tá-09")
    assert user.role is Role.COURIER
    kinds = [r[0] for r in admin.conn.execute("SELECT kind FROM events ORDER BY seq DESC LIMIT 2")]
    assert kinds == [K.USER_KEY_ROTATED, K.USER_ROLE_CHANGED]
    admin.close()
    with pytest.raises(AuthenticationError):
        vault.open("clerk2")
    s = vault.open("clerk2", "mật-khẩu-mới-bưu-tá-09")
    assert s.role is Role.COURIER and s.must_change_password
    s.close()
    auditor = vault.open("auditor1")
    assert verify_vault(auditor, full=True)


def test_refusals_change_nothing(vault) -> None:
    admin = vault.open("admin")
    before = vault.snapshot(admin)
    with pytest.raises(BadInputError):
        directory.change_role(admin, "admin", role="clerk", agency=None, new_password="mật-khẩu-mới-rất-dài-01")
    with pytest.raises(BadInputError) as refused:
        directory.change_role(admin, "clerk1", role="secretary", agency=None, new_password="mật-khẩu-mới-rất-dài-01")
    assert refused.value.field == "agency"
    with pytest.raises(BadInputError):
        directory.edit_agency(admin, "REC", name="   ")
    # Saving what is already there signs nothing.
    sec = directory.get_user(admin, "sec1")
    assert directory.change_role(admin, "sec1", role="secretary", agency=sec.agency) == sec
    agency = directory.get_agency(admin, "REC")
    assert directory.edit_agency(admin, "REC", name=agency.name, province=agency.province) == agency
    assert vault.snapshot(admin) == before


def test_edit_agency(vault) -> None:
    admin = vault.open("admin")
    agency = directory.edit_agency(admin, "REC", name="Văn phòng mới", province="Hải Phòng", suburban=True)
    assert directory.get_agency(admin, "REC") == agency
    assert agency.name == "Văn phòng mới" and agency.suburban
