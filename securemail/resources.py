"""Where the shipped resources (fonts with their licences, icons, translations) are.

In a source checkout or an editable install: <repo>/resources. In an installed wheel: <prefix>/share/securemail/
resources (pyproject.toml installs them there as data files). SECUREMAIL_RESOURCES overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "SECUREMAIL_RESOURCES"


def resources_dir() -> Path:
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[1] / "resources"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "securemail" / "resources"
