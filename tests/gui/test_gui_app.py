"""The entry point: options, vault resolution, and a window that opens (and stays up) without a vault."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from securemail.gui import app

ROOT = Path(__file__).resolve().parents[2]


def test_options() -> None:
    args = app.parse_args(["--vault", "/tmp/x", "--lang", "en", "--idle-minutes", "2.5"])
    assert (args.vault, args.lang, args.idle_minutes) == ("/tmp/x", "en", 2.5)
    assert app.parse_args([]).idle_minutes == 10
    with pytest.raises(SystemExit):
        app.parse_args(["--lang", "fr"])


def test_vault_from_option_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert app.resolve_vault(str(tmp_path)) == tmp_path
    monkeypatch.setenv("SECUREMAIL_VAULT", str(tmp_path / "env"))
    assert app.resolve_vault(None) == tmp_path / "env"
    monkeypatch.delenv("SECUREMAIL_VAULT")
    assert app.resolve_vault(None).name == "vault"


def test_module_help_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "securemail.gui.app", "--help"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0 and "--vault" in done.stdout


def test_window_opens_without_a_vault_and_does_not_crash(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "securemail.gui.app", "--vault", str(tmp_path / "missing")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=4)  # still running: the unlock window is up
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=10)
    assert b"Traceback" not in err


def test_core_dumps_are_off() -> None:
    resource = pytest.importorskip("resource")
    app.harden_process()
    assert resource.getrlimit(resource.RLIMIT_CORE)[0] == 0


def test_exit_after_start_shows_the_window_and_exits_0(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "securemail.gui.app", "--vault", str(tmp_path / "missing"),
                           "--exit-after-start"], env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
