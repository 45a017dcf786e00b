"""The item state machine: which custody action is lawful in which status, and where it leads.

The whole machine is one explicit table, ``TRANSITIONS``: ``(status, action) -> new status``, where
status ``None`` means "no such item yet". A pair that is not in the table is unlawful. Incidents, notes and
closing an incident are lawful for every existing item (delivered and returned ones included) and keep its
status; apart from those (and passing a named-only envelope on, see ``_TERMINAL_MOVES``), ``delivered`` and
``returned`` are terminal.

Whoever holds an item may deliver it straight to the recipient agency on a local round, so ``deliver`` is
lawful from ``accepted`` (product.md, "The custody chain").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum, unique
from types import MappingProxyType

from securemail.domain.enums import ItemStatus
from securemail.domain.errors import IllegalTransition

__all__ = [
    "STATUS_KEEPING_ACTIONS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "Action",
    "IllegalTransition",
    "allowed_actions",
    "is_allowed",
    "next_status",
]


@unique
class Action(StrEnum):
    """Custody actions on one item."""

    ACCEPT = "accept"
    BAG = "bag"
    UNBAG = "unbag"
    DISPATCH = "dispatch"  # the closed bag is handed to a courier
    HANDOVER = "handover"
    ARRIVE = "arrive"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVER = "deliver"
    FAIL = "fail"
    RETURN = "return"
    FORWARD = "forward"
    INCIDENT = "incident"
    CLOSE_INCIDENT = "close_incident"
    NOTE = "note"
    RECEIVE = "receive"  # an agency desk's văn thư confirms receipt of an item known there from a bundle
    PASS_ON = "pass_on"  # noqa: S105 - not a password: the văn thư passes an unopened envelope on to the named person


_S = ItemStatus
_A = Action

#: Actions that are lawful on every existing item and never change its status.
STATUS_KEEPING_ACTIONS: frozenset[Action] = frozenset({_A.INCIDENT, _A.CLOSE_INCIDENT, _A.NOTE})

#: Statuses from which only the status-keeping actions are lawful.
TERMINAL_STATUSES: frozenset[ItemStatus] = frozenset({_S.DELIVERED, _S.RETURNED})

# action -> (statuses it is lawful from, status it leads to). Source None: the item does not exist yet.
_MOVES: dict[Action, tuple[frozenset[ItemStatus | None], ItemStatus]] = {
    _A.ACCEPT: (frozenset({None}), _S.ACCEPTED),
    _A.BAG: (frozenset({_S.ACCEPTED, _S.ARRIVED, _S.FORWARDED, _S.DELIVERY_FAILED}), _S.IN_BAG),
    _A.UNBAG: (frozenset({_S.IN_BAG}), _S.ACCEPTED),
    _A.DISPATCH: (frozenset({_S.IN_BAG}), _S.DISPATCHED),
    _A.HANDOVER: (
        frozenset(
            {
                _S.ACCEPTED,
                _S.ARRIVED,
                _S.FORWARDED,
                _S.IN_TRANSIT,
                _S.DISPATCHED,
                _S.OUT_FOR_DELIVERY,
                _S.DELIVERY_FAILED,
            }
        ),
        _S.IN_TRANSIT,
    ),
    # An item the courier brings back (delivery failed, or a round cut short) arrives at the office again.
    _A.ARRIVE: (frozenset({_S.DISPATCHED, _S.IN_TRANSIT, _S.DELIVERY_FAILED, _S.OUT_FOR_DELIVERY}), _S.ARRIVED),
    _A.OUT_FOR_DELIVERY: (
        frozenset({_S.ACCEPTED, _S.ARRIVED, _S.IN_TRANSIT, _S.FORWARDED, _S.DELIVERY_FAILED}),
        _S.OUT_FOR_DELIVERY,
    ),
    _A.DELIVER: (
        frozenset(
            {_S.ACCEPTED, _S.IN_TRANSIT, _S.ARRIVED, _S.OUT_FOR_DELIVERY, _S.DELIVERY_FAILED, _S.FORWARDED}
        ),
        _S.DELIVERED,
    ),
    _A.FAIL: (frozenset({_S.OUT_FOR_DELIVERY, _S.IN_TRANSIT, _S.ARRIVED}), _S.DELIVERY_FAILED),
    _A.RETURN: (
        frozenset({_S.ACCEPTED, _S.ARRIVED, _S.DELIVERY_FAILED, _S.IN_TRANSIT, _S.FORWARDED}),
        _S.RETURNED,
    ),
    _A.FORWARD: (frozenset({_S.ARRIVED, _S.DELIVERY_FAILED, _S.ACCEPTED}), _S.FORWARDED),
    _A.RECEIVE: (frozenset({None}), _S.DELIVERED),
}

# The one lawful move out of a terminal status: an envelope delivered unopened to the agency's văn thư (named-only,
# NĐ 26/2020) is passed on to the named person; the item stays delivered (custody.rules checks who holds it).
_TERMINAL_MOVES: dict[tuple[ItemStatus | None, Action], ItemStatus] = {(_S.DELIVERED, _A.PASS_ON): _S.DELIVERED}


def _build() -> dict[tuple[ItemStatus | None, Action], ItemStatus]:
    table: dict[tuple[ItemStatus | None, Action], ItemStatus] = {}
    for action, (sources, target) in _MOVES.items():
        for source in sources:
            assert source not in TERMINAL_STATUSES
            table[(source, action)] = target
    for status in ItemStatus:
        for action in STATUS_KEEPING_ACTIONS:
            table[(status, action)] = status
    table.update(_TERMINAL_MOVES)
    return table


#: The complete machine: ``(current status or None, action) -> next status``. Absent pairs are unlawful.
TRANSITIONS: Mapping[tuple[ItemStatus | None, Action], ItemStatus] = MappingProxyType(_build())

_ALLOWED: Mapping[ItemStatus | None, frozenset[Action]] = MappingProxyType(
    {
        status: frozenset(action for (source, action) in TRANSITIONS if source is status)
        for status in (None, *ItemStatus)
    }
)


def next_status(current: ItemStatus | None, action: Action) -> ItemStatus:
    """The status after ``action``; raises ``IllegalTransition`` when the action is not lawful now."""
    current, action = _coerce(current, action)
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalTransition(current, action) from None


def is_allowed(current: ItemStatus | None, action: Action) -> bool:
    return _coerce(current, action) in TRANSITIONS


def allowed_actions(status: ItemStatus | None) -> frozenset[Action]:
    """Every action lawful from ``status`` (``None``: only ``accept``)."""
    return _ALLOWED[None if status is None else ItemStatus(status)]


def _coerce(current: ItemStatus | None, action: Action) -> tuple[ItemStatus | None, Action]:
    # Plain strings read back from storage ("in-bag") work as well as members; unknown ones: ValueError.
    return (None if current is None else ItemStatus(current)), Action(action)
