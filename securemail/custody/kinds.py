"""Event kinds. Directory events shape who may sign; item and bag events record custody."""

from __future__ import annotations

DIRECTORY = "directory"

VAULT_CREATED = "vault.created"
USER_ENROLLED = "user.enrolled"
USER_ROLE_CHANGED = "user.role_changed"
USER_REVOKED = "user.revoked"
USER_KEY_ROTATED = "user.key_rotated"
AGENCY_ADDED = "agency.added"
AGENCY_CHANGED = "agency.changed"
CHECKPOINT_WITNESSED = "checkpoint.witnessed"
NORM_SET = "norm.set"
SETTING_SET = "setting.set"
VAULT_REKEYED = "vault.rekeyed"
HOLIDAYS_SET = "holidays.set"

ITEM_ACCEPTED = "item.accepted"
ITEM_BAGGED = "item.bagged"
ITEM_UNBAGGED = "item.unbagged"
ITEM_HANDED_OVER = "item.handed_over"
ITEM_ARRIVED = "item.arrived"
ITEM_OUT_FOR_DELIVERY = "item.out_for_delivery"
ITEM_DELIVERED = "item.delivered"
ITEM_DELIVERY_FAILED = "item.delivery_failed"
ITEM_RETURNED = "item.returned"
ITEM_FORWARDED = "item.forwarded"
ITEM_INCIDENT = "item.incident"
ITEM_INCIDENT_CLOSED = "item.incident_closed"
ITEM_NOTE = "item.note"

BAG_CREATED = "bag.created"
BAG_CLOSED = "bag.closed"
BAG_DISPATCHED = "bag.dispatched"
BAG_OPENED = "bag.opened"

DIRECTORY_KINDS = frozenset({VAULT_CREATED, USER_ENROLLED, USER_ROLE_CHANGED, USER_REVOKED, USER_KEY_ROTATED,
                             AGENCY_ADDED, AGENCY_CHANGED, CHECKPOINT_WITNESSED, NORM_SET, SETTING_SET,
                             VAULT_REKEYED, HOLIDAYS_SET})

# Transfers of custody: the person taking custody co-signs.
TRANSFER_KINDS = frozenset({ITEM_HANDED_OVER, ITEM_ARRIVED, ITEM_DELIVERED, BAG_DISPATCHED})

# Enrolment is co-signed by the new user's own key (proof of possession); so is a key rotation.
COSIGNED_KINDS = TRANSFER_KINDS | frozenset({USER_ENROLLED, USER_KEY_ROTATED})


def bag_subject(bag: str) -> str:
    return f"bag:{bag}"
