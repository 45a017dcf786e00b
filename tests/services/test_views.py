"""Search by any field, sorted keyset pages, totals, and each role's ready-made views, on a real vault."""

from __future__ import annotations

from datetime import timedelta

import pytest

from securemail.services import transfers, views
from securemail.services.views import ItemQuery, Sort, View


@pytest.fixture
def desk(vault):  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    made = {
        "a": vault.accept(clerk, doc_ref="15/BC-STP", seal_numbers="NP-0001",
                          sender_person="Nguyễn Thị Hồng Nhung"),
        "b": vault.accept(clerk, recipient_agency="OTH", doc_ref="7/CV-UBND", envelopes=3,
                          named_recipient="Đỗ Quang Minh"),
        "c": vault.accept(clerk, sender_agency="OTH", seal_numbers="NP-0777", service="hoa-toc"),
    }
    vault.clock.advance(timedelta(days=10))  # the three are overdue by now
    d = vault.accept(clerk, secrecy="none")
    made["d"] = d
    signer, courier = vault.cosign(clerk, "courier1")
    transfers.handover(clerk, [made["a"], made["b"]], signer, courier)
    return vault, clerk, made


def _trackings(page: views.Page) -> list[str]:
    return [r.tracking for r in page.rows]


def test_search_by_any_field(desk) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, made = desk
    find = lambda **kw: set(_trackings(views.search(clerk, ItemQuery(**kw))))  # noqa: E731
    assert find(tracking=made["c"][8:11]) == {made["c"]}          # part of the tracking number ("031")
    assert find(seal="np-0") == {made["a"], made["c"]}            # part of a seal, any case
    assert find(doc_ref="CV-UBND") == {made["b"]}
    assert find(person="Hồng Nhung") == {made["a"]}               # the messenger who handed it in
    assert find(person="NGUYỄN THỊ HỒNG") == {made["a"]}          # Vietnamese letters in any case (not ASCII only)
    assert find(person="nguyễn thị hồng") == {made["a"]}         # typed decomposed (NFD), lower case
    assert find(person="Quang Minh") == {made["b"]}               # the named recipient
    assert find(person="courier1") == {made["a"], made["b"]}      # the holder
    assert find(agency="OTH") == {made["b"], made["c"]}           # as sender or recipient
    assert find(seal="%") == set()                                # LIKE wildcards are literal
    assert find(date_from=desk[0].clock.now() - timedelta(hours=1)) == {made["d"]}


def test_sorted_keyset_pages_cover_everything_once(desk) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, made = desk
    for sort in Sort:
        for descending in (True, False):
            seen: list[str] = []
            after = None
            while True:
                page = views.search(clerk, ItemQuery(sort=sort, descending=descending), after=after, limit=1)
                seen += _trackings(page)
                if page.cursor is None:
                    break
                after = page.cursor
            assert sorted(seen) == sorted(made.values()), (sort, descending)
    by_tracking = _trackings(views.search(clerk, ItemQuery(sort=Sort.TRACKING, descending=False)))
    assert by_tracking == sorted(made.values())


def test_totals(desk) -> None:  # type: ignore[no-untyped-def]
    vault, clerk, _made = desk
    total = views.totals(clerk, ItemQuery(), vault.clock.now())
    assert total.items == 4 and total.envelopes == 3 + 1 + 1 + 1 and total.overdue == 3
    assert views.totals(clerk, ItemQuery(seal="NP"), vault.clock.now()).items == 2


def test_role_views(desk) -> None:  # type: ignore[no-untyped-def]
    vault, clerk, made = desk
    courier = vault.open("courier1")
    held = views.search(courier, views.view_query(courier, View.I_HOLD))
    assert set(_trackings(held)) == {made["a"], made["b"]}
    transfers.out_for_delivery(courier, made["a"])
    secretary = vault.open("sec1")  # REC: a, c, d are addressed to it; b goes to OTH
    on_its_way = views.search(secretary, views.view_query(secretary, View.ON_ITS_WAY))
    assert set(_trackings(on_its_way)) == {made["a"], made["c"], made["d"]}
    to_confirm = views.search(secretary, views.view_query(secretary, View.TO_CONFIRM))
    assert _trackings(to_confirm) == [made["a"]]
    everything = views.search(secretary, views.view_query(secretary, View.ALL, ItemQuery(agency="OTH")))
    assert made["b"] not in _trackings(everything)  # a secretary never sees another agency's items
    overdue = views.search(clerk, views.view_query(clerk, View.OVERDUE))
    assert set(_trackings(overdue)) == {made["a"], made["b"], made["c"]}
    assert views.views_for(courier.role)[0] is View.I_HOLD


def test_bad_text_names_the_field(desk) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, _made = desk
    with pytest.raises(Exception) as caught:
        views.search(clerk, ItemQuery(person="x" * 500))
    assert getattr(caught.value, "field", None) == "person"



def _all_pages(session, query: ItemQuery) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    after = None
    while True:
        page = views.search(session, query, after=after, limit=1)
        seen += _trackings(page)
        if page.cursor is None:
            return seen
        after = page.cursor


def test_one_agency_as_sender_or_recipient_pages_in_order_once(desk) -> None:  # type: ignore[no-untyped-def]
    # "sender or recipient is X" runs as two ordered scans merged (queries.items.page_sql): the pages are those of the
    # plain filter, in the same order, and an item sent by the agency to itself comes once.
    vault, clerk, made = desk
    made["e"] = vault.accept(clerk, sender_agency="REC")          # REC to REC
    secretary = vault.open("sec1")
    for sort in Sort:
        for descending in (True, False):
            query = ItemQuery(sort=sort, descending=descending)
            everything = _all_pages(clerk, query)
            mine = [t for t in everything if t in {made["a"], made["c"], made["d"], made["e"]}]
            assert _all_pages(secretary, query) == mine, (sort, descending)
            assert _all_pages(clerk, ItemQuery(agency="REC", sort=sort, descending=descending)) == mine
    assert set(_all_pages(clerk, ItemQuery(agency="OTH"))) == {made["b"], made["c"]}
    assert _all_pages(secretary, ItemQuery(agency="OTH")) == [made["c"]]   # both rules hold at once


def test_a_person_search_never_matches_across_two_names(desk) -> None:  # type: ignore[no-untyped-def]
    vault, clerk, _made = desk
    both = vault.accept(clerk, sender_person="Trần Văn Minh", named_recipient="Anh Thư")
    find = lambda person: set(_trackings(views.search(clerk, ItemQuery(person=person))))  # noqa: E731
    assert find("văn minh") == {both} and find("ANH THƯ") == {both}
    assert find("Minh Anh") == set() and find("minhanh") == set()
