"""The wheel installs into a brand-new virtual environment and runs from there, reading nothing from the source tree:
`securemail-cli --version`, `securemail-cli selftest` (fonts, QR, SQLCipher from the installed packages), and the
GUI modules import. Dependencies come from pip's cache or the configured index (PyPI is reachable in CI).

Slow (a fresh venv with PySide6 and friends: ~30-60 s with a warm pip cache), but part of `make test`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def _run(cmd: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_wheel_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    built = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path / "wheel", REPO],
                 cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((tmp_path / "wheel").glob("securemail-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        assert "securemail/assets/fonts/BeVietnamPro-Regular.ttf" in z.namelist()
        # the catalogues, compiled while the wheel was built (setup.py), not taken from the source tree
        for lang in ("vi", "en"):
            assert f"securemail/assets/locale/{lang}/LC_MESSAGES/securemail.mo" in z.namelist()
        assert not [n for n in z.namelist() if n.endswith((".po", ".pot"))]

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    installed = _run([_bin(venv, "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel],
                     cwd=tmp_path, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]

    # A clean environment: no PYTHONPATH, no source tree on the path, a home and temp folder of our own.
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.pathsep.join([str(_bin(venv, "")), "/usr/bin", "/bin"]), "HOME": str(home),
           "TMPDIR": str(home), "SECUREMAIL_LANG": "en", "QT_QPA_PLATFORM": "offscreen"}
    where = _run([_bin(venv, "python"), "-c", "import securemail, securemail.resources as r; "
                  "print(securemail.__file__); print(r.resources_dir())"], cwd=home, env=env)
    assert where.returncode == 0, where.stderr
    assert all(str(venv) in line and str(REPO) not in line for line in where.stdout.splitlines()), where.stdout

    version = _run([_bin(venv, "securemail-cli"), "--version"], cwd=home, env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == "securemail 0.1.0"

    selftest = _run([_bin(venv, "securemail-cli"), "selftest"], cwd=home, env=env)
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert "passed" in selftest.stdout.splitlines()[-1]
    assert str(REPO) not in selftest.stdout

    # Vietnamese from the installed .mo (the wheel carries no .po)
    vietnamese = _run([_bin(venv, "securemail-cli"), "--lang", "vi", "--vault", home / "none", "--user", "x",
                       "verify"], cwd=home, env=dict(env, SECUREMAIL_PASSWORD="x"))
    assert "Không tìm thấy kho dữ liệu" in vietnamese.stdout + vietnamese.stderr, vietnamese.stderr

    gui = _run([_bin(venv, "python"), "-c", "import securemail.gui.app, securemail.gui.main_window"],
               cwd=home, env=env)
    assert gui.returncode == 0, gui.stderr
