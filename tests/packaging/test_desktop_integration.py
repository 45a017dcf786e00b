"""Linux desktop integration files: the .desktop entry and AppStream metainfo validate with the Debian tools, the
icon exists as SVG and in every PNG size (rendered from the SVG by packaging/render-icons.sh), and the bundle's
install script is valid shell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
ICONS = REPO / "securemail" / "assets" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed (packaging/install-sysdeps.sh test installs it)")
    return path


def test_desktop_file_validates() -> None:
    done = subprocess.run([_tool("desktop-file-validate"), str(LINUX / "securemail.desktop")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_metainfo_validates() -> None:
    done = subprocess.run([_tool("appstreamcli"), "validate", "--no-net",
                           str(LINUX / "vn.kt1.SecureMail.metainfo.xml")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_icon_in_every_size() -> None:
    assert (ICONS / "securemail.svg").is_file()
    assert (ICONS / "hicolor" / "scalable" / "apps" / "securemail.svg").read_bytes() == \
        (ICONS / "securemail.svg").read_bytes()
    for size in SIZES:
        with Image.open(ICONS / "hicolor" / f"{size}x{size}" / "apps" / "securemail.png") as img:
            assert img.size == (size, size)
            assert img.mode == "RGBA"


def test_install_script_is_valid_shell() -> None:
    for script in (LINUX / "install.sh", REPO / "packaging" / "build-bundle.sh", REPO / "packaging" / "test-bundle.sh"):
        done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{script.name}: {done.stderr}"


def test_user_install_and_uninstall(tmp_path: Path) -> None:
    """install.sh against a fake bundle folder (two stub programs, the shipped icons) and a fresh HOME."""
    bundle = tmp_path / "securemail"
    (bundle / "share").mkdir(parents=True)
    for exe in ("securemail", "securemail-cli"):
        (bundle / exe).write_text("#!/bin/sh\necho securemail 0.0.0\n")
        (bundle / exe).chmod(0o755)
    shutil.copytree(ICONS, bundle / "_internal" / "securemail" / "assets" / "icons")
    for name in ("securemail.desktop", "vn.kt1.SecureMail.metainfo.xml"):
        shutil.copy(LINUX / name, bundle / "share" / name)
    shutil.copy(LINUX / "install.sh", bundle / "install.sh")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["bash", str(bundle / "install.sh")], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    share = home / ".local" / "share"
    app = share / "securemail" / "app"
    desktop = (share / "applications" / "securemail.desktop").read_text()
    assert f'Exec="{app}/securemail"' in desktop
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / "securemail.png").is_file()
    assert (share / "metainfo" / "vn.kt1.SecureMail.metainfo.xml").is_file()
    cli = subprocess.run([str(home / ".local" / "bin" / "securemail-cli")], capture_output=True, text=True, check=False)
    assert cli.stdout.strip() == "securemail 0.0.0"
    done = subprocess.run(["bash", str(bundle / "install.sh"), "--uninstall"], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (share / "applications" / "securemail.desktop").exists()
    assert not app.exists()
    assert not (home / ".local" / "bin" / "securemail-cli").exists()
