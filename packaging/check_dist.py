"""Check that the wheel and the sdist in a folder carry everything an installed SecureMail reads.

Usage: python packaging/check_dist.py DIST_DIR. Exit 1 and a list of what is missing otherwise.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

# Paths inside the package that must travel with it (fonts and their licence, the icon, compiled forms).
REQUIRED = (
    "securemail/assets/fonts/BeVietnamPro-Regular.ttf",
    "securemail/assets/fonts/BeVietnamPro-Bold.ttf",
    "securemail/assets/fonts/BeVietnamPro-Italic.ttf",
    "securemail/assets/fonts/BeVietnamPro-BoldItalic.ttf",
    "securemail/assets/fonts/OFL.txt",
    "securemail/assets/icons/securemail.svg",
    "securemail/gui/ui_intake_form.py",
    "securemail/gui/ui_transfer_dialog.py",
    "securemail/gui/ui_unlock_dialog.py",
    "securemail/gui/strings.py",
    "securemail/py.typed",
)
# The catalogues' sources: in the sdist (MANIFEST.in), which the wheel is built from.
SDIST_ONLY = (
    "securemail/assets/locale/vi/LC_MESSAGES/securemail.po",
    "securemail/assets/locale/securemail.pot",
    "setup.py",
)
# Built while the wheel is made (setup.py's build_py compiles the catalogues), so only the wheel has them.
WHEEL_ONLY = (
    "securemail/assets/locale/vi/LC_MESSAGES/securemail.mo",
    "securemail/assets/locale/en/LC_MESSAGES/securemail.mo",
)


def missing_in(names: set[str], prefix: str = "", extra: tuple[str, ...] = ()) -> list[str]:
    return [r for r in REQUIRED + extra if prefix + r not in names]


def check(dist: Path) -> list[str]:
    problems: list[str] = []
    wheels = sorted(dist.glob("securemail-*.whl"))
    sdists = sorted(dist.glob("securemail-*.tar.gz"))
    if not wheels:
        problems.append(f"no wheel in {dist}")
    if not sdists:
        problems.append(f"no sdist in {dist}")
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            names = set(z.namelist())
        problems += [f"{wheel.name}: missing {m}" for m in missing_in(names, extra=WHEEL_ONLY)]
    for sdist in sdists:
        with tarfile.open(sdist) as t:
            names = set(t.getnames())
        root = sdist.name.removesuffix(".tar.gz") + "/"
        problems += [f"{sdist.name}: missing {m}" for m in missing_in(names, root, SDIST_ONLY)]
    return problems


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    problems = check(dist)
    for p in problems:
        print(p)
    if not problems:
        print(f"ok: wheel and sdist in {dist} carry fonts, licence, icon, compiled forms and catalogues")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
