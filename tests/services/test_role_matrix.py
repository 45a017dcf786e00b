"""Every role x every service action, against securemail.services.permissions.MATRIX.

For each pair the state is prepared so that the action would succeed for a user allowed to do it (the actor holds
the item, the bag is in the right state...). An allowed role must succeed; any other role must get
PermissionDeniedError (exit code 4) and leave the ledger exactly as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from securemail.clock import ICT
from securemail.domain.enums import Role
from securemail.errors import PermissionDeniedError
from securemail.services import audit_trail, bags, directory, incidents, items, norms, transfers
from securemail.services.permissions import MATRIX, Permission, allowed, require
from securemail.services.session import Session

ACTOR: dict[Role, str] = {
    Role.ADMIN: "admin",
    Role.CLERK: "clerk1",
    Role.COURIER: "courier1",
    Role.SECRETARY: "sec1",
    Role.AUDITOR: "auditor1",
}
HOLDERS = ("clerk1", "courier1")  # actors who can hold items; everyone else's items are held by clerk2

Call = Callable[[], object]


class World:
    """Sessions for the actors and the helpers who prepare state (clerk2 at the counter, courier2 on the road)."""

    def __init__(self, harness, kit) -> None:
        self.h = harness
        self.kit = kit
        users = (*ACTOR.values(), "clerk2", "courier2", "sec2")
        self.s: dict[str, Session] = {u: harness.open(u) for u in users}
        self.counter = itertools.count(1)

    def n(self) -> int:
        return next(self.counter)

    def cosign(self, session: Session, user: str):
        return self.h.cosign(session, user)

    def accept(self, who: str = "clerk2") -> str:
        return self.h.accept(self.s[who])

    def item_for(self, actor: str) -> str:
        """An accepted item held by `actor` when the actor can hold items, else by clerk2."""
        if actor == "clerk1":
            return self.accept("clerk1")
        t = self.accept("clerk2")
        if actor == "courier1":
            transfers.handover(self.s["clerk2"], [t], *self.cosign(self.s["clerk2"], "courier1"))
        return t

    def holder_session(self, actor: str) -> Session:
        return self.s[actor if actor in HOLDERS else "clerk2"]

    def bag_clerk(self, actor: str) -> str:
        return "clerk1" if actor == "clerk1" else "clerk2"

    def open_bag_with_item(self, actor: str) -> tuple[str, str]:
        clerk = self.s[self.bag_clerk(actor)]
        bag = bags.create_bag(clerk, "REC")
        t = self.h.accept(clerk)
        bags.add_to_bag(clerk, bag, [t])
        return bag, t

    def closed_bag(self, actor: str) -> tuple[str, str]:
        bag, t = self.open_bag_with_item(actor)
        bags.close_bag(self.s[self.bag_clerk(actor)], bag, f"NP-{self.n()}")
        return bag, t

    def bag_with_courier2(self) -> tuple[str, str]:
        bag, t = self.closed_bag("clerk2")
        clerk2 = self.s["clerk2"]
        bags.dispatch_bag(clerk2, bag, *self.cosign(clerk2, "courier2"))
        return bag, t

    def item_with_courier2(self) -> str:
        t = self.accept("clerk2")
        transfers.handover(self.s["clerk2"], [t], *self.cosign(self.s["clerk2"], "courier2"))
        return t


# ---- the actions: permission + a preparer that returns the call to make as the actor ---------------------

Prepare = Callable[[World, str, Session], Call]


def _accept(w: World, a: str, s: Session) -> Call:
    return lambda: items.accept_item(s, dict(w.kit.BASE_ITEM))


def _bag_create(w: World, a: str, s: Session) -> Call:
    return lambda: bags.create_bag(s, "REC")


def _bag_add(w: World, a: str, s: Session) -> Call:
    clerk = w.s[w.bag_clerk(a)]
    bag = bags.create_bag(clerk, "REC")
    t = w.h.accept(clerk)
    return lambda: bags.add_to_bag(s, bag, [t])


def _bag_remove(w: World, a: str, s: Session) -> Call:
    bag, t = w.open_bag_with_item(a)
    return lambda: bags.remove_from_bag(s, bag, t)


def _bag_close(w: World, a: str, s: Session) -> Call:
    bag, _t = w.open_bag_with_item(a)
    return lambda: bags.close_bag(s, bag, "NP-1")


def _bag_dispatch(w: World, a: str, s: Session) -> Call:
    bag, _t = w.closed_bag(a)
    signer, user = w.cosign(s, "courier2")
    return lambda: bags.dispatch_bag(s, bag, signer, user)


def _bag_open(w: World, a: str, s: Session) -> Call:
    bag, t = w.bag_with_courier2()
    giver, _ = w.cosign(s, "courier2")
    return lambda: bags.open_bag(s, bag, [t], giver)


def _handover(w: World, a: str, s: Session) -> Call:
    t = w.item_for(a)
    signer, user = w.cosign(s, "courier2")
    return lambda: transfers.handover(s, [t], signer, user)


def _arrive(w: World, a: str, s: Session) -> Call:
    t = w.item_with_courier2()
    giver, _ = w.cosign(s, "courier2")
    return lambda: transfers.arrive(s, [t], giver)


def _out(w: World, a: str, s: Session) -> Call:
    t = w.item_for(a)
    return lambda: transfers.out_for_delivery(s, t)


def _deliver(w: World, a: str, s: Session) -> Call:
    t = w.item_for(a)
    signer, user = w.cosign(s, "sec2")
    return lambda: transfers.deliver(s, t, to=signer, to_user=user)


def _fail(w: World, a: str, s: Session) -> Call:
    t = w.item_for(a)
    transfers.out_for_delivery(w.holder_session(a), t)
    return lambda: transfers.fail(s, t, "Cơ quan nghỉ lễ")


def _return(w: World, a: str, s: Session) -> Call:
    t = w.item_for(a)
    return lambda: transfers.return_to_sender(s, t, "Sai địa chỉ")


def _forward(w: World, a: str, s: Session) -> Call:
    t = w.item_for(a)
    return lambda: transfers.forward(s, t, "OTH", "Chuyển trụ sở")


def _incident_report(w: World, a: str, s: Session) -> Call:
    t = w.accept()
    return lambda: incidents.report_incident(s, t, "damaged", "Bì bị rách")


def _incident_close(w: World, a: str, s: Session) -> Call:
    t = w.accept()
    iid = incidents.report_incident(w.s["clerk2"], t, "seal-broken", "Niêm phong bị phá")
    return lambda: incidents.close_incident(s, iid, "Đã xác minh")


def _note(w: World, a: str, s: Session) -> Call:
    t = w.accept()
    return lambda: incidents.add_note(s, t, "Đính chính số trang")


def _incident_list(w: World, a: str, s: Session) -> Call:
    return lambda: incidents.list_incidents(s, open_only=False)


def _bag_list(w: World, a: str, s: Session) -> Call:
    return lambda: bags.list_bags(s)


def _user_add(w: World, a: str, s: Session) -> Call:
    name = f"new{w.n()}"
    return lambda: directory.add_user(s, name, role="courier", full_name="Người Mới", password="mật-khẩu-của-người-mới")


def _agency_add(w: World, a: str, s: Session) -> Call:
    code = f"AG{w.n()}"
    return lambda: directory.add_agency(s, code, name="Cơ quan Mới")


def _norm_set(w: World, a: str, s: Session) -> Call:
    return lambda: norms.set_norm(s, "thuong", "lien-tinh", working_days_tenths=35, source="TT 16/2017")


def _setting_set(w: World, a: str, s: Session) -> Call:
    return lambda: norms.set_setting(s, "hoa_toc_leader_delegate", "0")


def _on_time_rates(w: World, a: str, s: Session) -> Call:
    start = datetime(2025, 3, 1, tzinfo=ICT)
    return lambda: norms.on_time_rates(s, start, start + timedelta(days=30))


def _backup(w: World, a: str, s: Session) -> Call:
    import tempfile
    from pathlib import Path

    from securemail.services.backup import backup_vault
    return lambda: backup_vault(s, Path(tempfile.mkdtemp(prefix="sm-backup-")) / "bk")


ACTIONS: dict[str, tuple[Permission, Prepare]] = {
    "accept": (Permission.ACCEPT, _accept),
    "bag-create": (Permission.MANAGE_BAGS, _bag_create),
    "bag-add": (Permission.MANAGE_BAGS, _bag_add),
    "bag-remove": (Permission.MANAGE_BAGS, _bag_remove),
    "bag-close": (Permission.MANAGE_BAGS, _bag_close),
    "bag-dispatch": (Permission.MANAGE_BAGS, _bag_dispatch),
    "bag-open": (Permission.ARRIVE, _bag_open),
    "handover": (Permission.HANDOVER, _handover),
    "arrive": (Permission.ARRIVE, _arrive),
    "out-for-delivery": (Permission.OUT_FOR_DELIVERY, _out),
    "deliver": (Permission.DELIVER, _deliver),
    "fail": (Permission.FAIL, _fail),
    "return": (Permission.RETURN, _return),
    "forward": (Permission.FORWARD, _forward),
    "incident-report": (Permission.REPORT_INCIDENT, _incident_report),
    "incident-close": (Permission.CLOSE_INCIDENT, _incident_close),
    "note": (Permission.NOTE, _note),
    "incident-list": (Permission.VIEW_ALL, _incident_list),
    "bag-list": (Permission.VIEW_ALL, _bag_list),
    "user-add": (Permission.MANAGE_USERS, _user_add),
    "agency-add": (Permission.MANAGE_AGENCIES, _agency_add),
    "norm-set": (Permission.MANAGE_SETTINGS, _norm_set),
    "setting-set": (Permission.MANAGE_SETTINGS, _setting_set),
    "on-time-rates": (Permission.PRINT_REPORTS, _on_time_rates),
    "backup": (Permission.BACKUP, _backup),
    "audit-trail": (Permission.READ_AUDIT_TRAIL, lambda _w, _a, s: lambda: audit_trail.trail(s)),
    "record-lock": (Permission.RECORD_USE, lambda _w, _a, s: lambda: audit_trail.record_lock(s, "manual")),
}


# Actions that change keys or key slots: each pair gets its own vault.
def _reset(s: Session) -> Call:
    return lambda: directory.reset_password(s, "courier2", "mật-khẩu-đặt-lại-99")


def _revoke(s: Session) -> Call:
    return lambda: directory.revoke_user(s, "courier2")


def _rekey(s: Session) -> Call:
    return lambda: directory.rekey(s)


KEY_ACTIONS: dict[str, tuple[Permission, Callable[[Session], Call]]] = {
    "user-reset-password": (Permission.MANAGE_USERS, _reset),
    "user-revoke": (Permission.MANAGE_USERS, _revoke),
    "rekey": (Permission.MANAGE_USERS, _rekey),
}

# Permissions that no service in this package checks (enforced by audit/documents code or by role checks on
# the person taking custody; see test_who_may_take_custody).
NOT_SERVICE_ACTIONS = {Permission.VIEW_OWN_AGENCY, Permission.VERIFY, Permission.WITNESS, Permission.PRINT_RECEIPT,
                       Permission.EXPORT_CHECKPOINT, Permission.ACCEPT_COSIGN,
                       # need an agency desk holding an imported item: walked in tests/exchange/test_four_vaults.py
                       Permission.CONFIRM_RECEIPT, Permission.PASS_ON}


@pytest.fixture(scope="module")
def world(shared_vault, kit) -> World:
    return World(shared_vault, kit)


def _check(snapshot_session: Session, harness, role: Role, permission: Permission, call: Call) -> None:
    before = harness.snapshot(snapshot_session)
    if allowed(role, permission):
        call()
        return
    with pytest.raises(PermissionDeniedError) as err:
        call()
    assert err.value.exit_code == 4
    assert err.value.key == "perm.denied"
    assert harness.snapshot(snapshot_session) == before, "a refused action changed the ledger"


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_may_or_may_not(world, role, action):
    permission, prepare = ACTIONS[action]
    actor = ACTOR[role]
    session = world.s[actor]
    assert session.role is role
    call = prepare(world, actor, session)
    _check(world.s["auditor1"], world.h, role, permission, call)


@pytest.mark.parametrize("action", sorted(KEY_ACTIONS))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_may_or_may_not_change_keys(vault, role, action):
    permission, prepare = KEY_ACTIONS[action]
    session = vault.open(ACTOR[role])
    slots_before = (vault.path / "keyslots.json").read_bytes()
    dek_before = session.current_dek()
    _check(session, vault, role, permission, prepare(session))
    if not allowed(role, permission):
        assert (vault.path / "keyslots.json").read_bytes() == slots_before
        assert session.current_dek() == dek_before


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_may_change_its_own_password(vault, kit, role):
    user = ACTOR[role]
    session = vault.open(user)
    directory.change_password(session, kit.PASSWORDS[user], "mật-khẩu-riêng-mới-1")
    vault.open(user, "mật-khẩu-riêng-mới-1")


def test_the_walk_covers_every_permission():
    walked = {p for p, _ in ACTIONS.values()} | {p for p, _ in KEY_ACTIONS.values()}
    assert walked | NOT_SERVICE_ACTIONS == set(Permission)
    assert set(MATRIX) == set(Permission)
    for permission in Permission:
        for role in Role:
            assert allowed(role, permission) == (role in MATRIX[permission])
            if role in MATRIX[permission]:
                require(role, permission)
            else:
                with pytest.raises(PermissionDeniedError):
                    require(role, permission)


CUSTODY = {Permission.ACCEPT, Permission.MANAGE_BAGS, Permission.HANDOVER, Permission.ARRIVE,
           Permission.OUT_FOR_DELIVERY, Permission.DELIVER, Permission.FAIL, Permission.RETURN, Permission.FORWARD,
           Permission.ACCEPT_COSIGN}


def test_matrix_matches_the_product_roles():
    """product.md: the administrator cannot sign custody events; only the auditor closes incidents and
    witnesses; only the administrator manages users, agencies and settings; the secretary sees own agency."""
    for permission in CUSTODY:
        assert Role.ADMIN not in MATRIX[permission], permission
        assert Role.AUDITOR not in MATRIX[permission], permission
    assert MATRIX[Permission.CLOSE_INCIDENT] == {Role.AUDITOR}
    assert MATRIX[Permission.WITNESS] == {Role.AUDITOR}
    for permission in (Permission.MANAGE_USERS, Permission.MANAGE_AGENCIES, Permission.MANAGE_SETTINGS):
        assert MATRIX[permission] == {Role.ADMIN}
    assert Role.SECRETARY not in MATRIX[Permission.VIEW_ALL]
    assert Role.AUDITOR in MATRIX[Permission.VIEW_ALL]


TAKERS = {
    # who may be named as the person taking custody / confirming receipt, per transfer
    "handover": {Role.CLERK, Role.COURIER},
    "bag-dispatch": {Role.COURIER},
    "deliver": {Role.SECRETARY},
}
TAKER_USER = {Role.ADMIN: "admin", Role.CLERK: "clerk1", Role.COURIER: "courier1", Role.SECRETARY: "sec1",
              Role.AUDITOR: "auditor1"}


@pytest.mark.parametrize("transfer", sorted(TAKERS))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_who_may_take_custody(world, role, transfer):
    assert TAKERS[transfer] <= MATRIX[Permission.ACCEPT_COSIGN]
    clerk = world.s["clerk2"]
    taker = TAKER_USER[role]
    if role not in MATRIX[Permission.ACCEPT_COSIGN]:
        # a role that never takes custody is refused before its password is even tried
        before = world.h.snapshot(clerk)
        with pytest.raises(PermissionDeniedError):
            world.cosign(clerk, taker)
        assert world.h.snapshot(clerk) == before
        return
    signer, user = world.cosign(clerk, taker)
    if transfer == "bag-dispatch":
        bag, _t = world.closed_bag("clerk2")
        call: Call = lambda: bags.dispatch_bag(clerk, bag, signer, user)  # noqa: E731
    elif transfer == "handover":
        t = world.accept()
        call = lambda: transfers.handover(clerk, [t], signer, user)  # noqa: E731
    else:
        t = world.accept()
        call = lambda: transfers.deliver(clerk, t, to=signer, to_user=user)  # noqa: E731
    before = world.h.snapshot(clerk)
    if role in TAKERS[transfer]:
        call()
    else:
        with pytest.raises(PermissionDeniedError):
            call()
        assert world.h.snapshot(clerk) == before
