"""GUI tests: Qt offscreen, a real temporary vault per test, and the operations thread drained after each."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gui_vault import VaultInfo, make_vault

from securemail.i18n import set_language
from securemail.services.session import Session, open_session


@pytest.fixture(autouse=True)
def _vietnamese_and_drained(qapp: object) -> Iterator[None]:
    """Each test starts in Vietnamese with the catalogue translator installed, and leaves no job running."""
    from securemail.gui.ops import operations
    from securemail.gui.translator import CatalogueTranslator

    translator = CatalogueTranslator()
    qapp.installTranslator(translator)  # type: ignore[attr-defined]
    set_language("vi")
    yield
    from securemail.gui.long_ops import cancel_all, long_operations

    cancel_all()
    long_operations().wait()
    operations().wait()
    qapp.processEvents()  # type: ignore[attr-defined]
    qapp.removeTranslator(translator)  # type: ignore[attr-defined]
    set_language(None)


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path) -> Iterator[Path]:
    """Remembered window sizes and filters go to this test's own file, never the user's real settings."""
    from securemail.gui.view_settings import use_settings_file

    path = tmp_path / "settings.ini"
    use_settings_file(path)
    yield path
    use_settings_file(None)


@pytest.fixture
def vault(tmp_path: Path) -> VaultInfo:
    return make_vault(tmp_path / "vault")


@pytest.fixture
def open_as(vault: VaultInfo) -> Iterator[Callable[[str], Session]]:
    """Open sessions as any fixture user; all are closed (after pending operations) at the end."""
    opened: list[Session] = []

    def opener(username: str) -> Session:
        session = open_session(vault.path, username, vault.passwords[username])
        opened.append(session)
        return session

    yield opener
    from securemail.gui.long_ops import cancel_all, long_operations
    from securemail.gui.ops import operations

    cancel_all()
    long_operations().wait()
    operations().wait()
    for session in opened:
        with contextlib.suppress(Exception):  # already closed by the code under test (auto-lock)
            session.close()
