"""Bring texts written the old way ({key: (vi, en)} in securemail/messages.py, VI = {English: Vietnamese} in
securemail/gui/strings.py and securemail/cli/help_text.py) into the gettext catalogue, the only source of truth
since ADR 0015 (securemail/assets/locale/vi/LC_MESSAGES/securemail.po). Re-runnable: merging a branch that still
added texts to those dictionaries is done with

    git merge BRANCH                 # conflicts in messages.py / strings.py / help_text.py: keep this side
    python packaging/import_catalogues.py --from-rev BRANCH
    git add securemail/assets/locale && git commit

--from-rev reads the three files as they are in BRANCH (git show) and applies only what BRANCH changed against
the merge base (added keys, edited texts, removed keys); --base REV names another base, --all applies every text
(with --dry-run: a check that the catalogue holds everything BRANCH's dictionaries say). Without --from-rev the
files in the working tree (or given with --messages/--strings/--help-text) are read and every text they hold is
added or updated. Entries that became plural in the .po keep their plural forms (reported). Then the template
(.pot) and the .mo files are rebuilt.

Mapping (ADR 0015): messages.py MESSAGES[key] -> msgctxt key, msgid English, msgstr Vietnamese;
FIELD_NAMES[name] -> msgctxt "field:<name>"; GUI sources -> no msgctxt; CLI sources -> msgctxt "cli".
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compile_catalogues import compile_all, write_template  # type: ignore[import-not-found]  # noqa: E402

from securemail.l10n import po  # noqa: E402
from securemail.l10n.catalogue import source_path  # noqa: E402

MESSAGES_PY = "securemail/messages.py"
STRINGS_PY = "securemail/gui/strings.py"
STRINGS_DESK_PY = "securemail/gui/strings_desk.py"  # a second GUI dictionary some branches added
HELP_TEXT_PY = "securemail/cli/help_text.py"
CLI_CONTEXT = "cli"
# Contexts shared by many entries, told apart by their msgid (like "cli"): the event kinds' labels and the enum
# labels ("label:<Enum>"). Every other context is a message key, unique in the catalogue.
SHARED_CONTEXTS = (CLI_CONTEXT, "event")
SHARED_PREFIXES = ("qt:", "label:")


def is_keyed(ctx: str | None) -> bool:
    """A message key (or "field:<name>"): the context alone names the entry."""
    return ctx is not None and ctx not in SHARED_CONTEXTS and not ctx.startswith(SHARED_PREFIXES)
FIELD_PREFIX = "field:"
SOURCES = (MESSAGES_PY, STRINGS_PY, HELP_TEXT_PY, STRINGS_DESK_PY)
PO_FILE = source_path(ROOT / "securemail" / "assets", "vi")

Ident = tuple[str | None, str | None]  # (msgctxt, msgid) with msgid None for keyed entries


@dataclass(frozen=True)
class Text:
    msgctxt: str | None
    msgid: str
    vi: str

    @property
    def ident(self) -> Ident:
        return (self.msgctxt, self.msgid if not is_keyed(self.msgctxt) else None)


def ident_of(entry: po.Entry) -> Ident:
    return (entry.msgctxt, entry.msgid if not is_keyed(entry.msgctxt) else None)


def _dicts(source: str) -> dict[str, dict[object, object]]:
    """Module-level `NAME = {...}` / `NAME: type = {...}` dictionaries of literals, by name."""
    found: dict[str, dict[object, object]] = {}
    for node in ast.parse(source).body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "update"
                and isinstance(node.value.func.value, ast.Name) and len(node.value.args) == 1
                and isinstance(node.value.args[0], ast.Dict)):  # NAME.update({...})
            target, value = node.value.func.value, node.value.args[0]
            if target.id not in found:
                continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Dict):
            try:
                found.setdefault(target.id, {}).update(ast.literal_eval(value))
            except ValueError:
                continue
    return found


def texts_from_messages(source: str) -> dict[Ident, Text]:
    out: dict[Ident, Text] = {}
    for name, table in _dicts(source).items():
        prefix = FIELD_PREFIX if name == "FIELD_NAMES" else ""
        for key, pair in table.items():
            if isinstance(key, str) and isinstance(pair, tuple) and len(pair) == 2:
                text = Text(prefix + key, str(pair[1]), str(pair[0]))
                out[text.ident] = text
    return out


def texts_from_vi(source: str, context: str | None) -> dict[Ident, Text]:
    """Every `VI` / `<SOMETHING>_VI` dictionary of {English: Vietnamese}."""
    table: dict[object, object] = {}
    for name, found in _dicts(source).items():
        if name == "VI" or name.endswith("_VI"):
            table.update(found)
    out: dict[Ident, Text] = {}
    for english, vietnamese in table.items():
        if isinstance(english, str) and isinstance(vietnamese, str):
            text = Text(context, english, vietnamese)
            out[text.ident] = text
    return out


def collect(messages: str | None, strings: str | None, help_text: str | None,
            strings_desk: str | None = None) -> dict[Ident, Text]:
    out: dict[Ident, Text] = {}
    if messages:
        out.update(texts_from_messages(messages))
    for gui in (strings, strings_desk):
        if gui:
            out.update(texts_from_vi(gui, None))
    if help_text:
        out.update(texts_from_vi(help_text, CLI_CONTEXT))
    return out


def _flags(text: str) -> list[str]:
    if re.search(r"%(\([a-z_]+\))?[sdr]", text):
        return ["python-format"]
    if re.search(r"\{[a-z_][a-z0-9_]*\}", text):
        return ["python-brace-format"]
    return []


def _section(ident: Ident) -> str:
    ctx = ident[0]
    if ctx is None:
        return "gui"
    if ctx == CLI_CONTEXT:
        return "cli"
    if ctx.startswith(FIELD_PREFIX):
        return "field"
    if ctx.startswith("qt:"):
        return "qt"
    if ctx == "event" or ctx.startswith("label:"):
        return "label"
    return "message"


def merge(catalogue: po.Catalogue, new: dict[Ident, Text], base: dict[Ident, Text] | None) -> list[str]:
    """Apply `new` (minus what equals `base`) to `catalogue`; a line per change."""
    report: list[str] = []
    index = {ident_of(e): e for e in catalogue.entries}
    plurals = {(e.msgctxt, e.msgid_plural): e for e in catalogue.entries if e.msgid_plural is not None}
    for ident, text in new.items():
        if base is not None and base.get(ident) == text:
            continue
        entry = index.get(ident) or plurals.get(ident)  # an old GUI/CLI text that is now a plural form
        if entry is None:
            entry = po.Entry(msgid=text.msgid, msgstr=[text.vi], msgctxt=text.msgctxt, flags=_flags(text.msgid))
            last = max((i for i, e in enumerate(catalogue.entries) if _section(ident_of(e)) == _section(ident)),
                       default=len(catalogue.entries) - 1)
            catalogue.entries.insert(last + 1, entry)
            index[ident] = entry
            report.append(f"added    {text.msgctxt or ''}|{text.msgid}")
        elif entry.msgid_plural is not None:
            if text.msgid not in (entry.msgid, entry.msgid_plural) or entry.msgstr[0] != text.vi:
                report.append(f"KEPT plural entry {entry.msgctxt or ''}|{entry.msgid}; the source now says "
                              f"{text.msgid!r} / {text.vi!r}: edit the .po by hand if that matters")
        elif entry.msgid != text.msgid or entry.msgstr != [text.vi]:
            entry.msgid, entry.msgstr, entry.flags = text.msgid, [text.vi], _flags(text.msgid)
            report.append(f"changed  {text.msgctxt or ''}|{text.msgid}")
    if base is not None:
        for ident in base.keys() - new.keys():
            entry = index.get(ident)
            if entry is not None:
                catalogue.entries.remove(entry)
                report.append(f"removed  {entry.msgctxt or ''}|{entry.msgid}")
    return report


def _git_show(rev: str, path: str) -> str | None:
    done = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True,  # noqa: S603,S607
                          check=False)
    return done.stdout if done.returncode == 0 else None


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import {key: (vi, en)} / VI texts into the gettext catalogue.")
    parser.add_argument("--from-rev", help="read the three files from this git revision (a branch being merged)")
    parser.add_argument("--base", help="with --from-rev: the revision to diff against (default: git merge-base)")
    parser.add_argument("--all", action="store_true",
                        help="with --from-rev: apply every text of that revision, not only its changes")
    parser.add_argument("--messages", type=Path, default=ROOT / MESSAGES_PY)
    parser.add_argument("--strings", type=Path, default=ROOT / STRINGS_PY)
    parser.add_argument("--help-text", type=Path, default=ROOT / HELP_TEXT_PY)
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
    args = parser.parse_args(argv)

    base: dict[Ident, Text] | None = None
    if args.from_rev:
        new = collect(*(_git_show(args.from_rev, p) for p in SOURCES))
        print(f"{len(new)} texts in {args.from_rev}")
        if not args.all:
            base_rev = args.base or subprocess.run(["git", "merge-base", "HEAD", args.from_rev], cwd=ROOT,  # noqa: S603,S607
                                                    capture_output=True, text=True, check=True).stdout.strip()
            base = collect(*(_git_show(base_rev, p) for p in SOURCES))
            print(f"{len(base)} texts in the base {base_rev[:12]}")
    else:
        new = collect(_read(args.messages), _read(args.strings), _read(args.help_text),
                      _read(ROOT / STRINGS_DESK_PY))
        print(f"{len(new)} texts in the working tree's dictionaries")

    if PO_FILE.is_file():
        catalogue = po.parse(PO_FILE.read_text(encoding="utf-8"))
    else:
        catalogue = po.Catalogue(header={}, entries=[])
    catalogue.header = {
        "Project-Id-Version": "SecureMail",
        "Language": "vi",
        "Language-Team": "SecureMail team",
        "Last-Translator": "SecureMail team",
        "PO-Revision-Date": "2026-12-02 00:00+0700",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    } | catalogue.header
    catalogue.header_comments = catalogue.header_comments or [
        "SecureMail messages in Vietnamese. msgctxt is the message key for securemail.i18n.tr(key),",
        '"field:<name>" for field names, "cli" for the command line, "qt:<Context>" for Qt\'s own dialogs;',
        "GUI texts have none. msgid is the English source text. See docs/adr/0015-i18n-gettext-catalogue.md."]
    report = merge(catalogue, new, base)
    for line in report:
        print(line.replace("\n", "\\n"))
    print(f"{len(report)} changes")
    if args.dry_run or (not report and PO_FILE.is_file()):
        return 0
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    PO_FILE.write_text(po.dump(catalogue), encoding="utf-8")
    write_template()
    compile_all()
    print(f"wrote {PO_FILE.relative_to(ROOT)}, the template and the .mo files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
