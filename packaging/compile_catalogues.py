"""Compile the translation catalogues: securemail/assets/locale/vi/LC_MESSAGES/securemail.po -> .mo, and the
template securemail.pot (made from the Vietnamese .po: its msgids are the English source texts) -> en .mo.

    python packaging/compile_catalogues.py            write the .pot and both .mo files (only when changed)
    python packaging/compile_catalogues.py --check    exit 1 when the committed .pot is not current

Run by `make venv` (so by make run/test/dist/bundle); setup.py's build_py compiles the same way into the wheel.
Standard library only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from securemail.l10n import po  # noqa: E402
from securemail.l10n.catalogue import compile_file, languages, mo_path, source_path  # noqa: E402

ASSETS = ROOT / "securemail" / "assets"
POT_HEADER = {
    "Project-Id-Version": "SecureMail",
    "Language": "en",
    "Language-Team": "SecureMail team",
    "Last-Translator": "SecureMail team",
    "PO-Revision-Date": "2026-12-02 00:00+0700",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    # English is the source language: the template carries English plural rules (msginit replaces them).
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def template_text(translated: po.Catalogue) -> str:
    entries = [po.Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgid_plural=e.msgid_plural,
                        msgstr=["", ""] if e.msgid_plural is not None else [""], comments=list(e.comments),
                        flags=[f for f in e.flags if f != "fuzzy"])
               for e in translated.entries]
    return po.dump(po.Catalogue(header=dict(POT_HEADER), entries=entries,
                                header_comments=["SecureMail messages: template (English source texts).",
                                                 "Generated from vi/LC_MESSAGES/securemail.po by "
                                                 "packaging/compile_catalogues.py; do not edit."]))


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def write_template(assets: Path = ASSETS) -> bool:
    translated = po.parse(source_path(assets, "vi").read_text(encoding="utf-8"))
    return _write_if_changed(source_path(assets, "en"), template_text(translated).encode("utf-8"))


def compile_all(assets: Path = ASSETS, into: Path | None = None) -> list[Path]:
    """Compile every language's source into .mo files under `into` (default: next to the sources)."""
    written = []
    for lang in languages(assets):
        data = compile_file(source_path(assets, lang), lang)
        target = mo_path(into or assets, lang)
        if _write_if_changed(target, data):
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        translated = po.parse(source_path(ASSETS, "vi").read_text(encoding="utf-8"))
        current = source_path(ASSETS, "en").read_text(encoding="utf-8")
        if current != template_text(translated):
            print("securemail.pot is not current: run python packaging/compile_catalogues.py", file=sys.stderr)
            return 1
        return 0
    if write_template() and not args.quiet:
        print(f"wrote {source_path(ASSETS, 'en').relative_to(ROOT)}")
    for path in compile_all(ASSETS):
        if not args.quiet:
            print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
