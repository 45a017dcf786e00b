"""Screenshots of the desktop app for the user guide (docs/screenshots/), from a demo vault.

    make screenshots                                               both screen sizes below, Vietnamese and English
    .venv/bin/python tests/gui/make_screenshots.py [--size 1024x600] [--lang en]
                                                                   offscreen, widget grabs, on a virtual screen of
                                                                   that size (1366x768: docs/screenshots/, other
                                                                   sizes: docs/screenshots/<size>/)
    xvfb-run -s "-screen 0 1366x868x24" .venv/bin/python tests/gui/make_screenshots.py --x11-root
                                                                   also a real X screenshot (ImageMagick import)

Not a test: run it by hand after changing what the screens look like, then look at the pictures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--x11-root", action="store_true", help="also save the whole X screen (needs xcb)")
    parser.add_argument("--lang", default="vi", choices=("vi", "en"))
    parser.add_argument("--size", default="1366x768", help="screen size WxH (default 1366x768)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = OUT if (width, height) == (1366, 768) else OUT / f"{width}x{height}"
    if not args.x11_root:  # an offscreen screen of exactly this size: windows are fitted to it as on a real PC
        config = Path(tempfile.mkdtemp(prefix="securemail-screen-")) / "screen.json"
        config.write_text(json.dumps({"screens": [{"name": "shot", "x": 0, "y": 0, "width": width, "height": height,
                                                   "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"

    from gui_typing import type_text
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QApplication, QWidget

    from securemail.gui.controller import AppController
    from securemail.gui.long_ops import long_operations
    from securemail.gui.main_window import MainWindow
    from securemail.gui.ops import operations
    from securemail.gui.theme import apply_theme
    from securemail.gui.translator import CatalogueTranslator
    from securemail.i18n import set_language
    from securemail.services import items
    from securemail.services.demo import DEMO_PASSWORD, create_demo
    from securemail.services.session import open_session

    set_language(args.lang)
    suffix = "" if args.lang == "vi" else "-en"
    vault = Path(tempfile.mkdtemp(prefix="securemail-shots-")) / "vault"
    os.environ.pop("SECUREMAIL_PASSWORD", None)
    demo = create_demo(vault, 40)
    password = DEMO_PASSWORD

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    apply_theme(app)
    translator = CatalogueTranslator(app)
    app.installTranslator(translator)
    out.mkdir(parents=True, exist_ok=True)

    def settle(seconds: float = 0.4) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end or operations().busy() or long_operations().busy():
            app.processEvents()
            time.sleep(0.01)

    def save(widget: QWidget, name: str) -> None:
        settle()
        path = out / f"{name}{suffix}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT))

    # 1. unlock, as the clerk is about to press Enter
    missing = AppController(app, vault.parent / "not-a-vault", idle_ms=600_000, translator=translator)
    missing.start()
    assert missing.unlock_dialog is not None
    missing.unlock_dialog.resize(min(640, width), min(480, height))
    save(missing.unlock_dialog, "unlock-no-vault")
    missing.unlock_dialog.hide()

    controller = AppController(app, vault, idle_ms=600_000, translator=translator)
    controller.start()
    dialog = controller.unlock_dialog
    assert dialog is not None
    dialog._ui.userEdit.setText("gdv1")
    dialog._ui.passwordEdit.setText(password)
    save(dialog, "unlock")

    # 2. the main window as the clerk
    session = open_session(vault, "gdv1", password)
    dialog.hide()
    window = controller.show_main(session)
    window.resize(width, height)
    settle(1.0)
    save(window, "dashboard")
    window.tabs.setCurrentWidget(window.items)
    save(window, "items")
    type_text(window.items.filters.person_edit, "Nguyễn")  # search by a person's name, in part
    window.items.filters.dates_combo.setCurrentIndex(window.items.filters.dates_combo.findData("30d"))
    window.items.reload()
    save(window, "items-search")
    window.items.filters.clear()
    if args.x11_root:
        settle(1.0)
        subprocess.run(["import", "-window", "root", str(out / f"x11-items{suffix}.png")], check=True)
        print(f"docs/screenshots/x11-items{suffix}.png")

    # 3. one item with a full timeline (bagged and dispatched) and one flagged
    rows = items.search_items(session, limit=500)
    story = next((r for r in rows if r.status == "dispatched"), rows[0])
    detail = window.open_item(story.tracking)
    detail.resize(min(1100, width), min(760, height))
    save(detail, "item-detail")
    detail.close()
    flagged = next((r for r in rows if r.open_incidents), None)
    if flagged is not None:
        detail = window.open_item(flagged.tracking)
        detail.resize(min(1100, width), min(760, height))
        save(detail, "item-detail-incident")
        detail.close()

    # 4. intake: a Tuyệt mật item with a description typed in, refused, the input kept
    assert window.intake is not None
    window.tabs.setCurrentWidget(window.intake)
    ui = window.intake.ui
    ui.trackingEdit.setText("")
    ui.senderCombo.setCurrentIndex(ui.senderCombo.findData("CAGL"))
    ui.recipientCombo.setCurrentIndex(ui.recipientCombo.findData("VPTW"))
    type_text(ui.senderPersonEdit, "Hoàng Minh Tuấn")
    ui.senderPersonIdEdit.setText("064085001234")
    type_text(ui.namedRecipientEdit, "Nguyễn Văn Nam")
    ui.namedOnlyCheck.setChecked(True)
    ui.docRefEdit.setText("215/CV-CAGL")
    ui.scopeCombo.setCurrentIndex(ui.scopeCombo.findData("lien-tinh"))
    ui.serviceCombo.setCurrentIndex(ui.serviceCombo.findData("hoa-toc"))
    ui.sealsEdit.setText("NP-2026-0415")
    ui.weightSpin.setValue(85)
    type_text(ui.descriptionEdit, "Báo cáo kết quả công tác bảo vệ an ninh quý IV")
    ui.secrecyCombo.setCurrentIndex(ui.secrecyCombo.findData("tuyet-mat"))
    window.intake.save()
    save(window, "intake")

    # 5. reports: the register refused for a period across the change of form on 01/03/2026
    assert window.reports is not None
    window.tabs.setCurrentWidget(window.reports)
    reports_page = window.reports
    reports_page.register_from.setDate(QDate(2026, 2, 1))
    reports_page.register_to.setDate(QDate(2026, 3, 31))
    reports_page.preview_report("register")
    save(window, "reports")

    # 5b. a register over the whole demo period in the page-by-page preview
    reports_page.register_from.setDate(QDate(2026, 3, 1))
    reports_page.register_to.setDate(QDate.currentDate())
    reports_page.kind_combo.setCurrentIndex(reports_page.kind_combo.findData("post"))
    reports_page.preview = None
    reports_page.preview_report("register")
    settle(2.0)
    if reports_page.preview is not None:
        reports_page.preview.resize(min(1100, width), min(820, height))
        reports_page.preview.show_page(1)
        save(reports_page.preview, "register-preview")
        reports_page.preview.close()

    # 6. a receipt in the print preview
    detail = window.open_item(story.tracking)
    detail.print_document("receipt")
    settle(1.0)
    if detail.preview is not None:
        detail.preview.resize(min(900, width), min(820, height))
        save(detail.preview, "print-preview")
        detail.preview.close()
    detail.close()

    # 6b. bags: a new bag for VPCP with two items scanned in, a refused scan left in the box for correcting
    assert window.bags is not None
    window.tabs.setCurrentWidget(window.bags)
    bags_page = window.bags
    settle(1.0)
    accepted = [r.tracking for r in items.search_items(session, limit=500)
                if r.status in ("accepted", "arrived") and r.holder == "gdv1" and not r.bag]
    create = bags_page.ask_create()
    create.choose("VPCP")
    create.confirm()
    settle(1.0)
    for tracking in accepted[:2]:
        bags_page.scan_edit.setText(tracking)
        bags_page.scan()
        settle(0.6)
    bags_page.scan_edit.setText("RR999999999VN")
    bags_page.scan()
    save(window, "bags")

    # 7. the integrity tab as the auditor, after a full check and a witnessed checkpoint
    auditor_session = open_session(vault, "kiemtra1", password)
    auditor = MainWindow(auditor_session)
    auditor.resize(width, height)
    auditor.show()
    auditor.start()
    assert auditor.audit is not None
    auditor.tabs.setCurrentWidget(auditor.audit)
    auditor.audit.full_check.setChecked(True)
    auditor.audit.verify()
    settle(1.0)
    auditor.audit.witness()
    save(auditor, "audit")
    auditor.close()
    auditor.deleteLater()
    settle()
    auditor_session.close()

    # 8. each role's own dashboard
    for username, shot in (("buuta1", "dashboard-courier"), ("vanthu1", "dashboard-secretary"),
                           ("kiemtra1", "dashboard-auditor")):
        role_session = open_session(vault, username, password)
        role_window = MainWindow(role_session)
        role_window.resize(width, height)
        role_window.show()
        role_window.start()
        settle(1.5)
        save(role_window, shot)
        role_window.close()
        role_window.deleteLater()
        settle()
        role_session.close()

    window.tabs.setCurrentWidget(window.dashboard)
    controller.lock()
    settle()
    session.close()
    print(f"demo vault: {demo.vault}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
