"""The dashboard counts on the long-work thread: the items list's first page and the counter's operations do not
queue behind its counts (seconds at 1,000,000 items); "counting…" until the figures arrive; an older refresh's
answer is dropped. The counts are held back by a gate in the test, never by sleeping."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from gui_vault import VaultInfo
from gui_window import started_window
from pytestqt.qtbot import QtBot

from securemail.gui.ops import run_op
from securemail.gui.role_panels import ViewPanel
from securemail.services import items
from securemail.services.session import Session

Opener = Callable[[str], Session]
COUNTING = "đang đếm…"


class Gate:
    """Makes items.count_items (what the dashboard's cards count with) wait until opened."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def wrap(self, count: Callable[..., int]) -> Callable[..., int]:
        def gated(*args: Any, **kwargs: Any) -> int:
            self.entered.set()
            assert self.opened.wait(60), "the test never opened the gate"
            return count(*args, **kwargs)

        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    monkeypatch.setattr(items, "count_items", held.wrap(items.count_items))
    yield held
    held.opened.set()  # never leave the long-work thread waiting (the teardown drains it)


def test_items_list_and_counter_answer_while_the_dashboard_counts(qtbot: QtBot, open_as: Opener, vault: VaultInfo,
                                                                 gate: Gate) -> None:
    auditor = open_as("auditor1")
    window = started_window(qtbot, auditor)
    dash = window.dashboard
    qtbot.waitUntil(gate.entered.is_set, timeout=10000)  # the count is running, held
    assert dash.counting() and dash.updated_label.text() == COUNTING
    assert {card.number.text() for card in dash.cards.values()} == {"…"}  # no figures yet
    overdue = dash.panels[1]
    assert isinstance(overdue, ViewPanel)

    qtbot.waitUntil(lambda: window.items.model.rowCount() == 4, timeout=10000)  # the first page, meanwhile
    answered: list[str] = []
    tracking = vault.trackings["waiting"]
    run_op(window, lambda: items.item_row(auditor, tracking).status, answered.append)  # a counter operation
    qtbot.waitUntil(lambda: answered == ["accepted"], timeout=10000)
    qtbot.waitUntil(lambda: overdue.loaded is not None, timeout=10000)  # a panel's rows come first, its totals after
    assert overdue.totals_label.text() == COUNTING
    assert dash.counting() and dash.cards["atCounter"].number.text() == "…"

    gate.opened.set()
    qtbot.waitUntil(lambda: not dash.counting(), timeout=10000)
    numbers = {name: card.number.text() for name, card in dash.cards.items()}
    assert numbers == {"atCounter": "2", "inTransit": "1", "overdue": "0", "incidents": "1"}
    assert dash.waiting_table.rowCount() == 3
    assert dash.updated_label.text().startswith("Cập nhật lúc")
    qtbot.waitUntil(lambda: overdue.totals_label.text() == "0 bưu gửi, 0 bì, 0 quá hạn", timeout=10000)


def test_an_older_refresh_is_dropped(qtbot: QtBot, open_as: Opener, gate: Gate,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    window = started_window(qtbot, open_as("clerk1"))
    dash = window.dashboard
    qtbot.waitUntil(gate.entered.is_set, timeout=10000)
    shown: list[object] = []
    loaded = dash._loaded
    monkeypatch.setattr(dash, "_loaded", lambda result: (shown.append(result), loaded(result)))
    dash.refresh()  # a newer refresh while the first count is held
    assert dash.counting() and dash.updated_label.text() == COUNTING
    gate.opened.set()
    qtbot.waitUntil(lambda: not dash.counting(), timeout=10000)
    assert len(shown) == 1  # the newer refresh's figures only; the first was stopped and its answer dropped
    assert dash.cards["atCounter"].number.text() == "2"
    assert dash.message.text() == ""  # the first count's "cancelled" never reaches the page
    assert dash.updated_label.text().startswith("Cập nhật lúc")
    gate.opened.clear()
    gate.entered.clear()
    dash.refresh()  # a later refresh: the last figures stay on the cards while it counts
    qtbot.waitUntil(gate.entered.is_set, timeout=10000)
    assert dash.updated_label.text() == COUNTING and dash.cards["atCounter"].number.text() == "2"
    gate.opened.set()
    qtbot.waitUntil(lambda: not dash.counting(), timeout=10000)


def test_counting_retranslates(qtbot: QtBot, open_as: Opener, gate: Gate) -> None:
    from PySide6.QtWidgets import QApplication

    from securemail.gui.translator import CatalogueTranslator, switch_language

    window = started_window(qtbot, open_as("clerk1"))
    dash = window.dashboard
    qtbot.waitUntil(gate.entered.is_set, timeout=10000)
    app = QApplication.instance()
    translator = CatalogueTranslator()
    app.installTranslator(translator)
    try:
        switch_language(app, translator, "en")  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: dash.updated_label.text() == "counting…", timeout=5000)
        gate.opened.set()
        qtbot.waitUntil(lambda: not dash.counting(), timeout=10000)  # figures: shown in the new language's page
        assert dash.cards["atCounter"].number.text() == "2"
        assert dash.updated_label.text().startswith("Updated")
    finally:
        switch_language(app, translator, "vi")  # type: ignore[arg-type]
        app.removeTranslator(translator)


def test_a_count_running_at_lock_never_reaches_a_page(qtbot: QtBot, qapp: Any, vault: VaultInfo, gate: Gate,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from securemail.gui.controller import AppController
    from securemail.gui.long_ops import long_operations
    from securemail.services.session import open_session

    controller = AppController(qapp, vault.path, idle_ms=600_000)
    try:
        window = controller.show_main(open_session(vault.path, "vanthu1", vault.passwords["vanthu1"]))
        dash = window.dashboard
        qtbot.waitUntil(gate.entered.is_set, timeout=10000)
        shown: list[object] = []
        monkeypatch.setattr(dash, "_loaded", shown.append)
        controller.lock()
        assert controller.main_window is None and controller.unlock_dialog is not None
        auditor = controller.show_main(open_session(vault.path, "auditor1", vault.passwords["auditor1"]))
        gate.opened.set()
        qtbot.waitUntil(lambda: not auditor.dashboard.counting(), timeout=10000)
        qtbot.waitUntil(lambda: not long_operations().busy(), timeout=10000)
        assert shown == []  # the secretary's count (stopped by the lock) went nowhere
        numbers = {name: card.number.text() for name, card in auditor.dashboard.cards.items()}
        assert numbers == {"atCounter": "2", "inTransit": "1", "overdue": "0", "incidents": "1"}  # the auditor's
    finally:
        controller.idle.stop()
        qapp.removeEventFilter(controller.idle)
        if controller.session is not None:
            controller._close_session()
        if controller.unlock_dialog is not None:
            controller.unlock_dialog.deleteLater()


def test_a_panel_whose_count_fails_says_so_and_stops_counting(qtbot: QtBot, open_as: Opener, vault: VaultInfo,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from securemail.errors import BadInputError
    from securemail.gui.dashboard import DashboardPage
    from securemail.services import views

    def refused(*_args: Any) -> views.Totals:
        raise BadInputError("input.too_large", field="limit", min=1, max=2)

    monkeypatch.setattr(views, "totals", refused)
    dash = DashboardPage(open_as("courier1"))
    qtbot.addWidget(dash)
    dash.show()
    dash.refresh()
    (panel,) = dash.panels
    assert isinstance(panel, ViewPanel)
    qtbot.waitUntil(lambda: panel.message.text() != "" and panel.loaded is not None, timeout=10000)
    assert panel.model.rowCount() == 1  # the rows came from the operations thread
    assert panel.totals is None and panel.totals_label.text() == ""  # not "counting…" forever
    assert "Số dòng tối đa" in panel.message.text()  # the error, in the user's language
