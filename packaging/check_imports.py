"""CI check: PySide6 is imported only under securemail/gui (the core stays free of Qt)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "securemail"


def qt_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(n == "PySide6" or n.startswith(("PySide6.", "shiboken6")) for n in names):
            lines.append(node.lineno)
    return lines


def main() -> int:
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        if (ROOT / "gui") in path.parents:
            continue
        bad += [f"{path.relative_to(ROOT.parent)}:{n}" for n in qt_imports(path)]
    if bad:
        print("PySide6 imported outside securemail/gui:\n  " + "\n  ".join(bad))
        return 1
    print("ok: PySide6 only in securemail/gui")
    return 0


if __name__ == "__main__":
    sys.exit(main())
