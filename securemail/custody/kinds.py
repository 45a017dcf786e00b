"""Event kinds. Directory events shape who may sign; item and bag events record custody."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from securemail.domain.enums import Role
from securemail.domain.lifecycle import Action
from securemail.domain.permissions import Permission
from securemail.l10n.catalogue import catalogue

EVENT_CONTEXT = "event"   # msgctxt of the event kinds' labels in the gettext catalogue

DIRECTORY = "directory"
AUDIT = "audit"          # the application audit trail: who used the application, when and for what

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
PIN_ADDED = "pin.added"              # another vault's office key, pinned by an administrator
PIN_REVOKED = "pin.revoked"
BUNDLE_IMPORTED = "bundle.imported"  # a verified exchange bundle from a pinned vault was stored

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
ITEM_RECEIVED = "item.received"      # an agency desk's văn thư confirms receipt of an item imported there
ITEM_PASSED_ON = "item.passed_on"    # she hands the unopened named-only envelope to the named person

# The application audit trail (subject AUDIT; docs/adr/0011-faults-audit-trail.md). Never item texts or secrets.
APP_LOGIN = "app.login"                  # a user unlocked the vault (the app, or one CLI command)
APP_LOGIN_FAILED = "app.login_failed"    # a failed unlock, recorded unsigned and signed by the next login
APP_LOCKED = "app.locked"                # the app locked itself (idle) or was locked by its user
APP_EXPORTED = "app.exported"            # a file left the vault: bundle, checkpoint, office key
APP_PRINTED = "app.printed"              # a document was printed or saved as PDF
APP_BACKUP = "app.backup"                # an encrypted backup was written

BAG_CREATED = "bag.created"
BAG_CLOSED = "bag.closed"
BAG_DISPATCHED = "bag.dispatched"
BAG_OPENED = "bag.opened"

DIRECTORY_KINDS = frozenset({VAULT_CREATED, USER_ENROLLED, USER_ROLE_CHANGED, USER_REVOKED, USER_KEY_ROTATED,
                             AGENCY_ADDED, AGENCY_CHANGED, CHECKPOINT_WITNESSED, NORM_SET, SETTING_SET,
                             VAULT_REKEYED, HOLIDAYS_SET, PIN_ADDED, PIN_REVOKED, BUNDLE_IMPORTED})

# The kinds whose projection item and bag events or the custody rules read (users, agencies, settings, norms, the
# calendar): what a replay of one item's own events needs besides them (custody.partial_replay).
SCENE_KINDS = frozenset({VAULT_CREATED, USER_ENROLLED, USER_ROLE_CHANGED, USER_REVOKED, USER_KEY_ROTATED,
                         AGENCY_ADDED, AGENCY_CHANGED, NORM_SET, SETTING_SET, HOLIDAYS_SET})

AUDIT_KINDS = frozenset({APP_LOGIN, APP_LOGIN_FAILED, APP_LOCKED, APP_EXPORTED, APP_PRINTED, APP_BACKUP})


def bag_subject(bag: str) -> str:
    return f"bag:{bag}"


# ---- the one table: what each kind of event is and who may sign it ------------------------------------------

class Cosign(StrEnum):
    """Who signs an event besides its actor."""

    NONE = "none"                  # nobody: a co-signer named on such an event is refused
    PARTY = "party"                # the other person of the transfer (giving or taking), a user of this vault
    PARTY_OR_PERSON = "party-or-person"  # that user, or a person without an account recorded in data.person
    # (for item.delivered also: the recipient desk's signed receipt, imported from it, referenced in data.receipt)
    POSSESSION = "possession"      # the key being enrolled or rotated in (data.username / data.public_key)


@dataclass(frozen=True)
class KindRule:
    """One kind of event: the permission its actor needs, who co-signs (and the roles they may have), the item
    action it performs (lifecycle), and its labels in Vietnamese and English."""

    permission: Permission
    cosign: Cosign
    en: str                      # msgid of its label in the catalogue (msgctxt "event"); the msgstr is Vietnamese
    cosigner_roles: frozenset[Role] = frozenset()
    action: Action | None = None

    def label(self, lang: str) -> str:
        if lang == "en":
            return self.en
        return catalogue("vi").text(self.en, context=EVENT_CONTEXT) or self.en


_HOLDERS = frozenset({Role.CLERK, Role.COURIER})
_P = Permission

RULES: Mapping[str, KindRule] = MappingProxyType({
    VAULT_CREATED: KindRule(_P.MANAGE_USERS, Cosign.NONE, "Vault created"),
    USER_ENROLLED: KindRule(_P.MANAGE_USERS, Cosign.POSSESSION, "User enrolled"),
    USER_ROLE_CHANGED: KindRule(_P.MANAGE_USERS, Cosign.NONE, "Role changed"),
    USER_REVOKED: KindRule(_P.MANAGE_USERS, Cosign.NONE, "User revoked"),
    USER_KEY_ROTATED: KindRule(_P.MANAGE_USERS, Cosign.POSSESSION, "Signing key replaced"),
    AGENCY_ADDED: KindRule(_P.MANAGE_AGENCIES, Cosign.NONE, "Agency added"),
    AGENCY_CHANGED: KindRule(_P.MANAGE_AGENCIES, Cosign.NONE, "Agency changed"),
    CHECKPOINT_WITNESSED: KindRule(_P.WITNESS, Cosign.NONE, "Checkpoint witnessed"),
    NORM_SET: KindRule(_P.MANAGE_SETTINGS, Cosign.NONE, "Delivery norm set"),
    SETTING_SET: KindRule(_P.MANAGE_SETTINGS, Cosign.NONE, "Setting changed"),
    VAULT_REKEYED: KindRule(_P.MANAGE_USERS, Cosign.NONE, "Data key replaced"),
    HOLIDAYS_SET: KindRule(_P.MANAGE_SETTINGS, Cosign.NONE, "Holidays set"),
    PIN_ADDED: KindRule(_P.MANAGE_SETTINGS, Cosign.NONE, "Partner key pinned"),
    PIN_REVOKED: KindRule(_P.MANAGE_SETTINGS, Cosign.NONE, "Partner key unpinned"),
    BUNDLE_IMPORTED: KindRule(_P.VERIFY, Cosign.NONE, "Verified bundle imported"),
    APP_LOGIN: KindRule(_P.RECORD_USE, Cosign.NONE, "Signed in"),
    APP_LOGIN_FAILED: KindRule(_P.RECORD_USE, Cosign.NONE, "Failed sign-in"),
    APP_LOCKED: KindRule(_P.RECORD_USE, Cosign.NONE, "Locked"),
    APP_EXPORTED: KindRule(_P.RECORD_USE, Cosign.NONE, "File exported"),
    APP_PRINTED: KindRule(_P.RECORD_USE, Cosign.NONE, "Document printed or saved"),
    APP_BACKUP: KindRule(_P.BACKUP, Cosign.NONE, "Backup made"),
    ITEM_ACCEPTED: KindRule(_P.ACCEPT, Cosign.NONE, "Accepted at the counter",
                            action=Action.ACCEPT),
    ITEM_BAGGED: KindRule(_P.MANAGE_BAGS, Cosign.NONE, "Put in a bag", action=Action.BAG),
    ITEM_UNBAGGED: KindRule(_P.MANAGE_BAGS, Cosign.NONE, "Taken out of the bag",
                            action=Action.UNBAG),
    ITEM_HANDED_OVER: KindRule(_P.HANDOVER, Cosign.PARTY, "Handed over", _HOLDERS, Action.HANDOVER),
    ITEM_ARRIVED: KindRule(_P.ARRIVE, Cosign.PARTY_OR_PERSON, "Arrived at the office", _HOLDERS,
                           Action.ARRIVE),
    ITEM_OUT_FOR_DELIVERY: KindRule(_P.OUT_FOR_DELIVERY, Cosign.NONE, "Out for delivery",
                                    action=Action.OUT_FOR_DELIVERY),
    ITEM_DELIVERED: KindRule(_P.DELIVER, Cosign.PARTY_OR_PERSON, "Delivered",
                             frozenset({Role.SECRETARY}), Action.DELIVER),
    ITEM_DELIVERY_FAILED: KindRule(_P.FAIL, Cosign.NONE, "Delivery failed",
                                   action=Action.FAIL),
    ITEM_RETURNED: KindRule(_P.RETURN, Cosign.NONE, "Returned to sender", action=Action.RETURN),
    ITEM_FORWARDED: KindRule(_P.FORWARD, Cosign.NONE, "Forwarded", action=Action.FORWARD),
    ITEM_INCIDENT: KindRule(_P.REPORT_INCIDENT, Cosign.NONE, "Incident recorded",
                            action=Action.INCIDENT),
    ITEM_INCIDENT_CLOSED: KindRule(_P.CLOSE_INCIDENT, Cosign.NONE, "Incident closed",
                                   action=Action.CLOSE_INCIDENT),
    ITEM_NOTE: KindRule(_P.NOTE, Cosign.NONE, "Note / correction", action=Action.NOTE),
    ITEM_RECEIVED: KindRule(_P.CONFIRM_RECEIPT, Cosign.NONE, "Receipt confirmed by the agency's records clerk",
                            action=Action.RECEIVE),
    ITEM_PASSED_ON: KindRule(_P.PASS_ON, Cosign.PARTY_OR_PERSON, "Passed unopened to the named person",
                             frozenset({Role.CLERK, Role.SECRETARY, Role.AUDITOR}), Action.PASS_ON),
    BAG_CREATED: KindRule(_P.MANAGE_BAGS, Cosign.NONE, "Bag created"),
    BAG_CLOSED: KindRule(_P.MANAGE_BAGS, Cosign.NONE, "Bag sealed"),
    BAG_DISPATCHED: KindRule(_P.MANAGE_BAGS, Cosign.PARTY, "Bag dispatched", _HOLDERS,
                             Action.DISPATCH),
    BAG_OPENED: KindRule(_P.ARRIVE, Cosign.PARTY_OR_PERSON, "Bag opened", _HOLDERS, Action.ARRIVE),
})


def rule(kind: str) -> KindRule | None:
    return RULES.get(kind)


def kind_label(kind: str, lang: str) -> str:
    """The words for a kind of event; an unknown kind reads as 'unknown event', never as a raw code."""
    r = RULES.get(kind)
    if r is not None:
        return r.label(lang)
    if lang == "en":
        return "Unknown event"
    return catalogue("vi").text("Unknown event", context=EVENT_CONTEXT) or "Unknown event"
