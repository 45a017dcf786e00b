"""Who may do what. Enforced here, in the services, whatever the UI shows (the matrix is in domain)."""

from __future__ import annotations

from securemail.domain.enums import Role
from securemail.domain.permissions import MATRIX, Permission, allowed
from securemail.errors import PermissionDeniedError

__all__ = ["MATRIX", "Permission", "allowed", "require"]


def require(role: Role, permission: Permission) -> None:
    if not allowed(role, permission):
        raise PermissionDeniedError("perm.denied", role=role.value, action=permission.value)
