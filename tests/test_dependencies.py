"""pyproject states the versions the code needs; `make test-lowest` installs exactly those floors and runs the
suite (too slow for `make test`: see README). Here: the floors are readable and cover what the code uses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("lowest_constraints", ROOT / "packaging" / "lowest_constraints.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_dependency_has_one_lower_bound():
    pins = _module().constraints(ROOT / "pyproject.toml")
    names = {p.split("==")[0].lower() for p in pins}
    assert {"cryptography", "sqlcipher3", "zxcvbn", "pyside6-essentials", "pypdfium2", "pillow"} <= names
    floors = {p.split("==")[0].lower(): p.split("==")[1].split(";")[0] for p in pins}
    # Argon2id.derive_into (crypto.keywrap) appeared in cryptography 47
    assert int(floors["cryptography"].split(".")[0]) >= 47


def test_a_requirement_without_floor_is_refused():
    with pytest.raises(ValueError, match="lower bound"):
        _module().lowest("somepkg<3")
    assert _module().lowest("x>=1.2,<2; python_version < '3.12'") == "x==1.2; python_version < '3.12'"
