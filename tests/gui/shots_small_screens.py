"""Screenshots of the main screens at 1024x600 and 1366x768 (offscreen), to look at after layout changes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/shots_small_screens.py [OUT_DIR]

Not a test: the pictures are for eyes (tests/gui/test_gui_screen_sizes.py checks the sizes)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SIZES = ((1024, 600), (1366, 768))
CHROME = 30  # a title bar: the window's client area is the screen less this


def main() -> int:
    from gui_vault import make_vault
    from PySide6.QtWidgets import QApplication, QWidget

    from securemail.gui.bag_open import BagOpenDialog
    from securemail.gui.main_window import MainWindow
    from securemail.gui.ops import operations
    from securemail.gui.theme import apply_theme
    from securemail.gui.translator import CatalogueTranslator
    from securemail.i18n import set_language
    from securemail.services.queries.bags import BagRecord
    from securemail.services.session import open_session

    out = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="securemail-sizes-"))
    out.mkdir(parents=True, exist_ok=True)
    set_language("vi")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    apply_theme(app)
    app.installTranslator(CatalogueTranslator(app))
    vault = Path(tempfile.mkdtemp(prefix="securemail-sizes-vault-")) / "vault"
    info = make_vault(vault)

    def settle() -> None:
        operations().wait()
        for _ in range(5):
            app.processEvents()

    def grab(widget: QWidget, name: str) -> None:
        settle()
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        print(path)

    for user, pages in (("clerk1", ("intake", "items", "bags")), ("admin", ("admin",))):
        session = open_session(vault, user, info.passwords[user])
        window = MainWindow(session)
        window.show()
        window.start()
        for width, height in SIZES:
            window.resize(width, height - CHROME)
            for page_name in pages:
                page = getattr(window, page_name)
                window.tabs.setCurrentWidget(page)
                if page_name == "admin":
                    for index, sub in enumerate(("users", "calendar", "backup")):
                        page.setCurrentIndex(index)
                        grab(window, f"{width}x{height}-{user}-{sub}")
                    continue
                grab(window, f"{width}x{height}-{user}-{page_name}")
            if user == "clerk1":
                window.notify("Đã ghi: KT000000014VN")
                window.tabs.setCurrentWidget(window.items)
                grab(window, f"{width}x{height}-{user}-notice")
        if user == "clerk1":  # the receive-bag screen, live: one scanned, one missing so far, one extra
            bag = BagRecord("HN01-TUI-000001", "HN01", "dispatched", "NP-2026-0001", "gdv1",
                            "2026-03-02T08:00:00+07:00", "courier1", 1, None,
                            (info.trackings["waiting"], info.trackings["flagged"]))
            dialog = BagOpenDialog(session, bag, "Phạm Văn Hùng (courier1)", window)
            dialog.show()
            for tracking in (info.trackings["waiting"], "RR999999999VN"):
                dialog.scan_edit.setText(tracking)
                dialog.scan()
            grab(dialog, "receive-bag")
            dialog.close()
        window.close()
        session.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
