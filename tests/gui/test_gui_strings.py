"""Every GUI text has a Vietnamese translation, with the same placeholders; the Designer forms are current."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from securemail.gui.strings import VI, t
from securemail.i18n import set_language

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "securemail" / "gui"
UI = ROOT / "ui"


def _sources() -> dict[str, str]:
    """source text -> where it is used: t("...") and N_("...") literals, and translatable .ui strings."""
    found: dict[str, str] = {}
    for path in sorted(GUI.glob("*.py")):
        if path.name.startswith("ui_"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value,
                                                                                               str)):
                found.setdefault(node.args[0].value, path.name)
    for form in sorted(UI.glob("*.ui")):
        for element in ElementTree.parse(form).iter("string"):
            if element.get("notr") != "true" and element.text:
                found.setdefault(element.text, form.name)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_sources_are_found() -> None:
    sources = _sources()
    assert len(sources) > 150
    assert "Accept an item at the counter" in sources  # from a .ui form
    assert "Waiting at the counter" in sources  # from N_()


@pytest.mark.parametrize("source", sorted(_sources()))
def test_every_source_has_vietnamese(source: str) -> None:
    assert source in VI, f"no Vietnamese for {source!r} (used in {_sources()[source]})"
    assert _fields(VI[source]) == _fields(source)
    assert VI[source].count("&") == source.count("&")


def test_t_translates_and_fills() -> None:
    set_language("vi")
    assert t("{count} items", count=3) == "3 bưu gửi"
    set_language("en")
    assert t("{count} items", count=3) == "3 items"
    assert t("not in the catalogue {x}", x=1) == "not in the catalogue 1"


def test_generated_forms_are_current() -> None:
    done = subprocess.run([sys.executable, "-m", "securemail.gui.build_ui", "--check"], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
