"""The bench harness works: at the tiny size it builds a real desk vault through the services, runs rows and prints
one table of ratios. No timing is asserted (the machine is noisy): only that every row measured something."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_tiny_bench_prints_one_table_of_ratios(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--size", "tiny", "--data", str(tmp_path / "data"),
         "--only", "verify_full", "search", "size", "register", "--json", str(out)],
        capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())
    rows = [r["row"] for r in results]
    assert any(r.startswith("full verify") for r in rows)
    assert any(r.startswith("list next page") for r in rows)
    assert any(r.startswith("register of 300 rows") for r in rows)
    assert any(r.startswith("vault bytes per delivered item") for r in rows)
    for r in results:
        assert r["ours"] > 0 and r["bare"] > 0 and r["share"] > 0, r
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(table) == len(results) + 2      # header, rule, one line per result
    assert "limit/ours" in table[0]


def test_cached_vault_verifies_and_holds_the_mix_of_work(tmp_path: Path) -> None:
    """The fast path writes real signed events: the built vault verifies in full and has every kind of work."""
    sys.path.insert(0, str(ROOT / "bench"))
    import workload

    from securemail.services.audit import verify_vault
    from securemail.services.session import open_session

    desk = workload.build(tmp_path / "v", min_events=500, items_per_day=120)
    assert desk.events() >= 500
    desk.close()
    with open_session(tmp_path / "v", workload.AUDITOR, workload.PASSWORD) as s:
        kinds = {r[0] for r in s.conn.execute("SELECT DISTINCT kind FROM events")}
        report = verify_vault(s, full=True)
    assert report, report.problems[:3]
    assert {"item.accepted", "item.handed_over", "item.delivered", "item.bagged"} <= kinds
