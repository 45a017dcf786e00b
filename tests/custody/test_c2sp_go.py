"""Checkpoints exported by the app verify with the Go reference, golang.org/x/mod/sumdb/note (note.Open with
note.NewVerifier(vkey)), using the verifier key that `office-key export` prints; witness cosignatures check with
an independent Go implementation of tlog-cosignature/v1 (tests/vectors/go_note_verify/main.go).

Needs Debian golang-go and golang-golang-x-mod-dev (packaging/install-sysdeps.sh test); skipped without `go`.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from securemail.cli.main import main as cli_main
from securemail.custody.checkpoint import office_signer_name, parse_note, witness_signer_name
from securemail.services.audit import witness_checkpoint
from securemail.services.statements import office_vkey, read_trust_file

if TYPE_CHECKING:
    from conftest import VaultInfo

GO_SRC = Path(__file__).resolve().parents[1] / "vectors" / "go_note_verify"
GOCODE = "/usr/share/gocode"    # where Debian's golang-golang-x-mod-dev puts golang.org/x/mod


@pytest.fixture(scope="module")
def go_verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("`go` is not installed: apt-get install golang-go golang-golang-x-mod-dev "
                    "(packaging/install-sysdeps.sh test) to run the Go reference verifier")
    work = tmp_path_factory.mktemp("go")
    env = {**os.environ, "GOPATH": f"{work / 'gopath'}:{GOCODE}", "GO111MODULE": "off",
           "GOCACHE": str(work / "cache"), "GOFLAGS": "", "CGO_ENABLED": "0"}
    out = work / "go_note_verify"
    proc = subprocess.run([go, "build", "-o", str(out), "."], cwd=GO_SRC, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, f"go build failed (is golang-golang-x-mod-dev installed?):\n{proc.stderr}"
    return out


def run_go(binary: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=60, check=False)


def cli(vault: VaultInfo, user: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SECUREMAIL_PASSWORD", "mat-khau-dai-1")
    return cli_main(["--vault", str(vault.path), "--user", user, *args])


def test_go_reference_verifies_an_exported_checkpoint(vault: VaultInfo, go_verifier: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cp_file, key_file = tmp_path / "checkpoint.txt", tmp_path / "office-key.txt"
    assert cli(vault, "admin", "checkpoint", "export", str(cp_file), monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    assert cli(vault, "admin", "--json", "office-key", "export", str(key_file), monkeypatch=monkeypatch) == 0
    vkey = json.loads(capsys.readouterr().out)["vkey"]
    assert f"vkey {vkey}\n" in key_file.read_text(encoding="utf-8")
    assert vkey.startswith(office_signer_name("GL01") + "+")
    assert read_trust_file(key_file)[0][-1] == base64.b64decode(vkey.split("+", 2)[2])[1:]

    proc = run_go(go_verifier, str(cp_file), vkey)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"verified {office_signer_name('GL01')} {vkey.split('+')[1]}\n")

    note = cp_file.read_text(encoding="utf-8")
    sig_line = note.rstrip("\n").rsplit("\n", 1)[1]
    raw = bytearray(base64.b64decode(sig_line.rsplit(" ", 1)[1]))
    raw[20] ^= 0x01                                                          # flipped bit in the signature
    bad = tmp_path / "bad.txt"
    bad.write_text(note.replace(sig_line, sig_line.rsplit(" ", 1)[0] + " " + base64.b64encode(raw).decode()),
                   encoding="utf-8")
    proc = run_go(go_verifier, str(bad), vkey)
    assert proc.returncode == 1 and "invalid signature" in proc.stdout
    bad.write_text(note.replace("\n\n", "\nx\n\n"), encoding="utf-8")
    assert run_go(go_verifier, str(bad), vkey).returncode == 1                # text changed after signing


def test_go_reference_ignores_the_witness_line_and_checks_the_cosignature(
        vault: VaultInfo, go_verifier: Path, tmp_path: Path) -> None:
    out = tmp_path / "witnessed.txt"
    with vault.open("audit1") as session:
        cp = witness_checkpoint(session, out)
        vkey, auditor = office_vkey(session), session.signer.key.public_raw()
    assert parse_note(out.read_text(encoding="utf-8")) == cp
    proc = run_go(go_verifier, str(out), vkey)
    assert proc.returncode == 0, proc.stdout
    assert f"ignored {witness_signer_name('audit1')} " in proc.stdout      # unknown to this verifier: ignored
    proc = run_go(go_verifier, "-cosig", str(out), witness_signer_name("audit1"), base64.b64encode(auditor).decode())
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith("cosignature ")
    proc = run_go(go_verifier, "-cosig", str(out), witness_signer_name("audit2"), base64.b64encode(auditor).decode())
    assert proc.returncode == 1
