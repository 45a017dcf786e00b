"""Changing one's own password in the app; after an administrator's reset the dialog opens by itself and nothing
can be signed until it is done."""

from __future__ import annotations

from collections.abc import Callable

from gui_vault import VaultInfo
from pytestqt.qtbot import QtBot

from securemail.gui.controller import AppController
from securemail.gui.password_dialog import ChangePasswordDialog
from securemail.services import directory
from securemail.services.session import Session, open_session

WAIT = 20_000
TEMP = "Tạm-thời-đặt-lại-2026!"
OWN = "Mật-khẩu-riêng-mới-2026!"


def _reset(open_as: Callable[[str], Session], user: str) -> None:
    admin = open_as("admin")
    directory.reset_password(admin, user, TEMP)


def _fill(dialog: ChangePasswordDialog, current: str, new: str, repeat: str) -> None:
    dialog.current_edit.setText(current)
    dialog.new_edit.setText(new)
    dialog.repeat_edit.setText(repeat)


def test_reset_user_is_asked_at_once_and_can_sign_after(qtbot: QtBot, qapp: object, vault: VaultInfo,
                                                        open_as: Callable[[str], Session]) -> None:
    _reset(open_as, "clerk1")
    session = open_session(vault.path, "clerk1", TEMP)
    assert session.must_change_password
    controller = AppController(qapp, vault.path, idle_ms=3_600_000)  # type: ignore[arg-type]
    window = controller.show_main(session)
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.isVisible()
    # the repeat differs: refused before anything runs, nothing typed is lost
    _fill(dialog, TEMP, OWN, OWN + "x")
    dialog.confirm()
    assert "không giống nhau" in dialog.message.text()
    assert dialog.new_edit.text() == OWN and dialog.current_edit.text() == TEMP
    # a wrong current password: told so, the dialog stays
    _fill(dialog, "sai-mật-khẩu-hiện-tại", OWN, OWN)
    dialog.confirm()
    qtbot.waitUntil(lambda: not dialog._busy and dialog.message.text() != "", timeout=WAIT)
    assert "không đúng" in dialog.message.text()
    assert session.must_change_password
    _fill(dialog, TEMP, OWN, OWN)
    with qtbot.waitSignal(dialog.changed, timeout=WAIT):
        dialog.confirm()
    assert not session.must_change_password
    assert "khóa mới" in window.statusBar().currentMessage()
    controller.idle.stop()
    qapp.removeEventFilter(controller.idle)  # type: ignore[attr-defined]
    from securemail.gui.ops import operations

    operations().wait()
    window.deleteLater()
    session.close()


def test_file_menu_changes_the_password(qtbot: QtBot, vault: VaultInfo, open_as: Callable[[str], Session]) -> None:
    from securemail.gui.main_window import MainWindow

    session = open_as("courier1")
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.password_action.text() == "Đổi &mật khẩu…"
    dialog = window.open_change_password()
    _fill(dialog, vault.passwords["courier1"], OWN, OWN)
    with qtbot.waitSignal(dialog.changed, timeout=WAIT):
        dialog.confirm()
    open_session(vault.path, "courier1", OWN).close()
