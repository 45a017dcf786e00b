"""Vault files, the SQLCipher connection, schema migrations.

`connect(vault_dir, username, password)` is the documented low-level entry for maintenance scripts and tamper
tests: it returns the keyed sqlcipher3 connection. Everything else goes through securemail.services.

Importing the package loads no database driver: `storage.paths` (where the vault is) is needed by the unlock
window and `securemail-cli --version`, which must not wait for sqlcipher3 (issue 15).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from securemail.storage.database import Connection


def connect(vault_dir: str | Path, username: str, password: str) -> Connection:
    """Unlock `username`'s key slot with `password` and return the open, keyed database connection."""
    from securemail.storage.vault import unlock_connection  # noqa: PLC0415 - avoid an import cycle

    return unlock_connection(Path(vault_dir), username, password)


def __getattr__(name: str) -> Any:
    if name == "Connection":
        from securemail.storage.database import Connection  # noqa: PLC0415 - on first use (see above)

        return Connection
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Connection", "connect"]
