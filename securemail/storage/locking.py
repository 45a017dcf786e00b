"""An exclusive, blocking lock on an open file, the same on POSIX (flock) and Windows (msvcrt.locking).

Nothing POSIX-only is imported at module level: `mypy --platform win32` and an import on Windows both work.
The lock is advisory between SecureMail processes, which is all the vault needs (serialising unlock attempts).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

_WIN_RETRY_SECONDS = 0.05


if sys.platform == "win32":
    import msvcrt
    import os

    def lock_fd(fd: int) -> None:
        # msvcrt locks a byte range from the current position; lock the first byte, retrying until it is free.
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(_WIN_RETRY_SECONDS)

    def unlock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def locked(fd: int) -> Iterator[None]:
    """Hold an exclusive lock on `fd` for the block (waits while another process holds it)."""
    lock_fd(fd)
    try:
        yield
    finally:
        unlock_fd(fd)
