"""When a write is saved but the copy of the log's head beside the vault (head.json) cannot be written, the status
bar says so until a later write records it (Session.state_lag)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from gui_window import started_window
from pytestqt.qtbot import QtBot

from securemail.errors import StorageError
from securemail.services import items
from securemail.services import session as session_module
from securemail.services.session import Session

ITEM = {"sender_agency": "UBND-HN", "recipient_agency": "TU-HN", "secrecy": "mat", "service": "thuong"}


def test_the_status_bar_shows_a_head_copy_not_written_until_a_write_records_it(
        qtbot: QtBot, open_as: Callable[[str], Session], monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = open_as("clerk1")
    window = started_window(qtbot, clerk)
    label = window._head_lag_label
    assert window.intake is not None and not label.isVisibleTo(window)

    def read_only(*_a: object, **_k: object) -> None:
        raise StorageError("storage.read_only", path=str(clerk.paths.root))

    with monkeypatch.context() as m:
        m.setattr(session_module, "write_head", read_only)
        tracking = items.accept_item(clerk, ITEM)          # saved; only the outside copy failed
    window.intake.accepted.emit(tracking)
    assert label.isVisibleTo(window) and label.text() == "Chưa ghi được bản sao đầu sổ"
    assert "head.json" in label.toolTip()

    window.intake.accepted.emit(items.accept_item(clerk, ITEM))    # this write records the head again
    assert not label.isVisibleTo(window)
