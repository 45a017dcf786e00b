"""The command line imports only the module of the command it runs (issue 15), and still knows every command."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from securemail.cli import registry
from securemail.cli.main import build_parser, common_options, main


def _registered(module_name: str) -> list[str]:
    module = registry.modules_for((), every=True)[registry.MODULES.index(module_name)]
    sub = argparse.ArgumentParser().add_subparsers()
    module.register(sub, common_options())
    return list(sub.choices)


@pytest.mark.parametrize("module_name", registry.MODULES)
def test_the_table_names_exactly_the_commands_each_module_defines(module_name):
    assert sorted(_registered(module_name)) == sorted(c for c, m in registry.COMMANDS.items() if m == module_name)


@pytest.mark.parametrize(("argv", "command"), [
    (["item", "show", "KT1"], "item"),
    (["--vault", "item", "verify", "--full"], "verify"),          # a vault folder named like a command
    (["--vau", "item", "--user", "bag", "verify"], "verify"),     # abbreviated options, as argparse accepts them
    (["--vault=item", "--json", "report", "overdue"], "report"),
    (["--lang", "en", "--password-stdin", "note", "X"], "note"),
    (["--json", "--help"], None),
    (["--", "item"], None),
])
def test_the_command_is_found_past_the_options_and_their_values(argv, command):
    assert registry.command_of(argv) == command


def test_only_the_command_run_is_imported():
    assert registry.module_names(["--vault", "v", "item", "show", "X"]) == ("commands_items",)
    assert registry.module_names(["--version"]) == ()
    assert registry.module_names(["--help"]) == registry.MODULES           # help lists every command
    assert registry.module_names(["--help", "--version"]) == registry.MODULES
    assert registry.module_names(["itme", "show"]) == registry.MODULES     # a typo: argparse lists the choices


def test_help_still_lists_every_command(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--lang", "en", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for command in registry.COMMANDS:
        assert command in out
    assert set(registry.COMMANDS) == set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def test_a_mistyped_command_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--lang", "en", "itme", "show"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "itme" in err and "handover" in err and "selftest" in err


def test_version_loads_no_command_service_or_database_driver():
    probe = ("import sys\n"
             "from securemail.cli.main import main\n"
             "try:\n"
             "    main(['--version'])\n"
             "except SystemExit:\n"
             "    pass\n"
             "heavy = [m for m in sys.modules if m.startswith(('securemail.cli.commands_', 'securemail.services',\n"
             "         'securemail.documents', 'sqlcipher3', 'reportlab', 'zxcvbn'))]\n"
             "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_item_show_does_not_load_reportlab_or_other_command_modules():
    probe = ("import sys\n"
             "from securemail.cli.main import main\n"
             "main(['--vault', '/nonexistent-vault', '--user', 'u', 'item', 'show', 'X'])\n"
             "print([m for m in sys.modules if m.startswith(('reportlab', 'securemail.cli.commands_'))])\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={"SECUREMAIL_PASSWORD": "x", "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip().splitlines()[-1] == "['securemail.cli.commands_items']", done.stdout + done.stderr
