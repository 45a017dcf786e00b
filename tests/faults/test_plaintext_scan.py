"""No plaintext anywhere but in the documents the user asked for (issue 14, item 7).

A day of work at a desk - through the services and through securemail-cli processes: items accepted with
distinctive texts (description, document number, named recipient, seals, notes, a messenger's name and ID), bags,
hand-overs, arrivals, deliveries, an incident and a note, a password change, a failed sign-in with a password typed
into the user field, reports, a backup, verification and the audit trail. Every process runs with its own HOME,
TMPDIR and XDG folders. Then every file under the vault, the backup, HOME (caches, settings, logs, data) and TMPDIR
is scanned for every item text and password: UTF-8 in NFC and NFD, and UTF-16 (both byte orders) of each. Only the
PDFs and the bundle the user asked for may hold them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from crashkit import CLI

from securemail.clock import SystemClock
from securemail.services import bags, directory, incidents, items, transfers
from securemail.services.cosign import cosigner
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault

pytestmark = pytest.mark.slow


PASSWORDS = {
    "admin": "Quản-trị-Sông-Đà-ướt-át-71",
    "clerk1": "Giao-dịch-Hoàng-Liên-Sơn-52",
    "courier1": "Bưu-tá-Trường-Sơn-đường-33",
    "sec1": "Văn-thư-Tây-Nguyên-rẫy-48",
    "auditor1": "Kiểm-tra-Phú-Quốc-biển-96",
}
NEW_PASSWORD = "Mật-khẩu-mới-Ngũ-Hành-Sơn-08"
TYPED_AS_USER = "Nhầm-ô-mật-khẩu-Hạ-Long-77"      # a password typed into the user field
ITEM_TEXTS = {
    "description": "Hồ sơ quy hoạch rừng phòng hộ Đắk Lắk",
    "doc_ref": "9917/QĐ-UBND-MẬT",
    "named_recipient": "Trịnh Thị Huyền Trân",
    "seal_numbers": "NIÊM-PHONG-ĐỎ-4471",
    "notes": "Chuyển gấp cho đồng chí Phó Bí thư",
    "incident": "Bì thư rách góc phải khi nhận túi",
    "note": "Đã gọi điện xác nhận với văn thư Thường trực",
    "cli_description": "Báo cáo tình hình biên giới Lạng Sơn",
    "cli_seal": "KẸP-CHÌ-XANH-8802",
}
BASE = {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat", "service": "thuong",
        "scope": "noi-tinh"}


def forms(text: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for norm in ("NFC", "NFD"):
        t = unicodedata.normalize(norm, text)
        out[f"utf-8 {norm}"] = t.encode("utf-8")
        out[f"utf-16-le {norm}"] = t.encode("utf-16-le")
        out[f"utf-16-be {norm}"] = t.encode("utf-16-be")
    return out


def scan(roots: list[Path], needles: dict[str, str], allowed: set[Path]) -> list[str]:
    """Every (file, secret, form) where a secret appears; file names are checked too."""
    patterns = [(name, form, data) for name, text in needles.items() for form, data in forms(text).items()]
    found: list[str] = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                path = Path(dirpath) / f
                if path.resolve() in allowed or path.is_symlink() or not path.is_file():
                    continue
                data = path.read_bytes()
                for name, form, pattern in patterns:
                    if pattern in data or pattern in os.fsencode(str(path)):
                        found.append(f"{path}: {name} ({form})")
    return found


def cli(env: dict[str, str], *args: str, password: str | None = None, **extra: str) -> subprocess.CompletedProcess:
    run_env = dict(env)
    if password is not None:
        run_env["SECUREMAIL_PASSWORD"] = password
    run_env.update(extra)
    return subprocess.run([*CLI, *args], env=run_env, capture_output=True, text=True, encoding="utf-8",
                          timeout=300, stdin=subprocess.DEVNULL, start_new_session=True, check=False)


def test_a_day_of_work_leaves_no_item_text_or_password_outside_the_documents_asked_for(tmp_path):
    home, tmp, vault, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "vault", tmp_path / "out"
    for d in (home, tmp, out):
        d.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SECUREMAIL_", "LC_", "XDG_")) and k not in ("LANG", "LANGUAGE", "HOME", "TMPDIR")}
    env.update({"HOME": str(home), "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
                "XDG_STATE_HOME": str(home / ".local/state"), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    clock = SystemClock()

    # ---- the morning, through the services (the same files the app writes) ----------------------------------
    with init_vault(vault, office_code="DL01", office_name="Bưu điện tỉnh Đắk Lắk", admin="admin",
                    full_name="Quản Trị", password=PASSWORDS["admin"], kdf_profile="minimum", clock=clock) as s:
        for code, name in (("SND", "Sở Tài nguyên"), ("REC", "Văn phòng Tỉnh ủy")):
            directory.add_agency(s, code, name=name, province="Đắk Lắk")
        for user, role, agency in (("clerk1", "clerk", None), ("courier1", "courier", None),
                                   ("sec1", "secretary", "REC"), ("auditor1", "auditor", None)):
            directory.add_user(s, user, role=role, full_name=f"Người {user}", password=PASSWORDS[user],
                               agency=agency)
    with open_session(vault, "clerk1", PASSWORDS["clerk1"], clock=clock) as s:
        t1 = items.accept_item(s, {**BASE, "description": ITEM_TEXTS["description"], "doc_ref": ITEM_TEXTS["doc_ref"],
                                   "named_recipient": ITEM_TEXTS["named_recipient"],
                                   "seal_numbers": ITEM_TEXTS["seal_numbers"], "notes": ITEM_TEXTS["notes"]})
        t2 = items.accept_item(s, {**BASE, "description": ITEM_TEXTS["description"] + " (bản 2)"})
        bag = bags.create_bag(s, "REC")
        bags.add_to_bag(s, bag, [t2])
        incidents.report_incident(s, t1, "damaged", ITEM_TEXTS["incident"])
        incidents.add_note(s, t1, ITEM_TEXTS["note"])
        courier, courier_info = cosigner(s, "courier1", PASSWORDS["courier1"])
        transfers.handover(s, [t1], courier, courier_info)
        transfers.arrive(s, [t1], courier)
        secretary, sec_info = cosigner(s, "sec1", PASSWORDS["sec1"])
        transfers.deliver(s, t1, to=secretary, to_user=sec_info)

    # ---- the afternoon, through securemail-cli -----------------------------------------------------------------
    v = ["--vault", str(vault)]
    accepted = cli(env, *v, "--user", "clerk1", "item", "accept", "--sender", "SND", "--recipient", "REC",
                   "--secrecy", "mat", "--service", "thuong", "--description", ITEM_TEXTS["cli_description"],
                   "--seal", ITEM_TEXTS["cli_seal"], "--json", password=PASSWORDS["clerk1"])
    assert accepted.returncode == 0, accepted.stderr
    receipt = out / "bien-nhan.pdf"
    done = cli(env, *v, "--user", "clerk1", "report", "receipt", t1, "-o", str(receipt), password=PASSWORDS["clerk1"])
    assert done.returncode == 0, done.stderr
    failed = cli(env, *v, "--user", TYPED_AS_USER, "item", "list", password=PASSWORDS["clerk1"])
    assert failed.returncode == 3
    changed = cli(env, *v, "--user", "courier1", "user", "passwd", password=PASSWORDS["courier1"],
                  SECUREMAIL_NEW_PASSWORD=NEW_PASSWORD)
    assert changed.returncode == 0, changed.stderr
    backup = tmp_path / "backup"
    assert cli(env, *v, "--user", "admin", "backup", str(backup), password=PASSWORDS["admin"]).returncode == 0
    trail = cli(env, *v, "--user", "auditor1", "audit-trail", "--json", password=PASSWORDS["auditor1"])
    assert trail.returncode == 0, trail.stderr
    audit_pdf = out / "kiem-tra.pdf"
    assert cli(env, *v, "--user", "auditor1", "report", "audit", "-o", str(audit_pdf),
               password=PASSWORDS["auditor1"]).returncode == 0

    secrets = {**ITEM_TEXTS, **{f"password {u}": p for u, p in PASSWORDS.items()}, "new password": NEW_PASSWORD,
               "typed as user": TYPED_AS_USER}
    # Nothing printed by the CLI holds a password; the audit trail holds no password and no item text.
    for run in (accepted, done, failed, changed, trail):
        for name, text in secrets.items():
            if name.startswith(("password", "new", "typed")):
                assert text not in run.stdout + run.stderr, name
    for name, text in secrets.items():
        assert unicodedata.normalize("NFC", text) not in trail.stdout, f"{name} is in the audit trail"
    # The scan is not blind: a planted NFD / UTF-16 copy is found.
    control = out / "control.bin"
    control.write_bytes(b"x" + unicodedata.normalize("NFD", ITEM_TEXTS["description"]).encode("utf-16-le"))
    assert scan([out], secrets, allowed=set()) == [f"{control}: description (utf-16-le NFD)"]
    control.unlink()
    found = scan([vault, backup, home, tmp, out], secrets, allowed={receipt.resolve(), audit_pdf.resolve()})
    assert found == []
    # and the scan is not blind: the data the vault holds is there for those who unlock it
    with open_session(vault, "auditor1", PASSWORDS["auditor1"]) as s:
        assert items.item_row(s, t1).description == ITEM_TEXTS["description"]


@pytest.mark.gui
def test_the_app_leaves_no_item_text_or_password_outside_the_documents_asked_for(qtbot, tmp_path, monkeypatch):
    """The same scan after the app: a failed unlock with a password typed as the user name, an unlock, an item typed
    into the intake form (as an input method commits Vietnamese), its receipt saved as PDF, a lock. HOME, TMPDIR
    and the XDG folders (where QSettings, caches and logs would go) point into the test's folder meanwhile."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).parents[1] / "gui"))
    from gui_typing import type_text
    from gui_vault import make_vault
    from PySide6.QtCore import Qt

    from securemail.gui.intake import IntakeForm
    from securemail.gui.ops import operations
    from securemail.gui.pdf_print import pdf_bytes, print_recorder, save_bytes
    from securemail.gui.unlock import UnlockDialog
    from securemail.services import audit_trail, reports

    home, tmp, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "out"
    for d in (home, tmp, out):
        d.mkdir()
    for var, value in (("HOME", home), ("TMPDIR", tmp), ("XDG_CACHE_HOME", home / ".cache"),
                       ("XDG_CONFIG_HOME", home / ".config"), ("XDG_DATA_HOME", home / ".local/share"),
                       ("XDG_STATE_HOME", home / ".local/state")):
        monkeypatch.setenv(var, str(value))
    monkeypatch.setattr(tempfile, "tempdir", None)
    info = make_vault(tmp_path / "vault")
    dialog = UnlockDialog(info.path)
    qtbot.addWidget(dialog)
    dialog.show()
    unlocked: list[Session] = []
    dialog.unlocked.connect(unlocked.append)
    ui = dialog._ui
    ui.userEdit.setText(TYPED_AS_USER)
    type_text(ui.passwordEdit, info.passwords["clerk1"])
    qtbot.mouseClick(ui.unlockButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.errorLabel.text() != "" and ui.unlockButton.isEnabled(), timeout=60000)
    ui.userEdit.setText("clerk1")
    type_text(ui.passwordEdit, info.passwords["clerk1"])
    qtbot.mouseClick(ui.unlockButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(unlocked), timeout=60000)
    session = unlocked[0]
    try:
        form = IntakeForm(session)
        qtbot.addWidget(form)
        form.show()
        form.start()
        qtbot.waitUntil(lambda: form.ui.senderCombo.count() == 3, timeout=30000)
        f = form.ui
        f.senderCombo.setCurrentIndex(f.senderCombo.findData("UBND-HN"))
        f.recipientCombo.setCurrentIndex(f.recipientCombo.findData("TU-HN"))
        f.secrecyCombo.setCurrentIndex(f.secrecyCombo.findData("mat"))
        type_text(f.descriptionEdit, unicodedata.normalize("NFD", ITEM_TEXTS["description"]))  # NFD typed
        type_text(f.namedRecipientEdit, ITEM_TEXTS["named_recipient"])
        type_text(f.notesEdit, ITEM_TEXTS["notes"])
        saved: list[str] = []
        form.accepted.connect(saved.append)
        qtbot.mouseClick(f.saveButton, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(saved), timeout=60000)
        receipt = out / "bien-nhan.pdf"
        written: list[Path] = []
        data = pdf_bytes(lambda o: reports.receipt(session, saved[0], o))  # as the preview window renders it
        save_bytes(None, data, receipt, session.paths.root, written.append,  # and its "Save as PDF…"
                   record=print_recorder(session, "receipt", saved[0]))
        qtbot.waitUntil(lambda: bool(written), timeout=60000)
        assert audit_trail.record_lock(session, "manual")
        operations().wait()
    finally:
        session.close()
    secrets = {**{k: ITEM_TEXTS[k] for k in ("description", "named_recipient", "notes")},
               **{f"password {u}": p for u, p in info.passwords.items()}, "typed as user": TYPED_AS_USER}
    assert scan([info.path, home, tmp, out], secrets, allowed={receipt.resolve()}) == []
    with open_session(info.path, "clerk1", info.passwords["clerk1"]) as s:     # the scan is not blind
        assert items.item_row(s, saved[0]).description == ITEM_TEXTS["description"]
