"""A password change (or an administrator's reset) killed at any point leaves a vault the user can open with the
old password or the new one, and the next login settles the key-slot file (issue 9, item 2).

Each case runs the change in a child process that dies with os._exit at one step (no cleanup, no rollback
handlers: as SIGKILL), then checks from this process which password opens and that verify finds nothing wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from securemail.errors import AuthenticationError
from securemail.services import audit
from securemail.services.session import open_session
from securemail.storage.keyslots import KeySlotFile

NEW = "mật-khẩu-mới-sau-khi-đổi-01"

# Where the child dies: the n-th keyslots.json update of the change (1: saving the pending slot, 2: promoting it)
# or inside the ledger write (after the pending slot is saved, before the key rotation commits).
CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from securemail.services import directory, session as S
    from securemail.custody import ledger as L
    vault, user, where, actor = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    old, new, actor_pw = os.environ["T_OLD"], os.environ["T_NEW"], os.environ["T_ACTOR"]
    real_update = directory.slots_for_update
    calls = []
    def dying_update(paths):
        calls.append(1)
        if where == f"update{len(calls)}":
            os._exit(137)
        return real_update(paths)
    directory.slots_for_update = dying_update
    real_commit = L.LedgerWriter._write_checkpoint
    def dying_commit(self, *a, **k):
        if where == "commit":
            os._exit(137)
        return real_commit(self, *a, **k)
    L.LedgerWriter._write_checkpoint = dying_commit
    s = S.open_session(vault, actor, actor_pw)
    if actor == user:
        directory.change_password(s, old, new)
    else:
        directory.reset_password(s, user, new)
    os._exit(0)
""")


def _run_child(vault, user: str, old: str, where: str, actor: str, actor_pw: str) -> int:
    # passwords travel in the environment, never on a command line
    env = {**os.environ, "T_OLD": old, "T_NEW": NEW, "T_ACTOR": actor_pw}
    done = subprocess.run([sys.executable, "-c", CHILD, str(vault), user, where, actor], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 137), done.stderr
    return done.returncode


def _which_opens(vault, user: str, old: str) -> list[str]:
    opened = []
    for name, password in (("old", old), ("new", NEW)):
        try:
            with open_session(vault, user, password):
                opened.append(name)
        except AuthenticationError:
            pass
    return opened


@pytest.mark.parametrize(("where", "expected"), [
    ("update1", ["old"]),     # before anything was written
    ("commit", ["old"]),      # pending slot saved, rotation not committed: the old password still opens
    ("update2", ["new"]),     # rotation committed, slot not yet promoted: the new password opens and settles it
    ("none", ["new"]),        # not killed
])
def test_own_password_change_killed_at_each_step(vault, kit, where: str, expected: list[str]) -> None:
    old = kit.PASSWORDS["clerk1"]
    rc = _run_child(vault.path, "clerk1", old, where, "clerk1", old)
    assert rc == (0 if where == "none" else 137)
    assert _which_opens(vault.path, "clerk1", old) == expected
    slots = KeySlotFile.load(vault.path / "keyslots.json")
    assert "clerk1" not in slots.pending, "the login settles an interrupted change"
    with open_session(vault.path, "auditor1", kit.PASSWORDS["auditor1"]) as s:
        assert audit.verify_vault(s, full=True)


@pytest.mark.parametrize(("where", "expected"), [("commit", ["old"]), ("update2", ["new"])])
def test_admin_reset_killed_at_each_step(vault, kit, where: str, expected: list[str]) -> None:
    old = kit.PASSWORDS["courier1"]
    _run_child(vault.path, "courier1", old, where, "admin", kit.PASSWORDS["admin"])
    with open_session(vault.path, "auditor1", kit.PASSWORDS["auditor1"]) as s:
        report = audit.verify_vault(s)
        assert report and "verify.warn_pending_password" in report.warnings
        assert report.pending_password_users == ["courier1"]
    assert _which_opens(vault.path, "courier1", old) == expected
    with open_session(vault.path, "auditor1", kit.PASSWORDS["auditor1"]) as s:
        assert audit.verify_vault(s, full=True)
