"""docs/automation.md lists every objectName the code sets, and nothing the code no longer sets."""

from __future__ import annotations

import re
from pathlib import Path

from object_names import names_by_source

DOC = Path(__file__).resolve().parents[2] / "docs" / "automation.md"


def _documented() -> dict[str, list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- names:begin -->", 1)[1].split("<!-- names:end -->", 1)[0]
    listed: dict[str, list[str]] = {}
    for line in block.strip().splitlines():
        source, _, names = line.removeprefix("- ").partition(": ")
        listed[source.strip("`")] = re.findall(r"`([^`]+)`", names)
    return listed


def test_every_object_name_is_documented() -> None:
    code, doc = names_by_source(), _documented()
    hint = "run .venv/bin/python tests/gui/object_names.py and paste its output into docs/automation.md"
    for source, names in code.items():
        missing = [n for n in names if n not in doc.get(source, [])]
        assert not missing, f"{source}: {missing} not in docs/automation.md ({hint})"
    for source, names in doc.items():
        gone = [n for n in names if n not in code.get(source, [])]
        assert not gone, f"{source}: {gone} listed in docs/automation.md but no longer set in the code ({hint})"


def test_names_used_by_the_role_days_are_there() -> None:
    everything = {n for names in names_by_source().values() for n in names}
    for name in ("personSearch", "itemsTotals", "verifyButton", "trackingSearch", "previewPrint", "verifyCancel"):
        assert name in everything
