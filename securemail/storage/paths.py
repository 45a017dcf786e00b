"""Where a vault lives and the names of its files (no crypto, no database: the unlock window needs only this)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "vault.db"


def default_vault() -> Path:
    """$SECUREMAIL_VAULT, else the platform's per-user data folder."""
    env = os.environ.get("SECUREMAIL_VAULT")
    if env:
        return Path(env)
    import platformdirs  # noqa: PLC0415 - only without --vault or $SECUREMAIL_VAULT (the unlock window, issue 15)

    return Path(platformdirs.user_data_dir("securemail", appauthor=False)) / "vault"


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / DB_NAME

    @property
    def keyslots(self) -> Path:
        return self.root / "keyslots.json"

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def head(self) -> Path:
        return self.root / "head.json"

    @property
    def lockout(self) -> Path:
        return self.root / "lockout.json"

    def exists(self) -> bool:
        return self.db.exists() and self.keyslots.exists()
