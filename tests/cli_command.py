"""How tests start securemail-cli as a separate process: the installed script beside this Python, else the module
(a checkout not installed with `pip install -e`). Imported by name (`from cli_command import CLI`): pytest puts
tests/ on sys.path for tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

_SCRIPT = Path(sys.executable).with_name("securemail-cli")
CLI: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "securemail.cli.main"]
