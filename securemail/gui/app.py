"""Entry point of the desktop app: `securemail [--vault DIR] [--lang vi|en] [--idle-minutes N]`.

Also runs as `python -m securemail.gui.app`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from securemail.gui.controller import AppController
from securemail.gui.idle import DEFAULT_IDLE_MINUTES
from securemail.gui.theme import apply_theme
from securemail.gui.translator import CatalogueTranslator
from securemail.i18n import set_language
from securemail.storage.paths import default_vault


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="securemail", description="SecureMail desktop app")
    parser.add_argument("--vault", metavar="DIR", help="vault folder (default: $SECUREMAIL_VAULT, else the "
                                                       "per-user data folder)")
    parser.add_argument("--lang", choices=("vi", "en"), help="language of the interface (default: vi)")
    parser.add_argument("--idle-minutes", type=float, default=DEFAULT_IDLE_MINUTES, metavar="N",
                        help=f"lock after N minutes without activity (default {DEFAULT_IDLE_MINUTES})")
    parser.add_argument("--exit-after-start", action="store_true",
                        help="show the first window, exit 0 once it is drawn (a start-up check for installers and "
                             "bundles; 1 if it is not drawn within a minute)")
    args, _qt_args = parser.parse_known_args(argv)  # leave Qt's own options (-platform ...) to Qt
    return args


def resolve_vault(arg: str | None) -> Path:
    return (Path(arg).expanduser() if arg else default_vault()).absolute()


def harden_process() -> None:
    """No core dumps: they would hold keys and plaintext."""
    # Windows has no `resource` module; crash dumps there are Windows Error Reporting's (docs/build-windows.md).
    if sys.platform != "win32":
        import resource  # noqa: PLC0415 - POSIX only

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: Sequence[str] | None = None) -> int:
    harden_process()
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(args_list)
    set_language(args.lang)  # None: SECUREMAIL_LANG, else the locale, else Vietnamese
    app = QApplication.instance() or QApplication([sys.argv[0], *args_list])
    assert isinstance(app, QApplication)
    app.setApplicationName("SecureMail")
    app.setApplicationDisplayName("SecureMail")
    app.setDesktopFileName("securemail")
    apply_theme(app)
    translator = CatalogueTranslator(app)
    app.installTranslator(translator)
    idle_ms = max(1000, int(args.idle_minutes * 60_000))
    controller = AppController(app, resolve_vault(args.vault), idle_ms=idle_ms, translator=translator)
    controller.start(preload_main=not args.exit_after_start)
    if args.exit_after_start and controller.unlock_dialog is not None:
        controller.unlock_dialog.first_painted.connect(app.quit)  # drawn: the user would see it now
        QTimer.singleShot(60_000, lambda: app.exit(1))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
