"""verify, checkpoint export|witness."""

from __future__ import annotations

import argparse
from typing import Any

Sub = Any


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    return None
