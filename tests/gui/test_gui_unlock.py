"""The unlock dialog against a real vault: wrong password, right password, missing vault, language."""

from __future__ import annotations

from pathlib import Path

from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from securemail.gui.unlock import UnlockDialog
from securemail.i18n import set_language
from securemail.services.session import Session

LEFT = Qt.MouseButton.LeftButton


def _dialog(qtbot: QtBot, vault: Path) -> UnlockDialog:
    dialog = UnlockDialog(vault)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _try(qtbot: QtBot, dialog: UnlockDialog, user: str, password: str) -> None:
    ui = dialog._ui
    ui.userEdit.setText(user)
    ui.passwordEdit.setText(password)
    qtbot.mouseClick(ui.unlockButton, LEFT)


def test_wrong_then_right_password(qtbot: QtBot, vault: VaultInfo) -> None:
    dialog = _dialog(qtbot, vault.path)
    ui = dialog._ui
    assert ui.passwordEdit.echoMode() == ui.passwordEdit.EchoMode.Password
    unlocked: list[Session] = []
    dialog.unlocked.connect(unlocked.append)

    _try(qtbot, dialog, "clerk1", "not-the-password")
    qtbot.waitUntil(lambda: ui.errorLabel.isVisible() and ui.errorLabel.text() != "", timeout=10000)
    assert ui.errorLabel.text() == "Sai tên người dùng hoặc mật khẩu."
    assert ui.passwordEdit.text() == ""  # cleared
    assert ui.userEdit.text() == "clerk1"  # kept
    assert not unlocked

    ui.passwordEdit.setText(vault.passwords["clerk1"])
    qtbot.mouseClick(ui.unlockButton, LEFT)
    qtbot.waitUntil(lambda: bool(unlocked), timeout=10000)
    session = unlocked[0]
    try:
        assert session.user.username == "clerk1"
        assert ui.passwordEdit.text() == ""
    finally:
        session.close()


def test_unknown_user_reads_like_a_wrong_password(qtbot: QtBot, vault: VaultInfo) -> None:
    dialog = _dialog(qtbot, vault.path)
    _try(qtbot, dialog, "nobody", "whatever-password")
    qtbot.waitUntil(lambda: dialog._ui.errorLabel.text() != "", timeout=10000)
    assert dialog._ui.errorLabel.text() == "Sai tên người dùng hoặc mật khẩu."


def test_english_error(qtbot: QtBot, vault: VaultInfo) -> None:
    set_language("en")
    dialog = _dialog(qtbot, vault.path)
    _try(qtbot, dialog, "clerk1", "not-the-password")
    qtbot.waitUntil(lambda: dialog._ui.errorLabel.text() != "", timeout=10000)
    assert dialog._ui.errorLabel.text() == "Wrong user name or password."


def test_empty_fields_are_caught_before_the_vault(qtbot: QtBot, vault: VaultInfo) -> None:
    dialog = _dialog(qtbot, vault.path)
    qtbot.mouseClick(dialog._ui.unlockButton, LEFT)
    assert dialog._ui.errorLabel.text() == "Hãy nhập tên đăng nhập."


def test_missing_vault_explains_what_to_do(qtbot: QtBot, tmp_path: Path) -> None:
    missing = tmp_path / "no-vault-here"
    dialog = _dialog(qtbot, missing)
    notice = dialog._ui.noticeLabel
    assert notice.isVisible()
    assert str(missing) in notice.text()
    assert "securemail-cli --vault" in notice.text() and " init " in notice.text() and " demo" in notice.text()
    assert "Thư mục này chưa có kho dữ liệu" in notice.text()
    _try(qtbot, dialog, "admin", "some-password-1")
    qtbot.waitUntil(lambda: dialog._ui.errorLabel.text() != "", timeout=10000)
    assert dialog._ui.errorLabel.text().startswith("Không tìm thấy kho dữ liệu")
    assert dialog.isVisible()


def test_untrusted_text_is_plain(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path / "<b>bold</b>")
    assert dialog._ui.noticeLabel.textFormat() == Qt.TextFormat.PlainText
    assert dialog._ui.vaultLabel.textFormat() == Qt.TextFormat.PlainText
    assert dialog._ui.errorLabel.textFormat() == Qt.TextFormat.PlainText
