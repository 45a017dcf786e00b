"""Where the shipped resources (fonts with their licences, icons) are: inside the package, securemail/assets.

They travel as package data in the wheel and the sdist, and as data files in the PyInstaller bundle, so an
installed SecureMail never reads the source tree. SECUREMAIL_RESOURCES overrides the folder (tests use it to
simulate missing fonts). Texts are in assets/locale (gettext, read by securemail.l10n.catalogue from the package
itself, never from the override); compiled forms are Python modules (ui_*.py).
"""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES_ENV = "SECUREMAIL_RESOURCES"
ASSETS = Path(__file__).resolve().parent / "assets"


def resources_dir() -> Path:
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    return ASSETS
