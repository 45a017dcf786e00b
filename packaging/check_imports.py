"""CI check: the package's layers hold.

1. PySide6 is imported only under securemail/gui (the core stays free of Qt).
2. Each package imports only the packages below it (LAYERS): the GUI and the CLI are two faces of the services and
   never import each other; documents draw what they are given and read no vault; storage knows no custody rules.
3. No module imports another module's private name (`from x import _name`): what is shared is public.

The map is docs/architecture.md; change both together.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "securemail"

# package -> the securemail packages (or top-level modules) it may import; anything else is a layering error.
_BASE = {"errors", "i18n", "l10n", "clock"}
LAYERS: dict[str, set[str]] = {
    "l10n": {"resources"},  # the gettext catalogue (ADR 0015), found in the package's assets
    "i18n": {"l10n"},
    "errors": {"i18n", "l10n"},
    "clock": set(),
    "resources": set(),
    "domain": _BASE,
    "crypto": _BASE,
    "storage": _BASE | {"crypto"},
    "custody": _BASE | {"crypto", "domain", "storage"},
    "documents": _BASE | {"domain", "resources"},
    "services": _BASE | {"__init__", "crypto", "domain", "storage", "custody", "documents", "resources"},
    "cli": _BASE | {"__init__", "crypto", "domain", "storage", "custody", "documents", "services", "resources"},
    "gui": _BASE | {"__init__", "crypto", "domain", "storage", "custody", "documents", "services", "resources"},
    "__init__": set(),
}


def _imports(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    """(line, module, imported names) for every import in the tree."""
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
    return found


def _package_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else path.stem


def _target(module: str) -> str | None:
    """The securemail package a module path lands in ("securemail" alone is the package's __init__)."""
    parts = module.split(".")
    if parts[0] != "securemail":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def problems(path: Path, root: Path = ROOT) -> list[str]:
    """Every layering error in one module of the package at `root`."""
    where = path.relative_to(root.parent)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(path, root)
    own_module = ".".join(("securemail", *path.relative_to(root).with_suffix("").parts))
    out: list[str] = []
    for line, module, names in _imports(tree):
        if module == "PySide6" or module.startswith(("PySide6.", "shiboken6")):
            if package != "gui":
                out.append(f"{where}:{line}: PySide6 imported outside securemail/gui")
            continue
        target = _target(module)
        if target is None:
            continue
        if target != package and target not in LAYERS.get(package, set()):
            out.append(f"{where}:{line}: securemail.{package} may not import {module}")
        if module != own_module:
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                out.append(f"{where}:{line}: private name(s) {', '.join(private)} imported from {module}")
    return out


def main() -> int:
    bad: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        bad += problems(path)
    if bad:
        print("Layering errors (see docs/architecture.md):\n  " + "\n  ".join(bad))
        return 1
    print("ok: PySide6 only in securemail/gui; every import follows the layers; no private imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
