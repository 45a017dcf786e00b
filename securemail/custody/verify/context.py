"""What every verification step shares: the options, the problems found so far, the authority (who may sign
what, replayed from the directory events) and the signature checker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import sqlcipher3

from securemail.custody.authority import Authority
from securemail.custody.checkpoint import Checkpoint
from securemail.custody.verify.report import Problem, ProgressCallback
from securemail.custody.verify.signatures import SignatureChecker
from securemail.storage.database import Connection, DatabaseError
from securemail.storage.schema import PROJECTION_TABLES

# A damaged or replayed page surfaces as DatabaseError ("database disk image is malformed"...) and is reported;
# ProgrammingError (e.g. a closed connection) is the caller's bug and propagates.
ProgrammingError = sqlcipher3.dbapi2.ProgrammingError

PROGRESS_EVERY: Final = 500    # events between progress calls


@dataclass(frozen=True)
class External:
    """A checkpoint held outside the database (state file, exported file), or the tree head of head.json
    (`signed=False`: authenticated by the caller with the data key's MAC, not signed)."""

    checkpoint: Checkpoint
    source: str          # "state file", "checkpoint file #i" or "head file"
    signed: bool = True


STATE_FILE: Final = "state file"


def describe(cp: Checkpoint, source: str) -> str:
    return f"{source} checkpoint of size {cp.size} signed {cp.time}" if cp.time else \
        f"{source} tree head of size {cp.size}"


@dataclass
class Options:
    office_public_key_hint: bytes | None
    externals: list[External]
    incremental_from: int
    incremental_root: bytes | None
    progress: ProgressCallback | None
    workers: int
    integrity_check: bool
    anchor: tuple[int, bytes] | None = None    # (size, root) verified before: compared, signatures not skipped


class RestartFull(Exception):  # control flow, not an error
    """The state verified earlier is not a prefix of this log: incremental trust is void."""


def count_rows(conn: Connection, table: str) -> int:
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    except DatabaseError as e:
        if isinstance(e, ProgrammingError):
            raise
        return 0        # reported when the table is read


def as_bytes(value: object) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else b""


class Context:
    """The state one verification run shares between its steps."""

    def __init__(self, conn: Connection, opts: Options, *, total_events: int, total: int,
                 expected_signatures: int) -> None:
        self.conn = conn
        self.opts = opts
        self.problems: list[Problem] = []
        self.authority = Authority()
        self.sigs = SignatureChecker(opts.workers, expected_signatures)
        self.total_events = total_events
        self.total = total                    # units of progress: events plus projection rows compared
        self.done = 0

    @classmethod
    def for_full_run(cls, conn: Connection, opts: Options) -> Context:
        events = count_rows(conn, "events")
        rows = sum(count_rows(conn, t) for t in PROJECTION_TABLES)
        return cls(conn, opts, total_events=events, total=events + rows,
                   expected_signatures=events - min(opts.incremental_from, events))

    def report(self, seq: int | None, item: str | None, code: str, detail: str) -> None:
        self.problems.append(Problem(seq, item, code, detail))

    def unreadable(self, what: str, error: Exception) -> None:
        if isinstance(error, ProgrammingError):
            raise error
        self.report(None, None, "stored_hash_differs", f"{what} cannot be read: {error}")

    def tick(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.progress()

    def progress(self) -> None:
        if self.opts.progress is not None:
            self.opts.progress(min(self.done, self.total), self.total)
