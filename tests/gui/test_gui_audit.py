"""The integrity tab: verification with progress, the problems table after tampering, witness, export, report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gui_vault import VaultInfo
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from securemail.gui.audit_page import AuditPage, ProgressRelay
from securemail.services.session import Session
from securemail.storage import connect

Opener = Callable[[str], Session]


def _page(qtbot: QtBot, session: Session) -> AuditPage:
    page = AuditPage(session)
    qtbot.addWidget(page)
    page.show()
    return page


def _verify(qtbot: QtBot, page: AuditPage) -> None:
    with qtbot.waitSignal(page.verified, timeout=30000):
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)


def test_clean_vault_verifies_ok(qtbot: QtBot, open_as: Opener) -> None:
    page = _page(qtbot, open_as("clerk1"))
    assert page.witness_button.isHidden()  # witnessing is for auditors
    assert not page.export_button.isHidden() and not page.print_button.isHidden()
    assert not page.print_button.isEnabled()  # nothing to print before a run
    page.full_check.setChecked(True)
    reported: list[tuple[int, int]] = []
    show = page._progressed
    page._progressed = lambda done, total: (reported.append((done, total)), show(done, total))  # type: ignore[method-assign]
    _verify(qtbot, page)
    assert reported and reported[-1][0] == reported[-1][1] > 0  # fed by verify_vault's progress callback
    assert page.report is not None and bool(page.report)
    assert page.result.text().startswith("✓ Toàn vẹn:")
    assert page.result.property("messageKind") == "ok"
    assert page.problems.isHidden() and page.problem_rows() == []
    assert page.progress.value() == page.progress.maximum()
    assert page.print_button.isEnabled() and page.verify_button.isEnabled()


def test_progress_is_delivered_on_the_gui_thread(qtbot: QtBot) -> None:
    import threading

    relay = ProgressRelay()
    seen: list[tuple[int, int]] = []
    relay.progressed.connect(lambda done, total: seen.append((done, total)))
    worker = threading.Thread(target=relay.report, args=(5, 10))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: seen == [(5, 10)], timeout=5000)


def test_tampered_projection_shows_a_problem_row(qtbot: QtBot, vault: VaultInfo, open_as: Opener) -> None:
    conn = connect(vault.path, "admin", vault.passwords["admin"])
    try:  # an insider with the data key edits a projection row (projection tables have no triggers)
        conn.execute("UPDATE agencies SET name = 'X <b>giả</b>' WHERE code = 'CA-HN'")
        conn.commit()
    finally:
        conn.close()
    page = _page(qtbot, open_as("auditor1"))
    _verify(qtbot, page)
    assert page.report is not None and not page.report
    assert page.result.text().startswith("✗ PHÁT HIỆN 1 VẤN ĐỀ")
    assert not page.problems.isHidden()
    rows = page.problem_rows()
    assert len(rows) == 1
    seq, _item, message = rows[0]
    assert seq.isdigit() and message.startswith("Dữ liệu hiển thị khác với sổ nhật ký")
    assert "agencies [code='CA-HN']" in message and "<b>giả</b>" in message  # shown as text, not markup

    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)  # the audit report of this run
    qtbot.waitUntil(lambda: page.preview is not None, timeout=15000)
    assert page.preview is not None and page.preview.data().startswith(b"%PDF")

    page.witness()  # witnessing refuses a vault with problems
    qtbot.waitUntil(lambda: page.checkpoint_message.property("messageKind") == "error", timeout=30000)
    assert page.checkpoint_message.text().startswith("Không chứng thực")


def test_auditor_witnesses_and_exports(qtbot: QtBot, open_as: Opener, vault: VaultInfo, tmp_path: Path) -> None:
    page = _page(qtbot, open_as("auditor1"))
    assert not page.witness_button.isHidden()
    qtbot.mouseClick(page.witness_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.checkpoint_message.text() != "" and page.witness_button.isEnabled(),
                    timeout=30000)
    assert page.checkpoint_message.text().startswith("Đã ký xác nhận điểm kiểm tra gồm")
    assert page.checkpoint_message.property("messageKind") == "ok"

    page.export_to(tmp_path / "diem-kiem-tra.txt")
    qtbot.waitUntil(lambda: "Đã ghi điểm kiểm tra" in page.checkpoint_message.text(), timeout=10000)
    assert (tmp_path / "diem-kiem-tra.txt").read_text(encoding="utf-8").strip()
    page.export_to(vault.path / "cp.txt")
    qtbot.waitUntil(lambda: page.checkpoint_message.property("messageKind") == "error", timeout=10000)
    assert not (vault.path / "cp.txt").exists()

    _verify(qtbot, page)  # the witness event itself verifies
    assert page.report is not None and bool(page.report)


def test_secretary_verifies_but_cannot_export_or_print(qtbot: QtBot, open_as: Opener) -> None:
    page = _page(qtbot, open_as("vanthu1"))
    assert page.checkpoint_box.isHidden() and page.print_button.isHidden()
    _verify(qtbot, page)
    assert page.result.text().startswith("✓")


def test_the_audit_trail_is_listed_for_auditors_only(qtbot: QtBot, open_as: Opener) -> None:
    from securemail.services import audit_trail

    clerk = open_as("clerk1")
    assert audit_trail.record_login(clerk, "app") and audit_trail.record_lock(clerk, "idle")
    clerk_page = _page(qtbot, clerk)
    assert clerk_page.trail_box.isHidden() and clerk_page.trail_rows() == []
    page = _page(qtbot, open_as("auditor1"))
    assert not page.trail_box.isHidden()
    qtbot.waitUntil(lambda: any(r[3] == "Khóa màn hình" for r in page.trail_rows()), timeout=30000)
    rows = page.trail_rows()
    assert ("clerk1", "Đăng nhập", "via=app") in [(r[2], r[3], r[4]) for r in rows]
    assert ("clerk1", "Khóa màn hình", "reason=idle") in [(r[2], r[3], r[4]) for r in rows]
    assert "Cấp tài khoản" in [r[3] for r in rows]          # settings and directory changes are listed too
