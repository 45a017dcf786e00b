"""Nothing bilingual, and no message text, is stored in the signed log: events store codes and data; the text is
made when shown (issue 13, item 8). A demo vault's every event body is scanned for the catalogue's texts, in both
languages; the demo is made in Vietnamese and again in English, and the two logs carry the same codes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from securemail.i18n import set_language, tr
from securemail.l10n import po
from securemail.l10n.catalogue import source_path
from securemail.resources import ASSETS
from securemail.services.demo import DEMO_PASSWORD, create_demo
from securemail.storage import connect
from securemail.storage.event_codec import load_body

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\(?[a-z_]*\)?[sdr]|%\d|%n")
MIN_FRAGMENT = 14  # shorter pieces ("Hủy", "Mật") are words that data may contain


def _fragments() -> dict[str, str]:
    """Literal pieces (between placeholders) of every catalogue text, Vietnamese and English -> their entry."""
    found: dict[str, str] = {}
    for entry in po.parse(source_path(ASSETS, "vi").read_text(encoding="utf-8")).entries:
        if entry.msgctxt and entry.msgctxt.startswith("qt:"):
            continue
        for text in [entry.msgid, entry.msgid_plural or "", *entry.msgstr]:
            for piece in PLACEHOLDER.split(text):
                piece = piece.strip(" .:;,()")
                if len(piece) >= MIN_FRAGMENT:
                    found.setdefault(piece, entry.msgctxt or entry.msgid)
    return found


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _hits(events: list[tuple[int, str, dict[str, object]]], fragments: dict[str, str]) -> list[str]:
    return [f"event {seq} ({kind}): {text!r} contains {piece!r} from {entry!r}"
            for seq, kind, body in events for text in _strings(body)
            for piece, entry in fragments.items() if piece in text]


def _bodies(vault: Path) -> list[tuple[int, str, dict[str, object]]]:
    conn = connect(vault, "quantri", DEMO_PASSWORD)
    try:
        rows = conn.execute("SELECT seq, kind, body FROM events ORDER BY seq").fetchall()
    finally:
        conn.close()
    return [(seq, kind, json.loads(load_body(body))) for seq, kind, body in rows]


def _demo(folder: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, dict[str, object]]]:
    monkeypatch.delenv("SECUREMAIL_PASSWORD", raising=False)
    set_language(lang)
    try:
        create_demo(folder, n_items=16)
    finally:
        set_language(None)
    return _bodies(folder)


@pytest.mark.slow
def test_event_bodies_hold_codes_and_data_not_message_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vi_events = _demo(tmp_path / "vi", "vi", monkeypatch)
    assert {"item.accepted", "item.incident", "item.delivery_failed", "holidays.set"} <= {k for _, k, _ in vi_events}
    fragments = _fragments()
    assert len(fragments) > 500
    planted = [(0, "planted", {"data": {"note": tr("input.user_holds_items", "en", user="x", count=2)}})]
    assert _hits(planted, fragments), "the scan finds a message stored in a body"
    hits = _hits(vi_events, fragments)
    assert not hits, "message text stored in the signed log:\n" + "\n".join(hits[:20])

    en_events = _demo(tmp_path / "en", "en", monkeypatch)
    assert [k for _, k, _ in en_events] == [k for _, k, _ in vi_events]
    for (seq, kind, vi_body), (_, _, en_body) in zip(vi_events, en_events, strict=True):
        assert vi_body.keys() == en_body.keys(), f"event {seq} ({kind}) has other fields in English"
