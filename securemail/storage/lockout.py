"""Failed-attempt counters (lockout.json beside the vault): growing delays without a global wait.

    {"key": b64(32 random bytes),
     "users":   {"clerk1": {"failures": 4, "last_failure": 1764640000.0}},     names that have a key slot
     "unknown": {"3f": {"failures": 2, "last_failure": ...}}}                 everything else, in 256 buckets

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


class Lockout:
    def __init__(self, key: bytes | None = None, users: dict[str, Attempts] | None = None,
                 unknown: dict[str, Attempts] | None = None) -> None:
        self.key = key if key is not None and len(key) == 32 else os.urandom(32)
        self.users = users or {}
        self.unknown = unknown or {}

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
            return cls(key, _attempts(doc.get("users", {})), _attempts(doc.get("unknown", {})))
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

    def succeeded(self, counter: Counter) -> None:
        self._table(counter).pop(counter.name, None)

    def save(self, path: Path, known: Collection[str]) -> None:
        def table(entries: dict[str, Attempts], keep: Collection[str] | None) -> dict[str, dict[str, float]]:
            return {n: {"failures": a.failures, "last_failure": a.last_failure} for n, a in sorted(entries.items())
                    if a.failures and (keep is None or n in keep or n == DAMAGED)}

        doc = {"key": base64.b64encode(self.key).decode(), "users": table(self.users, known),
               "unknown": table(self.unknown, None)}
        atomic_write(path, json.dumps(doc).encode())
