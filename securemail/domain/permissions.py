"""Who may do what: the one matrix, used by the services (enforcement) and by the verifier (replay)."""

from __future__ import annotations

from enum import StrEnum

from securemail.domain.enums import Role


class Permission(StrEnum):
    MANAGE_USERS = "manage-users"
    MANAGE_AGENCIES = "manage-agencies"
    MANAGE_SETTINGS = "manage-settings"
    ACCEPT = "accept"
    MANAGE_BAGS = "manage-bags"
    HANDOVER = "handover"
    ARRIVE = "arrive"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVER = "deliver"
    FAIL = "fail"
    RETURN = "return"
    FORWARD = "forward"
    REPORT_INCIDENT = "report-incident"
    CLOSE_INCIDENT = "close-incident"
    NOTE = "note"
    VIEW_ALL = "view-all"
    VIEW_OWN_AGENCY = "view-own-agency"
    VERIFY = "verify"
    WITNESS = "witness"
    PRINT_RECEIPT = "print-receipt"
    PRINT_REPORTS = "print-reports"
    EXPORT_CHECKPOINT = "export-checkpoint"
    ACCEPT_COSIGN = "accept-cosign"  # may take custody when a transfer names them
    BACKUP = "backup"
    RECORD_USE = "record-use"              # sign one's own use of the application (logins, prints, exports)
    READ_AUDIT_TRAIL = "read-audit-trail"  # read and print the application audit trail
    CONFIRM_RECEIPT = "confirm-receipt"  # an agency desk's văn thư confirms receipt of an item imported there
    PASS_ON = "pass-on"  # noqa: S105 - not a password: the văn thư passes an unopened envelope on to the named person


_R = Role
_MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.MANAGE_USERS: frozenset({_R.ADMIN}),
    Permission.MANAGE_AGENCIES: frozenset({_R.ADMIN}),
    Permission.MANAGE_SETTINGS: frozenset({_R.ADMIN}),
    Permission.ACCEPT: frozenset({_R.CLERK}),
    Permission.MANAGE_BAGS: frozenset({_R.CLERK}),
    Permission.HANDOVER: frozenset({_R.CLERK, _R.COURIER}),
    Permission.ARRIVE: frozenset({_R.CLERK}),
    Permission.OUT_FOR_DELIVERY: frozenset({_R.CLERK, _R.COURIER}),
    Permission.DELIVER: frozenset({_R.CLERK, _R.COURIER}),
    Permission.FAIL: frozenset({_R.CLERK, _R.COURIER}),
    Permission.RETURN: frozenset({_R.CLERK}),
    Permission.FORWARD: frozenset({_R.CLERK}),
    Permission.REPORT_INCIDENT: frozenset({_R.CLERK, _R.COURIER, _R.SECRETARY, _R.AUDITOR}),
    Permission.CLOSE_INCIDENT: frozenset({_R.AUDITOR}),
    Permission.NOTE: frozenset({_R.CLERK, _R.COURIER, _R.SECRETARY, _R.AUDITOR}),
    Permission.VIEW_ALL: frozenset({_R.ADMIN, _R.CLERK, _R.COURIER, _R.AUDITOR}),
    Permission.VIEW_OWN_AGENCY: frozenset({_R.SECRETARY}),
    Permission.VERIFY: frozenset({_R.ADMIN, _R.CLERK, _R.COURIER, _R.SECRETARY, _R.AUDITOR}),
    Permission.WITNESS: frozenset({_R.AUDITOR}),
    Permission.PRINT_RECEIPT: frozenset({_R.CLERK, _R.SECRETARY, _R.AUDITOR}),
    Permission.PRINT_REPORTS: frozenset({_R.CLERK, _R.AUDITOR, _R.ADMIN}),
    Permission.EXPORT_CHECKPOINT: frozenset({_R.ADMIN, _R.CLERK, _R.AUDITOR}),
    Permission.ACCEPT_COSIGN: frozenset({_R.CLERK, _R.COURIER, _R.SECRETARY}),
    Permission.BACKUP: frozenset({_R.ADMIN}),
    Permission.RECORD_USE: frozenset(_R),
    Permission.READ_AUDIT_TRAIL: frozenset({_R.ADMIN, _R.AUDITOR}),
    Permission.CONFIRM_RECEIPT: frozenset({_R.CLERK, _R.SECRETARY}),
    Permission.PASS_ON: frozenset({_R.CLERK, _R.SECRETARY}),
}

MATRIX = _MATRIX


def allowed(role: Role, permission: Permission) -> bool:
    return role in _MATRIX[permission]
