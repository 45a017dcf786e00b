"""The command line and the law (issue 11): urgency, two envelopes for Tuyệt mật, one meaning for --to, words not codes
in human output, registers printed by their owner."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from securemail.cli.main import main


@pytest.fixture
def run(vault, kit, monkeypatch, capsys):
    def call(*args: str, user: str, lang: str = "vi") -> tuple[int, str, str]:
        monkeypatch.setenv("SECUREMAIL_PASSWORD", kit.PASSWORDS[user])
        code = main(["--vault", str(vault.path), "--lang", lang, "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return call


ACCEPT = ("item", "accept", "--sender", "SND", "--recipient", "REC", "--service", "thuong")


def _accepted(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 0, err
    return str(json.loads(out)["tracking"])


def test_tuyet_mat_in_one_envelope_is_refused_naming_the_field(run, vault):
    code, out, err = run(*ACCEPT, "--secrecy", "tuyet-mat", "--envelopes", "1", user="clerk1")
    assert code == 2 and "Số bì" in err and "bì trong và bì ngoài" in err
    code, _out, err = run(*ACCEPT, "--secrecy", "tuyet-mat", "--envelopes", "1", user="clerk1", lang="en")
    assert code == 2 and '"Envelopes"' in err
    tracking = _accepted(run(*ACCEPT, "--secrecy", "tuyet-mat", "--json", user="clerk1"))  # default: 2 envelopes
    code, out, err = run("item", "show", tracking, "--json", user="clerk1")
    assert json.loads(out)["envelopes"] == 2


def test_urgency_is_accepted_shown_in_words_and_refused_when_unknown(run):
    tracking = _accepted(run(*ACCEPT, "--secrecy", "mat", "--urgency", "thuong-khan", "--json", user="clerk1"))
    code, out, _ = run("item", "show", tracking, user="clerk1")
    assert "độ khẩn Thượng khẩn" in out and "thuong-khan" not in out
    code, _out, err = run(*ACCEPT, "--secrecy", "mat", "--urgency", "gấp lắm", user="clerk1")
    assert code == 2 and "Độ khẩn" in err


def test_to_names_a_person_never_a_day(run):
    code, _out, err = run("item", "list", "--to", "2026-01-31", user="clerk1")
    assert code == 2 and "--until" in err and "người nhận" in err
    code, _out, err = run("item", "list", "--from", "2026-01-01", user="clerk1", lang="en")
    assert code == 2 and "--since" in err


def test_incidents_are_listed_in_words(run, vault):
    tracking = _accepted(run(*ACCEPT, "--secrecy", "mat", "--json", user="clerk1"))
    assert run("incident", tracking, "--kind", "seal-broken", "--description", "Rách góc bì", user="clerk1")[0] == 0
    code, out, err = run("incident", "--list", user="auditor1")
    assert code == 0, err
    assert "Niêm phong bị phá: Rách góc bì" in out and "seal-broken" not in out


def test_report_register_defaults_to_the_post_offices_own_book(run, tmp_path):
    run(*ACCEPT, "--secrecy", "mat", user="clerk1")
    out_pdf = tmp_path / "so.pdf"
    code, _out, err = run("report", "register", "--since", "2025-03-01", "--until", "2025-03-31", "-o", str(out_pdf),
                          user="auditor1")
    assert code == 0, err
    assert "SỔ THEO DÕI GIAO NHẬN BƯU GỬI KT1" in PdfReader(out_pdf).pages[0].extract_text()
    code, _out, err = run("report", "register", "--kind", "incoming", "--since", "2025-03-01", "--until",
                          "2025-03-31", "-o", str(tmp_path / "x.pdf"), user="auditor1")
    assert code == 2 and "init --kind agency" in err
    code, out, _ = run("report", "layout", user="auditor1")
    assert code == 0 and "kt1-so-giao-nhan" in out and "Nghị định số 63/2026/NĐ-CP" in out
    code, out, _ = run("report", "layout", "kt1-so-giao-nhan", user="auditor1")
    assert code == 0 and '"key": "ky_nhan"' in out and '"signature": true' in out
