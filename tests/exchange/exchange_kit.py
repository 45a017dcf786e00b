"""Helpers of the exchange tests. Three vaults built through securemail-cli: a sending agency desk (A, agency
SND), a post office (B) and another post office (C). B pins A and A pins B and C; C has not pinned A. A's clerk
accepts an item and exports it to B and to C; a copy of A is kept for a fork (split view)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cli_command import CLI

from securemail.services.session import Session, open_session

PASSWORDS = {"adm": "quản-trị-viên-01", "vt1": "văn-thư-một-01", "xx": "người-bị-thu-hồi", "clerk1": "giao-dịch-viên-1",
             "gdv1": "giao-dịch-viên-HN", "bt1": "bưu-tá-Hà-Nội-1", "gdv2": "giao-dịch-viên-HP", "bt2": "bưu-tá-HP-02",
             "vt2": "văn-thư-tỉnh-ủy-2"}


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(vault: Path, *args: str, user: str | None = None, new_password: str | None = None,
            password: str | None = None, cosigner: str | None = None) -> Run:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SECUREMAIL_", "LC_")) and k not in ("LANG", "LANGUAGE")}
    env.update({"LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    pw = password or (PASSWORDS[user] if user else None)
    if pw:
        env["SECUREMAIL_PASSWORD"] = pw
    if new_password:
        env["SECUREMAIL_NEW_PASSWORD"] = new_password
    if cosigner:
        env["SECUREMAIL_COSIGN_PASSWORD"] = PASSWORDS[cosigner]
    cmd = [*CLI, "--vault", str(vault), *(["--user", user] if user else []), *args]
    assert not any(p in cmd for p in PASSWORDS.values()), "a password must never be on the command line"
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
                          stdin=subprocess.DEVNULL, start_new_session=True, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


def ok(run: Run) -> Run:
    assert run.code == 0, (run.code, run.out, run.err)
    return run


@dataclass
class World:
    root: Path
    a: Path
    b: Path
    c: Path
    a_fork: Path
    tracking: str
    b1: Path          # A -> B, the first bundle
    bc: Path          # A -> C (C has not pinned A)

    def session(self, vault: Path, user: str) -> Session:
        return open_session(vault, user, PASSWORDS[user])


def init_vault(vault: Path, code: str, name: str, *extra: str) -> None:
    ok(run_cli(vault, "init", "--office-code", code, "--office-name", name, "--admin", "adm", "--full-name",
               "Quản Trị", "--kdf-profile", "minimum", *extra, password=PASSWORDS["adm"]))


def build_world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("exchange")
    a, b, c = root / "A", root / "B", root / "C"
    init_vault(a, "STP", "Sở Tư pháp Hà Nội", "--kind", "agency", "--agency", "SND", "--agency-name", "Sở Tư pháp")
    init_vault(b, "HN01", "Bưu điện Trung tâm Hà Nội")
    init_vault(c, "HP01", "Bưu điện Hải Phòng")
    assert "SND" in ok(run_cli(a, "agency", "list", user="adm")).out   # an agency desk starts with its agency
    ok(run_cli(a, "agency", "add", "REC", "--name", "Văn phòng Tỉnh ủy", user="adm"))
    ok(run_cli(a, "user", "add", "vt1", "--role", "clerk", "--full-name", "Nguyễn Thị Văn", user="adm",
               new_password=PASSWORDS["vt1"]))
    ok(run_cli(a, "user", "add", "xx", "--role", "courier", "--full-name", "Trần Văn X", user="adm",
               new_password=PASSWORDS["xx"]))
    for vault in (a, b, c):
        ok(run_cli(vault, "office-key", "export", str(root / f"{vault.name}.key"), user="adm"))
    ok(run_cli(b, "pin", "add", str(root / "A.key"), "--reason", "trao tận tay", user="adm"))
    ok(run_cli(a, "pin", "add", str(root / "B.key"), user="adm"))
    ok(run_cli(a, "pin", "add", str(root / "C.key"), user="adm"))
    tracking = ok(run_cli(a, "item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "mat",
                          "--service", "thuong", "--doc-ref", "15/CV-STP", "--json", user="vt1")).json()["tracking"]
    b1, bc = root / "b1.bundle", root / "bc.bundle"
    ok(run_cli(a, "export", "--to", "HN01", "--items", tracking, "-o", str(b1), user="vt1"))
    ok(run_cli(a, "export", "--to", "HP01", "--items", tracking, "-o", str(bc), user="vt1"))
    a_fork = root / "A-fork"
    shutil.copytree(a, a_fork)
    return World(root, a, b, c, a_fork, tracking, b1, bc)


def counts(session: Session) -> tuple[int, ...]:
    """Rows of everything an import may write: this vault's log, imported events and bundles. The audit trail
    (subject "audit": the sign-in of each CLI command) and the checkpoints that come with it are left out: a
    refused import still signed in."""
    conn = session.conn
    return (int(conn.execute("SELECT count(*) FROM events WHERE subject != 'audit'").fetchone()[0]),
            *(int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
              for t in ("foreign_events", "bundles_imported")))
