"""The cross-platform file lock (securemail.storage.locking): exclusive, blocking, released on exit."""

from __future__ import annotations

import ast
import os
import threading
from pathlib import Path

from securemail.storage.locking import locked

ROOT = Path(__file__).resolve().parents[2] / "securemail"
POSIX_ONLY = {"fcntl", "resource", "pwd", "grp", "termios", "tty", "pty", "posix", "syslog"}


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def test_second_holder_waits_until_release(tmp_path: Path) -> None:
    lock_file = tmp_path / "lock"
    fd1, fd2 = _open(lock_file), _open(lock_file)
    got_it = threading.Event()

    def second() -> None:
        with locked(fd2):
            got_it.set()

    try:
        with locked(fd1):
            t = threading.Thread(target=second)
            t.start()
            assert not got_it.wait(0.3), "the second holder got the lock while the first held it"
        assert got_it.wait(5), "the second holder never got the lock after release"
        t.join(5)
    finally:
        os.close(fd1)
        os.close(fd2)


def test_lock_released_after_exception(tmp_path: Path) -> None:
    fd = _open(tmp_path / "lock")
    try:
        try:
            with locked(fd):
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        other = _open(tmp_path / "lock")        # another holder (another open file) gets it: it was released
        got_it = threading.Event()

        def take() -> None:
            with locked(other):
                got_it.set()

        t = threading.Thread(target=take, daemon=True)
        t.start()
        assert got_it.wait(30), "the lock was not released by the exception"
        t.join(30)
        os.close(other)
    finally:
        os.close(fd)


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported at module level, outside `if sys.platform ...` blocks and functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_posix_only_import_at_module_level() -> None:
    bad = [f"{p.relative_to(ROOT.parent)}: {sorted(_top_level_imports(p) & POSIX_ONLY)}"
           for p in sorted(ROOT.rglob("*.py")) if _top_level_imports(p) & POSIX_ONLY]
    assert not bad, "POSIX-only modules imported at module level (breaks Windows): " + "; ".join(bad)
