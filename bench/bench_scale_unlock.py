"""Time until the unlock window is drawn, against a bare PySide6 window (issue 15, target 6: within 1.5x).

Both run as fresh processes (interpreter start included) on the offscreen platform unless QT_QPA_PLATFORM is set.
Two figures each: from the spawn to the first paint of the first window (what the user waits for: each process
writes the wall clock at its first paint), and the whole process until it has exited after that paint
(`securemail --exit-after-start`; teardown included, which the user does not wait for). Prints the medians of
interleaved runs and their ratios.
Usage: python bench/bench_scale_unlock.py [RUNS]      (default 5)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

# Each program writes time.time() at the first paint of its window, then quits.
BARE = ("import sys, time\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout\n"
        "app = QApplication([])\n"
        "class Dialog(QDialog):\n"
        "    def paintEvent(self, event):\n"
        "        super().paintEvent(event)\n"
        "        print(time.time(), flush=True)\n"
        "        QTimer.singleShot(0, app.quit)\n"
        "d = Dialog(); layout = QVBoxLayout(d); layout.addWidget(QLineEdit()); layout.addWidget(QLineEdit())\n"
        "d.show()\n"
        "app.exec()\n")
OURS = ("import sys, time\n"
        "from securemail.gui import app, unlock\n"
        "paint = unlock.UnlockDialog.paintEvent\n"
        "def first(self, event):\n"
        "    paint(self, event)\n"
        "    if not getattr(self, '_timed', False):\n"
        "        self._timed = True\n"
        "        print(time.time(), flush=True)\n"
        "unlock.UnlockDialog.paintEvent = first\n"
        "sys.exit(app.main(sys.argv[1:]))\n")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(spawn to first paint, spawn to exit), seconds."""
    start_wall, start = time.time(), time.perf_counter()
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    whole = time.perf_counter() - start
    painted = float(done.stdout.split()[0]) - start_wall
    return painted, whole


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-unlock-") as tmp:
        ours_cmd = [sys.executable, "-c", OURS, "--exit-after-start", "--vault", tmp]
        bare_cmd = [sys.executable, "-c", BARE]
        timed(bare_cmd, env)                       # warm the file cache for both
        timed(ours_cmd, env)
        bare, ours = [], []
        for _ in range(runs):                      # interleaved: the same load for both
            bare.append(timed(bare_cmd, env))
            ours.append(timed(ours_cmd, env))
    for i, what in enumerate(("spawn to the first paint", "whole process (to exit)")):
        b, o = statistics.median(x[i] for x in bare), statistics.median(x[i] for x in ours)
        print(f"{what}: bare PySide6 window {b * 1000:.0f} ms; SecureMail unlock window {o * 1000:.0f} ms; "
              f"ratio {o / b:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
