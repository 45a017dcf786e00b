"""SIGKILL the schema 14 migration (ADR 0021) of copies of a schema-13 desk vault at given moments; after each kill
the copy is opened again (the migration runs or resumes) and verified in full. Not run by the bench or the tests
(it waits for fixed times); its output is quoted in ADR 0021.

    PYTHONPATH=. .venv/bin/python bench/migration_kills.py BENCH_DATA/desk-10000 0.6 1.5 2.45 2.9 ...
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workload

from securemail.services.audit import verify_vault
from securemail.services.session import open_session
from securemail.storage.database import open_database
from securemail.storage.schema import VACUUM_PENDING, schema_version
from securemail.storage.vault import VaultPaths, unlock

_OPEN = ("import sys; from securemail.storage import connect; "
         "connect(sys.argv[1], sys.argv[2], sys.argv[3]).close()")


def left(vault: Path) -> str:
    """What the kill left, read without migrating: schema, pages, whether the VACUUM is still owed."""
    _slots, _slot, unlocked = unlock(VaultPaths(vault), workload.AUDITOR, workload.PASSWORD)
    conn = open_database(VaultPaths(vault).db, unlocked.deks[0])
    try:
        pending = conn.execute("SELECT count(*) FROM meta WHERE key = ?", (VACUUM_PENDING,)).fetchone()[0]
        return (f"schema {schema_version(conn)}, {conn.execute('PRAGMA page_count').fetchone()[0]} pages, "
                f"vacuum pending {bool(pending)}")
    finally:
        conn.close()


def main(source: Path, delays: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for delay in delays:
            vault = Path(tmp) / "vault"
            shutil.rmtree(vault, ignore_errors=True)
            shutil.copytree(source, vault)
            child = subprocess.Popen([sys.executable, "-c", _OPEN, str(vault), workload.AUDITOR, workload.PASSWORD])
            time.sleep(delay)
            killed = child.poll() is None
            if killed:
                child.send_signal(signal.SIGKILL)
            child.wait()
            state = left(vault)
            with open_session(vault, workload.AUDITOR, workload.PASSWORD) as s:
                report = verify_vault(s, full=True)
                pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
                print(f"{'killed' if killed else 'done'} at {delay:.2f} s: {state}; reopened: schema "
                      f"{schema_version(s.conn)}, {pages} pages, verify --full "
                      f"{'clean' if report else report.problems[:2]}, root {report.root.hex()[:16]}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), [float(d) for d in sys.argv[2:]])
