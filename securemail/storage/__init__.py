"""Vault files, the SQLCipher connection, schema migrations.

`connect(vault_dir, username, password)` is the documented low-level entry for maintenance scripts and tamper
tests: it returns the keyed sqlcipher3 connection. Everything else goes through securemail.services.
"""

from __future__ import annotations

from pathlib import Path

from securemail.storage.database import Connection


def connect(vault_dir: str | Path, username: str, password: str) -> Connection:
    """Unlock `username`'s key slot with `password` and return the open, keyed database connection."""
    from securemail.storage.vault import unlock_connection  # noqa: PLC0415 - avoid an import cycle

    return unlock_connection(Path(vault_dir), username, password)


__all__ = ["Connection", "connect"]
