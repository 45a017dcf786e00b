"""Hand-over and delivery dialogs: the second person types their own password on the same screen."""

from __future__ import annotations

from collections.abc import Callable

from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from securemail.gui.transfer import DELIVER, HANDOVER, TransferDialog
from securemail.gui.translator import CatalogueTranslator, switch_language
from securemail.services import items
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _dialog(qtbot: QtBot, session: Session, trackings: list[str], mode: str) -> TransferDialog:
    dialog = TransferDialog(session, trackings, mode)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog._ui.toCombo.count() > 0, timeout=10000)
    return dialog


def test_handover_wrong_then_right_cosigner_password(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["waiting"]
    dialog = _dialog(qtbot, session, [tracking], HANDOVER)
    ui = dialog._ui
    takers = [ui.toCombo.itemData(i) for i in range(ui.toCombo.count())]
    assert takers == ["clerk2", "courier1"]  # couriers and other clerks, never oneself
    assert ui.giverValue.text() == "Trần Văn Bảo (clerk1)"
    dialog.choose("courier1")
    ui.passwordEdit.setText("wrong-password-1")
    recorded: list[list[str]] = []
    dialog.recorded.connect(recorded.append)

    qtbot.mouseClick(ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.errorLabel.text() != "", timeout=10000)
    assert ui.errorLabel.text() == "Người ký nhận courier1 nhập sai mật khẩu; không có gì được ghi."
    assert ui.passwordEdit.text() == "" and ui.toCombo.currentData() == "courier1"
    assert items.item_row(session, tracking).holder == "clerk1"

    ui.passwordEdit.setText(vault.passwords["courier1"])
    qtbot.mouseClick(ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(recorded), timeout=10000)
    assert recorded == [[tracking]]
    row = items.item_row(session, tracking)
    assert (row.holder, row.status) == ("courier1", "in-transit")
    events = items.timeline(session, tracking)
    assert events[-1].cosigner == "courier1" and events[-1].signature_ok


def test_deliver_to_the_secretary(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    tracking = vault.trackings["waiting"]
    dialog = _dialog(qtbot, session, [tracking], DELIVER)
    ui = dialog._ui
    assert [ui.toCombo.itemData(i) for i in range(ui.toCombo.count())] == ["vanthu1"]
    ui.passwordEdit.setText(vault.passwords["vanthu1"])
    recorded: list[list[str]] = []
    dialog.recorded.connect(recorded.append)
    qtbot.mouseClick(ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(recorded), timeout=10000)
    assert items.item_row(session, tracking).status == "delivered"


def test_refused_move_shows_the_service_message(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    session = open_as("clerk1")
    dialog = _dialog(qtbot, session, [vault.trackings["transit"]], HANDOVER)  # courier1 holds it
    dialog.choose("clerk2")
    dialog._ui.passwordEdit.setText(vault.passwords["clerk2"])
    qtbot.mouseClick(dialog._ui.confirmButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog._ui.errorLabel.text() != "", timeout=10000)
    assert "không giữ bưu gửi" in dialog._ui.errorLabel.text()
    assert dialog.isVisible()


def test_the_dialog_follows_the_language(qtbot: QtBot, qapp: QApplication, open_as: Opener, vault: VaultInfo) -> None:
    """Its title, and the roles in the list of who may take custody, with the person chosen kept."""
    dialog = _dialog(qtbot, open_as("clerk1"), [vault.trackings["waiting"]], HANDOVER)
    ui = dialog._ui
    dialog.choose("courier1")
    assert dialog.windowTitle() == "Bàn giao bưu gửi"
    assert ui.toCombo.currentText().endswith("Bưu tá / áp tải")
    translator = CatalogueTranslator()
    qapp.installTranslator(translator)
    try:
        switch_language(qapp, translator, "en")
        qtbot.waitUntil(lambda: dialog.windowTitle() == "Hand over items", timeout=3000)
        assert ui.toCombo.currentData() == "courier1"
        assert ui.toCombo.currentText().endswith("Courier / escort")
        switch_language(qapp, translator, "vi")
        qtbot.waitUntil(lambda: dialog.windowTitle() == "Bàn giao bưu gửi", timeout=3000)
        assert ui.toCombo.currentText().endswith("Bưu tá / áp tải")
    finally:
        qapp.removeTranslator(translator)
