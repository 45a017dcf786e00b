"""The life of a vault: init, users, password changes and resets, revocation with rekey (also interrupted),
reopening, failed-attempt delays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from securemail import storage
from securemail.clock import FixedClock
from securemail.custody import kinds as K
from securemail.errors import AuthenticationError, BadInputError, NotFoundError, PermissionDeniedError, VaultError
from securemail.services import directory, incidents, items
from securemail.services.session import open_session
from securemail.services.vault_init import init_vault
from securemail.storage.database import DatabaseError, open_database
from securemail.storage.keyslots import KeySlotFile
from securemail.storage.lockout import FREE_ATTEMPTS, lockout_delay


def _slots(vault: Path) -> KeySlotFile:
    return KeySlotFile.load(vault / "keyslots.json")


def _opens(vault, user: str, password: str) -> bool:
    conn = storage.connect(vault.path, user, password)
    conn.close()
    return True


def _events(session, kind: str) -> list[tuple]:
    return session.conn.execute("SELECT seq, actor, body FROM events WHERE kind = ? ORDER BY seq",
                                (kind,)).fetchall()


# ---- init -----------------------------------------------------------------------------------------------

def test_init_creates_a_vault_that_reopens(tmp_path, kit):
    folder = tmp_path / "v"
    with init_vault(folder, office_code=" hn01 ", office_name="Bưu điện  Hà Nội", admin="boss",
                    full_name="Quản Trị", password=kit.PASSWORDS["admin"], kdf_profile="minimum",
                    clock=FixedClock(kit.START_TIME)) as s:
        assert s.office_code == "HN01"
        assert s.office_name == "Bưu điện Hà Nội"
        vault_id = s.vault_id
        kinds = [r[0] for r in s.conn.execute("SELECT kind FROM events ORDER BY seq")]
        assert kinds == [K.VAULT_CREATED, K.USER_ENROLLED]
    assert {p.name for p in folder.iterdir()} >= {"vault.db", "keyslots.json", "state.json"}
    with open_session(folder, "boss", kit.PASSWORDS["admin"]) as s:
        assert s.vault_id == vault_id
        assert s.user.role.value == "admin"
        assert s.user.full_name == "Quản Trị"


def test_init_refuses_a_non_empty_folder(tmp_path, kit):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "notes.txt").write_text("do not touch")
    with pytest.raises(VaultError) as err:
        init_vault(folder, office_code="HN01", office_name="X", admin="admin", full_name="A",
                   password=kit.PASSWORDS["admin"], kdf_profile="minimum")
    assert err.value.key == "vault.exists"
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "do not touch"


def test_init_refuses_an_existing_vault(vault, kit):
    before = (vault.path / "keyslots.json").read_bytes()
    with pytest.raises(VaultError):
        init_vault(vault.path, office_code="HN01", office_name="X", admin="admin", full_name="A",
                   password=kit.PASSWORDS["admin"], kdf_profile="minimum")
    assert (vault.path / "keyslots.json").read_bytes() == before


def test_init_accepts_an_existing_empty_folder(tmp_path, kit):
    folder = tmp_path / "empty"
    folder.mkdir()
    init_vault(folder, office_code="HN01", office_name="X", admin="admin", full_name="A",
               password=kit.PASSWORDS["admin"], kdf_profile="minimum").close()
    assert (folder / "vault.db").exists()


def test_init_refuses_a_short_password(tmp_path):
    with pytest.raises(BadInputError) as err:
        init_vault(tmp_path / "v", office_code="HN01", office_name="X", admin="admin", full_name="A",
                   password="short", kdf_profile="minimum")
    assert err.value.field == "password"
    assert not (tmp_path / "v").exists()


# ---- open, wrong password, reopen, storage.connect -------------------------------------------------------

def test_wrong_password_raises_authentication_error(vault):
    with pytest.raises(AuthenticationError) as err:
        vault.open("clerk1", "not-my-password")
    assert err.value.exit_code == 3


def test_reopen_after_close_sees_committed_data(vault):
    s = vault.open("clerk1")
    tracking = vault.accept(s, notes="ghi chú lưu lại")
    s.close()
    s2 = vault.open("clerk1")
    assert items.item_row(s2, tracking).notes == "ghi chú lưu lại"
    s2.close()
    s3 = vault.open("auditor1")
    assert items.item_row(s3, tracking).status == "accepted"


def test_storage_connect_returns_a_keyed_connection(vault, kit):
    conn = storage.connect(vault.path, "auditor1", kit.PASSWORDS["auditor1"])
    try:
        users = {r[0] for r in conn.execute("SELECT username FROM users")}
        assert users == set(kit.USERS)
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] >= 2 + len(kit.USERS)
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    finally:
        conn.close()
    with pytest.raises(AuthenticationError):
        storage.connect(vault.path, "auditor1", "wrong-password-1")


def test_missing_vault_is_a_vault_error(tmp_path, kit):
    with pytest.raises(VaultError) as err:
        open_session(tmp_path / "nowhere", "admin", kit.PASSWORDS["admin"])
    assert err.value.key == "vault.missing"


# ---- users ------------------------------------------------------------------------------------------------

def test_add_user_then_the_user_opens_and_signs(vault, kit):
    admin = vault.open("admin")
    info = directory.add_user(admin, "clerk9", role="clerk", full_name="Người  Mới", password="mật-khẩu-mới-của-clerk9")
    assert info.full_name == "Người Mới"
    assert info.active
    s = vault.open("clerk9", "mật-khẩu-mới-của-clerk9")
    tracking = vault.accept(s)
    assert all(e.signature_ok for e in items.timeline(s, tracking))


def test_add_user_refuses_duplicates_and_bad_names(vault):
    admin = vault.open("admin")
    before = vault.snapshot(admin)
    with pytest.raises(BadInputError) as err:
        directory.add_user(admin, "clerk1", role="clerk", full_name="X", password="mật-khẩu-mới-của-clerk9")
    assert err.value.field == "username"
    for bad in ("A", "Clerk", "cl erk", "clérk", "-x"):
        with pytest.raises(BadInputError):
            directory.add_user(admin, bad, role="clerk", full_name="X", password="mật-khẩu-mới-của-clerk9")
    with pytest.raises(BadInputError) as err:
        directory.add_user(admin, "sec9", role="secretary", full_name="X", password="mật-khẩu-mới-của-clerk9")
    assert err.value.field == "agency"
    with pytest.raises(BadInputError) as err:
        directory.add_user(admin, "clerk9", role="boss", full_name="X", password="mật-khẩu-mới-của-clerk9")
    assert err.value.field == "role"
    assert vault.snapshot(admin) == before


def test_own_password_change(vault, kit):
    s = vault.open("clerk1")
    signing_public = s.user.public_key
    tracking = vault.accept(s)
    directory.change_password(s, kit.PASSWORDS["clerk1"], "mật-khẩu-mới-của-clerk1")
    s.close()
    with pytest.raises(AuthenticationError):
        vault.open("clerk1")
    s2 = vault.open("clerk1", "mật-khẩu-mới-của-clerk1")
    # A new password brings a new signing key (whoever knew the old password cannot sign as clerk1 any more),
    # recorded as a rotation clerk1 signs with the old key and co-signs with the new one.
    assert s2.user.public_key != signing_public
    assert s2.signer.key.public_raw() == s2.user.public_key
    assert _slots(vault.path).slots["clerk1"].signing_public == s2.user.public_key
    rotations = _events(s2, K.USER_KEY_ROTATED)
    assert len(rotations) == 1
    incidents.add_note(s2, tracking, "sau khi đổi mật khẩu")
    assert all(e.signature_ok for e in items.timeline(s2, tracking))  # old events still verify
    from securemail.services.audit import verify_vault
    assert verify_vault(s2, full=True)


def test_own_password_change_refuses_short_password(vault, kit):
    s = vault.open("clerk1")
    with pytest.raises(BadInputError):
        directory.change_password(s, kit.PASSWORDS["clerk1"], "short")
    assert _opens(vault, "clerk1", kit.PASSWORDS["clerk1"])


def test_own_password_change_with_wrong_current_password(vault, kit):
    s = vault.open("clerk1")
    with pytest.raises(AuthenticationError):
        directory.change_password(s, "not-the-current-password", "mật-khẩu-mới-của-clerk1")
    assert _opens(vault, "clerk1", kit.PASSWORDS["clerk1"])


def test_admin_resets_another_users_password(vault, kit):
    clerk = vault.open("clerk1")
    old_public = clerk.user.public_key
    tracking = vault.accept(clerk)
    clerk.close()
    admin = vault.open("admin")
    directory.reset_password(admin, "clerk1", "mật-khẩu-đặt-lại-01")
    with pytest.raises(AuthenticationError):
        vault.open("clerk1")
    s = vault.open("clerk1", "mật-khẩu-đặt-lại-01")
    assert s.user.public_key != old_public, "a reset must give the user a new signing key"
    assert _slots(vault.path).slots["clerk1"].signing_public == s.user.public_key
    rotated = _events(admin, K.USER_KEY_ROTATED)
    assert len(rotated) == 1
    assert rotated[0][1] == "admin"
    # the administrator knew that key: it signs nothing until the user sets their own password (and key)
    assert s.must_change_password
    before = vault.snapshot(admin)
    with pytest.raises(PermissionDeniedError):
        incidents.add_note(s, tracking, "ký bằng khóa do quản trị viên cấp")
    assert vault.snapshot(admin) == before
    directory.change_password(s, "mật-khẩu-đặt-lại-01", "mật-khẩu-riêng-của-clerk1")
    assert not s.must_change_password
    # events signed with the old key still verify; new ones verify with the new key
    incidents.add_note(s, tracking, "ký bằng khóa mới")
    timeline = items.timeline(s, tracking)
    assert [e.actor for e in timeline] == ["clerk1", "clerk1"]
    assert all(e.signature_ok for e in timeline)


def test_reset_password_refuses_unknown_and_short(vault):
    admin = vault.open("admin")
    before = vault.snapshot(admin)
    with pytest.raises(NotFoundError):
        directory.reset_password(admin, "nobody", "mật-khẩu-đặt-lại-01")
    with pytest.raises(BadInputError):
        directory.reset_password(admin, "clerk1", "short")
    assert vault.snapshot(admin) == before


# ---- revoke and rekey -------------------------------------------------------------------------------------

def test_revoke_rekeys_the_database(vault, kit):
    clerk2 = vault.open("clerk2")
    old_slot_file = (vault.path / "keyslots.json").read_text()
    old_dek = clerk2.current_dek()
    clerk2.close()
    admin = vault.open("admin")
    assert admin.current_dek() == old_dek
    directory.revoke_user(admin, "clerk2")
    assert admin.current_dek() != old_dek
    # the revoked password no longer opens anything
    with pytest.raises(AuthenticationError):
        vault.open("clerk2")
    with pytest.raises(AuthenticationError):
        vault.cosign(admin, "clerk2")
    # the old data key no longer opens the database, while the admin session is open and after it closes
    with pytest.raises(DatabaseError):
        open_database(vault.path / "vault.db", old_dek)
    row = admin.conn.execute("SELECT active, revoked_seq FROM users WHERE username = 'clerk2'").fetchone()
    assert row[0] == 0 and row[1] is not None
    admin.close()
    with pytest.raises(DatabaseError):
        open_database(vault.path / "vault.db", old_dek)
    # everyone else still opens
    for user in kit.USERS:
        if user != "clerk2":
            s = vault.open(user)
            assert s.current_dek() != old_dek
            s.close()
    # an old copy of the revoked user's slot is useless: it seals the old data key
    doc = json.loads((vault.path / "keyslots.json").read_text())
    old_doc = json.loads(old_slot_file)
    doc["slots"].append(next(s for s in old_doc["slots"] if s["user"] == "clerk2"))
    (vault.path / "keyslots.json").write_text(json.dumps(doc))
    with pytest.raises((VaultError, AuthenticationError)):
        vault.open("clerk2")


def test_revoke_refuses_last_admin_and_unknown(vault):
    admin = vault.open("admin")
    before = vault.snapshot(admin)
    with pytest.raises(BadInputError) as err:
        directory.revoke_user(admin, "admin")
    assert err.value.key == "input.last_admin"
    with pytest.raises(NotFoundError):
        directory.revoke_user(admin, "nobody")
    assert vault.snapshot(admin) == before


def test_revoke_again_finishes_the_job_and_unknown_users_are_refused(vault):
    """Running revoke again on a revoked user rotates the key again (the way to finish an interrupted revocation);
    it records no second revocation. An unknown user is still 'not found'."""
    from securemail.custody import kinds as K
    from securemail.services.audit import verify_vault
    admin = vault.open("admin")
    directory.revoke_user(admin, "courier2")
    dek = admin.current_dek()
    directory.revoke_user(admin, "courier2")
    assert admin.current_dek() != dek
    assert len(_events(admin, K.USER_REVOKED)) == 1
    assert len(_events(admin, K.VAULT_REKEYED)) == 2
    report = verify_vault(admin, full=True)
    assert report and "verify.warn_revoked_not_rekeyed" not in report.warnings
    with pytest.raises(NotFoundError):
        directory.revoke_user(admin, "nobody")


def test_revocation_without_a_new_key_is_warned_about(vault, monkeypatch):
    from securemail.services.audit import verify_vault
    admin = vault.open("admin")
    monkeypatch.setattr(directory, "rekey", lambda session: None)  # as if the process died before rekeying
    directory.revoke_user(admin, "courier2")
    assert "verify.warn_revoked_not_rekeyed" in verify_vault(admin, full=True).warnings


def test_rekey_keeps_every_user_and_the_data(vault, kit):
    clerk = vault.open("clerk1")
    tracking = vault.accept(clerk)
    clerk.close()
    admin = vault.open("admin")
    old = admin.current_dek()
    directory.rekey(admin)
    directory.rekey(admin)
    admin.close()
    with pytest.raises(DatabaseError):
        open_database(vault.path / "vault.db", old)
    for user in kit.USERS:
        s = vault.open(user)
        if user != "sec3":
            assert items.item_row(s, tracking).status == "accepted"
        s.close()
    assert all(s.dek_next is None for s in _slots(vault.path).slots.values())


def test_interrupted_rekey_after_database_rekeyed_still_opens(vault, kit, monkeypatch):
    """Crash after the pending key was saved and PRAGMA rekey ran, before the pending key became current."""
    admin = vault.open("admin")
    old = admin.current_dek()

    def crash(_slot):
        raise RuntimeError("power cut")

    monkeypatch.setattr(directory, "commit_pending_dek", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        directory.rekey(admin)
    monkeypatch.undo()
    admin.close()
    assert all(s.dek_next is not None for s in _slots(vault.path).slots.values())
    with pytest.raises(DatabaseError):
        open_database(vault.path / "vault.db", old)
    s = vault.open("clerk1")  # opens with the pending key and finishes the rekey
    assert s.current_dek() != old
    s.close()
    assert all(s.dek_next is None for s in _slots(vault.path).slots.values())
    for user in kit.USERS:
        vault.open(user).close()


def test_interrupted_rekey_before_database_rekeyed_still_opens(vault, kit, monkeypatch):
    """Crash after the pending key was saved but before PRAGMA rekey."""
    admin = vault.open("admin")
    old = admin.current_dek()

    def crash(_dek):
        raise RuntimeError("power cut")

    monkeypatch.setattr(directory, "rekey_pragma", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        directory.rekey(admin)
    monkeypatch.undo()
    admin.close()
    for user in kit.USERS:
        s = vault.open(user)
        assert s.current_dek() == old
        s.close()
    # a later rekey still works
    admin = vault.open("admin")
    directory.rekey(admin)
    admin.close()
    vault.open("clerk1").close()


def test_two_sessions_adding_users_keep_both_slots(vault):
    a = vault.open("admin")
    b = vault.open("admin")
    directory.add_user(a, "newbie", role="courier", full_name="Người Một", password="mật-khẩu-newbie-1")
    directory.add_user(b, "other", role="courier", full_name="Người Hai", password="mật-khẩu-other-22")
    vault.open("other", "mật-khẩu-other-22").close()
    vault.open("newbie", "mật-khẩu-newbie-1").close()


# ---- failed attempts --------------------------------------------------------------------------------------

def _lockout(vault, user: str = "clerk1") -> dict:
    doc = json.loads((vault.path / "lockout.json").read_text())
    return doc["users"].get(user, {"failures": 0})


def test_failure_counter_persists_and_delays_grow(vault, kit):
    waits: list[float] = []
    attempts = FREE_ATTEMPTS + 3
    for n in range(1, attempts + 1):
        # every attempt is a fresh open_session call, as after a restart of the program
        with pytest.raises(AuthenticationError):
            open_session(vault.path, "clerk1", f"wrong-password-{n:03d}", sleep=waits.append)
        assert _lockout(vault)["failures"] == n
    # the first attempts are free; after that each attempt waits longer than the one before
    assert len(waits) == attempts - FREE_ATTEMPTS
    assert waits == sorted(waits)
    assert len(set(round(w) for w in waits)) == len(waits)
    for failures, waited in zip(range(FREE_ATTEMPTS, attempts), waits, strict=True):
        assert lockout_delay(failures) - 1 < waited <= lockout_delay(failures)
    # the right password still has to wait, then resets the counter
    s = open_session(vault.path, "clerk1", kit.PASSWORDS["clerk1"], sleep=waits.append)
    s.close()
    assert waits[-1] > waits[-2]
    assert _lockout(vault)["failures"] == 0
    free: list[float] = []
    with pytest.raises(AuthenticationError):
        open_session(vault.path, "clerk1", "wrong-again-0001", sleep=free.append)
    assert free == []
    assert _lockout(vault)["failures"] == 1


def test_on_wait_reports_count_and_seconds(vault):
    for n in range(FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            open_session(vault.path, "clerk1", f"wrong-password-{n:03d}", sleep=lambda _s: None)
    reported: list[tuple[int, int]] = []
    with pytest.raises(AuthenticationError):
        open_session(vault.path, "clerk1", "wrong-password-xyz", sleep=lambda _s: None,
                     on_wait=lambda count, seconds: reported.append((count, seconds)))
    assert reported == [(FREE_ATTEMPTS, lockout_delay(FREE_ATTEMPTS))]


def test_damaged_counter_does_not_remove_the_delay(vault, kit):
    (vault.path / "lockout.json").write_text("{not json")
    waits: list[float] = []
    s = open_session(vault.path, "clerk1", kit.PASSWORDS["clerk1"], sleep=waits.append)
    s.close()
    assert waits and waits[0] > 0


def test_unknown_user_counts_as_a_failure(vault):
    with pytest.raises(AuthenticationError):
        open_session(vault.path, "nobody", "whatever-password", sleep=lambda _s: None)
    doc = json.loads((vault.path / "lockout.json").read_text())
    assert "nobody" not in json.dumps(doc)  # never in clear: counted in a keyed bucket
    assert [a["failures"] for a in doc["unknown"].values()] == [1]


def test_counters_are_per_user_and_not_reset_by_someone_else(vault, kit):
    for n in range(FREE_ATTEMPTS + 1):
        with pytest.raises(AuthenticationError):
            open_session(vault.path, "clerk1", f"wrong-password-{n:03d}", sleep=lambda _s: None)
    # another user signs in without waiting, and does not clear clerk1's counter
    waits: list[float] = []
    vault.open("clerk2", sleep=waits.append)
    assert waits == []
    assert _lockout(vault, "clerk1")["failures"] == FREE_ATTEMPTS + 1


@pytest.mark.parametrize("content", ["[1, 2]", '{"users": {"clerk1": {"failures": 1e18, "last_failure": 0}}}',
                                     '{"users": {"clerk1": {"failures": 5, "last_failure": 1e308}}}',
                                     '{"users": {"clerk1": {"failures": 5, "last_failure": NaN}}}',
                                     '{"users": []}', "null"])
def test_odd_counter_files_wait_at_most_the_cap(vault, kit, content):
    from securemail.storage.lockout import MAX_DELAY_SECONDS
    (vault.path / "lockout.json").write_text(content)
    waits: list[float] = []
    s = open_session(vault.path, "clerk1", kit.PASSWORDS["clerk1"], sleep=waits.append)
    s.close()
    assert all(0 < w <= MAX_DELAY_SECONDS for w in waits)


def test_a_reset_password_asks_for_a_change_until_the_user_sets_their_own(vault):
    admin = vault.open("admin")
    directory.reset_password(admin, "clerk2", "đặt-bởi-quản-trị-01")
    s = vault.open("clerk2", "đặt-bởi-quản-trị-01")
    assert s.must_change_password  # the administrator knew this password and so could sign as clerk2
    directory.change_password(s, "đặt-bởi-quản-trị-01", "của-riêng-clerk2-02")
    s.close()
    assert not vault.open("clerk2", "của-riêng-clerk2-02").must_change_password
