"""The three-vault world of the exchange tests (built once per module, see exchange_kit.py)."""

from __future__ import annotations

import pytest
from exchange_kit import World, build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory)
