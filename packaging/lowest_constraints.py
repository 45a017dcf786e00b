"""Print pip constraints pinning every dependency of pyproject.toml (runtime and [dev]) to its lowest allowed
version: "name>=X,<Y; marker" becomes "name==X; marker". Used by `make test-lowest` (see README).

A dependency without a lower bound is an error: the point is that pyproject states what the code needs.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*([^;]*?)\s*(?:;\s*(.+))?$")


def lowest(requirement: str) -> str:
    match = _REQ.match(requirement)
    if not match:
        raise ValueError(f"cannot read requirement {requirement!r}")
    name, spec, marker = match.groups()
    floors = [m.group(1) for m in re.finditer(r">=\s*([0-9][^,\s]*)", spec)]
    if len(floors) != 1:
        raise ValueError(f"{name}: needs exactly one lower bound (>=), has {spec!r}")
    return f"{name}=={floors[0]}" + (f"; {marker}" if marker else "")


def constraints(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"]) + list(project.get("optional-dependencies", {}).get("dev", []))
    return [lowest(r) for r in reqs]


def check_installed(pins: list[str]) -> list[str]:
    """For `--check`, run inside the lowest venv: the pins whose installed version differs (should be none)."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    from packaging.markers import Marker  # noqa: PLC0415 - pip's vendored copy is not importable; pip installs it
    from packaging.version import Version  # noqa: PLC0415

    wrong = []
    for pin in pins:
        req, _, marker = pin.partition("; ")
        if marker and not Marker(marker).evaluate():
            continue
        name, _, wanted = req.partition("==")
        try:
            have = version(name)
        except PackageNotFoundError:
            wrong.append(f"{name}: not installed")
            continue
        if Version(have) != Version(wanted):
            wrong.append(f"{name}: {have} installed, lowest allowed is {wanted}")
    return wrong


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    pins = constraints(root / "pyproject.toml")
    if "--check" in sys.argv[1:]:
        problems = check_installed(pins)
        print("\n".join(problems) or "all dependencies at their lowest allowed versions")
        sys.exit(1 if problems else 0)
    print("\n".join(pins))
