"""Long work never blocks the counter: a verification or a big report runs on its own thread and connection, with
progress and Cancel, while the clerk keeps accepting items. Waits for states, never for time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from securemail.gui.audit_page import AuditPage
from securemail.gui.long_ops import long_operations, run_long
from securemail.gui.ops import run_op
from securemail.services import items
from securemail.services.session import Session

Opener = Callable[[str], Session]


def _hold_the_long_thread(qtbot: QtBot, session: Session) -> threading.Event:
    """Occupy the long-work thread with a job that waits until the returned event is set (a long job)."""
    started, release = threading.Event(), threading.Event()

    def long_job(reader: Session, progress: Any) -> int:
        started.set()
        release.wait(60)
        progress(1, 1)
        return int(reader.conn.execute("SELECT count(*) FROM events").fetchone()[0])

    run_long(None, session, long_job)
    qtbot.waitUntil(started.is_set, timeout=10000)
    return release


def test_counter_works_while_a_long_job_runs(qtbot: QtBot, open_as: Opener) -> None:
    clerk = open_as("clerk1")
    release = _hold_the_long_thread(qtbot, clerk)
    try:
        accepted: list[str] = []
        run_op(None, lambda: items.accept_item(clerk, {"sender_agency": "UBND-HN", "recipient_agency": "TU-HN",
                                                       "secrecy": "mat", "service": "thuong",
                                                       "named_recipient": "Nguyễn Thị Hồng Nhung"}),
               accepted.append)
        qtbot.waitUntil(lambda: bool(accepted), timeout=20000)  # answered while the long job still holds its thread
        assert long_operations().busy()
        assert items.item_row(clerk, accepted[0]).status == "accepted"
    finally:
        release.set()


def test_verify_runs_apart_and_can_be_stopped(qtbot: QtBot, open_as: Opener) -> None:
    auditor = open_as("auditor1")
    page = AuditPage(auditor)
    qtbot.addWidget(page)
    page.show()
    assert not page.full_check.isHidden()  # auditors are offered the full check
    release = _hold_the_long_thread(qtbot, auditor)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.running() and page.cancel_button.isVisible() and not page.verify_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)  # asked before the check even started
    release.set()
    qtbot.waitUntil(lambda: not page.running(), timeout=30000)
    assert page.report is None
    assert page.result.text() == "Đã dừng theo yêu cầu; không có gì bị thay đổi."
    assert page.result.property("messageKind") == "info"
    assert not page.cancel_button.isVisible() and page.verify_button.isEnabled()
    with qtbot.waitSignal(page.verified, timeout=30000) as blocker:  # and it runs to the end when left alone
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]


def test_only_auditors_and_admins_are_offered_the_full_check(qtbot: QtBot, open_as: Opener) -> None:
    for username, offered in (("clerk1", False), ("courier1", False), ("vanthu1", False), ("admin", True)):
        page = AuditPage(open_as(username))
        qtbot.addWidget(page)
        assert page.full_check.isHidden() is not offered, username


def test_a_big_report_runs_apart_with_progress_and_stop(qtbot: QtBot, open_as: Opener, vault: VaultInfo) -> None:
    from securemail.gui.reports_page import ReportsPage

    clerk = open_as("clerk1")
    page = ReportsPage(clerk)
    qtbot.addWidget(page)
    page.show()
    release = _hold_the_long_thread(qtbot, clerk)
    page.preview_report("register")
    assert page.cancel_button.isVisible() and not page.register_preview.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not page.cancel_button.isVisible(), timeout=30000)
    assert page.preview is None and page.message.text() == "Đã dừng theo yêu cầu; không có gì bị thay đổi."
    page.preview_report("register")
    qtbot.waitUntil(lambda: page.preview is not None, timeout=30000)
    assert page.progress.value() == page.progress.maximum() and page.register_preview.isEnabled()
