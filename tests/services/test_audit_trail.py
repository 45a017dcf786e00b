"""The application audit trail (issue 14, item 6; docs/adr/0011-faults-audit-trail.md): signed events of their own
subject, failed sign-ins carried from lockout.json by the next sign-in, no secrets, the same field rule for the
writer and the verifier, readable by auditors and administrators only."""

from __future__ import annotations

import json
import shutil

import pytest

from securemail.custody import kinds as K
from securemail.custody.ledger import read_events
from securemail.errors import AuthenticationError, PermissionDeniedError, StateError
from securemail.services import audit_trail
from securemail.services.audit import verify_vault
from securemail.storage.vault import VaultPaths

TYPED_AS_USER = "mật-khẩu-gõ-nhầm-vào-ô-tên-42"


def _trail_kinds(session) -> list[str]:
    return [e.kind for e in read_events(session.conn, "WHERE subject = ?", (K.AUDIT,))]


def _fail(vault, user: str, password: str = "sai-mật-khẩu-hoàn-toàn") -> None:
    with pytest.raises(AuthenticationError):
        vault.open(user, password)


def test_failed_sign_ins_wait_unsigned_without_secrets_then_the_next_sign_in_signs_them(vault, kit):
    _fail(vault, "clerk1")
    _fail(vault, TYPED_AS_USER, kit.PASSWORDS["clerk1"])
    raw = VaultPaths(vault.path).lockout.read_bytes()
    book = json.loads(raw)
    assert [f["user"] for f in book["failed_log"]] == ["clerk1", None]
    for secret in (TYPED_AS_USER, kit.PASSWORDS["clerk1"], "sai-mật-khẩu-hoàn-toàn"):
        assert secret.encode() not in raw and secret.encode("unicode_escape") not in raw

    s = vault.open("auditor1")
    assert audit_trail.record_login(s, "cli")
    assert _trail_kinds(s) == [K.APP_LOGIN_FAILED, K.APP_LOGIN_FAILED, K.APP_LOGIN]
    failed = [e for e in audit_trail.trail(s) if e.kind == K.APP_LOGIN_FAILED]
    assert [e.actor for e in failed] == ["auditor1", "auditor1"]          # signed by the one who signed in
    assert [e.data.get("user") for e in failed] == ["clerk1", None]
    assert "failed_log" not in json.loads(VaultPaths(vault.path).lockout.read_text())
    assert verify_vault(s, full=True).problems == []
    text = json.dumps([e.data for e in audit_trail.trail(s)], ensure_ascii=False)
    assert TYPED_AS_USER not in text and kit.PASSWORDS["clerk1"] not in text


def test_a_crash_between_the_commit_and_the_lockout_update_never_signs_a_failure_twice(vault):
    _fail(vault, "clerk1")
    lockout = VaultPaths(vault.path).lockout
    kept = vault.path.parent / "lockout-before.json"
    shutil.copyfile(lockout, kept)
    s = vault.open("admin")
    assert audit_trail.record_login(s, "app")
    shutil.copyfile(kept, lockout)            # as if killed after the commit, before lockout.json was updated
    assert audit_trail.record_login(s, "app")
    assert _trail_kinds(s).count(K.APP_LOGIN_FAILED) == 1
    assert "failed_log" not in json.loads(lockout.read_text())


def test_locks_exports_prints_and_backups_are_signed_by_who_did_them(vault, tmp_path):
    from securemail.services.audit import export_checkpoint
    from securemail.services.backup import backup_vault

    admin = vault.open("admin")
    export_checkpoint(admin, tmp_path / "cp.txt")
    backup_vault(admin, tmp_path / "backup")
    clerk = vault.open("clerk1")
    assert audit_trail.record_print(clerk, "receipt", "KT000000014VN", tmp_path / "folder" / "bien-nhan.pdf")
    assert audit_trail.record_lock(clerk, "idle")
    entries = audit_trail.trail(admin, kinds=sorted(K.AUDIT_KINDS))
    assert [(e.kind, e.actor) for e in entries] == [(K.APP_EXPORTED, "admin"), (K.APP_BACKUP, "admin"),
                                                     (K.APP_PRINTED, "clerk1"), (K.APP_LOCKED, "clerk1")]
    assert entries[0].data == {"what": "checkpoint", "file": "cp.txt"}
    assert entries[2].data == {"document": "receipt", "subject": "KT000000014VN", "file": "bien-nhan.pdf"}
    assert verify_vault(admin, full=True).problems == []


def test_settings_changes_are_listed_with_the_trail(vault):
    from securemail.services import norms

    admin = vault.open("admin")
    norms.set_setting(admin, "hoa_toc_leader_delegate", "1")
    entries = audit_trail.trail(admin)
    assert {K.USER_ENROLLED, K.AGENCY_ADDED, K.SETTING_SET} <= {e.kind for e in entries}
    assert "key=hoa_toc_leader_delegate, value=1" in audit_trail.describe(entries[-1], "vi")


def test_only_auditors_and_administrators_read_the_trail(vault):
    for user in ("auditor1", "admin"):
        audit_trail.trail(vault.open(user))
    for user in ("clerk1", "courier1", "sec1"):
        with pytest.raises(PermissionDeniedError):
            audit_trail.trail(vault.open(user))


def test_the_writer_refuses_and_the_verifier_reports_item_text_in_the_trail(vault):
    s = vault.open("clerk1")
    leak = {"document": "receipt", "description": "Hồ sơ mật không được ghi vào nhật ký"}
    with pytest.raises(StateError), s.write() as ledger:
        ledger.append(K.APP_PRINTED, K.AUDIT, s.signer, leak)
    with pytest.raises((StateError, PermissionDeniedError)), s.write() as ledger:
        ledger.append(K.APP_LOGIN, "KT000000014VN", s.signer, {"via": "cli"})      # filed under an item
    with s.write() as ledger:                      # an insider writing around the services
        ledger.append(K.APP_PRINTED, K.AUDIT, s.signer, leak, check=False)
    problems = verify_vault(vault.open("auditor1"), full=True).problems
    assert [(p.code, "description" in p.detail) for p in problems] == [("malformed_event", True)]


def test_a_session_that_cannot_sign_records_nothing_and_is_not_refused(vault, kit):
    from securemail.services import directory

    admin = vault.open("admin")
    directory.reset_password(admin, "courier1", "mật-khẩu-tạm-thời-đặt-lại-7")
    courier = vault.open("courier1", "mật-khẩu-tạm-thời-đặt-lại-7")
    assert courier.must_change_password
    assert audit_trail.record_login(courier, "cli") is False
    assert K.APP_LOGIN not in _trail_kinds(courier)
