"""The layering check (packaging/check_imports.py, run by `make check-imports`) catches what it promises."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

CHECKER = Path(__file__).resolve().parents[2] / "packaging" / "check_imports.py"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_imports", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _module(tmp_path: Path, relative: str, source: str) -> tuple[Path, Path]:
    root = tmp_path / "securemail"
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path, root


@pytest.mark.parametrize(
    ("relative", "source", "complaint"),
    [
        ("services/x.py", "from PySide6.QtCore import QObject\n", "PySide6 imported outside"),
        ("gui/x.py", "from securemail.cli.context import Ctx\n", "securemail.gui may not import securemail.cli"),
        ("cli/x.py", "import securemail.gui.app\n", "securemail.cli may not import securemail.gui"),
        ("storage/x.py", "from securemail.custody.ledger import LedgerWriter\n", "may not import"),
        ("documents/x.py", "from securemail.storage.vault import VaultPaths\n", "may not import"),
        ("domain/x.py", "from securemail.services import items\n", "may not import"),
        ("services/bags.py", "from securemail.services.transfers import _check\n", "private name(s) _check"),
    ],
)
def test_each_kind_of_layering_error_is_reported(tmp_path: Path, relative: str, source: str, complaint: str) -> None:
    path, root = _module(tmp_path, relative, source)
    found = _checker().problems(path, root)
    assert any(complaint in p for p in found), found


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("gui/x.py", "from PySide6.QtWidgets import QWidget\nfrom securemail.services.items import accept\n"),
        ("cli/x.py", "from securemail.services.session import Session\nfrom securemail import __version__\n"),
        ("custody/x.py", "from securemail.storage.database import Connection\nfrom securemail.custody import y\n"),
    ],
)
def test_allowed_imports_pass(tmp_path: Path, relative: str, source: str) -> None:
    path, root = _module(tmp_path, relative, source)
    assert _checker().problems(path, root) == []


def test_the_package_itself_is_clean() -> None:
    checker = _checker()
    assert [p for path in sorted(checker.ROOT.rglob("*.py")) for p in checker.problems(path)] == []
