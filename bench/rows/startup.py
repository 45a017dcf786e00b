"""App start to the unlock window vs a bare PySide6 window: each a fresh process, offscreen, quitting once its first
window has been drawn (`securemail --exit-after-start`; the bare window quits from its first paint). Best of three."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import vaults
from harness import Context, Result, best_pair

ORDER = 60
BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
class Window(QLabel):
    def paintEvent(self, event):
        super().paintEvent(event)
        QTimer.singleShot(0, app.quit)
window = Window("SecureMail")
window.resize(420, 320)
window.show()
sys.exit(app.exec())
"""


def run(ctx: Context) -> list[Result]:
    vault = vaults.desk_vault(ctx, ctx.pick(600, 10_000, 10_000))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = Path(sys.executable).with_name("securemail")

    def ours() -> None:
        subprocess.run([str(app), "--vault", str(vault), "--exit-after-start"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", BARE], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    ours()
    bare()   # warm the page cache for both
    t_ours, t_bare = best_pair(ours, bare, 3)
    return [Result("app start to the unlock window", t_ours, t_bare, "s",
                   "a bare PySide6 window, same Python, offscreen")]
