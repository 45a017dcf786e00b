"""Plain verify's cost follows the new work (issue 15): the rows it compares for each touched item and bag are
found through an index, never by scanning a table that grows with the vault."""

from __future__ import annotations

import pytest

from securemail.custody.verify import incremental
from securemail.storage.database import open_memory
from securemail.storage.schema import migrate


@pytest.fixture(scope="module")
def conn():
    c = open_memory()
    migrate(c)
    yield c
    c.close()


def _plan(conn, sql: str, args: tuple) -> str:
    return " | ".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall())


@pytest.mark.parametrize("table", incremental._BY_TRACKING)
def test_the_rows_of_one_touched_item_are_found_through_an_index(conn, table):
    plan = _plan(conn, f'SELECT * FROM "{table}" WHERE tracking = ?', ("KT000000001VN",))
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan or "PRIMARY KEY" in plan, plan
    assert f"SCAN {table}" not in plan, plan


def test_the_row_of_one_touched_bag_is_found_through_its_key(conn):
    plan = _plan(conn, 'SELECT * FROM "bags" WHERE bag = ?', ("T20250102-001",))
    assert "SCAN bags" not in plan, plan
