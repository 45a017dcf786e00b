"""Step 5, projection: every event replayed into an in-memory database, then each projection table compared
with the vault's, row by row (a streaming merge of both, ordered by primary key)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from securemail.custody import kinds as K
from securemail.custody.events import Event
from securemail.custody.projection import ProjectionError, apply_event
from securemail.custody.verify.context import Context, as_bytes
from securemail.custody.verify.parse import show
from securemail.custody.verify.report import Problem
from securemail.storage.database import Connection, DatabaseError, open_memory
from securemail.storage.schema import PROJECTION_TABLES, migrate

# Columns telling which event last shaped a row, used as the problem's seq.
_SEQ_COLUMNS: Final = ("last_seq", "updated_seq", "closed_seq", "revoked_seq", "enrolled_seq")


class Replay:
    """An in-memory database (never on disk: it holds item data) fed by `apply_event`.

    An event that cannot be applied must leave no trace. Instead of a savepoint per event (two statements per
    event, a fifth of the replay), events are applied in groups under one savepoint; when one fails, the group is
    rolled back and its events before the failing one are applied again (apply_event is a function of the state
    and the event: they succeed again, to the same state), so the state is exactly as with a savepoint each."""

    GROUP: Final = 64

    def __init__(self) -> None:
        self.conn = open_memory(prepare=_projection_schema)   # a fresh statement cache: see open_memory
        self.conn.execute("BEGIN")
        self.group: list[Event] = []          # applied since the group's savepoint

    def apply(self, event: Event, seq: int) -> Problem | None:
        if not self.group:
            self.conn.execute("SAVEPOINT grp")
        try:
            apply_event(self.conn, event)
        except Exception as e:  # a signed but hostile event is reported; it must never crash the audit
            self._undo_last()
            lawful_shape = isinstance(e, ProjectionError | DatabaseError | ValueError)
            return Problem(seq, event.subject, "illegal_transition" if lawful_shape else "malformed_event",
                           f"{event.kind} cannot be applied: {type(e).__name__}: {e}")
        self.group.append(event)
        if len(self.group) >= self.GROUP:
            self.settle()
        return None

    def settle(self) -> None:
        """Keep what the group applied (before reading the state as final, e.g. to compare)."""
        if self.group:
            self.conn.execute("RELEASE grp")
            self.group = []

    def _undo_last(self) -> None:
        """Back to the state before the event that just failed."""
        self.conn.execute("ROLLBACK TO grp")
        for done in self.group:
            apply_event(self.conn, done)
        self.conn.execute("RELEASE grp")
        self.group = []

    def close(self) -> None:
        self.conn.close()


def _projection_schema(conn: Connection) -> None:
    """The vault's schema without its secondary indexes: they only slow the replay down; primary keys stay."""
    migrate(conn)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
    for name in names:
        conn.execute(f'DROP INDEX "{name}"')


def compare_projection(ctx: Context, replay: Replay, where: Callable[[str], tuple[str, tuple[Any, ...]]]
                       | None = None) -> None:
    """Compare every projection table (or, with `where(table)`, the rows it selects) with the replay."""
    replay.settle()
    replay.conn.execute("COMMIT")
    for table in PROJECTION_TABLES:
        clause, args = where(table) if where is not None else ("", ())
        try:
            for problem in TableDiff(ctx.conn, replay.conn, table, clause, args).problems(ctx.tick):
                ctx.problems.append(problem)
        except DatabaseError as e:
            ctx.unreadable(f"table {table}", e)


def _sort_key(value: object) -> tuple[int, Any]:
    """SQLite's ORDER BY for BINARY collation: NULL < numbers < text < blobs (UTF-8 order = code point order)."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, as_bytes(value))


@dataclass(frozen=True)
class TableShape:
    """A table's columns and primary key (read once per run, not once per compared subject)."""

    columns: list[str]
    key_cols: list[str]

    @classmethod
    def of(cls, conn: Connection, table: str) -> TableShape:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        columns = [str(r[1]) for r in info]
        pk = sorted((int(r[5]), str(r[1])) for r in info if int(r[5]) > 0)
        return cls(columns, [name for _, name in pk] or list(columns))


class TableDiff:
    """Streaming merge of one table in the vault and in the replay, both ordered by primary key."""

    def __init__(self, vault: Connection, replay: Connection, table: str, where: str = "",
                 args: tuple[Any, ...] = (), shape: TableShape | None = None) -> None:
        shape = shape or TableShape.of(vault, table)
        self.table, self.columns, self.key_cols = table, shape.columns, shape.key_cols
        self.key_idx = [self.columns.index(c) for c in self.key_cols]
        cols = ", ".join(f'"{c}"' for c in self.columns)
        order = ", ".join(f'"{c}"' for c in self.key_cols)
        query = f'SELECT {cols} FROM "{table}" {where} ORDER BY {order}'  # names from PRAGMA table_info
        self.vault_rows = vault.execute(query, args)
        self.replay_rows = replay.execute(query, args)

    def problems(self, tick: Callable[[], None]) -> Iterator[Problem]:
        mine = next(self.vault_rows, None)
        theirs = next(self.replay_rows, None)
        while mine is not None or theirs is not None:
            km = self._key(mine) if mine is not None else None
            kt = self._key(theirs) if theirs is not None else None
            if theirs is None or (km is not None and kt is not None and km < kt):
                yield self._problem(mine, None, "row in the vault that the ledger never produced")
                mine = next(self.vault_rows, None)
                tick()
            elif mine is None or (kt is not None and km is not None and kt < km):
                yield self._problem(None, theirs, "row missing from the vault")
                theirs = next(self.replay_rows, None)
            else:
                yield from self._compare(mine, theirs)
                mine = next(self.vault_rows, None)
                theirs = next(self.replay_rows, None)
                tick()

    def _key(self, row: Sequence[object]) -> tuple[tuple[int, Any], ...]:
        return tuple(_sort_key(row[i]) for i in self.key_idx)

    def _compare(self, mine: Sequence[object], theirs: Sequence[object]) -> Iterator[Problem]:
        for i, column in enumerate(self.columns):
            if mine[i] != theirs[i] or type(mine[i]) is not type(theirs[i]):
                yield self._problem(mine, theirs, f"column {column}: vault has {show(mine[i])}, "
                                                  f"ledger says {show(theirs[i])}")

    def _problem(self, mine: Sequence[object] | None, theirs: Sequence[object] | None, what: str) -> Problem:
        row = mine if mine is not None else theirs
        assert row is not None
        key = ", ".join(f"{c}={row[i]!r}" for c, i in zip(self.key_cols, self.key_idx, strict=True))
        values = dict(zip(self.columns, theirs if theirs is not None else row, strict=True))
        seq = next((values[c] for c in _SEQ_COLUMNS if isinstance(values.get(c), int)), None)
        return Problem(seq if isinstance(seq, int) else None, _row_item(self.table, values), "projection_differs",
                       f"{self.table} [{key}]: {what}")


def _row_item(table: str, values: dict[str, object]) -> str | None:
    if table == "bags" and isinstance(values.get("bag"), str):
        return K.bag_subject(str(values["bag"]))
    tracking = values.get("tracking")
    return tracking if isinstance(tracking, str) else None
