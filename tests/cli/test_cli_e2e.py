"""securemail-cli end to end, as a separate process: the product.md contract (commands, passwords only from the
environment or stdin, --json, languages, exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_command import CLI

# About 12 s in all: some thirty short processes.
pytestmark = pytest.mark.slow

ONE_ROLE_EACH = {  # username -> (role, full name, agency)
    "clerk1": ("clerk", "Lê Văn Giao", None),
    "courier1": ("courier", "Hoàng Văn Tải", None),
    "sec1": ("secretary", "Nguyễn Thị Lan", "REC"),
    "auditor1": ("auditor", "Bùi Văn Kiểm", None),
    "admin2": ("admin", "Quản Trị Hai", None),
    "spare": ("courier", "Người Dự Phòng", None),
}
EXTRA_PASSWORDS = {"admin2": "mật-khẩu-quản-trị-02", "spare": "mật-khẩu-dự-phòng-1"}
SPARE_NEW = "mật-khẩu-dự-phòng-mới"


@dataclass
class Run:
    args: list[str]
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


class Cli:
    def __init__(self, vault: Path, passwords: dict[str, str]) -> None:
        self.vault = vault
        self.passwords = passwords
        self.runs: list[Run] = []
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SECUREMAIL_", "LC_")) and k not in ("LANG", "LANGUAGE")}
        env.update({"LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
        self.env = env

    def __call__(self, *args: str, user: str | None = None, password: str | None = None,
                 new_password: str | None = None, cosign: str | None = None, stdin: str | None = None,
                 lang: str | None = None) -> Run:
        env = dict(self.env)
        if user is not None and password is None and stdin is None:
            password = self.passwords[user]
        for var, value in (("SECUREMAIL_PASSWORD", password), ("SECUREMAIL_NEW_PASSWORD", new_password),
                           ("SECUREMAIL_COSIGN_PASSWORD", cosign)):
            if value is not None:
                env[var] = value
        cmd = [*CLI, "--vault", str(self.vault)]
        if user is not None:
            cmd += ["--user", user]
        if lang is not None:
            cmd += ["--lang", lang]
        cmd += list(args)
        for secret in self.passwords.values():
            assert secret not in cmd, "a password must never be on the command line"
        kwargs: dict = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
                              start_new_session=True, check=False, **kwargs)  # no controlling terminal: no prompt
        run = Run(list(args), proc.returncode, proc.stdout, proc.stderr)
        self.runs.append(run)
        for secret in (*self.passwords.values(), SPARE_NEW):
            assert secret not in run.out and secret not in run.err, f"password printed by {args}"
        assert "Traceback" not in run.err, run.err
        return run


@pytest.fixture(scope="module")
def cli(tmp_path_factory, kit) -> Cli:
    passwords = {**kit.PASSWORDS, **EXTRA_PASSWORDS}
    return Cli(tmp_path_factory.mktemp("cli") / "vault", passwords)


@pytest.fixture(scope="module")
def scenario(cli, kit) -> dict:
    """The full scenario of product.md, run once; the tests below look at what it left behind."""
    pw = cli.passwords
    out: dict = {"steps": []}

    def step(run: Run) -> Run:
        out["steps"].append(run)
        assert run.code == 0, (run.args, run.code, run.err)
        return run

    init = step(cli("init", "--office-code", "HN01", "--office-name", kit.OFFICE_NAME, "--admin", "admin",
                    "--full-name", "Quản Trị Viên", "--kdf-profile", "minimum", "--json", password=pw["admin"]))
    out["init"] = init.json()
    step(cli("agency", "add", "SND", "--name", "Sở Tư pháp", "--province", "Hà Nội", "--json", user="admin"))
    step(cli("agency", "add", "REC", "--name", "Văn phòng Tỉnh ủy", user="admin"))
    for name, (role, full_name, agency) in ONE_ROLE_EACH.items():
        args = ["user", "add", name, "--role", role, "--full-name", full_name, "--json"]
        if agency:
            args += ["--agency", agency]
        if name == "auditor1":  # both passwords on stdin, one per line
            run = step(cli(*args, "--password-stdin", user="admin", stdin=f"{pw['admin']}\n{pw[name]}\n"))
        else:
            run = step(cli(*args, user="admin", new_password=pw[name]))
        assert run.json()["role"] == role
    accepted = step(cli("item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "mat",
                        "--service", "hoa-toc", "--doc-ref", "12/CV-STP", "--json", user="clerk1"))
    tracking = accepted.json()["tracking"]
    out["tracking"] = tracking
    bag = step(cli("bag", "create", "--destination", "REC", "--json", user="clerk1")).json()["bag"]
    out["bag"] = bag
    step(cli("bag", "add", bag, tracking, user="clerk1"))
    step(cli("bag", "close", bag, "--seal", "NP-0001", user="clerk1"))
    step(cli("handover", "--bag", bag, "--to", "courier1", user="clerk1", cosign=pw["courier1"]))
    step(cli("arrive", "--bag", bag, "--scan", tracking, "--from", "courier1", user="clerk1",
             cosign=pw["courier1"]))
    step(cli("deliver", tracking, "--to", "sec1", user="clerk1", cosign=pw["sec1"]))
    out["show"] = step(cli("item", "show", tracking, "--json", user="auditor1")).json()
    return out


# ---- the scenario ------------------------------------------------------------------------------------------

def test_scenario_runs(scenario):
    assert all(run.code == 0 for run in scenario["steps"])
    assert scenario["init"]["admin"] == "admin"
    assert scenario["init"]["office_code"] == "HN01"


def test_item_show_json(scenario):
    doc = scenario["show"]
    assert doc["tracking"] == scenario["tracking"]
    assert doc["status"] == "delivered"
    assert doc["delivered_to"] == "sec1"
    events = doc["events"]
    assert len(events) >= 7
    for e in events:
        assert {"kind", "actor", "time", "signature_ok"} <= set(e), e
        assert e["signature_ok"] is True, e
        assert e["actor"] in {"clerk1", "courier1"}
        assert e["time"].startswith("20")
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "item.accepted"
    assert kinds[-1] == "item.delivered"
    for kind in ("item.bagged", "bag.closed", "bag.dispatched", "bag.opened"):
        assert kind in kinds


def test_json_output_is_one_document(cli, scenario):
    json_runs = [r for r in cli.runs if "--json" in r.args and r.code == 0]
    assert len(json_runs) >= 8
    for run in json_runs:
        doc = json.loads(run.out)  # the whole of stdout, nothing before or after
        assert isinstance(doc, dict | list)
    listed = cli("item", "list", "--json", user="auditor1")
    assert listed.code == 0
    assert [d["tracking"] for d in listed.json()] == [scenario["tracking"]]
    users = cli("--json", "user", "list", user="admin")
    assert {u["username"] for u in users.json()} == {"admin", *ONE_ROLE_EACH}


def test_human_text_is_vietnamese_by_default_and_english_with_lang(cli, scenario):
    vi = cli("agency", "list", user="admin")
    assert vi.code == 0 and "SND" in vi.out
    t_vi = cli("item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "none", "--service",
               "thuong", user="clerk1")
    t_en = cli("item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "none", "--service",
               "thuong", user="clerk1", lang="en")
    assert t_vi.code == 0 and t_en.code == 0
    assert "Đã nhận gửi" in t_vi.out
    assert "Accepted" in t_en.out and "Đã nhận gửi" not in t_en.out


# ---- exit codes ----------------------------------------------------------------------------------------

def _one_line(run: Run) -> str:
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1, run.err
    return lines[0]


def test_wrong_password_exit_3(cli, scenario):
    run = cli("item", "show", scenario["tracking"], user="clerk1", password="sai-mật-khẩu-rồi")
    assert run.code == 3
    assert run.out == ""
    assert _one_line(run) == "Sai tên người dùng hoặc mật khẩu."
    en = cli("item", "show", scenario["tracking"], user="clerk1", password="sai-mật-khẩu-rồi", lang="en")
    assert en.code == 3
    assert _one_line(en) == "Wrong user name or password."
    assert cli("user", "list", user="clerk1").code == 0  # a success resets the failed-attempt delay
    unknown = cli("item", "show", scenario["tracking"], user="nobody", password="sai-mật-khẩu-rồi")
    assert unknown.code == 3
    assert _one_line(unknown) == _one_line(run)
    assert cli("user", "list", user="clerk1").code == 0


def test_wrong_cosigner_password_exit_3(cli, scenario):
    t = cli("item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "none", "--service",
            "thuong", "--json", user="clerk1").json()["tracking"]
    run = cli("deliver", t, "--to", "sec1", user="clerk1", cosign="không-phải-mật-khẩu")
    assert run.code == 3
    _one_line(run)
    shown = cli("item", "show", t, "--json", user="auditor1").json()
    assert shown["status"] == "accepted"
    assert [e["kind"] for e in shown["events"]] == ["item.accepted"]


def test_clerk_running_user_add_exit_4(cli, scenario):
    run = cli("user", "add", "intruder", "--role", "admin", "--full-name", "Kẻ Xâm Nhập", user="clerk1",
              new_password="mật-khẩu-kẻ-xâm-nhập")
    assert run.code == 4
    _one_line(run)
    users = cli("user", "list", "--json", user="admin").json()
    assert "intruder" not in {u["username"] for u in users}


def test_deliver_twice_exit_5(cli, scenario):
    run = cli("deliver", scenario["tracking"], "--to", "sec1", user="clerk1", cosign=cli.passwords["sec1"])
    assert run.code == 5
    _one_line(run)
    shown = cli("item", "show", scenario["tracking"], "--json", user="auditor1").json()
    assert [e["seq"] for e in shown["events"]] == [e["seq"] for e in scenario["show"]["events"]]


def test_unknown_tracking_exit_5(cli, scenario):
    from securemail.domain.tracking import make_tracking

    run = cli("item", "show", make_tracking(98765432), user="auditor1")
    assert run.code == 5
    assert make_tracking(98765432) in _one_line(run)


def test_bad_secrecy_exit_2_names_the_field(cli, scenario):
    args = ("item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "top-top-secret",
            "--service", "thuong")
    run = cli(*args, user="clerk1")
    assert run.code == 2
    assert "Độ mật" in _one_line(run)
    en = cli(*args, user="clerk1", lang="en")
    assert en.code == 2
    assert "Secrecy" in _one_line(en)


def test_tuyet_mat_description_exit_2_names_the_field(cli, scenario):
    run = cli("item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy", "tuyet-mat", "--service",
              "thuong", "--envelopes", "2", "--description", "Về việc nhân sự", user="clerk1", lang="en")
    assert run.code == 2
    assert "Description" in _one_line(run)


def test_missing_password_exit_2_without_prompting(cli, scenario):
    run = cli("item", "list", user="auditor1", password="")
    assert run.code == 2
    _one_line(run)


def test_usage_error_exit_2(cli):
    run = cli("user", "add", "x", "--role", "emperor", "--full-name", "X", user="admin")
    assert run.code == 2


# ---- passwords from stdin, password changes -------------------------------------------------------------

def test_password_stdin(cli, scenario):
    run = cli("item", "show", scenario["tracking"], "--json", "--password-stdin", user="auditor1",
              stdin=cli.passwords["auditor1"] + "\n")
    assert run.code == 0
    assert run.json()["status"] == "delivered"
    bad = cli("item", "show", scenario["tracking"], "--password-stdin", user="auditor1", stdin="sai-mật-khẩu\n")
    assert bad.code == 3


def test_user_passwd_with_environment(cli, scenario):
    run = cli("user", "passwd", user="spare", new_password=SPARE_NEW)
    assert run.code == 0, run.err
    assert cli("user", "list", user="spare", password=cli.passwords["spare"]).code == 3
    assert cli("user", "list", user="spare", password=SPARE_NEW).code == 0
    # and back, so the module's password table stays right
    back = cli("user", "passwd", user="spare", password=SPARE_NEW, new_password=cli.passwords["spare"])
    assert back.code == 0


def test_user_passwd_with_password_stdin(cli, scenario):
    run = cli("user", "passwd", "--password-stdin", user="admin2",
              stdin=f"{cli.passwords['admin2']}\n{SPARE_NEW}x\n")
    assert run.code == 0, run.err


def test_admin_resets_another_users_password(cli, scenario):
    run = cli("user", "passwd", "spare", user="admin", new_password=SPARE_NEW)
    assert run.code == 0, run.err
    assert cli("user", "list", user="spare", password=SPARE_NEW).code == 0
    back = cli("user", "passwd", "spare", user="admin", new_password=cli.passwords["spare"])
    assert back.code == 0


def test_revoked_user_cannot_sign_in(cli, scenario):
    run = cli("user", "revoke", "spare", "--json", user="admin")
    assert run.code == 0, run.err
    assert run.json()["revoked"] is True
    assert cli("user", "list", user="spare").code == 3
    assert cli("user", "list", user="clerk1").code == 0


def test_no_password_in_any_output(cli, scenario):
    assert len(cli.runs) > 20
    secrets = [*cli.passwords.values(), SPARE_NEW]
    for run in cli.runs:
        for secret in secrets:
            assert secret not in run.out
            assert secret not in run.err


def test_norm_rates_lists_on_time_rates_as_json(tmp_path):
    """`norm rates` prints per service/scope on-time rates (demo vault, real services)."""
    import json as _json
    import os as _os
    import subprocess as _sp
    import sys as _sys

    env = {k: v for k, v in _os.environ.items() if not k.startswith("SECUREMAIL_")}
    env["SECUREMAIL_PASSWORD"] = "rates-test-password-1"
    vault = tmp_path / "v"
    cli = [_sys.executable, "-m", "securemail.cli.main", "--vault", str(vault)]
    _sp.run([*cli, "demo", "--items", "12"], env=env, check=True, capture_output=True, stdin=_sp.DEVNULL)
    out = _sp.run([*cli, "--user", "kiemtra1", "norm", "rates", "--since", "2000-01-01", "--until", "2100-01-01",
                   "--json"], env=env, check=True, capture_output=True, text=True, stdin=_sp.DEVNULL)
    rows = _json.loads(out.stdout)
    assert rows and all({"service", "scope", "met", "total"} <= set(r) for r in rows)
    assert sum(r["total"] for r in rows) > 0


# ---- issue 11: working calendar, language ------------------------------------------------------------------

def test_holiday_commands(cli, scenario):
    run = cli("holiday", "builtin", "2027", user="admin")
    assert run.code == 0, run.err
    assert "Đã ghi" in run.out and "06/02/2027" in run.out and "16/04/2027" in run.out  # mùng 1 Tết, Giỗ Tổ
    refused = cli("holiday", "add", "2027-01-09", "--source", "x", user="admin")  # a Saturday as a day off
    assert refused.code != 0 and "thứ Bảy" in refused.err
    added = cli("holiday", "add", "2027-01-09", "--work", "--source", "Thông báo hoán đổi 2027", user="admin")
    assert added.code == 0 and "ngày làm bù 09/01/2027" in added.out
    listed = cli("holiday", "list", "2027", user="auditor1")
    assert "Ngày làm bù" in listed.out and "theo luật" in listed.out
    assert "work" not in listed.out and "statutory" not in listed.out  # no raw codes for people
    english = cli("holiday", "list", "2027", user="auditor1", lang="en")
    assert "Make-up working day" in english.out and "statutory" in english.out
    data = cli("holiday", "list", "2027", "--json", user="auditor1").json()
    assert any(d["date"] == "2027-01-09" and d["kind"] == "work" and d["origin"] == "admin" for d in data)
    removed = cli("holiday", "remove", "2027-01-09", "--source", "đính chính", user="admin")
    assert removed.code == 0
    assert cli("setting", "working_hours", "07:00-11:00,13:30-16:30", user="admin").code == 0
    settings = cli("setting", "--json", user="admin").json()
    assert settings["working_hours"] == "07:00-11:00,13:30-16:30" and settings["hen_gio_lead_ngoai_thanh"] == "12"
    shown = cli("item", "show", scenario["tracking"], user="auditor1")
    assert "item.delivered" not in shown.out and "Đã phát" in shown.out


def test_help_and_usage_errors_in_vietnamese_by_default(cli):
    run = cli("--help")
    assert run.code == 0 and "cách dùng:" in run.out and "tùy chọn" in run.out
    assert "ngày nghỉ lễ, ngày làm bù" in run.out
    bad = cli("holiday", "add")
    assert bad.code == 2 and "lỗi: thiếu các tham số bắt buộc" in bad.err
    choice = cli("agency", "area", "REC", "somewhere")
    assert choice.code == 2 and "lựa chọn không hợp lệ" in choice.err
    english = cli("holiday", "add", lang="en")
    assert english.code == 2 and "the following arguments are required" in english.err
    # --from / --to name people (deliver --to, arrive --from); periods are --since / --until
    rates_help = cli("norm", "rates", "--help").out
    assert "--since" in rates_help and "--until" in rates_help and "--to" not in rates_help
    missing = cli("norm", "rates", "--since", "2026-01-01", user="auditor1")
    assert missing.code != 0 and missing.err.strip()
