"""The typed read models (services/queries, ADR 0019) stay in step with the tables they read, and print as the
CLI's JSON always did: every column, in the table's order."""

from __future__ import annotations

from dataclasses import fields

from securemail.services import bags, items
from securemail.services.queries.bags import BAG_COLUMNS, BagRecord
from securemail.services.queries.incidents import IncidentRecord
from securemail.services.queries.items import ItemRecord
from securemail.services.queries.timeline import Origin
from securemail.services.session import Session


def _columns(session: Session, table: str) -> list[str]:
    return [str(r[1]) for r in session.conn.execute(f"PRAGMA table_info({table})")]


def test_each_record_has_every_column_of_its_table_in_order(vault):
    """A migration that adds a column must add it to the record too, else `--json` would silently lose it."""
    s = vault.open("auditor1")
    assert [f.name for f in fields(ItemRecord)] == _columns(s, "items")
    assert list(BAG_COLUMNS) == _columns(s, "bags")
    assert [f.name for f in fields(IncidentRecord)] == _columns(s, "incidents")
    assert [f.name for f in fields(BagRecord)][:len(BAG_COLUMNS)] == list(BAG_COLUMNS)


def test_as_dict_is_the_row_as_select_star_gives_it(vault):
    clerk = vault.open("clerk1")
    tracking = vault.accept(clerk)
    cur = clerk.conn.execute("SELECT * FROM items WHERE tracking = ?", (tracking,))
    row = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    record = items.item_row(clerk, tracking)
    assert list(record.as_dict().items()) == list(row.items())
    assert record.flagged is False


def test_a_bag_prints_missing_and_extra_only_once_opened(vault):
    clerk = vault.open("clerk1")
    bag = bags.create_bag(clerk, "HN01")
    shown = bags.get_bag(clerk, bag)
    assert shown.missing is None and shown.extra is None
    assert set(shown.as_dict()) == {*BAG_COLUMNS, "items"} and shown.as_dict()["items"] == []


def test_origin_prints_as_before_for_this_vault_and_for_a_partner():
    assert Origin("GL01", "v" * 32, own=True).as_dict() == {"office": "GL01", "vault": "v" * 32, "own": True}
    partner = Origin("UB01", "w" * 32, own=False, name="Bàn văn thư", verified=False).as_dict()
    assert list(partner) == ["office", "vault", "name", "own", "verified"] and partner["verified"] is False
