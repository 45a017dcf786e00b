"""packaging/import_catalogues.py brings texts written the old way ({key: (vi, en)}, VI = {en: vi}) into the .po:
added, changed and removed keys of a branch against its merge base, plural entries kept; run for real on a copy of
the catalogue in a scratch git repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from securemail.l10n import po

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import import_catalogues as ic  # noqa: E402

sys.path.remove(str(ROOT / "packaging"))

MESSAGES_V1 = '''
MESSAGES: dict[str, tuple[str, str]] = {
    "a.one": ("Một {x}.", "One {x}."),
    "a.two": ("Hai.", "Two."),
    "a.count": ("{count} bưu gửi", "{count} items"),
}
_WORDS = {"role.clerk": ("giao dịch viên", "clerk")}
MESSAGES.update(_WORDS)
FIELD_NAMES: dict[str, tuple[str, str]] = {"tracking": ("Số hiệu", "Tracking number")}
'''
STRINGS_V1 = 'VI: dict[str, str] = {\n    "&Quit": "&Thoát",\n    "Old {n}": "Cũ {n}",\n}\n'
HELP_V1 = 'VI: dict[str, str] = {\n    "options": "tùy chọn",\n}\n'


def _catalogue() -> po.Catalogue:
    return po.Catalogue(header={}, entries=[
        po.Entry(msgid="One {x}.", msgstr=["Một {x}."], msgctxt="a.one"),
        po.Entry(msgid="Two.", msgstr=["Hai."], msgctxt="a.two"),
        po.Entry(msgid="{count} item", msgid_plural="{count} items", msgstr=["{count} bưu gửi"], msgctxt="a.count"),
        po.Entry(msgid="&Quit", msgstr=["&Thoát"]),
        po.Entry(msgid="Old {n}", msgstr=["Cũ {n}"]),
        po.Entry(msgid="options", msgstr=["tùy chọn"], msgctxt="cli"),
        po.Entry(msgid="Cancel", msgstr=["Hủy"], msgctxt="qt:QPlatformTheme"),
    ])


def test_reads_the_three_shapes() -> None:
    texts = ic.collect(MESSAGES_V1, STRINGS_V1, HELP_V1)
    assert texts[("a.one", None)] == ic.Text("a.one", "One {x}.", "Một {x}.")
    assert texts[("role.clerk", None)].vi == "giao dịch viên"
    assert texts[("field:tracking", None)].msgid == "Tracking number"
    assert texts[(None, "&Quit")].vi == "&Thoát"
    assert texts[("cli", "options")].vi == "tùy chọn"


def test_reads_a_second_gui_dictionary_and_its_updates() -> None:
    desk = ('DESK_VI: dict[str, str] = {"&Receive": "&Nhận"}\n'
            'DESK_VI.update({"Scan:": "Quét:"})\nOTHER = {"x": "y"}\n')
    texts = ic.collect(None, STRINGS_V1, None, desk)
    assert texts[(None, "&Receive")].vi == "&Nhận" and texts[(None, "Scan:")].vi == "Quét:"
    assert (None, "x") not in texts and (None, "&Quit") in texts


def test_branch_changes_against_its_base() -> None:
    base = ic.collect(MESSAGES_V1, STRINGS_V1, HELP_V1)
    branch = ic.collect(
        MESSAGES_V1.replace('"Hai.", "Two."', '"Hai nhé.", "Two, then."')  # edited
        .replace('    "a.one": ("Một {x}.", "One {x}."),\n', '')  # removed
        .replace('"a.count": ("{count} bưu gửi", "{count} items")', '"a.count": ("{count} bưu gửi", "{count} things")')
        + 'MESSAGES["a.new"] = ("Mới.", "New.")\nMORE = {"b.new": ("Thêm {y}.", "More {y}.")}\n',  # added
        STRINGS_V1.replace('"&Quit": "&Thoát",', '"&Quit": "&Thoát",\n    "&Open": "&Mở",'), HELP_V1)
    catalogue = _catalogue()
    report = ic.merge(catalogue, branch, base)
    by = {ic.ident_of(e): e for e in catalogue.entries}
    assert by[("a.two", None)].msgid == "Two, then." and by[("a.two", None)].msgstr == ["Hai nhé."]
    assert ("a.one", None) not in by
    assert by[("b.new", None)].msgstr == ["Thêm {y}."] and "python-brace-format" in by[("b.new", None)].flags
    assert by[(None, "&Open")].msgstr == ["&Mở"]
    assert by[("a.count", None)].msgid_plural == "{count} items"  # plural kept, reported
    assert any(line.startswith("KEPT plural") for line in report)
    assert by[("qt:QPlatformTheme", "Cancel")].msgstr == ["Hủy"]  # never touched
    assert ("a.new", None) not in by  # assignments after the literal are not read: only dictionary literals
    unchanged = _catalogue()
    assert ic.merge(unchanged, base, base) == []


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_from_rev_in_a_repository(tmp_path: Path) -> None:
    """The script itself, as run at merge time: --from-rev BRANCH in a repository whose .po already exists."""
    repo = tmp_path / "repo"
    for rel in ("packaging/import_catalogues.py", "packaging/compile_catalogues.py", "securemail/__init__.py",
                "securemail/resources.py", "securemail/l10n/__init__.py", "securemail/l10n/po.py",
                "securemail/l10n/mo.py", "securemail/l10n/catalogue.py"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text((ROOT / rel).read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.invalid")
    _git(repo, "config", "user.name", "t")
    for rel, text in ((ic.MESSAGES_PY, MESSAGES_V1), (ic.STRINGS_PY, STRINGS_V1), (ic.HELP_TEXT_PY, HELP_V1)):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "branch", "feature")
    run = [sys.executable, "packaging/import_catalogues.py"]
    subprocess.run(run, cwd=repo, check=True, capture_output=True)  # the move: every text into the .po
    po_file = repo / "securemail/assets/locale/vi/LC_MESSAGES/securemail.po"
    assert po_file.is_file() and (repo / "securemail/assets/locale/vi/LC_MESSAGES/securemail.mo").is_file()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "move to gettext")
    _git(repo, "checkout", "-q", "feature")
    (repo / ic.MESSAGES_PY).write_text(MESSAGES_V1.replace('    "a.two"', '    "c.added": ("Đã thêm.", "Added."),\n'
                                                                          '    "a.two"'), encoding="utf-8")
    _git(repo, "commit", "-qam", "feature adds a key")
    _git(repo, "checkout", "-q", "main")
    done = subprocess.run([*run, "--from-rev", "feature"], cwd=repo, check=True, capture_output=True, text=True)
    assert "added    c.added|Added." in done.stdout and "1 changes" in done.stdout
    entries = {e.msgctxt: e for e in po.parse(po_file.read_text(encoding="utf-8")).entries}
    assert entries["c.added"].msgstr == ["Đã thêm."] and entries["a.one"].msgstr == ["Một {x}."]
    assert "c.added" in (repo / "securemail/assets/locale/securemail.pot").read_text(encoding="utf-8")
