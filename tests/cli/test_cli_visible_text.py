"""Terminal escapes in outside text (a stored field, a statement) are shown, never executed (issue 9, item 4)."""

from __future__ import annotations

import json

import pytest

from securemail.cli.main import main
from securemail.cli.visible import visible, visible_json
from securemail.crypto.canonical import canonical_bytes
from securemail.crypto.signing import Domain, SigningKey, b64, b64url
from securemail.services.statements import PREFIX
from securemail.storage import connect

REPAINT = "\x1b[1A\x1b[2K\r\x1b[32mVALID: all signatures OK\x1b[0m\n\u202e\x9b31m"


def test_visible_shows_every_control_character():
    shown = visible(REPAINT)
    assert "\x1b" not in shown and "\r" not in shown and "\n" not in shown and "\x9b" not in shown
    assert "\u202e" not in shown
    assert shown.startswith("\u241b[1A")
    assert visible("Bưu điện Hà Nội — số 12") == "Bưu điện Hà Nội — số 12"
    doc = visible_json(json.dumps({"x": REPAINT}, ensure_ascii=False))
    assert json.loads(doc) == {"x": REPAINT}
    assert "\x1b" not in doc and "\x9b" not in doc and "\u202e" not in doc


@pytest.fixture
def run(vault, kit, monkeypatch, capsys):
    def call(*args: str, user: str) -> tuple[int, str, str]:
        monkeypatch.setenv("SECUREMAIL_PASSWORD", kit.PASSWORDS[user])
        code = main(["--vault", str(vault.path), "--lang", "en", "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _no_escape(text: str) -> None:
    assert not any(c in text for c in "\x1b\x9b\r\u202e"), repr(text)


@pytest.mark.parametrize("as_json", [False, True])
def test_escape_in_a_stored_field_cannot_repaint(vault, kit, run, as_json):
    with vault.open("clerk1") as s:
        tracking = vault.accept(s)
    conn = connect(vault.path, "admin", kit.PASSWORDS["admin"])
    conn.execute("DROP TRIGGER IF EXISTS items_no_delete")
    conn.execute("UPDATE items SET sender_agency = ? WHERE tracking = ?", ("SND" + REPAINT, tracking))
    conn.commit()
    conn.close()
    code, out, err = run("item", "show", tracking, *(["--json"] if as_json else []), user="auditor1")
    assert code == 0, err
    _no_escape(out + err)
    if as_json:
        assert json.loads(out)["sender_agency"] == "SND" + REPAINT  # the value itself is kept, only escaped
    else:
        assert "SND\u241b[1A" in out


def test_escape_in_a_statement_cannot_repaint(run):
    key = SigningKey.generate()
    body = canonical_bytes({"v": 1, "t": "receipt", "o": "HN01" + REPAINT, "id": "KT" + REPAINT, "h": "0" * 64,
                            "cp": {"n": 1, "r": b64(bytes(32))}, "k": b64(key.public_raw()),
                            "at": "2026-01-01T00:00" + REPAINT})
    payload = f"{PREFIX}{b64url(body)}.{b64url(key.sign(Domain.STATEMENT, body))}"
    code, out, err = run("receipt", "verify", "--text", payload, user="auditor1")
    assert code == 1
    _no_escape(out + err)
    assert out.count("\n") == 1 and out.startswith("INVALID")
