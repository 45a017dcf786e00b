"""Help > Self-test: runs securemail.services.selftest off the GUI thread and shows one line per check.

The self-test uses its own throw-away vault, never the open one, so it runs on its own thread (not the operations
thread that owns the vault's connection) and the clerk can keep working while it runs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from securemail.gui.strings import t
from securemail.gui.widgets import named
from securemail.services.selftest import CheckResult, all_passed, run_selftest, summary


class _Emitter(QObject):
    line = Signal(str)
    finished = Signal(bool, str)


class _Job(QRunnable):
    def __init__(self, emitter: _Emitter) -> None:
        super().__init__()
        self.emitter = emitter

    def run(self) -> None:
        def show(result: CheckResult) -> None:
            self.emitter.line.emit(result.line())

        try:
            results = run_selftest(show)
            self.emitter.finished.emit(all_passed(results), summary(results))
        except Exception as e:  # the self-test reports failures itself; this is a last resort
            self.emitter.finished.emit(False, f"{type(e).__name__}: {e}")


class SelfTestDialog(QDialog):
    finished_run = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("selfTestDialog")
        self.setWindowTitle(t("SecureMail self-test"))
        self.resize(760, 420)
        self.status = named(QLabel(t("Running the self-test on a temporary vault…")), "selfTestStatus")
        self.output = named(QPlainTextEdit(), "selfTestOutput")
        self.output.setReadOnly(True)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.output)
        layout.addWidget(buttons)
        self.passed: bool | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._emitter = _Emitter()
        self._emitter.line.connect(self.output.appendPlainText)
        self._emitter.finished.connect(self._finished)

    def start(self) -> None:
        self._pool.start(_Job(self._emitter))

    def _finished(self, ok: bool, text: str) -> None:
        self.passed = ok
        self.output.appendPlainText(text)
        self.status.setText(t("All checks passed.") if ok else t("Some checks FAILED: see the lines below."))
        self.status.setProperty("messageKind", "ok" if ok else "error")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.finished_run.emit(ok)

    def done(self, result: int) -> None:
        self._pool.waitForDone()  # the temporary vault is removed before the dialog goes away
        super().done(result)
