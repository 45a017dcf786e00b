"""Private folders and atomic file writes (temp file created 0o600, fsync, os.replace, fsync the folder)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from securemail.errors import BadInputError, StorageError


def ensure_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def check_output_path(path: Path, vault_dir: Path | None) -> Path:
    """A file the user asked us to write (a PDF, an exported checkpoint): never inside the vault folder, never a
    device, folder or link target, and its folder must exist. Returns the path to write."""
    target = path.expanduser()
    resolved = target.resolve()
    vault = vault_dir.expanduser().resolve() if vault_dir is not None else None
    if vault is not None and (resolved == vault or vault in resolved.parents):
        raise BadInputError("input.output_in_vault", field="output", path=str(path))
    if target.is_symlink() or (resolved.exists() and not resolved.is_file()):
        raise BadInputError("input.output_not_file", field="output", path=str(path))
    if not resolved.parent.is_dir():
        raise BadInputError("input.no_folder", field="output", path=str(resolved.parent))
    return resolved


def write_user_file(path: Path, data: bytes, vault_dir: Path | None) -> Path:
    """Check a user-chosen output path (check_output_path), then write it atomically, owner-only."""
    resolved = check_output_path(path, vault_dir)
    atomic_write(resolved, data)
    return resolved


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file, never a mix."""
    tmp: Path | None = None
    try:
        # mkstemp: an unpredictable name, created exclusively with mode 0o600 (no planted link is followed)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as e:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise StorageError("storage.write_failed", path=str(path), detail=e.strerror or str(e)) from e


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
