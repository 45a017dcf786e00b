"""The demo vault: nothing dated in the future, the working calendar filled (statutory days recorded, the
2026 swaps), bags addressed to a post office and holding only items for its province; the ledger verifies."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from securemail.clock import ICT, FixedClock, parse_iso
from securemail.errors import BadInputError
from securemail.services import bags, workdays
from securemail.services.audit import verify_vault
from securemail.services.demo import DEMO_PASSWORD, create_demo
from securemail.services.session import open_session


@pytest.mark.slow
@pytest.mark.parametrize("now", [datetime(2026, 12, 2, 10, 0, tzinfo=ICT), datetime(2026, 1, 12, 9, 0, tzinfo=ICT)])
def test_demo_follows_the_law(tmp_path, monkeypatch, now):
    monkeypatch.delenv("SECUREMAIL_PASSWORD", raising=False)
    create_demo(tmp_path / "demo", 40, now=now)
    with open_session(tmp_path / "demo", "quantri", DEMO_PASSWORD, clock=FixedClock(now)) as admin:
        times = [parse_iso(r[0]) for r in admin.conn.execute("SELECT time FROM events")]
        assert max(times) <= now
        appointed = [parse_iso(r[0]) for r in admin.conn.execute(
            "SELECT appointed_at FROM items WHERE appointed_at IS NOT NULL")]
        assert all(a <= now for a in appointed)
        days = {d.day: d for d in workdays.list_days(admin)}
        assert days[date(now.year, 1, 1)].origin == "statutory"
        assert days[date(2026, 1, 2)].origin == "admin" and days[date(2026, 1, 10)].kind == "work"
        assert workdays.missing_years(admin, [now.year]) == []
        rows = admin.conn.execute("SELECT b.destination, b.province, a.province FROM bags b "
                                  "JOIN bag_items bi ON bi.bag = b.bag JOIN items i ON i.tracking = bi.tracking "
                                  "JOIN agencies a ON a.code = i.recipient_agency").fetchall()
        for destination, bag_province, agency_province in rows:
            assert destination == "HN01" and bag_province == agency_province == "Hà Nội"
        assert admin.conn.execute("SELECT suburban FROM agencies WHERE code = 'UBNDAK'").fetchone()[0] == 1
        assert verify_vault(admin, full=True)
    with open_session(tmp_path / "demo", "gdv1", DEMO_PASSWORD, clock=FixedClock(now)) as clerk:
        local = clerk.conn.execute("SELECT tracking FROM items WHERE recipient_agency = 'CAGL' "
                                   "AND status = 'accepted' LIMIT 1").fetchone()
        if local is not None:
            bag = bags.create_bag(clerk, "HN01", province="Hà Nội")
            with pytest.raises(BadInputError) as err:
                bags.add_to_bag(clerk, bag, [local[0]])
            assert err.value.key == "bag.wrong_destination"
