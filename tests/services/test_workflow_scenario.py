"""The mail workflow through the services: accept, bag, dispatch, open at arrival, deliver, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from securemail.clock import ICT, parse_iso
from securemail.custody import kinds as K
from securemail.domain.tracking import make_tracking
from securemail.errors import (
    AuthenticationError,
    BadInputError,
    NotFoundError,
    PermissionDeniedError,
    StateError,
)
from securemail.services import bags, incidents, items, norms, transfers
from securemail.services.items import ExternalPerson


def _status(session, tracking: str) -> str:
    return items.item_row(session, tracking).status


def _is_subsequence(wanted: list[str], kinds: list[str]) -> bool:
    it = iter(kinds)
    return all(k in it for k in wanted)


@pytest.fixture
def desk(vault):
    """Open sessions for the people at the counter."""
    class Desk:
        clerk1 = vault.open("clerk1")
        clerk2 = vault.open("clerk2")
        courier1 = vault.open("courier1")
        auditor = vault.open("auditor1")
        admin = vault.open("admin")
    return Desk


def _bag_to_courier(vault, clerk, trackings: list[str], courier: str = "courier1") -> str:
    bag = bags.create_bag(clerk, "REC")
    bags.add_to_bag(clerk, bag, trackings)
    bags.close_bag(clerk, bag, "NP-2025-001")
    signer, user = vault.cosign(clerk, courier)
    bags.dispatch_bag(clerk, bag, signer, user)
    return bag


# ---- the whole chain --------------------------------------------------------------------------------------

def test_full_chain_through_a_bag(vault, desk):
    clerk1, clerk2, courier1 = desk.clerk1, desk.clerk2, desk.courier1
    t1 = vault.accept(clerk1, service="hoa-toc", description="Công văn số 12")
    t2 = vault.accept(clerk1, secrecy="tuyet-mat", envelopes=2)
    assert _status(clerk1, t1) == "accepted"
    assert items.item_row(clerk1, t1).holder == "clerk1"

    bag = bags.create_bag(clerk1, "REC")
    assert bags.add_to_bag(clerk1, bag, [t1, t2]) == [t1, t2]
    assert _status(clerk1, t1) == "in-bag"
    closed = bags.close_bag(clerk1, bag, "NP-2025-001")
    assert closed.status == "closed"
    assert closed.seal == "NP-2025-001"
    assert list(closed.items) == sorted([t1, t2])

    signer, courier = vault.cosign(clerk1, "courier1")
    dispatched = bags.dispatch_bag(clerk1, bag, signer, courier)
    assert dispatched.status == "dispatched"
    assert dispatched.holder == "courier1"
    for t in (t1, t2):
        row = items.item_row(clerk1, t)
        assert (row.status, row.holder) == ("dispatched", "courier1")

    vault.clock.advance(timedelta(hours=2))
    giver, _ = vault.cosign(clerk2, "courier1")
    opening = bags.open_bag(clerk2, bag, [t1, t2], giver)
    assert (sorted(opening.found), opening.missing, opening.extra) == (sorted([t1, t2]), [], [])
    assert bags.get_bag(clerk2, bag).status == "opened"
    for t in (t1, t2):
        row = items.item_row(clerk2, t)
        assert (row.status, row.holder, row.bag, row.open_incidents) == ("arrived", "clerk2", None, 0)

    # t1: the clerk goes out and delivers; t2: handed to the courier, who delivers
    transfers.out_for_delivery(clerk2, t1)
    sec, sec_user = vault.cosign(clerk2, "sec1")
    transfers.deliver(clerk2, t1, to=sec, to_user=sec_user)
    c_signer, c_user = vault.cosign(clerk2, "courier1")
    transfers.handover(clerk2, [t2], c_signer, c_user)
    transfers.out_for_delivery(courier1, t2)
    sec, sec_user = vault.cosign(courier1, "sec1")
    transfers.deliver(courier1, t2, to=sec, to_user=sec_user)

    for t in (t1, t2):
        row = items.item_row(desk.auditor, t)
        assert row.status == "delivered"
        assert row.holder is None
        assert row.delivered_to == "sec1"
        assert parse_iso(row.delivered_at) == vault.clock.now()
        timeline = items.timeline(desk.auditor, t)
        assert timeline, t
        assert all(e.signature_ok is True for e in timeline), timeline
        kinds = [e.kind for e in timeline]
        assert _is_subsequence([K.ITEM_ACCEPTED, K.ITEM_BAGGED, K.BAG_CLOSED, K.BAG_DISPATCHED, K.BAG_OPENED,
                                K.ITEM_OUT_FOR_DELIVERY, K.ITEM_DELIVERED], kinds), kinds
        assert [e.seq for e in timeline] == sorted(e.seq for e in timeline)
        delivered = timeline[-1]
        assert (delivered.kind, delivered.cosigner, delivered.data["to"]) == (K.ITEM_DELIVERED, "sec1",
                                                                                     "sec1")
    t2_kinds = [e.kind for e in items.timeline(desk.auditor, t2)]
    assert K.ITEM_HANDED_OVER in t2_kinds
    dispatched_event = next(e for e in items.timeline(desk.auditor, t1) if e.kind == K.BAG_DISPATCHED)
    assert (dispatched_event.actor, dispatched_event.cosigner) == ("clerk1", "courier1")


def test_direct_delivery_at_the_counter_and_external_person(vault, desk):
    t = vault.accept(desk.clerk1)
    transfers.deliver(desk.clerk1, t, person=ExternalPerson("Ông Nguyễn Văn Nhận", "001099012345", None))
    row = items.item_row(desk.clerk1, t)
    assert (row.status, row.delivered_to) == ("delivered", "Ông Nguyễn Văn Nhận")
    assert all(e.signature_ok for e in items.timeline(desk.clerk1, t))


def test_secretary_sees_only_own_agency_items(vault, desk):
    t = vault.accept(desk.clerk1)
    t_other = vault.accept(desk.clerk1, sender_agency="OTH", recipient_agency="OTH")
    sec1 = vault.open("sec1")
    sec3 = vault.open("sec3")  # secretary of the sender agency
    assert items.item_row(sec1, t).tracking == t
    assert items.item_row(sec3, t).tracking == t
    with pytest.raises(PermissionDeniedError):
        items.item_row(sec1, t_other)
    assert {r.tracking for r in items.search_items(sec1)} == {t}


# ---- opening a bag against its manifest -------------------------------------------------------------------

def test_open_bag_with_missing_and_extra_items_flags_incidents(vault, desk):
    clerk1, clerk2 = desk.clerk1, desk.clerk2
    t1, t2 = vault.accept(clerk1), vault.accept(clerk1)
    stray = vault.accept(clerk1, recipient_agency="OTH")
    bag = _bag_to_courier(vault, clerk1, [t1, t2])
    giver, _ = vault.cosign(clerk2, "courier1")
    opening = bags.open_bag(clerk2, bag, [t1, stray], giver)
    assert opening.found == [t1]
    assert opening.missing == [t2]
    assert opening.extra == [stray]

    rows = {t: items.item_row(clerk2, t) for t in (t1, t2, stray)}
    assert (rows[t1].status, rows[t1].open_incidents) == ("arrived", 0)
    assert (rows[t2].status, rows[t2].holder, rows[t2].open_incidents) == ("dispatched", "courier1", 1)
    assert rows[stray].open_incidents == 1
    open_list = incidents.list_incidents(desk.auditor)
    kinds = {r.tracking: r.kind for r in open_list}
    assert kinds == {t2: "lost", stray: "misrouted"}

    # the flag stays until an auditor closes the incident; nobody else may close it
    lost_id = next(r.id for r in open_list if r.tracking == t2)
    for other in (clerk2, desk.courier1, desk.admin):
        before = vault.snapshot(clerk2, t2)
        with pytest.raises(PermissionDeniedError):
            incidents.close_incident(other, lost_id, "đã tìm thấy")
        assert vault.snapshot(clerk2, t2) == before
    incidents.close_incident(desk.auditor, lost_id, "Đã tìm thấy trong túi khác")
    assert items.item_row(clerk2, t2).open_incidents == 0
    assert [r.tracking for r in incidents.list_incidents(desk.auditor)] == [stray]
    with pytest.raises(StateError):
        incidents.close_incident(desk.auditor, lost_id, "lần nữa")
    with pytest.raises(NotFoundError):
        incidents.close_incident(desk.auditor, 999_999, "không có")


def test_open_bag_needs_the_holder_to_cosign(vault, desk):
    t = vault.accept(desk.clerk1)
    bag = _bag_to_courier(vault, desk.clerk1, [t])
    before = vault.snapshot(desk.clerk2, t)
    # who holds the bag is its state: refusing a non-holder is exit 5, like any move in the wrong state
    with pytest.raises(StateError):
        bags.open_bag(desk.clerk2, bag, [t], None)
    wrong, _ = vault.cosign(desk.clerk2, "courier2")
    with pytest.raises(StateError):
        bags.open_bag(desk.clerk2, bag, [t], wrong)
    assert vault.snapshot(desk.clerk2, t) == before


def test_incident_flags_item_until_closed(vault, desk):
    t = vault.accept(desk.clerk1)
    iid = incidents.report_incident(desk.clerk1, t, "seal-broken", "Niêm phong bị rách")
    assert items.item_row(desk.clerk1, t).open_incidents == 1
    iid2 = incidents.report_incident(vault.open("sec1"), t, "damaged", "Bì bị ướt")
    assert items.item_row(desk.clerk1, t).open_incidents == 2
    assert _status(desk.clerk1, t) == "accepted"  # an incident keeps the status
    incidents.close_incident(desk.auditor, iid, "Đã lập biên bản")
    assert items.item_row(desk.clerk1, t).open_incidents == 1
    incidents.close_incident(desk.auditor, iid2, "Đã lập biên bản")
    assert items.item_row(desk.clerk1, t).open_incidents == 0
    with pytest.raises(BadInputError) as err:
        incidents.report_incident(desk.clerk1, t, "exploded", "x")
    assert err.value.field == "kind"
    with pytest.raises(BadInputError) as err:
        incidents.report_incident(desk.clerk1, t, "damaged", "   ")
    assert err.value.field == "description"


# ---- named recipient, leadership delegate ----------------------------------------------------------------

def _named(vault, clerk, urgency: str = "none", service: str = "thuong") -> str:
    return vault.accept(clerk, service=service, urgency=urgency, named_recipient="Nguyễn Thị Lan", named_only=True)


def test_named_only_item_delivered_only_to_the_named_person(vault, desk):
    t = _named(vault, desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    other, other_user = vault.cosign(desk.clerk1, "sec2")  # same agency, another person
    with pytest.raises(PermissionDeniedError) as err:
        transfers.deliver(desk.clerk1, t, to=other, to_user=other_user)
    assert err.value.key == "perm.named_only"
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, t, to=other, to_user=other_user, as_delegate=True)
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, t, person=ExternalPerson("Nguyễn Thị Lanh", None, None))
    assert vault.snapshot(desk.clerk1, t) == before
    named, named_user = vault.cosign(desk.clerk1, "sec1")
    assert named_user.full_name == "Nguyễn Thị Lan"
    transfers.deliver(desk.clerk1, t, to=named, to_user=named_user)
    assert _status(desk.clerk1, t) == "delivered"


def test_named_only_matches_name_regardless_of_case_spacing_and_normal_form(vault, desk):
    import unicodedata

    t = _named(vault, desk.clerk1)
    person = ExternalPerson(unicodedata.normalize("NFD", "  nguyễn  THỊ lan "), "012345678901", None)
    transfers.deliver(desk.clerk1, t, person=person)
    assert _status(desk.clerk1, t) == "delivered"


def test_leadership_delegate_only_for_hoa_toc_with_setting(vault, desk):
    """The delegate rule (NĐ 26/2020) follows the document's urgency mark Hỏa tốc, not the KT1 service class."""
    hoa_toc = _named(vault, desk.clerk1, "hoa-toc")
    thuong = _named(vault, desk.clerk1)
    delegate, delegate_user = vault.cosign(desk.clerk1, "sec2")

    # setting not set: refused
    before = vault.snapshot(desk.clerk1, hoa_toc)
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, hoa_toc, to=delegate, to_user=delegate_user, as_delegate=True)
    assert vault.snapshot(desk.clerk1, hoa_toc) == before

    norms.set_setting(desk.admin, "hoa_toc_leader_delegate", "1")
    assert desk.clerk1.setting("hoa_toc_leader_delegate") == "1"
    # set, but not hỏa tốc: refused; hỏa tốc without claiming delegation: refused
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, thuong, to=delegate, to_user=delegate_user, as_delegate=True)
    # the KT1 service class Hỏa tốc is not the document's mark: refused, saying so
    service_only = _named(vault, desk.clerk1, "none", service="hoa-toc")
    with pytest.raises(PermissionDeniedError) as refused:
        transfers.deliver(desk.clerk1, service_only, to=delegate, to_user=delegate_user, as_delegate=True)
    assert refused.value.key == "perm.delegate_needs_hoa_toc"
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, hoa_toc, to=delegate, to_user=delegate_user, as_delegate=False)
    # set, hỏa tốc, as delegate: allowed and recorded
    transfers.deliver(desk.clerk1, hoa_toc, to=delegate, to_user=delegate_user, as_delegate=True)
    last = items.timeline(desk.clerk1, hoa_toc)[-1]
    assert (last.kind, last.data["as_delegate"], last.cosigner) == (K.ITEM_DELIVERED, True, "sec2")

    # switched off again: refused again
    norms.set_setting(desk.admin, "hoa_toc_leader_delegate", "0")
    hoa_toc2 = _named(vault, desk.clerk1, "hoa-toc")
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, hoa_toc2, to=delegate, to_user=delegate_user, as_delegate=True)


def test_setting_values_are_checked(desk):
    with pytest.raises(BadInputError):
        norms.set_setting(desk.admin, "hoa_toc_leader_delegate", "yes")
    with pytest.raises(BadInputError):
        norms.set_setting(desk.admin, "unknown_setting", "1")


# ---- failed delivery, return, forward ----------------------------------------------------------------------

def test_failed_delivery_requires_a_reason(vault, desk):
    t = vault.accept(desk.clerk1)
    transfers.out_for_delivery(desk.clerk1, t)
    before = vault.snapshot(desk.clerk1, t)
    for reason in ("", "   ", "\n\t "):
        with pytest.raises(BadInputError) as err:
            transfers.fail(desk.clerk1, t, reason)
        assert err.value.field == "reason"
    assert vault.snapshot(desk.clerk1, t) == before
    transfers.fail(desk.clerk1, t, "Cơ quan đóng cửa")
    assert _status(desk.clerk1, t) == "delivery-failed"
    assert items.timeline(desk.clerk1, t)[-1].data["reason"] == "Cơ quan đóng cửa"
    # a second attempt may follow
    sec, sec_user = vault.cosign(desk.clerk1, "sec1")
    transfers.deliver(desk.clerk1, t, to=sec, to_user=sec_user)
    assert _status(desk.clerk1, t) == "delivered"


def test_return_records_the_destination(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    with pytest.raises(BadInputError) as err:
        transfers.return_to_sender(desk.clerk1, t, "")
    assert err.value.field == "reason"
    assert vault.snapshot(desk.clerk1, t) == before
    transfers.return_to_sender(desk.clerk1, t, "Sai địa chỉ")
    row = items.item_row(desk.clerk1, t)
    assert (row.status, row.destination) == ("returned", "SND")
    last = items.timeline(desk.clerk1, t)[-1]
    assert (last.kind, last.data["destination"], last.data["reason"]) == (K.ITEM_RETURNED, "SND",
                                                                                 "Sai địa chỉ")
    t2 = vault.accept(desk.clerk1)
    transfers.return_to_sender(desk.clerk1, t2, "Theo yêu cầu", destination="oth")
    assert items.item_row(desk.clerk1, t2).destination == "OTH"


def test_forward_records_the_destination(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    with pytest.raises(BadInputError) as err:
        transfers.forward(desk.clerk1, t, "bad code!")
    assert err.value.field == "destination"
    assert vault.snapshot(desk.clerk1, t) == before
    transfers.forward(desk.clerk1, t, "oth", "Cơ quan đã chuyển trụ sở")
    row = items.item_row(desk.clerk1, t)
    assert (row.status, row.destination) == ("forwarded", "OTH")
    last = items.timeline(desk.clerk1, t)[-1]
    assert (last.kind, last.data["destination"]) == (K.ITEM_FORWARDED, "OTH")


# ---- acceptance checks -------------------------------------------------------------------------------------

def test_tuyet_mat_with_description_refused_naming_the_field(vault, desk):
    before = vault.snapshot(desk.clerk1)
    with pytest.raises(BadInputError) as err:
        vault.accept(desk.clerk1, secrecy="tuyet-mat", envelopes=2, description="Về việc bổ nhiệm")
    assert err.value.field == "description"
    assert err.value.key == "input.forbidden_for_tuyet_mat"
    assert err.value.exit_code == 2
    assert "Trích yếu" in err.value.message("vi")
    assert "Description" in err.value.message("en")
    assert vault.snapshot(desk.clerk1) == before


def test_scanned_tracking_with_bad_check_digit_refused(vault, desk):
    good = make_tracking(12345678)
    bad = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]
    before = vault.snapshot(desk.clerk1)
    with pytest.raises(BadInputError) as err:
        vault.accept(desk.clerk1, tracking=bad)
    assert err.value.field == "tracking"
    assert err.value.key == "input.bad_check_digit"
    assert vault.snapshot(desk.clerk1) == before
    # the same label typed with spaces and in lower case is accepted and normalised
    spaced = f"{good[:2].lower()} {good[2:6]} {good[6:10]}-{good[10]} {good[11:]}"
    assert vault.accept(desk.clerk1, tracking=spaced) == good


def test_duplicate_tracking_refused(vault, desk):
    t = vault.accept(desk.clerk1, tracking=make_tracking(55555555))
    before = vault.snapshot(desk.clerk1, t)
    with pytest.raises(BadInputError) as err:
        vault.accept(desk.clerk1, tracking=make_tracking(55555555))
    assert err.value.key == "input.duplicate_tracking"
    assert err.value.field == "tracking"
    assert vault.snapshot(desk.clerk1, t) == before


def test_generated_tracking_numbers_are_valid_and_unique(vault, desk):
    taken = vault.accept(desk.clerk1, tracking=make_tracking(2))
    generated = [vault.accept(desk.clerk1) for _ in range(3)]
    assert taken not in generated
    assert len(set(generated)) == 3
    for t in generated:
        assert items.normalise_tracking(t) == t


def test_unknown_agency_refused(vault, desk):
    with pytest.raises(BadInputError) as err:
        vault.accept(desk.clerk1, recipient_agency="NOPE")
    assert err.value.field == "recipient_agency"


# ---- refused actions leave the ledger unchanged -----------------------------------------------------------

def test_deliver_twice_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    sec, sec_user = vault.cosign(desk.clerk1, "sec1")
    transfers.deliver(desk.clerk1, t, to=sec, to_user=sec_user)
    before = vault.snapshot(desk.clerk1, t)
    sec, sec_user = vault.cosign(desk.clerk1, "sec1")
    with pytest.raises(StateError) as err:
        transfers.deliver(desk.clerk1, t, to=sec, to_user=sec_user)
    assert err.value.exit_code == 5
    assert vault.snapshot(desk.clerk1, t) == before


def test_deliver_by_someone_not_holding_it_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    for other in (desk.clerk2, desk.courier1):
        sec, sec_user = vault.cosign(other, "sec1")
        with pytest.raises(StateError) as err:
            transfers.deliver(other, t, to=sec, to_user=sec_user)
        assert err.value.key == "perm.not_holder"
        assert err.value.exit_code == 5
    with pytest.raises(StateError):
        transfers.handover(desk.clerk2, [t], *vault.cosign(desk.clerk2, "courier1"))
    with pytest.raises(StateError):
        transfers.out_for_delivery(desk.courier1, t)
    assert vault.snapshot(desk.clerk1, t) == before


def test_deliver_by_wrong_role_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    for who in (desk.auditor, desk.admin, vault.open("sec2")):
        sec, sec_user = vault.cosign(who, "sec1")
        with pytest.raises(PermissionDeniedError) as err:
            transfers.deliver(who, t, to=sec, to_user=sec_user)
        assert err.value.key == "perm.denied"
    assert vault.snapshot(desk.clerk1, t) == before


def test_receipt_confirmed_by_wrong_person_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    for who in ("sec3", "courier1", "auditor1", "clerk2"):  # secretary of another agency; not secretaries
        # refused at the co-signing step (a role that never takes custody) or at delivery (wrong agency / role)
        with pytest.raises(PermissionDeniedError):
            signer, user = vault.cosign(desk.clerk1, who)
            transfers.deliver(desk.clerk1, t, to=signer, to_user=user)
    assert vault.snapshot(desk.clerk1, t) == before


def test_wrong_cosigner_password_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    with pytest.raises(AuthenticationError) as err:
        vault.cosign(desk.clerk1, "sec1", "not-the-password")
    assert err.value.key == "auth.cosign_failed"
    with pytest.raises(AuthenticationError):
        vault.cosign(desk.clerk1, "courier1", "not-the-password")
    with pytest.raises(BadInputError):
        vault.cosign(desk.clerk1, "clerk1")  # nobody co-signs for themselves
    assert vault.snapshot(desk.clerk1, t) == before
    assert items.item_row(desk.clerk1, t).holder == "clerk1"


def test_named_only_confirmed_by_someone_else_refused(vault, desk):
    t = _named(vault, desk.clerk1, "hoa-toc")
    before = vault.snapshot(desk.clerk1, t)
    other, other_user = vault.cosign(desk.clerk1, "sec2")
    with pytest.raises(PermissionDeniedError):
        transfers.deliver(desk.clerk1, t, to=other, to_user=other_user)
    assert vault.snapshot(desk.clerk1, t) == before


def test_bagging_a_delivered_item_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    sec, sec_user = vault.cosign(desk.clerk1, "sec1")
    transfers.deliver(desk.clerk1, t, to=sec, to_user=sec_user)
    bag = bags.create_bag(desk.clerk1, "REC")
    before = vault.snapshot(desk.clerk1, t)
    with pytest.raises(StateError):
        bags.add_to_bag(desk.clerk1, bag, [t])
    assert vault.snapshot(desk.clerk1, t) == before


def test_bag_refusals_leave_ledger_unchanged(vault, desk):
    t1, t2 = vault.accept(desk.clerk1), vault.accept(desk.clerk1)
    bag = bags.create_bag(desk.clerk1, "REC")
    bags.add_to_bag(desk.clerk1, bag, [t1])
    before = vault.snapshot(desk.clerk1, t2)
    # one bad item makes the whole add fail
    with pytest.raises(NotFoundError):
        bags.add_to_bag(desk.clerk1, bag, [t2, make_tracking(99999999)])
    # dispatching an open bag, to a non-courier, by a non-holder
    signer, user = vault.cosign(desk.clerk1, "courier1")
    with pytest.raises(StateError):
        bags.dispatch_bag(desk.clerk1, bag, signer, user)
    assert vault.snapshot(desk.clerk1, t2) == before
    bags.close_bag(desk.clerk1, bag, "NP-1")
    before = vault.snapshot(desk.clerk1, t2)
    with pytest.raises(StateError):
        bags.add_to_bag(desk.clerk1, bag, [t2])
    with pytest.raises(StateError):
        bags.close_bag(desk.clerk1, bag, "NP-2")
    signer, user = vault.cosign(desk.clerk1, "sec1")
    with pytest.raises(PermissionDeniedError):
        bags.dispatch_bag(desk.clerk1, bag, signer, user)
    signer, user = vault.cosign(desk.clerk2, "courier1")
    with pytest.raises(StateError):  # clerk2 does not hold the bag
        bags.dispatch_bag(desk.clerk2, bag, signer, user)
    assert vault.snapshot(desk.clerk1, t2) == before
    with pytest.raises(BadInputError):
        bags.close_bag(desk.clerk1, bags.create_bag(desk.clerk1, "REC"), "   ")


def test_handover_to_a_role_that_cannot_take_custody_refused(vault, desk):
    t = vault.accept(desk.clerk1)
    before = vault.snapshot(desk.clerk1, t)
    for who in ("sec1", "auditor1", "admin"):
        with pytest.raises(PermissionDeniedError):
            signer, user = vault.cosign(desk.clerk1, who)
            transfers.handover(desk.clerk1, [t], signer, user)
    assert vault.snapshot(desk.clerk1, t) == before


# ---- due times and overdue --------------------------------------------------------------------------------

MONDAY_0800 = datetime(2025, 3, 3, 8, 0, tzinfo=ICT)


@pytest.mark.parametrize(("accepted", "service", "scope", "due"), [
    # TT 16/2017 "J + n": n working days from the acceptance date (J = Monday 03/03/2025)
    (MONDAY_0800, "hoa-toc", "noi-tinh", datetime(2025, 3, 4, 17, 0, tzinfo=ICT)),     # J+1: Tuesday's close
    (MONDAY_0800, "thuong", "noi-tinh", datetime(2025, 3, 5, 11, 30, tzinfo=ICT)),     # J+1,5: midday Wednesday
    (MONDAY_0800, "hoa-toc", "lien-tinh", datetime(2025, 3, 6, 11, 30, tzinfo=ICT)),   # J+2,5: midday Thursday
    (MONDAY_0800, "thuong", "lien-tinh", datetime(2025, 3, 7, 11, 30, tzinfo=ICT)),    # J+3,5: midday Friday
    (datetime(2025, 3, 7, 16, 0, tzinfo=ICT), "hoa-toc", "noi-tinh",                    # Friday, over the weekend
     datetime(2025, 3, 10, 17, 0, tzinfo=ICT)),
    (datetime(2025, 3, 8, 10, 0, tzinfo=ICT), "hoa-toc", "noi-tinh",                    # Saturday: J+1 Monday
     datetime(2025, 3, 10, 17, 0, tzinfo=ICT)),
    (datetime(2025, 3, 3, 12, 0, tzinfo=ICT), "hoa-toc", "noi-tinh",                    # the hour does not count
     datetime(2025, 3, 4, 17, 0, tzinfo=ICT)),
])
def test_due_times(vault, accepted, service, scope, due):
    vault.clock.set(accepted)
    clerk = vault.open("clerk1")
    t = vault.accept(clerk, service=service, scope=scope)
    row = items.item_row(clerk, t)
    assert parse_iso(row.due_at) == due
    assert parse_iso(row.accepted_at) == accepted


def test_hen_gio_due_at_the_appointed_time(vault):
    clerk = vault.open("clerk1")
    appointed = datetime(2025, 3, 5, 9, 30, tzinfo=ICT)
    t = vault.accept(clerk, service="hen-gio", appointed_at=appointed.isoformat())
    assert parse_iso(items.item_row(clerk, t).due_at) == appointed
    with pytest.raises(BadInputError) as err:
        vault.accept(clerk, service="hen-gio", appointed_at=(MONDAY_0800 + timedelta(hours=1)).isoformat())
    assert err.value.field == "appointed_at"


def test_edited_norm_changes_new_due_times(vault):
    admin = vault.open("admin")
    norms.set_norm(admin, "hoa-toc", "noi-tinh", working_days_tenths=5, source="Quyết định số 1/QĐ-BĐ")
    clerk = vault.open("clerk1")
    t = vault.accept(clerk, service="hoa-toc")
    assert parse_iso(items.item_row(clerk, t).due_at) == datetime(2025, 3, 4, 11, 30, tzinfo=ICT)  # J + 0,5
    listed = {(n.service.value, n.scope.value): n for n in norms.list_norms(clerk)}
    assert listed[("hoa-toc", "noi-tinh")].source == "Quyết định số 1/QĐ-BĐ"
    assert listed[("hoa-toc", "noi-tinh")].is_default is False
    assert listed[("thuong", "noi-tinh")].is_default is True


def test_overdue_listing_follows_the_clock(vault):
    vault.clock.set(MONDAY_0800)
    clerk = vault.open("clerk1")
    urgent = vault.accept(clerk, service="hoa-toc")            # due Tue 17:00
    ordinary = vault.accept(clerk, service="thuong")           # due Wed 11:30
    done = vault.accept(clerk, service="hoa-toc")
    sec, sec_user = vault.cosign(clerk, "sec1")
    transfers.deliver(clerk, done, to=sec, to_user=sec_user)

    def overdue() -> set[str]:
        return {r.tracking for r in norms.overdue_items(clerk)}

    assert overdue() == set()
    vault.clock.set(datetime(2025, 3, 4, 17, 0, tzinfo=ICT))
    assert overdue() == set()  # exactly at the due time is still on time
    vault.clock.advance(timedelta(minutes=1))
    assert overdue() == {urgent}
    vault.clock.set(datetime(2025, 3, 5, 11, 31, tzinfo=ICT))
    assert overdue() == {urgent, ordinary}
    assert items.is_overdue_row(items.item_row(clerk, urgent), vault.clock.now())
    assert not items.is_overdue_row(items.item_row(clerk, done), vault.clock.now())


def test_overdue_listing_does_not_depend_on_the_offset_of_now(vault):
    vault.clock.set(MONDAY_0800)
    clerk = vault.open("clerk1")
    urgent = vault.accept(clerk, service="hoa-toc")
    later = datetime(2025, 3, 4, 18, 0, tzinfo=ICT)
    assert {r.tracking for r in norms.overdue_items(clerk, now=later)} == {urgent}
    in_utc = later.astimezone(UTC)
    assert in_utc == later
    assert {r.tracking for r in norms.overdue_items(clerk, now=in_utc)} == {urgent}


def test_count_items_matches_search_and_visibility(vault, desk):
    from securemail.services.items import count_items, search_items
    for _ in range(3):
        vault.accept(desk.clerk1)
    accepted = search_items(desk.clerk1, filters={"status": "accepted"})
    assert count_items(desk.clerk1, statuses=["accepted"]) == len(accepted)
    assert count_items(desk.clerk1, statuses=["delivered"]) == 0
    sec_view = vault.open("sec3")  # secretary of the sending agency SND sees its own items only
    assert count_items(sec_view, statuses=["accepted"]) == len(search_items(sec_view))


def test_holidays_set_by_an_admin_push_due_times(vault, desk):
    from datetime import datetime as _dt

    from securemail.clock import ICT as _ICT
    from securemail.services import norms as _norms
    from securemail.services.audit import verify_vault
    admin = vault.open("admin")
    vault.clock.set(_dt(2025, 9, 1, 8, 0, tzinfo=_ICT))  # Monday; 2 September (Quốc khánh) is the next day
    before = vault.accept(desk.clerk1, service="hoa-toc")
    with pytest.raises(PermissionDeniedError):
        _norms.set_holidays(desk.clerk1, 2025, ["2025-09-02"], "QĐ nghỉ lễ")
    with pytest.raises(BadInputError):
        _norms.set_holidays(admin, 2025, ["2026-01-01"], "QĐ nghỉ lễ")  # another year
    _norms.set_holidays(admin, 2025, ["2025-09-02", "2025-09-01"], "Bộ luật Lao động 2019, Điều 112")
    after = vault.accept(desk.clerk1, service="hoa-toc")
    from securemail.services.items import item_row
    # the open item accepted before the holidays were set gets the new due time; the old one stays visible
    assert item_row(desk.clerk1, before).due_at.startswith("2025-09-03T17:00")
    moved = [e for e in items.timeline(desk.clerk1, before) if "due_after" in e.data]
    assert [(e.kind, e.data["due_before"][:16], e.data["due_after"][:16]) for e in moved] == [
        ("holidays.set", "2025-09-02T17:00", "2025-09-03T17:00")]
    # 1 and 2 September off: J + 1 of Monday 1 September is Wednesday 3 September
    assert item_row(desk.clerk1, after).due_at.startswith("2025-09-03T17:00")
    assert verify_vault(admin, full=True)
