"""Power cuts (issue 14, item 5): the vault's files copied at random moments while another process writes.

A child process accepts items and puts some in a bag through the services, printing "ACK <tracking>" after each
action returns (the moment a person would see "done"). Meanwhile this process copies the vault folder's files
(state.json, keyslots.json, lockout.json, vault.db, vault.db-wal; the -shm index is left behind, as a reboot loses
it) at random moments, each copy a disk as a power cut would leave it, torn between files included. Each copy
then either refuses to open or verify (loud: rollback, damage, a problem reported), or opens and verifies clean
and holds every action acknowledged before its copy began. Never the third case: opens clean, an acknowledged
action silently missing.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from securemail.errors import UserFacingError
from securemail.services import directory
from securemail.services.audit import verify_vault
from securemail.services.session import open_session
from securemail.services.vault_init import init_vault

pytestmark = pytest.mark.slow

ADMIN_PW = "quản-trị-mất-điện-01"
CLERK_PW = "giao-dịch-mất-điện-02"
ACTIONS = int(os.environ.get("SECUREMAIL_POWER_ACTIONS", "60" if os.environ.get("SECUREMAIL_FAULT_FULL") else "4"))
FILES = ("state.json", "keyslots.json", "lockout.json", "vault.db", "vault.db-wal")

CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from securemail.services import bags, items
    from securemail.services.session import open_session
    vault, n = Path(sys.argv[1]), int(sys.argv[2])
    base = {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat", "service": "thuong",
            "scope": "noi-tinh"}
    with open_session(vault, "clerk1", os.environ["T_PW"]) as s:
        bag = bags.create_bag(s, "REC")
        for i in range(n):
            t = items.accept_item(s, {**base, "doc_ref": f"{i}/MD"})
            print("ACK", t, flush=True)
            if i % 3 == 2:
                bags.add_to_bag(s, bag, [t])
                print("ACK", t, flush=True)
""")


def _copy(vault: Path, target: Path) -> None:
    target.mkdir()
    for name in FILES:
        try:
            shutil.copyfile(vault / name, target / name)
        except FileNotFoundError:
            continue


def test_copies_taken_mid_transaction_never_open_clean_with_an_acknowledged_action_missing(tmp_path):
    vault = tmp_path / "vault"
    with init_vault(vault, office_code="HN01", office_name="Bưu điện Hà Nội", admin="admin", full_name="Quản Trị",
                    password=ADMIN_PW, kdf_profile="minimum") as s:
        for code in ("SND", "REC"):
            directory.add_agency(s, code, name=f"Cơ quan {code}")
        directory.add_user(s, "clerk1", role="clerk", full_name="Lê Văn Giao", password=CLERK_PW)
    acked: list[str] = []
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(vault), str(ACTIONS)],
                             env={**os.environ, "T_PW": CLERK_PW}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)

    def read_acks() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ACK "):
                acked.append(line.split()[1])

    reader = threading.Thread(target=read_acks, daemon=True)
    reader.start()
    rng = random.Random(2026)
    copies: list[tuple[Path, list[str]]] = []
    while child.poll() is None:
        seen = len(acked)
        before = list(acked)
        target = tmp_path / f"cut{len(copies):03d}"
        _copy(vault, target)
        copies.append((target, before))
        # the next copy: after the next acknowledgement (a state), plus a random part of a transaction
        deadline = time.monotonic() + 120
        while len(acked) == seen and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.03))
    assert child.wait(timeout=300) == 0, child.stderr.read() if child.stderr else ""
    reader.join(timeout=60)

    outcome = {"clean": 0, "loud": 0}
    for target, before in copies:
        try:
            with open_session(target, "admin", ADMIN_PW) as s:
                report = verify_vault(s, full=True)
                if report.problems:
                    outcome["loud"] += 1
                    continue
                present = {r[0] for r in s.conn.execute("SELECT tracking FROM items")}
                missing = [t for t in before if t not in present]
                assert not missing, f"{target.name} opens and verifies clean without acknowledged {missing}"
                outcome["clean"] += 1
        except UserFacingError:
            outcome["loud"] += 1
    print(outcome, "copies:", len(copies), "acknowledged:", len(acked))
    assert outcome["clean"] > 0       # the check above ran on real, clean copies
