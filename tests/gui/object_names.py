"""The objectNames the GUI gives its widgets, read from the sources (named(..., "x"), setObjectName("x"),
list_table("x", ...), .ui files).

    .venv/bin/python tests/gui/object_names.py      prints them by module, the way docs/automation.md lists them
"""

from __future__ import annotations

import ast
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "securemail" / "gui"
UI = ROOT / "ui"


def _static_names(source: str) -> list[str]:
    """Literal names passed to named(widget, "x"), setObjectName("x") and list_table("x", ...), in order of
    appearance."""
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        arg = node.args[1] if called == "named" and len(node.args) > 1 else \
            node.args[0] if called in ("setObjectName", "list_table") and node.args else None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append((node.lineno, node.col_offset, arg.value))
    return [name for _, _, name in sorted(found)]


def names_by_source() -> dict[str, list[str]]:
    """source file name -> its static objectNames, in order of appearance (f-string names are not included)."""
    found: dict[str, list[str]] = {}
    for path in sorted(GUI.glob("*.py")):
        if path.name.startswith("ui_"):
            continue
        names = list(dict.fromkeys(_static_names(path.read_text(encoding="utf-8"))))
        if names:
            found[path.name] = names
    for form in sorted(UI.glob("*.ui")):
        names = [w.get("name", "") for w in ElementTree.parse(form).iter("widget")]
        names += [a.get("name", "") for a in ElementTree.parse(form).iter("action")]
        found[form.name] = list(dict.fromkeys(n for n in names if n))
    return found


if __name__ == "__main__":
    for source, names in names_by_source().items():
        print(f"- `{source}`: " + ", ".join(f"`{n}`" for n in names))
