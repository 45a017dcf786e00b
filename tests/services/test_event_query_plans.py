"""Reads of one item's or one bag's events go through the subject index. Without planner statistics SQLite may
pick the kind index for `subject = ? AND kind = ?`: a scan of every event of that kind (about 50 ms at 100,000
events for an item's timeline, ten times that at 1,000,000). Every such read the timeline, the bag view, the
registers, the exchange and the reports make is traced and its plan checked."""

from __future__ import annotations

import re

from securemail.services import bags, items, norms, registers, reports
from securemail.services.queries.bags import bags_of_item

SUBJECT_READ = re.compile(r"\bFROM events\b.*\bsubject\s*=", re.IGNORECASE | re.DOTALL)


def _bagged_and_opened(vault, clerk1, clerk2) -> tuple[str, str]:
    t = vault.accept(clerk1, service="thuong")
    bag = bags.create_bag(clerk1, "REC")
    bags.add_to_bag(clerk1, bag, [t])
    bags.close_bag(clerk1, bag, "NP-2025-009")
    signer, courier = vault.cosign(clerk1, "courier1")
    bags.dispatch_bag(clerk1, bag, signer, courier)
    giver, _ = vault.cosign(clerk2, "courier1")
    bags.open_bag(clerk2, bag, [t], giver)
    return t, bag


def test_every_read_of_one_subjects_events_uses_the_subject_index(vault) -> None:
    clerk1, clerk2, auditor = vault.open("clerk1"), vault.open("clerk2"), vault.open("auditor1")
    t, bag = _bagged_and_opened(vault, clerk1, clerk2)
    traced: list[str] = []
    auditor.conn.set_trace_callback(traced.append)
    try:
        items.timeline(auditor, t)
        bags.get_bag(auditor, bag)
        bags_of_item(auditor.conn, t)
        reports._bag_closed_at(auditor, bag)
        registers._first_time(auditor, t, ("item.handed_over", "item.delivered"))
        norms._noted(auditor, t)
    finally:
        auditor.conn.set_trace_callback(None)
    reads = [sql for sql in traced if SUBJECT_READ.search(sql) and sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) >= 6, traced
    for sql in reads:
        plan = " | ".join(str(r[3]) for r in auditor.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "events_subject" in plan, (sql, plan)
