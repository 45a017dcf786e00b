"""The gettext catalogue is complete and consistent: every text the code uses is in it, every entry is translated
with the same placeholders, the template is current, and the compiled .mo reads back (ours and Python's gettext)."""

from __future__ import annotations

import ast
import gettext
import io
import re
import string
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from securemail.i18n import field_name, ntr, set_language, tr
from securemail.l10n import mo, po
from securemail.l10n.catalogue import Catalogue, source_path
from securemail.resources import ASSETS

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "securemail"
PO_FILE = source_path(ASSETS, "vi")
ENTRIES = po.parse(PO_FILE.read_text(encoding="utf-8")).entries
KEYED = {e.msgctxt for e in ENTRIES if e.msgctxt is not None and e.msgctxt not in ("cli", "event")
         and not e.msgctxt.startswith(("qt:", "label:"))}
PLAIN = {(e.msgctxt, e.msgid): e for e in ENTRIES if e.msgctxt is None or e.msgctxt == "cli"}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.\- ]+$")


def _code_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*.py")) if not p.name.startswith("ui_")]


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _calls(folder: Path):
    for path in _code_files(folder):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                yield path, node


def _message_keys() -> dict[str, str]:
    """Message keys written as literals: tr/ntr("key"), SomeError("key", ...)."""
    found: dict[str, str] = {}
    for path, call in _calls(CODE):
        name = _name(call.func)
        first = _literal(call.args[0]) if call.args else None
        if first and (name in ("tr", "ntr") or name.endswith("Error")) and KEY_RE.match(first):
            found.setdefault(first, path.name)
    return found


def _field_names() -> dict[str, str]:
    """field="..." given to an error or a message: the field the user is told about."""
    found: dict[str, str] = {}
    for path, call in _calls(CODE):
        if _name(call.func) in ("tr", "ntr") or _name(call.func).endswith("Error"):
            for kw in call.keywords:
                value = _literal(kw.value)
                if kw.arg == "field" and value:
                    found.setdefault(value, path.name)
    return found


def _gui_sources() -> dict[tuple[str, str | None], str]:
    """(msgid, msgid_plural) of t/N_/nt literals in the GUI code and translatable strings of the .ui forms."""
    found: dict[tuple[str, str | None], str] = {}
    for path, call in _calls(CODE / "gui"):
        name = _name(call.func)
        args = [_literal(a) for a in call.args[:2]]
        if name in ("t", "N_") and args and args[0]:
            found.setdefault((args[0], None), path.name)
        elif name == "nt" and len(args) == 2 and args[0] and args[1]:
            found.setdefault((args[0], args[1]), path.name)
    for form in sorted((ROOT / "ui").glob("*.ui")):
        for element in ElementTree.parse(form).iter("string"):
            if element.get("notr") != "true" and element.text:
                found.setdefault((element.text, None), form.name)
    return found


def _cli_sources() -> dict[str, str]:
    """help= and description= literals of the command line's parsers."""
    found: dict[str, str] = {}
    for path, call in _calls(CODE / "cli"):
        for kw in call.keywords:
            value = _literal(kw.value)
            if kw.arg in ("help", "description") and value and value != "==SUPPRESS==":
                found.setdefault(value, path.name)
    return found


def test_the_scans_find_what_they_look_for() -> None:
    assert len(_message_keys()) > 100 and "auth.failed" in _message_keys()
    assert ("Accept an item at the counter", None) in _gui_sources()  # from a .ui form
    assert any(plural for _, plural in _gui_sources())  # from nt()
    assert "the administrator's user name" in _cli_sources()


def test_every_message_key_in_code_is_in_the_catalogue() -> None:
    missing = {key: where for key, where in _message_keys().items() if key not in KEYED}
    assert not missing, f"message keys used in code but missing from {PO_FILE.name}: {missing}"


def test_every_field_named_in_a_message_has_a_name_the_user_sees() -> None:
    missing = {f: where for f, where in _field_names().items() if f"field:{f}" not in KEYED}
    assert not missing, f"fields without a label (msgctxt field:<name>): {missing}"


def test_every_gui_text_in_code_is_in_the_catalogue() -> None:
    problems = []
    for (msgid, plural), where in _gui_sources().items():
        entry = PLAIN.get((None, msgid))
        if entry is None or entry.msgid_plural != plural:
            problems.append(f"{msgid!r} (plural {plural!r}, used in {where})")
    assert not problems, "GUI texts missing from the catalogue:\n" + "\n".join(problems)


def test_every_cli_help_text_is_in_the_catalogue() -> None:
    missing = {text: where for text, where in _cli_sources().items() if ("cli", text) not in PLAIN}
    assert not missing, f"CLI help texts missing from the catalogue (msgctxt cli): {missing}"


def _placeholders(text: str) -> set[str]:
    brace = {name for _, name, _, _ in string.Formatter().parse(text) if name} if "{" in text else set()
    printf = set(re.findall(r"%(?:\([a-z_]+\))?[sdr]|%n|%\d", text))
    return brace | printf


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.msgctxt or ''}|{e.msgid[:40]}")
def test_every_entry_is_translated_with_the_same_placeholders(entry: po.Entry) -> None:
    assert entry.translated, "untranslated or fuzzy"
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    expected = set().union(*(_placeholders(s) for s in sources))
    for form in entry.msgstr:
        assert _placeholders(form) == expected, f"{form!r} has other placeholders than {sources}"
        if entry.msgctxt is None or entry.msgctxt.startswith("qt:"):
            assert form.count("&") == entry.msgid.count("&"), "mnemonic (&) differs"
    assert len(entry.msgstr) == 1, "Vietnamese has one plural form (Plural-Forms: nplurals=1)"


def test_no_text_twice_and_keys_are_unique() -> None:
    idents = [(e.msgctxt, e.msgid) for e in ENTRIES]
    assert len(idents) == len(set(idents))
    keyed = [e.msgctxt for e in ENTRIES if e.msgctxt in KEYED]
    assert len(keyed) == len(set(keyed))


def test_template_is_current() -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        from compile_catalogues import template_text
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    assert source_path(ASSETS, "en").read_text(encoding="utf-8") == template_text(po.parse(
        PO_FILE.read_text(encoding="utf-8"))), "run python packaging/compile_catalogues.py"


def test_compiled_catalogue_reads_back_in_python_gettext() -> None:
    data = mo.compile_catalogue(po.parse(PO_FILE.read_text(encoding="utf-8")))
    ours = Catalogue(data)
    assert len(ours) == len(ENTRIES)
    theirs = gettext.GNUTranslations(io.BytesIO(data))
    assert theirs.pgettext("auth.failed", "Wrong user name or password.") == "Sai tên người dùng hoặc mật khẩu."
    assert theirs.npgettext("cli.arrived", "Received {count} item at this office.",
                            "Received {count} items at this office.", 5) == "Đã nhận {count} bưu gửi tại bưu cục."
    assert theirs.gettext("&Quit") == "&Thoát"
    template = po.parse(source_path(ASSETS, "en").read_text(encoding="utf-8"))
    english = Catalogue(mo.compile_catalogue(template, source_language=True))
    assert english.keyed("cli.arrived", 1) == "Received {count} item at this office."
    assert english.keyed("cli.arrived", 2) == "Received {count} items at this office."


def test_po_round_trips() -> None:
    text = PO_FILE.read_text(encoding="utf-8")
    assert po.dump(po.parse(text)) == text
    tricky = po.Catalogue(header={"Language": "vi"}, entries=[
        po.Entry(msgid='a "quoted"\tone\\ \nline two\n', msgstr=["một\n"], msgctxt="x.y", notes=["note"])])
    assert po.parse(po.dump(tricky)) == tricky


def test_plural_forms_follow_the_count() -> None:
    assert tr("cli.arrived", "en", count=1) == "Received 1 item at this office."
    assert tr("cli.arrived", "en", count=3) == "Received 3 items at this office."
    assert ntr("cli.arrived", 1, "en") == "Received 1 item at this office."
    assert tr("cli.arrived", "vi", count=1) == tr("cli.arrived", "vi", count=7).replace("7", "1")
    assert tr("verify.problems", "en", count=1, events=9) == "FOUND 1 PROBLEM in 9 events:"


def test_fields_and_words_are_named_in_the_users_language() -> None:
    assert field_name("tracking", "vi") == "Số hiệu bưu gửi"
    assert field_name("tracking", "en") == "Tracking number"
    assert field_name("no-such-field", "vi") == "no-such-field"
    assert tr("no.such.key", "vi") == "no.such.key"
    set_language("en")
    try:
        assert tr("auth.failed") == "Wrong user name or password."
    finally:
        set_language(None)


def test_gui_and_cli_lookups() -> None:
    from securemail.cli.help_text import translate
    from securemail.gui.strings import nt, t

    set_language("vi")
    try:
        assert nt("{count} item", "{count} items", 3) == "3 bưu gửi"
        assert t("not in the catalogue {x}", x=1) == "not in the catalogue 1"
        assert translate("options") == "tùy chọn"
    finally:
        set_language("en")
    try:
        assert nt("{count} item", "{count} items", 1) == "1 item"
        assert nt("{count} item", "{count} items", 3) == "3 items"
        assert translate("options") == "options"
    finally:
        set_language(None)


def test_every_enumeration_and_event_label_is_in_the_catalogue_in_vietnamese() -> None:
    """Enum labels (domain.labels) and event-kind labels (custody.kinds) are catalogue entries, msgctxt
    "label:<Enum>" / "event": none falls back to its English msgid in Vietnamese."""
    from securemail.custody.kinds import EVENT_CONTEXT, RULES
    from securemail.domain.labels import _EN, LABEL_CONTEXT
    from securemail.l10n.catalogue import catalogue as load

    vi = load("vi")
    missing = [f"{cls.__name__}.{value}: {en}" for cls, table in _EN.items() for value, en in table.items()
               if not vi.text(en, context=f"{LABEL_CONTEXT}{cls.__name__}")]
    missing += [f"{kind}: {rule.en}" for kind, rule in RULES.items() if not vi.text(rule.en, context=EVENT_CONTEXT)]
    assert missing == []
