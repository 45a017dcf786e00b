"""Failed-attempt delays: no global wait, bounded state for invented names, nothing typed lands on disk in clear.

Threads synchronise on events (the injected sleep tells us a wait started and waits for our release): no test
here depends on timing."""

from __future__ import annotations

import json
import threading

import pytest

from securemail.errors import AuthenticationError
from securemail.services.cosign import cosigner
from securemail.services.session import open_session
from securemail.storage import vault as vault_mod
from securemail.storage.lockout import FAILED_LOG_MAX, FREE_ATTEMPTS, UNKNOWN_BUCKETS
from securemail.storage.vault import VaultPaths, unlock

TIMEOUT = 60


def _fail(path, name: str, times: int) -> None:
    for n in range(times):
        with pytest.raises(AuthenticationError):
            unlock(VaultPaths(path), name, f"wrong-password-{n:03d}", sleep=lambda _s: None)


class HeldSleep:
    """An injected sleep that reports it started and returns only when released."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, _seconds: float) -> None:
        self.started.set()
        assert self.release.wait(TIMEOUT)


def _in_thread(target) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as e:  # collected and checked by the test
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, errors


def _never_sleep(seconds: float) -> None:
    raise AssertionError(f"asked to wait {seconds} s")


@pytest.mark.parametrize("name", ["clerk1", "no-such-user"])
def test_a_waiting_name_does_not_hold_up_another_login_or_cosignature(vault, kit, name):
    _fail(vault.path, name, FREE_ATTEMPTS)
    held = HeldSleep()
    thread, errors = _in_thread(lambda: unlock(VaultPaths(vault.path), name, "still-wrong-password",
                                               sleep=held))
    assert held.started.wait(TIMEOUT)          # the guesser is now waiting out its delay
    # meanwhile another user logs in and a co-signer signs, with no wait at all
    open_session(vault.path, "clerk2", kit.PASSWORDS["clerk2"], sleep=_never_sleep).close()
    with vault.open("clerk2") as s:
        signer, _user = cosigner(s, "courier1", kit.PASSWORDS["courier1"])
        assert signer.username == "courier1"
    held.release.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], AuthenticationError)


def test_parallel_guesses_each_count(vault):
    """Attempts are counted before the key derivation: two guesses racing cannot both be free of the count."""
    _fail(vault.path, "clerk1", FREE_ATTEMPTS - 1)
    start = threading.Barrier(2)
    waits: list[float] = []

    def guess() -> None:
        start.wait(TIMEOUT)
        with pytest.raises(AuthenticationError):
            unlock(VaultPaths(vault.path), "clerk1", "parallel-wrong-01", sleep=waits.append)

    threads = [_in_thread(guess) for _ in range(2)]
    for t, errors in threads:
        t.join(TIMEOUT)
        assert not errors
    doc = json.loads((vault.path / "lockout.json").read_text())
    assert doc["users"]["clerk1"]["failures"] == FREE_ATTEMPTS + 1


def test_invented_names_are_bounded_and_never_written(vault, monkeypatch):
    monkeypatch.setattr(vault_mod, "burn_kdf_time", lambda _password, _profile: None)
    secret = "hunter2-typed-into-the-user-field"
    names = [secret] + [f"invented-{n}" for n in range(3 * UNKNOWN_BUCKETS)]
    for name in names:
        with pytest.raises(AuthenticationError):
            unlock(VaultPaths(vault.path), name, "x", sleep=lambda _s: None)
    raw = (vault.path / "lockout.json").read_text()
    assert secret not in raw and "invented" not in raw
    doc = json.loads(raw)
    assert doc["users"] == {}
    assert len(doc["unknown"]) <= UNKNOWN_BUCKETS
    assert sum(a["failures"] for a in doc["unknown"].values()) == len(names)
    # bounded: the buckets, and the failed attempts waiting for the audit trail (the rest only counted)
    assert len(doc["failed_log"]) == FAILED_LOG_MAX and doc["failed_dropped"] == len(names) - FAILED_LOG_MAX
    assert all(f["user"] is None for f in doc["failed_log"])
    assert len(raw) < 64 * UNKNOWN_BUCKETS + 100 * FAILED_LOG_MAX


def test_real_users_are_never_in_an_unknown_bucket(vault, kit):
    _fail(vault.path, "no-such-user", FREE_ATTEMPTS + 2)
    for user in ("clerk1", "courier1", "admin"):
        open_session(vault.path, user, kit.PASSWORDS[user], sleep=_never_sleep).close()
