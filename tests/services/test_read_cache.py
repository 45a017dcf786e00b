"""The session's read cache (services/read_cache.py, ADR 0022): norms, calendar and agencies are read once, and
read again as soon as any commit can have changed them: another desk's (another connection), or this session's
own directory events; never served inside a transaction."""

from __future__ import annotations

from datetime import date

import pytest

from securemail.clock import parse_iso
from securemail.domain.enums import Scope, ServiceClass
from securemail.errors import BadInputError
from securemail.services import directory, items, norms, workdays


def _hoa_toc(session) -> int | None:  # type: ignore[no-untyped-def]
    return next(n.working_days_tenths for n in items.load_norms(session)
                if n.service is ServiceClass.HOA_TOC and n.scope is Scope.NOI_TINH)


def _counting(session):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def get() -> int:
        return session.cache.get("probe", lambda: calls.append(1) or len(calls))  # type: ignore[func-returns-value]
    return get, calls


def test_item_commits_keep_the_cache_another_desks_commit_clears_it(vault) -> None:  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    admin = vault.open("admin")
    get, calls = _counting(clerk)
    assert get() == get() == 1
    vault.accept(clerk)                     # its own item events change no norm, holiday, setting or agency
    assert get() == 1 and calls == [1]
    directory.add_agency(admin, "NEW", name="Sở Mới", province="Hà Nội")    # another connection commits
    assert get() == 2
    vault.accept(vault.open("clerk2"))      # any commit by another connection, even an item
    assert get() == 3


def test_own_directory_commit_clears_it_and_a_transaction_is_never_served(vault) -> None:  # type: ignore[no-untyped-def]
    admin = vault.open("admin")
    get, _ = _counting(admin)
    assert get() == 1
    directory.add_agency(admin, "NEW", name="Sở Mới", province="Hà Nội")
    assert get() == 2
    with admin.write():
        assert get() == 3 and get() == 4    # inside a transaction: read every time, remembered never
    assert get() == 2                       # what was remembered before it still holds (nothing appended)


def test_norm_changed_at_another_desk_is_used_by_the_next_accept(vault, kit) -> None:  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    admin = vault.open("admin")
    before = _hoa_toc(clerk)
    first = vault.accept(clerk, service="hoa-toc")          # due time from the norm as it was
    due_before = parse_iso(kit.item(clerk, first).due_at)  # (the norm.set below recomputes it)
    norms.set_norm(admin, "hoa-toc", "noi-tinh", working_days_tenths=20, source="Quyết định của Cục BĐTW")
    assert before != 20 and _hoa_toc(clerk) == 20
    second = vault.accept(clerk, service="hoa-toc")         # same clock: only the norm differs
    assert parse_iso(kit.item(clerk, second).due_at) > due_before
    norms.set_norm(admin, "hoa-toc", "noi-tinh", working_days_tenths=30, source="Quyết định của Cục BĐTW")
    assert _hoa_toc(admin) == 30            # the admin's own commit


def test_day_off_and_agency_added_at_another_desk(vault) -> None:  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    admin = vault.open("admin")
    assert items.load_calendar(clerk).is_working_day(date(2026, 1, 2))
    with pytest.raises(BadInputError) as refused:
        vault.accept(clerk, recipient_agency="NEW")
    assert refused.value.key == "notfound.agency"
    workdays.add_day(admin, "2026-01-02", "off", "Thông báo hoán đổi ngày làm việc dịp Tết Dương lịch 2026")
    directory.add_agency(admin, "NEW", name="Sở Mới", province="Hà Nội")
    assert not items.load_calendar(clerk).is_working_day(date(2026, 1, 2))
    assert vault.accept(clerk, recipient_agency="NEW")
