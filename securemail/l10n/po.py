"""Read and write gettext .po files (the subset translators' tools write: comments, msgctxt, msgid,
msgid_plural, msgstr, msgstr[n]; no obsolete `#~` entries are kept). Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])
    msgctxt: str | None = None
    msgid_plural: str | None = None
    comments: list[str] = field(default_factory=list)  # "#. ..." lines for translators, without the "#. "
    flags: list[str] = field(default_factory=list)  # "#, fuzzy, python-brace-format"
    notes: list[str] = field(default_factory=list)  # "# ..." translators' own comments

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and "fuzzy" not in self.flags


@dataclass
class Catalogue:
    header: dict[str, str]
    entries: list[Entry]
    header_comments: list[str] = field(default_factory=list)


class PoError(ValueError):
    pass


def _unquote(text: str, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoError(f"line {lineno}: expected a quoted string")
    out: list[str] = []
    body = text[1:-1]
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body):
                raise PoError(f"line {lineno}: dangling backslash")
            nxt = body[i + 1]
            if nxt not in _UNESCAPES:
                raise PoError(f"line {lineno}: unknown escape \\{nxt}")
            out.append(_UNESCAPES[nxt])
            i += 2
        elif c == '"':
            raise PoError(f"line {lineno}: unescaped quote")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse(text: str) -> Catalogue:
    entries: list[Entry] = []
    comments: list[str] = []
    flags: list[str] = []
    notes: list[str] = []
    fields: dict[str, str] = {}
    last: str | None = None

    def flush() -> None:
        nonlocal comments, flags, notes, fields, last
        if "msgid" in fields:
            plural = fields.get("msgid_plural")
            if plural is None:
                msgstr = [fields.get("msgstr", "")]
            else:
                forms = sorted((int(k[7:-1]), v) for k, v in fields.items() if k.startswith("msgstr["))
                msgstr = [v for _, v in forms] or [""]
            entries.append(Entry(msgid=fields["msgid"], msgstr=msgstr, msgctxt=fields.get("msgctxt"),
                                 msgid_plural=plural, comments=comments, flags=flags, notes=notes))
        elif fields:
            raise PoError("an entry without msgid")
        comments, flags, notes, fields, last = [], [], [], {}, None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are dropped
        if line.startswith("#"):
            if "msgid" in fields:
                flush()
            if line.startswith("#,"):
                flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#."):
                comments.append(line[2:].strip())
            elif line == "#" or line.startswith("# "):
                notes.append(line[2:])
            continue  # "#:" references and "#|" previous msgids are not kept
        if line.startswith('"'):
            if last is None:
                raise PoError(f"line {lineno}: a continuation line outside an entry")
            fields[last] += _unquote(line, lineno)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not (
                keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit()):
            raise PoError(f"line {lineno}: unknown keyword {keyword!r}")
        if keyword in ("msgctxt", "msgid") and "msgid" in fields and last != "msgctxt":
            flush()  # a new entry starts without a blank line
        if keyword in fields:
            raise PoError(f"line {lineno}: {keyword} twice in one entry")
        fields[keyword] = _unquote(rest, lineno)
        last = keyword
    flush()

    header: dict[str, str] = {}
    header_comments: list[str] = []
    if entries and entries[0].msgid == "" and entries[0].msgctxt is None:
        first = entries.pop(0)
        header_comments = first.notes
        for line in first.msgstr[0].splitlines():
            name, _, value = line.partition(":")
            if name:
                header[name.strip()] = value.strip()
    return Catalogue(header=header, entries=entries, header_comments=header_comments)


def _quote(keyword: str, value: str) -> list[str]:
    escaped = "".join(_ESCAPES.get(c, c) for c in value)
    if "\n" not in value[:-1]:
        return [f'{keyword} "{escaped}"']
    parts = escaped.split("\\n")
    chunks = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return [f'{keyword} ""', *(f'"{chunk}"' for chunk in chunks)]


def dump(catalogue: Catalogue) -> str:
    lines: list[str] = [f"# {c}" if c else "#" for c in catalogue.header_comments]
    header_text = "".join(f"{name}: {value}\n" for name, value in catalogue.header.items())
    lines += ['msgid ""', *_quote("msgstr", header_text)]
    for entry in catalogue.entries:
        lines.append("")
        lines += [f"# {c}" if c else "#" for c in entry.notes]
        lines += [f"#. {c}" for c in entry.comments]
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines += _quote("msgctxt", entry.msgctxt)
        lines += _quote("msgid", entry.msgid)
        if entry.msgid_plural is None:
            lines += _quote("msgstr", entry.msgstr[0])
        else:
            lines += _quote("msgid_plural", entry.msgid_plural)
            for i, form in enumerate(entry.msgstr):
                lines += _quote(f"msgstr[{i}]", form)
    return "\n".join(lines) + "\n"
