"""Private folders and atomic file writes (temp file created 0o600, fsync, os.replace, fsync the folder)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path

from securemail.errors import BadInputError, StorageError


def ensure_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def check_output_path(path: Path, vault_dir: Path | None) -> Path:
    """A file the user asked us to write (a PDF, an exported checkpoint): never inside the vault folder, never a
    device, folder or link target, and its folder must exist. Returns the path to write."""
    target = path.expanduser()
    if len(os.fsencode(target.name)) > MAX_OUTPUT_NAME or len(os.fsencode(str(target))) > MAX_OUTPUT_PATH:
        raise BadInputError("input.output_name_too_long", field="output", max=MAX_OUTPUT_NAME)
    resolved = target.resolve()
    vault = vault_dir.expanduser().resolve() if vault_dir is not None else None
    if vault is not None and (resolved == vault or vault in resolved.parents):
        raise BadInputError("input.output_in_vault", field="output", path=str(path))
    if target.is_symlink() or (resolved.exists() and not resolved.is_file()):
        raise BadInputError("input.output_not_file", field="output", path=str(path))
    if not resolved.parent.is_dir():
        raise BadInputError("input.no_folder", field="output", path=str(resolved.parent))
    return resolved


MAX_OUTPUT_NAME = 255        # bytes of one file name (NAME_MAX on Linux)
MAX_OUTPUT_PATH = 4096


def read_input_file(path: Path, *, max_size: int, field: str) -> bytes:
    """Read a file the user named (a checkpoint, a pinned key, an image, a PDF), refusing before anything is read
    what is not a regular file (a FIFO, a device, a folder) or is larger than `max_size` bytes. BadInputError names
    the option. Opened non-blocking, so a FIFO without a writer cannot hang us."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except OSError as e:
        raise BadInputError("input.file_unreadable", field=field, path=str(path)) from e
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadInputError("input.not_regular_file", field=field, path=str(path))
        if info.st_size > max_size:
            raise BadInputError("input.file_too_large", field=field, path=str(path), max=max_size)
        chunks: list[bytes] = []
        total = 0
        while total <= max_size:
            chunk = os.read(fd, min(1 << 20, max_size + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_size:  # grew while we read
            raise BadInputError("input.file_too_large", field=field, path=str(path), max=max_size)
        return b"".join(chunks)
    except OSError as e:
        raise BadInputError("input.file_unreadable", field=field, path=str(path)) from e
    finally:
        os.close(fd)


def write_user_file(path: Path, data: bytes, vault_dir: Path | None) -> Path:
    """Check a user-chosen output path (check_output_path), then write it atomically, owner-only."""
    resolved = check_output_path(path, vault_dir)
    atomic_write(resolved, data)
    return resolved


def atomic_write(path: Path, data: bytes, *, durable_name: bool = True) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file, never a mix. With
    `durable_name=False` the folder is not synced: after a crash the name may still point to the old (complete,
    synced) file, for copies whose older version is still valid (the state file's checkpoint)."""
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
        if durable_name:
            _fsync_dir(path.parent)
    except OSError as e:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise os_storage_error(e, path) from e


def overwrite_in_place(path: Path, data: bytes) -> None:
    """Write `data` over `path` (created owner-only if absent) with one write at offset 0: no temp file, rename
    or fsync (a rename over a file costs an implicit data flush on ext4). Only for a small file of fixed size
    whose stale, lost or torn content is harmless and recognisable (head.json: see storage/head.py)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
        try:
            view = memoryview(data)
            offset = 0
            while offset < len(data):
                os.lseek(fd, offset, os.SEEK_SET)
                offset += os.write(fd, view[offset:])
            os.ftruncate(fd, len(data))
        finally:
            os.close(fd)
    except OSError as e:
        raise os_storage_error(e, path) from e


def os_storage_error(e: OSError, path: Path) -> StorageError:
    """A failed write, named: a full disk, a read-only folder, an I/O error, or (else) what the system said."""
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG):
        return StorageError("storage.disk_full", path=str(path.parent))
    if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError("storage.read_only", path=str(path.parent))
    if e.errno == errno.EIO:
        return StorageError("storage.io_error", path=str(path.parent))
    return StorageError("storage.write_failed", path=str(path), detail=e.strerror or str(e))


STALE_TEMP_SECONDS = 600


def remove_stale_temp_files(folder: Path, *, now: float | None = None) -> list[str]:
    """Delete what a killed atomic_write left behind in `folder` (".<name>.<random>.tmp", owner-only, never
    renamed into place). Only files older than STALE_TEMP_SECONDS: a write in progress in another process takes
    milliseconds, and its temp file must survive. Returns the names removed."""
    removed: list[str] = []
    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


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
