"""Failed-attempt counters (lockout.json beside the vault): growing delays without a global wait.

    {"key": b64(32 random bytes),
     "users":   {"clerk1": {"failures": 4, "last_failure": 1764640000.0}},     names that have a key slot
     "unknown": {"3f": {"failures": 2, "last_failure": ...}},                 everything else, in 256 buckets
     "failed_log": [{"id": "9c..", "time": 1764640000.0, "user": "clerk1"}],  failed unlocks not yet signed
     "failed_dropped": 0}                                                    failures beyond FAILED_LOG_MAX

failed_log is the unsigned half of the audit trail's failed sign-ins: the next successful login signs each entry
into the log (services.audit_trail) and removes it here. "user" is a name with a key slot, or null: a name
without a slot may be a password typed into the wrong field and is never written down.

A name without a slot never appears on disk: it is counted in one of at most 256 buckets chosen by
HMAC-SHA256(key, name)[0]. A password typed into the user field therefore leaves at most 8 bits behind, the file
cannot grow with invented names, and failures on one name only delay that name (or the ~1/256 of invented names
sharing its bucket), never a real user. The key makes buckets unpredictable to someone guessing online.

A damaged or odd file must not become a way around the delay: anything unreadable counts as the worst.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import os
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from securemail.storage.files import atomic_write

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300
MAX_COUNTED = 1000
UNKNOWN_BUCKETS = 256
DAMAGED = "*"
FAILED_LOG_MAX = 500


def lockout_delay(failures: int) -> int:
    """Seconds to wait before the next attempt after `failures` consecutive failures (capped)."""
    if failures < FREE_ATTEMPTS:
        return 0
    exponent = min(failures - FREE_ATTEMPTS + 1, 16)  # bound the power before min(): no huge integers
    return int(min(2**exponent, MAX_DELAY_SECONDS))


@dataclass
class Attempts:
    failures: int = 0
    last_failure: float = 0.0

    def remaining_wait(self, now: float) -> float:
        # Never more than the cap, whatever the file says (a clock moved back, a hand-edited counter).
        return min(max(0.0, self.last_failure + lockout_delay(self.failures) - now), float(MAX_DELAY_SECONDS))


@dataclass(frozen=True)
class Counter:
    """Where one name is counted: ("users", name) for a name with a slot, ("unknown", bucket) otherwise."""

    table: str
    name: str


class DamagedFile(ValueError):
    pass


def _attempts(table: object) -> dict[str, Attempts]:
    if not isinstance(table, dict):
        raise DamagedFile("table is not an object")
    out: dict[str, Attempts] = {}
    for name, entry in table.items():
        try:
            failures = int(entry["failures"])
            last = float(entry["last_failure"])
        except (KeyError, TypeError, ValueError, OverflowError) as e:
            raise DamagedFile("bad entry") from e
        if failures < 0 or math.isnan(last) or math.isinf(last):
            raise DamagedFile("bad entry")
        out[str(name)] = Attempts(min(failures, MAX_COUNTED), last)
    return out


@dataclass(frozen=True)
class FailedLogin:
    """One failed unlock waiting to be signed into the audit trail: when, and which user (None: a name that has
    no key slot, never written down)."""

    id: str
    time: float
    user: str | None


def _failed_log(value: object) -> list[FailedLogin]:
    if not isinstance(value, list):
        raise DamagedFile("failed_log is not a list")
    out: list[FailedLogin] = []
    for entry in value[-FAILED_LOG_MAX:]:
        try:
            ident, when, user = str(entry["id"]), float(entry["time"]), entry.get("user")
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise DamagedFile("bad failed_log entry") from e
        if len(ident) != 32 or not all(c in "0123456789abcdef" for c in ident) or math.isnan(when) \
                or math.isinf(when) or not (user is None or isinstance(user, str)):
            raise DamagedFile("bad failed_log entry")
        out.append(FailedLogin(ident, when, user))
    return out


class Lockout:
    def __init__(self, key: bytes | None = None, users: dict[str, Attempts] | None = None,
                 unknown: dict[str, Attempts] | None = None, failed_log: list[FailedLogin] | None = None,
                 failed_dropped: int = 0) -> None:
        self.key = key if key is not None and len(key) == 32 else os.urandom(32)
        self.users = users or {}
        self.unknown = unknown or {}
        self.failed_log = failed_log or []
        self.failed_dropped = failed_dropped

    @classmethod
    def load(cls, path: Path) -> Lockout:
        try:
            with path.open("rb") as f:
                raw = f.read(1024 * 1024 + 1)
            if len(raw) > 1024 * 1024:
                raise DamagedFile("too large")
            doc = json.loads(raw.decode("utf-8"))
            if not isinstance(doc, dict):
                raise DamagedFile("not an object")
            key = base64.b64decode(str(doc.get("key", "")), validate=True)
            dropped = doc.get("failed_dropped", 0)
            if not isinstance(dropped, int) or isinstance(dropped, bool) or dropped < 0:
                raise DamagedFile("bad failed_dropped")
            return cls(key, _attempts(doc.get("users", {})), _attempts(doc.get("unknown", {})),
                       _failed_log(doc.get("failed_log", [])), min(dropped, 1 << 40))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, RecursionError, binascii.Error):
            return cls.worst()

    @classmethod
    def worst(cls) -> Lockout:
        return cls(users={DAMAGED: Attempts(FREE_ATTEMPTS + 3, time.time())})

    def counter(self, username: str, known: bool) -> Counter:
        if known:
            return Counter("users", username)
        digest = hmac.new(self.key, username.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        return Counter("unknown", f"{digest[0] % UNKNOWN_BUCKETS:02x}")

    def _table(self, counter: Counter) -> dict[str, Attempts]:
        return self.users if counter.table == "users" else self.unknown

    def get(self, counter: Counter) -> Attempts:
        return self.users.get(DAMAGED) or self._table(counter).get(counter.name, Attempts())

    def charge(self, counter: Counter, now: float) -> None:
        """Count an attempt before it is tried: parallel guesses each pay, whatever their outcome."""
        base = self.get(counter)
        self.users.pop(DAMAGED, None)
        self._table(counter)[counter.name] = Attempts(min(base.failures + 1, MAX_COUNTED), now)

    def failed(self, counter: Counter, now: float) -> None:
        entry = self._table(counter).get(counter.name)
        self._table(counter)[counter.name] = Attempts(max(entry.failures if entry else 0, 1), now)

    def log_failure(self, user: str | None, now: float) -> None:
        """Keep a failed unlock for the audit trail (the oldest beyond FAILED_LOG_MAX are only counted)."""
        self.failed_log.append(FailedLogin(os.urandom(16).hex(), now, user))
        if len(self.failed_log) > FAILED_LOG_MAX:
            self.failed_dropped += len(self.failed_log) - FAILED_LOG_MAX
            self.failed_log = self.failed_log[-FAILED_LOG_MAX:]

    def forget_failures(self, ids: Collection[str], dropped: int) -> None:
        """Entries now signed into the log are removed (and the count of dropped ones they reported)."""
        self.failed_log = [f for f in self.failed_log if f.id not in ids]
        self.failed_dropped = max(0, self.failed_dropped - dropped)

    def succeeded(self, counter: Counter) -> None:
        self._table(counter).pop(counter.name, None)

    def save(self, path: Path, known: Collection[str]) -> None:
        def table(entries: dict[str, Attempts], keep: Collection[str] | None) -> dict[str, dict[str, float]]:
            return {n: {"failures": a.failures, "last_failure": a.last_failure} for n, a in sorted(entries.items())
                    if a.failures and (keep is None or n in keep or n == DAMAGED)}

        doc: dict[str, object] = {"key": base64.b64encode(self.key).decode(), "users": table(self.users, known),
                                   "unknown": table(self.unknown, None)}
        if self.failed_log or self.failed_dropped:
            doc["failed_log"] = [{"id": f.id, "time": f.time, "user": f.user} for f in self.failed_log]
            doc["failed_dropped"] = self.failed_dropped
        atomic_write(path, json.dumps(doc).encode())
