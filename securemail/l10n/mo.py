"""Compile .po entries to GNU .mo files and read them back. Standard library only.

A message's key in the .mo is "msgctxt\\x04msgid" ("msgid" without a context), followed by "\\x00msgid_plural"
for plural entries; the value holds the plural forms separated by "\\x00" (GNU gettext's layout, which Python's
gettext module, Babel, Poedit and msgunfmt read).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from securemail.l10n.po import Catalogue, Entry

MAGIC = 0x950412DE
CONTEXT_SEPARATOR = "\x04"


class MoError(ValueError):
    pass


def _header_text(header: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in header.items())


def _entry_key(entry: Entry) -> str:
    key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}"
    return key if entry.msgid_plural is None else f"{key}\x00{entry.msgid_plural}"


def compile_catalogue(catalogue: Catalogue, *, source_language: bool = False) -> bytes:
    """The .mo bytes of `catalogue`. Untranslated and fuzzy entries are left out (gettext then shows the
    source text), except for the source language (English), whose texts are the msgids themselves."""
    pairs: dict[str, str] = {"": _header_text(catalogue.header)}
    for entry in catalogue.entries:
        if source_language:
            forms = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        elif entry.translated:
            forms = entry.msgstr
        else:
            continue
        pairs[_entry_key(entry)] = "\x00".join(forms)
    keys = sorted(pairs, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [pairs[k].encode("utf-8") for k in keys]
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    table_o: list[int] = []
    table_t: list[int] = []
    blob = bytearray()
    for raw in ids:
        table_o += [len(raw), data_at + len(blob)]
        blob += raw + b"\x00"
    for raw in strs:
        table_t += [len(raw), data_at + len(blob)]
        blob += raw + b"\x00"
    head = struct.pack("<7I", MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return head + struct.pack(f"<{2 * count}I", *table_o) + struct.pack(f"<{2 * count}I", *table_t) + bytes(blob)


class Message(NamedTuple):
    """One message read back. A named tuple: every window reads some 1,600 of them at start-up (issue 15)."""

    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    forms: tuple[str, ...]


def read(data: bytes) -> tuple[dict[str, str], list[Message]]:
    """(header, messages) of a .mo file written in either byte order."""
    if len(data) < 28:
        raise MoError("too short for a .mo file")
    for order in ("<", ">"):
        if struct.unpack(f"{order}I", data[:4])[0] == MAGIC:
            break
    else:
        raise MoError("not a .mo file")
    _, revision, count, originals_at, translations_at = struct.unpack(f"{order}5I", data[:20])
    if revision >> 16 > 1:
        raise MoError(f"unknown .mo revision {revision}")
    header: dict[str, str] = {}
    messages: list[Message] = []
    if max(originals_at, translations_at) + 8 * count > len(data):
        raise MoError("the string tables lie outside the file")
    originals = struct.unpack_from(f"{order}{2 * count}I", data, originals_at)
    translations = struct.unpack_from(f"{order}{2 * count}I", data, translations_at)
    for i in range(count):
        o_len, o_at = originals[2 * i], originals[2 * i + 1]
        t_len, t_at = translations[2 * i], translations[2 * i + 1]
        if o_at + o_len > len(data) or t_at + t_len > len(data):
            raise MoError("a string lies outside the file")
        original = data[o_at:o_at + o_len].decode("utf-8")
        translation = data[t_at:t_at + t_len].decode("utf-8")
        if original == "":
            for line in translation.splitlines():
                name, _, value = line.partition(":")
                if name:
                    header[name.strip()] = value.strip()
            continue
        singular, _, plural = original.partition("\x00")
        ctx, sep, msgid = singular.partition(CONTEXT_SEPARATOR)
        messages.append(Message(ctx if sep else None, msgid if sep else singular,
                                plural if "\x00" in original else None, tuple(translation.split("\x00"))))
    return header, messages
