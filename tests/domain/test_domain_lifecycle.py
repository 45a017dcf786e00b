"""The item state machine, walked over every (status, action) pair against an explicit table."""

from __future__ import annotations

import pytest

from securemail.domain.enums import ItemStatus
from securemail.domain.errors import IllegalTransition
from securemail.domain.lifecycle import (
    STATUS_KEEPING_ACTIONS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Action,
    allowed_actions,
    is_allowed,
    next_status,
)

# Written out by hand from the brief; the implementation's table must agree pair by pair.
# "=" means the action keeps the status.
_KEEP = {"incident": "=", "note": "=", "close_incident": "="}
EXPECTED_TEXT: dict[str | None, dict[str, str]] = {
    None: {"accept": "accepted", "receive": "delivered"},
    "accepted": {
        "bag": "in-bag",
        "handover": "in-transit",
        "out_for_delivery": "out-for-delivery",
        "deliver": "delivered",
        "return": "returned",
        "forward": "forwarded",
        **_KEEP,
    },
    "in-bag": {"unbag": "accepted", "dispatch": "dispatched", **_KEEP},
    "dispatched": {"handover": "in-transit", "arrive": "arrived", **_KEEP},
    "in-transit": {
        "handover": "in-transit",
        "arrive": "arrived",
        "out_for_delivery": "out-for-delivery",
        "deliver": "delivered",
        "fail": "delivery-failed",
        "return": "returned",
        **_KEEP,
    },
    "arrived": {
        "bag": "in-bag",
        "handover": "in-transit",
        "out_for_delivery": "out-for-delivery",
        "deliver": "delivered",
        "fail": "delivery-failed",
        "return": "returned",
        "forward": "forwarded",
        **_KEEP,
    },
    "out-for-delivery": {
        "handover": "in-transit",
        "arrive": "arrived",
        "deliver": "delivered",
        "fail": "delivery-failed",
        **_KEEP,
    },
    "delivered": {"pass_on": "=", **_KEEP},
    "delivery-failed": {
        "bag": "in-bag",
        "handover": "in-transit",
        "arrive": "arrived",
        "out_for_delivery": "out-for-delivery",
        "deliver": "delivered",
        "return": "returned",
        "forward": "forwarded",
        **_KEEP,
    },
    "returned": {**_KEEP},
    "forwarded": {
        "bag": "in-bag",
        "handover": "in-transit",
        "out_for_delivery": "out-for-delivery",
        "deliver": "delivered",
        "return": "returned",
        **_KEEP,
    },
}

STATUSES: list[ItemStatus | None] = [None, *ItemStatus]


def _expected(status: ItemStatus | None, action: Action) -> ItemStatus | None:
    row = EXPECTED_TEXT[None if status is None else status.value]
    target = row.get(action.value)
    if target is None:
        return None
    if target == "=":
        assert status is not None
        return status
    return ItemStatus(target)


def test_expected_table_covers_every_status_and_names_real_actions() -> None:
    assert set(EXPECTED_TEXT) == {None, *(s.value for s in ItemStatus)}
    for row in EXPECTED_TEXT.values():
        for action, target in row.items():
            Action(action)
            if target != "=":
                ItemStatus(target)


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: "none" if s is None else s.value)
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_every_pair(status: ItemStatus | None, action: Action) -> None:
    expected = _expected(status, action)
    if expected is None:
        with pytest.raises(IllegalTransition) as info:
            next_status(status, action)
        assert info.value.current is status
        assert info.value.action is action
        assert not is_allowed(status, action)
        assert action not in allowed_actions(status)
        assert (status, action) not in TRANSITIONS
    else:
        assert next_status(status, action) is expected
        assert is_allowed(status, action)
        assert action in allowed_actions(status)
        assert TRANSITIONS[(status, action)] is expected


def test_table_size_matches() -> None:
    assert len(TRANSITIONS) == sum(len(row) for row in EXPECTED_TEXT.values())
    assert len(TRANSITIONS) == 72


def test_terminal_statuses_allow_only_incidents_and_notes() -> None:
    assert {ItemStatus.DELIVERED, ItemStatus.RETURNED} == TERMINAL_STATUSES
    assert allowed_actions(ItemStatus.RETURNED) == STATUS_KEEPING_ACTIONS
    # and a named-only envelope the agency's văn thư received unopened is passed on to the named person
    assert allowed_actions(ItemStatus.DELIVERED) == STATUS_KEEPING_ACTIONS | {Action.PASS_ON}
    assert allowed_actions(None) == frozenset({Action.ACCEPT, Action.RECEIVE})


def test_action_values() -> None:
    assert [a.value for a in Action] == [
        "accept",
        "bag",
        "unbag",
        "dispatch",
        "handover",
        "arrive",
        "out_for_delivery",
        "deliver",
        "fail",
        "return",
        "forward",
        "incident",
        "close_incident",
        "note",
        "receive",
        "pass_on",
    ]


def test_plain_strings_from_storage_work() -> None:
    assert next_status("in-bag", "dispatch") is ItemStatus.DISPATCHED  # type: ignore[arg-type]
    assert allowed_actions("returned") == STATUS_KEEPING_ACTIONS  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lost"):
        next_status("lost", Action.NOTE)  # type: ignore[arg-type]


def test_typical_journeys() -> None:
    journeys = [
        ["accept", "bag", "dispatch", "arrive", "out_for_delivery", "deliver"],
        ["accept", "handover", "deliver"],
        ["accept", "deliver"],  # local round straight from the counter
        [
            "accept",
            "bag",
            "unbag",
            "bag",
            "dispatch",
            "handover",
            "arrive",
            "forward",
            "bag",
            "dispatch",
            "arrive",
        ],
        ["accept", "out_for_delivery", "fail", "out_for_delivery", "deliver", "note", "incident"],
        ["accept", "handover", "fail", "return", "close_incident"],
    ]
    for journey in journeys:
        status: ItemStatus | None = None
        for step in journey:
            status = next_status(status, Action(step))
        assert status is not None


def test_illegal_transition_message_is_english_repr() -> None:
    err = IllegalTransition(ItemStatus.DELIVERED, Action.DELIVER)
    assert str(err) == "action 'deliver' is not allowed for status 'delivered'"
    assert str(IllegalTransition(None, Action.NOTE)) == "action 'note' is not allowed for no item"
