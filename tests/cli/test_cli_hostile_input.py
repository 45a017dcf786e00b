"""Hostile files and options on the command line (in-process, so fast): refused with exit 2 and a message that
names the option, before anything is read or rendered; deeply nested statements give a verdict."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest

from securemail.cli.main import main
from securemail.crypto.signing import b64url
from securemail.services.qr_decode import MAX_FILE
from securemail.services.statements import PREFIX


@pytest.fixture
def run(vault, kit, monkeypatch, capsys):
    monkeypatch.delenv("SECUREMAIL_VAULT", raising=False)
    monkeypatch.delenv("SECUREMAIL_USER", raising=False)

    def call(*args: str, user: str | None = "auditor1") -> tuple[int, str, str]:
        if user:
            monkeypatch.setenv("SECUREMAIL_PASSWORD", kit.PASSWORDS[user])
        argv = ["--vault", str(vault.path), "--lang", "en", *(["--user", user] if user else []), *args]
        code = main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.fixture
def huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.bin"
    with path.open("wb") as f:
        f.truncate(MAX_FILE + 1)  # sparse: costs no disk
    return path


@pytest.mark.parametrize("option", ["--image", "--pdf"])
def test_receipt_sources_must_be_small_regular_files(run, fifo, huge, option):
    for bad, why in ((fifo, "not a regular file"), (Path("/dev/zero"), "not a regular file"),
                     (huge, "too large")):
        code, out, err = run("receipt", "verify", option, str(bad), user=None)
        assert code == 2
        assert option in out + err and why in out + err


def test_office_key_and_checkpoint_must_be_regular_files(run, fifo):
    code, _out, err = run("receipt", "verify", "--text", "SM1.x.y", "--office-key", str(fifo), user=None)
    assert code == 2 and "--office-key" in err and "not a regular file" in err
    code, _out, err = run("verify", "--checkpoint", str(fifo))
    assert code == 2 and "--checkpoint" in err and "not a regular file" in err
    code, _out, err = run("verify", "--checkpoint", "/dev/zero")
    assert code == 2 and "--checkpoint" in err


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + \
        chunk(b"IEND", b"")


def test_enormous_image_is_refused_before_decoding(run, tmp_path):
    png = tmp_path / "big.png"
    png.write_bytes(_png_header(8000, 8000))
    code, out, _err = run("receipt", "verify", "--image", str(png), user=None)
    assert code == 2 and "--image" in out and "too large" in out and "pixels" in out


def test_enormous_pdf_page_is_refused_before_rendering(run, tmp_path, monkeypatch):
    from reportlab.pdfgen.canvas import Canvas

    import securemail.services.qr_decode as qr

    pdf = tmp_path / "big.pdf"
    c = Canvas(str(pdf), pagesize=(14400, 14400))
    c.drawString(10, 10, "x")
    c.showPage()
    c.save()
    rendered: list[object] = []
    monkeypatch.setattr(qr, "_payloads", lambda image: rendered.append(image) or [])
    code, out, _err = run("receipt", "verify", "--pdf", str(pdf), user=None)
    assert code == 2 and "--pdf" in out and "too large" in out
    assert rendered == []


@pytest.mark.parametrize("levels", [1000, 200_000])
def test_deeply_nested_statement_is_a_verdict(run, levels):
    body = b"[" * levels + b"]" * levels
    payload = f"{PREFIX}{b64url(body)}.{b64url(bytes(64))}"
    code, out, err = run("receipt", "verify", "--text", payload)
    assert code == 1, err
    assert "INVALID" in out


@pytest.mark.parametrize(("value", "why"), [("0", "at least 1"), ("-5", "at least 1"), ("99999999999999", "at most"),
                                            ("9" * 5000, "at most"), ("abc", "whole number"),
                                            ("1e3", "whole number")])
def test_limit_out_of_range_is_exit_2_naming_the_option(run, value, why):
    code, _out, err = run("item", "list", "--limit", value, user="clerk1")
    assert code == 2 and "--limit" in err and why in err


def test_over_long_output_name_is_exit_2(run, tmp_path):
    code, _out, err = run("checkpoint", "export", str(tmp_path / ("n" * 300)), user="admin")
    assert code == 2 and "too long" in err


def test_signature_image_and_backup_manifest_must_be_regular_files(fifo, tmp_path):
    from securemail.cli.commands_items import _read_png
    from securemail.errors import BadInputError
    from securemail.services.backup import restore_vault

    with pytest.raises(BadInputError) as e:
        _read_png(fifo)
    assert e.value.key == "input.not_regular_file" and "--signature-image" in e.value.message("en")
    backup = tmp_path / "backup"
    backup.mkdir()
    os.mkfifo(backup / "backup.json")
    with pytest.raises(BadInputError) as e:
        restore_vault(backup, tmp_path / "restored")
    assert e.value.key == "backup.not_a_backup"
