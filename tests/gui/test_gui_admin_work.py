"""Administration inside the app, through the same services as the CLI: reset a password, change a role or an
agency, revoke (asked first, No by default), edit an agency, norms, working hours, days off, backup and restore."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from gui_typing import type_text
from gui_vault import VaultInfo
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from securemail.domain.enums import Role, ServiceClass
from securemail.errors import AuthenticationError
from securemail.gui.admin_page import AdminPage
from securemail.gui.ops import operations
from securemail.services import directory, norms, workdays
from securemail.services.session import Session, open_session

Opener = Callable[[str], Session]
WAIT = 20000


def _page(qtbot: QtBot, session: Session) -> AdminPage:
    page = AdminPage(session)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.agencies_table.rowCount() == 3, timeout=WAIT)
    qtbot.waitUntil(lambda: page.calendar.norms_table.rowCount() > 0, timeout=WAIT)
    return page


def _save(qtbot: QtBot, dialog: object) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(),  # type: ignore[attr-defined]
                    timeout=WAIT)


def test_reset_password_and_change_role(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("admin")
    page = _page(qtbot, session)
    directory_page = page.directory
    assert directory_page.open_reset() is None  # nobody chosen: the page says so
    assert directory_page.message.text() == "Hãy chọn một người dùng đang hoạt động trong danh sách."
    directory_page.select_user("clerk2")
    reset = directory_page.open_reset()
    assert reset is not None
    reset.password_edit.setText("mật-khẩu-tạm-thời-01")
    reset.repeat_edit.setText("mật-khẩu-tạm-thời-02")
    qtbot.mouseClick(reset.save_button, Qt.MouseButton.LeftButton)
    assert reset.message.text() == "Hai lần nhập mật khẩu không khớp." and reset.isVisible()
    reset.repeat_edit.setText("mật-khẩu-tạm-thời-01")
    _save(qtbot, reset)
    operations().wait()
    try:
        open_session(vault.path, "clerk2", vault.passwords["clerk2"]).close()
        raise AssertionError("the old password still opens the vault")
    except AuthenticationError:
        pass

    qtbot.waitUntil(lambda: directory_page.users_table.rowCount() == 6, timeout=WAIT)
    directory_page.select_user("vanthu1")
    change = directory_page.open_change_role()
    assert change is not None
    change.agency_combo.setCurrentIndex(change.agency_combo.findData("CA-HN"))
    _save(qtbot, change)
    operations().wait()
    assert directory.get_user(session, "vanthu1").agency == "CA-HN"
    with open_session(vault.path, "vanthu1", vault.passwords["vanthu1"]) as moved:  # same password
        assert moved.user.agency == "CA-HN"

    directory_page.select_user("courier1")
    change = directory_page.open_change_role()
    assert change is not None
    change.role_combo.setCurrentIndex(change.role_combo.findData("clerk"))
    qtbot.mouseClick(change.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: change.message.text() != "", timeout=WAIT)
    assert change.errors is not None and change.errors.marked() == ["password"]
    change.password_edit.setText("mật-khẩu-giao-dịch-viên-mới")
    _save(qtbot, change)
    operations().wait()
    assert directory.get_user(session, "courier1").role is Role.CLERK


def test_revoke_asks_first_and_no_is_the_default(qtbot: QtBot, open_as: Opener) -> None:
    session = open_as("admin")
    page = _page(qtbot, session)
    page.directory.select_user("auditor1")
    box = page.directory.ask_revoke()
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() is not None and box.defaultButton().text() == "Hủy"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter answers No
    operations().wait()
    assert directory.get_user(session, "auditor1").active
    box = page.directory.ask_revoke()
    assert box is not None
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã thu hồi" in page.directory.message.text(), timeout=WAIT)
    assert not directory.get_user(session, "auditor1").active


def test_edit_agency(qtbot: QtBot, open_as: Opener) -> None:
    session = open_as("admin")
    page = _page(qtbot, session)
    page.agencies_table.selectRow(0)
    dialog = page.directory.open_edit_agency()
    assert dialog is not None
    dialog.name_edit.clear()
    type_text(dialog.name_edit, "Công an Thành phố Hà Nội (trụ sở mới)")
    dialog.suburban_check.setChecked(True)
    _save(qtbot, dialog)
    operations().wait()
    agency = directory.get_agency(session, "CA-HN")
    assert agency.name == "Công an Thành phố Hà Nội (trụ sở mới)" and agency.suburban


def test_norm_hours_and_days(qtbot: QtBot, open_as: Opener) -> None:
    session = open_as("admin")
    page = _page(qtbot, session)
    calendar = page.calendar
    row = next(i for i, n in enumerate(calendar._norms) if n.service is ServiceClass.THUONG)
    calendar.norms_table.selectRow(row)
    norm = calendar.selected_norm()
    assert norm is not None
    dialog = calendar.open_norm()
    assert dialog is not None
    dialog.days_spin.setValue(25)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT)  # the basis is required
    assert dialog.errors is not None and dialog.errors.marked() == ["source"]
    type_text(dialog.source_edit, "Quyết định số 12/QĐ-BĐ")
    _save(qtbot, dialog)
    operations().wait()
    saved = next(n for n in norms.list_norms(session) if (n.service, n.scope) == (norm.service, norm.scope))
    assert saved.working_days_tenths == 25 and saved.source == "Quyết định số 12/QĐ-BĐ"

    calendar.hours_edit.setText("08:00-12:00,13:30-17:30")
    calendar.hours_edit.setModified(True)
    qtbot.mouseClick(calendar.hours_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã lưu giờ làm việc" in calendar.message.text(), timeout=WAIT)
    assert norms.get_setting(session, "working_hours") == "08:00-12:00,13:30-17:30"
    calendar.hours_edit.setText("8 giờ sáng")
    qtbot.mouseClick(calendar.hours_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã lưu" not in calendar.message.text(), timeout=WAIT)
    assert norms.get_setting(session, "working_hours") == "08:00-12:00,13:30-17:30"

    calendar.year_spin.setValue(2027)
    statutory = calendar.open_statutory()
    _save(qtbot, statutory)
    qtbot.waitUntil(lambda: calendar.days_table.rowCount() > 5, timeout=WAIT)
    add = calendar.open_add_day()
    add.day_edit.setDate(QDate(2027, 6, 14))  # a Monday, no holiday
    type_text(add.source_edit, "Thông báo hoán đổi ngày làm việc")
    _save(qtbot, add)
    operations().wait()
    assert any(d.day == date(2027, 6, 14) and d.kind == "off" for d in workdays.list_days(session, 2027))
    qtbot.waitUntil(lambda: any(d.day == date(2027, 6, 14) for d in calendar._days), timeout=WAIT)
    calendar.days_table.selectRow(next(i for i, d in enumerate(calendar._days) if d.day == date(2027, 6, 14)))
    remove = calendar.open_remove_day()
    assert remove is not None
    type_text(remove.source_edit, "Nhập nhầm")
    _save(qtbot, remove)
    operations().wait()
    assert not any(d.day == date(2027, 6, 14) for d in workdays.list_days(session, 2027))


def test_backup_and_restore(qtbot: QtBot, open_as: Opener, vault: VaultInfo, tmp_path: Path) -> None:
    session = open_as("admin")
    page = _page(qtbot, session)
    backup_page = page.backup
    qtbot.mouseClick(backup_page.backup_button, Qt.MouseButton.LeftButton)
    assert backup_page.message.text() == "Hãy nhập hoặc chọn thư mục trước."
    backup_page.backup_edit.setText(str(tmp_path / "sao-luu"))
    qtbot.mouseClick(backup_page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã ghi bản sao lưu" in backup_page.message.text(), timeout=WAIT)
    backup_page.source_edit.setText(str(tmp_path / "sao-luu"))
    backup_page.target_edit.setText(str(tmp_path / "kho-khoi-phuc"))
    qtbot.mouseClick(backup_page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã khôi phục" in backup_page.message.text(), timeout=WAIT)
    with open_session(tmp_path / "kho-khoi-phuc", "clerk1", vault.passwords["clerk1"]) as restored:
        assert restored.user.username == "clerk1"
    qtbot.mouseClick(backup_page.backup_button, Qt.MouseButton.LeftButton)  # the folder is no longer empty
    qtbot.waitUntil(lambda: "Đã ghi" not in backup_page.message.text(), timeout=WAIT)
