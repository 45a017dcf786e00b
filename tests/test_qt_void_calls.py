"""Regression: PySide6 6.12.0 on Python 3.10/3.11 aborts ("none_dealloc", exit 134) after many calls of
void-returning Qt methods, because the refcount of None runs out (docs/adr/0001). The GUI calls setText and
setEnabled all the time, so a long session must survive tens of thousands of them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

CALLS = 30_000

SCRIPT = textwrap.dedent(f"""
    import sys
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(sys.argv[:1])
    label = QLabel()
    for i in range({CALLS}):
        label.setText(str(i))
        label.setEnabled(i % 2 == 0)
    label.setEnabled(True)
    label.show()
    app.processEvents()
    label.close()
    print("done", label.text(), sys.getrefcount(None) > 0)
""")


@pytest.mark.gui
@pytest.mark.skipif(importlib.util.find_spec("PySide6") is None, reason="PySide6 is not installed")
def test_many_void_qt_calls_do_not_abort(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, f"exit {proc.returncode} (134 = abort)\n{proc.stderr[-2000:]}"
    assert proc.stdout.split() == ["done", str(CALLS - 1), "True"]
