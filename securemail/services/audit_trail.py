"""The application audit trail: sign-ins, failed sign-ins, locks, exports, prints and backups, as signed events of
the log (subject "audit"), read and printed by auditors. Settings changes are already signed directory events and
are listed with them. docs/adr/0011-faults-audit-trail.md says why and how failed sign-ins reach the log.

Nothing secret is ever recorded: no password, no item text, no name typed for a user that has no key slot (it may be
a password typed into the wrong field). Documents are named by kind, subject (a tracking number, a bag, a period)
and file name; exports by kind and file name.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from securemail.crypto.canonical import JsonObject
from securemail.custody import kinds as K
from securemail.custody.ledger import read_events
from securemail.custody.rules import AUDIT_FIELDS
from securemail.errors import PermissionDeniedError, StateError
from securemail.services.permissions import Permission
from securemail.services.session import Session
from securemail.storage.vault import lockout_for_update

_log = logging.getLogger(__name__)

# The settings changes an auditor reads with the trail (directory events, signed by the administrator).
SETTINGS_KINDS = (K.SETTING_SET, K.NORM_SET, K.HOLIDAYS_SET, K.PIN_ADDED, K.PIN_REVOKED, K.USER_ENROLLED,
                  K.USER_ROLE_CHANGED, K.USER_REVOKED, K.USER_KEY_ROTATED, K.VAULT_REKEYED, K.AGENCY_ADDED,
                  K.AGENCY_CHANGED)
TRAIL_KINDS = (*sorted(K.AUDIT_KINDS), *SETTINGS_KINDS)

MAX_NAME = 255


@dataclass(frozen=True)
class TrailEntry:
    seq: int
    time: str
    kind: str
    actor: str
    data: JsonObject


def _file_name(path: Path | str | None) -> str | None:
    """Only the file's own name: folders may say more than an auditor needs (and are not the point)."""
    if path is None:
        return None
    return Path(str(path)).name[:MAX_NAME] or None


def _record(session: Session, kind: str, data: JsonObject) -> bool:
    """Append one audit event signed by the session's user. Returns False when it could not be signed (a read-only
    vault, a temporary key that signs nothing but the password change, a clock behind the trail): the action the
    user asked for is not refused for that, and nothing else is written."""
    if session.readonly or session.must_change_password:
        return False
    try:
        with session.write() as ledger:
            ledger.append(kind, K.AUDIT, session.signer, {k: v for k, v in data.items() if v is not None})
    except (StateError, PermissionDeniedError) as e:
        _log.warning("audit trail: %s not recorded (%s)", kind, type(e).__name__)
        return False
    return True


def record_login(session: Session, via: str) -> bool:
    """The signed-in user's sign-in, with every failed unlock kept in lockout.json since the last sign-in, in one
    transaction. The failed ones leave lockout.json only after the commit; one already in the log (a crash between
    the two) is never signed twice."""
    if session.readonly or session.must_change_password:
        return False
    with lockout_for_update(session.paths) as book:
        pending, dropped = list(book.failed_log), book.failed_dropped
    already = _signed_failure_ids(session, [f.id for f in pending])
    tz = session.clock.now().tzinfo or UTC
    try:
        with session.write() as ledger:
            for n, f in enumerate(pending):
                if f.id in already:
                    continue
                data: JsonObject = {"id": f.id, "at": datetime.fromtimestamp(f.time, tz).isoformat()}
                if f.user is not None:
                    data["user"] = f.user
                if dropped and n == len(pending) - 1:
                    data["dropped"] = dropped
                ledger.append(K.APP_LOGIN_FAILED, K.AUDIT, session.signer, data)
            ledger.append(K.APP_LOGIN, K.AUDIT, session.signer, {"via": via})
    except (StateError, PermissionDeniedError) as e:
        _log.warning("audit trail: sign-in not recorded (%s)", type(e).__name__)
        return False
    with lockout_for_update(session.paths) as book:
        book.forget_failures({f.id for f in pending}, dropped)
    return True


def _signed_failure_ids(session: Session, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    wanted = set(ids)
    found: set[str] = set()
    for e in read_events(session.conn, "WHERE subject = ? AND kind = ?", (K.AUDIT, K.APP_LOGIN_FAILED)):
        if e.data.get("id") in wanted:
            found.add(str(e.data["id"]))
    return found


def record_lock(session: Session, reason: str) -> bool:
    return _record(session, K.APP_LOCKED, {"reason": reason if reason in ("idle", "manual") else "manual"})


def record_export(session: Session, what: str, path: Path | str | None) -> bool:
    return _record(session, K.APP_EXPORTED, {"what": what, "file": _file_name(path)})


def record_print(session: Session, document: str, subject: str | None, path: Path | str | None = None,
                 printer: str | None = None) -> bool:
    """A document printed (`printer`) or saved as PDF (`path`). `subject` is a tracking number, a bag or a period:
    never item text."""
    return _record(session, K.APP_PRINTED, {"document": document, "subject": subject, "file": _file_name(path),
                                            "printer": printer[:MAX_NAME] if printer else None})


def record_backup(session: Session, folder: Path, events: int) -> bool:
    return _record(session, K.APP_BACKUP, {"folder": _file_name(folder), "events": events})


def trail(session: Session, *, limit: int = 500, kinds: Sequence[str] = TRAIL_KINDS) -> list[TrailEntry]:
    """The newest `limit` entries of the audit trail (and settings changes), oldest first. Auditors and admins."""
    session.require(Permission.READ_AUDIT_TRAIL)
    marks = ", ".join("?" for _ in kinds)
    rows = session.conn.execute(
        f"SELECT seq FROM events WHERE kind IN ({marks}) ORDER BY seq DESC LIMIT ?", (*kinds, limit)).fetchall()
    if not rows:
        return []
    first = min(int(r[0]) for r in rows)
    events = read_events(session.conn, f"WHERE seq >= ? AND kind IN ({marks})", (first, *kinds))
    return [TrailEntry(e.seq, e.time, e.kind, e.actor, dict(e.data)) for e in events]


def describe(entry: TrailEntry, lang: str) -> str:
    """One line of details for a person: what the entry says beyond its kind, actor and time."""
    d = entry.data
    if entry.kind == K.APP_LOGIN_FAILED:
        who = d.get("user") or ("(unknown name)" if lang == "en" else "(tên không có trong kho)")
        at = str(d.get("at", ""))
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(at).strftime("%d/%m/%Y %H:%M:%S")
        text = f"{who}, {'at' if lang == 'en' else 'lúc'} {at}"
        if d.get("dropped"):
            text += f" (+{d['dropped']})"
        return text
    if entry.kind in K.AUDIT_KINDS:
        return ", ".join(f"{k}={v}" for k, v in sorted(d.items()))
    # settings and directory changes: the fields that say what changed
    keys = ("key", "value", "service", "scope", "username", "role", "code", "name", "year", "day", "op", "reason")
    return ", ".join(f"{k}={d[k]}" for k in keys if k in d and not isinstance(d[k], (dict, list)))


__all__ = ["AUDIT_FIELDS", "TRAIL_KINDS", "TrailEntry", "describe", "record_backup", "record_export", "record_lock",
           "record_login", "record_print", "trail"]
