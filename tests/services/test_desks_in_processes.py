"""Several desks (processes) on one vault: they never hand out the same tracking number, and a desk sees at its next
accept the norm another desk's process changed (the read cache of ADR 0022 is dropped by their commit)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from securemail.domain.enums import Scope, ServiceClass
from securemail.services import items

DESK = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from securemail.services import items, norms
    from securemail.services.session import open_session
    vault, user, password, action = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    with open_session(vault, user, password) as s:
        if action == "norm":
            norms.set_norm(s, "hoa-toc", "noi-tinh", working_days_tenths=20, source="Quyết định của Cục BĐTW")
            print(json.dumps([]))
        else:
            base = {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat", "service": "thuong",
                    "scope": "noi-tinh"}
            print(json.dumps([items.accept_item(s, base) for _ in range(int(action))]))
""")


def _desk(vault: Path, user: str, password: str, action: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.Popen([sys.executable, "-c", DESK, str(vault), user, password, action], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _done(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    result: list[str] = json.loads(out)
    return result


def _hoa_toc(session) -> int | None:  # type: ignore[no-untyped-def]
    return next(n.working_days_tenths for n in items.load_norms(session)
                if n.service is ServiceClass.HOA_TOC and n.scope is Scope.NOI_TINH)


def test_desks_in_other_processes_never_share_a_number_and_their_norm_is_seen(vault, kit) -> None:  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    before = _hoa_toc(clerk)                          # remembered by this session
    desks = [_desk(vault.path, "clerk2", kit.PASSWORDS["clerk2"], "12"),
             _desk(vault.path, "clerk1", kit.PASSWORDS["clerk1"], "12")]
    here = [vault.accept(clerk) for _ in range(12)]
    numbers = here + [t for d in desks for t in _done(d)]
    assert len(numbers) == len(set(numbers)) == 36
    assert clerk.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 36
    assert _hoa_toc(clerk) == before != 20
    _done(_desk(vault.path, "admin", kit.PASSWORDS["admin"], "norm"))
    assert _hoa_toc(clerk) == 20                      # another process committed: read again
