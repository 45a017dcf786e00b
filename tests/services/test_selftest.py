"""securemail.services.selftest and `securemail-cli selftest`: every check passes on a working install, a broken
piece fails its line and the exit code, and nothing is left behind in the temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from securemail.cli.main import main
from securemail.resources import RESOURCES_ENV
from securemail.services import selftest
from securemail.services.selftest import CHECKS, all_passed, run_selftest


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_all_checks_pass_and_folder_is_removed(private_tmp: Path) -> None:
    seen: list[str] = []
    results = run_selftest(lambda r: seen.append(r.name))
    assert [r.name for r in results] == [n for n, _ in CHECKS] + ["cleanup"]
    assert seen == [r.name for r in results]
    assert all_passed(results), [r.line() for r in results if not r.ok]
    assert list(private_tmp.iterdir()) == []


def test_cli_prints_one_line_per_check(private_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "selftest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(CHECKS) + 2  # checks, cleanup, summary
    assert all(line.startswith("OK ") for line in lines[:-1])
    assert "passed" in lines[-1]


def test_missing_fonts_fail_their_line_and_the_exit_code(private_tmp: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(RESOURCES_ENV, str(private_tmp / "nowhere"))
    assert main(["--lang", "en", "selftest"]) == 1
    out = capsys.readouterr().out
    assert "FAIL Fonts" in out  # (the receipt may still print: reportlab keeps fonts registered in this process)
    assert "OK   Temporary vault" in out  # a font problem does not stop the vault checks
    assert "FAILED" in out.splitlines()[-1]


def test_a_refused_tampered_statement_is_required(private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "_tamper", lambda payload: payload)  # the "changed" copy is the original
    results = {r.name: r for r in run_selftest()}
    assert not results["statement"].ok
    assert not all_passed(list(results.values()))
    assert results["cleanup"].ok
