"""The full run: every event read in one streaming pass, each through steps 1-5a; then the checkpoints, the
outside records, the signatures collected from the workers and the projection compared.

Memory: about 72 bytes per event, one entry per subject, and the replayed projection (kept in memory only)."""

from __future__ import annotations

from typing import Final

from securemail.custody import kinds as K
from securemail.custody.verify.chains import ChainStep
from securemail.custody.verify.checkpoints import MerkleStep
from securemail.custody.verify.context import Context, Options
from securemail.custody.verify.directory import DirectoryStep
from securemail.custody.verify.outside import OutsideStep
from securemail.custody.verify.parse import EVENT_COLUMNS, ParsedRow, RowReader, RowStream, directory_key_hints
from securemail.custody.verify.projection import Replay, compare_projection
from securemail.custody.verify.report import VerificationReport, sort_problems
from securemail.custody.verify.storage import check_storage
from securemail.custody.verify.transitions import TransitionStep
from securemail.storage.database import Connection, DatabaseError

_EVENT_QUERY: Final = f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"


class FullRun:
    def __init__(self, conn: Connection, opts: Options) -> None:
        self.ctx = ctx = Context.for_full_run(conn, opts)
        self.replay = Replay()
        self.rows = RowReader(ctx)
        self.directory = DirectoryStep(ctx, signatures_from=opts.incremental_from)
        self.chains = ChainStep(ctx, self.rows)
        self.transitions = TransitionStep(ctx, self.replay.conn)
        self.merkle = MerkleStep(ctx, self.transitions)
        self.outside = OutsideStep(ctx)
        self.merkle.watch(self.outside.sizes(), self.outside.at_size)

    def run(self) -> VerificationReport:
        ctx = self.ctx
        try:
            ctx.sigs.start()                                    # the workers start meanwhile
            stream = self._stream()                             # and check the first rows meanwhile
            check_storage(ctx)                                  # (0) every page's HMAC
            self.merkle.at_size()                               # checkpoints of size 0
            self._read_events(stream)                           # (1)-(5a) for each event
            self.directory.finish()                             # (2) a genesis never completed
            self.merkle.finish()                                # (4) checkpoints past the end, the frontier
            self.outside.finish(self.merkle.tree.size)          # (6) outside records past the end, witnesses
            ctx.problems.extend(ctx.sigs.finish())              # (2) signatures from the workers
            compare_projection(ctx, self.replay)                # (5) projection tables
        finally:
            ctx.sigs.finish()
            self.replay.close()
        ctx.done = ctx.total
        ctx.progress()
        sort_problems(ctx.problems)
        return VerificationReport(events_checked=len(self.rows.row_seqs), size=self.merkle.tree.size,
                                  root=self.merkle.tree.root(), problems=ctx.problems,
                                  signatures_checked=ctx.sigs.checked, incremental_from=ctx.opts.incremental_from,
                                  frontier=self.merkle.tree.to_bytes())

    def _stream(self) -> RowStream | DatabaseError:
        """The events' rows, the first batches already on their way to the workers (RowStream.prime); or the
        error that kept them from being read, reported in its turn (by _read_events, after the integrity check)."""
        ctx = self.ctx
        try:
            stream = RowStream(ctx, self.rows, ctx.conn.execute(_EVENT_QUERY), hints=directory_key_hints(ctx.conn),
                               signatures_from=ctx.opts.incremental_from)
        except DatabaseError as e:
            return e
        stream.prime()
        return stream

    def _read_events(self, stream: RowStream | DatabaseError) -> None:
        ctx = self.ctx
        try:
            if isinstance(stream, DatabaseError):
                raise stream
            for r in stream:                                                # (1) checked by the workers
                self._event(r)
                ctx.tick()
        except DatabaseError as e:
            last = self.rows.row_seqs[-1] if self.rows.row_seqs else 0
            self.ctx.unreadable(f"events after event {last}", e)

    def _event(self, r: ParsedRow) -> None:
        event = r.event
        if event is not None and event.kind == K.CHECKPOINT_WITNESSED:
            self.merkle.witnessed_claim(r.seq, event)                       # (4) the root before this leaf
        self.merkle.append(r.leaf)                                          # (4)
        if event is not None:
            self.directory.event(r.seq, r.pos, event, r.body, r.verdicts)   # (2)
            self.chains.event(r.seq, r.pos, event)                          # (3)
            self.transitions.event(r.seq, event)                            # (5a)
            problem = self.replay.apply(event, r.seq)                       # (5)
            if problem is not None:
                self.ctx.problems.append(problem)
        self.merkle.at_size()                                               # (4) checkpoints of this size
