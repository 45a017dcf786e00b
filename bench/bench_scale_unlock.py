"""Time until the unlock window is shown, against a bare PySide6 window (issue 15, target 6: within 1.5x).

Both run as fresh processes (interpreter start included) on the offscreen platform unless QT_QPA_PLATFORM is set;
each exits as soon as its first window has been drawn (its first paint). Prints the medians and their ratio.
Usage: python bench/bench_scale_unlock.py [RUNS]      (default 5)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = ("from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout\n"
        "app = QApplication([])\n"
        "class Dialog(QDialog):\n"
        "    def paintEvent(self, event):\n"
        "        super().paintEvent(event)\n"
        "        QTimer.singleShot(0, app.quit)\n"
        "d = Dialog(); layout = QVBoxLayout(d); layout.addWidget(QLineEdit()); layout.addWidget(QLineEdit())\n"
        "d.show()\n"
        "app.exec()\n")


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-unlock-") as tmp:
        ours_cmd = [sys.executable, "-m", "securemail.gui.app", "--exit-after-start", "--vault", tmp]
        bare_cmd = [sys.executable, "-c", BARE]
        timed(bare_cmd, env)                       # warm the file cache for both
        timed(ours_cmd, env)
        bare, ours = [], []
        for _ in range(runs):                      # interleaved: the same load for both
            bare.append(timed(bare_cmd, env))
            ours.append(timed(ours_cmd, env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare PySide6 window: {b * 1000:.0f} ms; SecureMail unlock window: {o * 1000:.0f} ms; "
          f"ratio {o / b:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
