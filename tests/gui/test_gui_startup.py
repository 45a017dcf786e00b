"""Start-up (issue 15): the unlock window shows before the heavy modules load; they load once it is painted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("securemail.gui.main_window", "securemail.services", "securemail.custody", "securemail.documents",
         "securemail.storage.database", "securemail.domain.labels", "sqlcipher3", "reportlab", "pypdfium2",
         "zxcvbn")

PROBE = """
import sys
from PySide6 import QtCore
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from securemail.gui import app, unlock

HEAVY = {heavy!r}
seen = {{}}

def loaded():
    return sorted(m for m in sys.modules if m.startswith(HEAVY))

def wait_for_preload():
    if "securemail.gui.main_window" in sys.modules:
        from securemail.gui.ops import operations
        operations().wait()
        QApplication.instance().quit()
    else:
        QTimer.singleShot(20, wait_for_preload)

paint = unlock.UnlockDialog.paintEvent

def first_paint(self, event):
    if "shown" not in seen:   # the first paint: the user sees the window
        seen["shown"] = loaded()
        seen["qt_enums"] = "Qt" in vars(QtCore)   # PySide6 builds the `Qt` namespace's enums on first use
        if not {exit_after_start}:
            QTimer.singleShot(20, wait_for_preload)
    paint(self, event)

unlock.UnlockDialog.paintEvent = first_paint
code = app.main(["--vault", {vault!r}] + (["--exit-after-start"] if {exit_after_start} else []))
print("SHOWN", seen.get("shown"))
print("QTENUMS", seen.get("qt_enums"))
print("AT EXIT", loaded())
sys.exit(code)
"""


def _probe(vault: Path, *, exit_after_start: bool) -> tuple[str, str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    script = PROBE.format(heavy=HEAVY, vault=str(vault), exit_after_start=exit_after_start)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if line.startswith(("SHOWN", "AT", "QT")))
    return lines["SHOWN"], lines["AT"], lines["QTENUMS"]


def test_the_unlock_window_shows_before_any_heavy_module_loads(tmp_path: Path) -> None:
    shown, at_exit, qt_enums = _probe(tmp_path / "missing", exit_after_start=True)
    assert shown == "[]"
    assert qt_enums == "False"    # 20-30 ms of enum building, after the window is drawn
    assert at_exit == "EXIT []"   # --exit-after-start: the first window only, nothing loaded behind it


def test_the_main_window_modules_load_while_the_unlock_window_waits(tmp_path: Path) -> None:
    shown, at_exit, _ = _probe(tmp_path / "missing", exit_after_start=False)
    assert shown == "[]"
    assert "securemail.gui.main_window" in at_exit and "securemail.services.session" in at_exit


def test_status_lines_never_interpret_rich_text(qapp) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from securemail.gui.plain_text import set_message, set_plain, show_message

    for put in (set_plain, set_message, show_message):
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        put(label, "<b>Nguyễn</b> /tmp/<i>kho</i>")
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert label.text() == "<b>Nguyễn</b> /tmp/<i>kho</i>"


def test_the_unlock_window_is_selectable_and_plain_once_painted(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from securemail.gui.unlock import UnlockDialog

    dialog = UnlockDialog(tmp_path / "<b>missing</b>")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.first_painted, timeout=10_000):
        dialog.show()
    qtbot.waitUntil(lambda: bool(dialog._ui.vaultLabel.textInteractionFlags()
                                 & Qt.TextInteractionFlag.TextSelectableByMouse))
    for label in (dialog._ui.titleLabel, dialog._ui.vaultLabel, dialog._ui.noticeLabel, dialog._ui.errorLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert dialog._ui.noticeLabel.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert "<b>missing</b>" in dialog._ui.vaultLabel.text()
