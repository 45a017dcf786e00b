"""Step 4, Merkle and checkpoints: the tree recomputed from the leaves read, compared with every vault checkpoint
(each signed by the office or its writer, each naming the previous one, none dated before the events it covers),
with the witnessed claims in the log, and with the stored frontier. Events after the newest checkpoint are
allowed (checkpoints are signed at a cadence, docs/adr/0016-checkpoint-cadence.md)."""

from __future__ import annotations

import binascii
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from securemail.crypto.signing import unb64
from securemail.custody.checkpoint import Checkpoint, parse_note
from securemail.custody.events import Event
from securemail.custody.ledger import kept_frontier, leaf_hashes_between
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.merkle.hashing import EMPTY_ROOT
from securemail.custody.merkle.log import MerkleLog
from securemail.custody.rules import parse_time
from securemail.custody.verify.context import Context, as_bytes, describe
from securemail.custody.verify.report import Problem
from securemail.custody.verify.signatures import NoteCheck, Pending
from securemail.custody.verify.transitions import TransitionStep
from securemail.storage.database import Connection, DatabaseError


def check_checkpoint_signature(ctx: Context, cp: Checkpoint, source: str) -> None:
    """A checkpoint is signed by the office key or by the person who wrote it, with the key the authority says
    they held at that size (one valid signature suffices; others are ignored)."""
    problem = Problem(cp.size, None, "bad_checkpoint_signature",
                      f"{describe(cp, source)}: no valid signature by the office or by the person who wrote it")
    usable = ctx.authority.checkpoint_signers(cp)
    if not usable:
        ctx.problems.append(problem)
        return
    ctx.sigs.add(Pending(NoteCheck(cp, tuple(usable)), problem))


def prefix_root(conn: Connection, size: int, anchor: tuple[int, bytes]) -> bytes | None:
    """The root of the first `size` events, for a record older than the verified `anchor` (size, root) that a
    plain run cannot reach by streaming: from the compact range kept with a checkpoint row at or before `size` and
    the stored leaf hashes, trusted only because the same range extended to the anchor's size gives the anchor's
    (verified) root - every node of a prefix's compact range is a node of the larger tree. None when it does not
    (the full run decides). Cost: the events between the kept range and the anchor (the checkpoint cadence)."""
    try:
        tree = kept_frontier(conn, size)
        tree.extend(leaf_hashes_between(conn, tree.size, size))
        if tree.size != size:
            return None
        root = tree.root()
        tree.extend(leaf_hashes_between(conn, size, anchor[0]))
    except (DatabaseError, ValueError):
        return None
    return root if (tree.size, tree.root()) == anchor else None


def origin_ok(ctx: Context, cp: Checkpoint) -> bool:
    d = ctx.authority
    return d.vault_id is None or cp.origin == f"securemail/{d.office_code}/{d.vault_id}"


class MerkleStep:
    """Streams the leaves into a compact range; `on_size` runs at every size a checkpoint needs a root for."""

    def __init__(self, ctx: Context, times: TransitionStep, *, tree: CompactRange | None = None,
                 checkpoints_after: int = -1, keep_leaves: bool = True) -> None:
        self.ctx = ctx
        self.times = times
        self.tree = tree if tree is not None else CompactRange()
        self.start = self.tree.size
        self.initial = self.tree.copy()
        self.keep_leaves = keep_leaves
        self.leaves = bytearray()                       # leaf hashes read in this run (for prefix roots)
        self.watched: set[int] = set()                  # sizes an outside record names
        self.hook: Callable[[int, bytes], None] | None = None
        self.cp_rows: Iterator[tuple[Any, ...]] = iter(())
        self.next_cp: tuple[Any, ...] | None = None
        query = "SELECT size, root, time, note, frontier FROM checkpoints WHERE size > ? ORDER BY size"
        try:
            self.cp_rows = ctx.conn.execute(query, (checkpoints_after,))
        except DatabaseError as e:
            ctx.unreadable("checkpoints", e)
        self._advance_cp()
        self.last_good_cp = max(checkpoints_after, 0)
        self.last_cp_read = max(checkpoints_after, 0)  # size of the last vault checkpoint row read
        self.bad_run: list[tuple[int, str]] = []       # consecutive vault checkpoints whose root differs
        self.max_cp_size = max(checkpoints_after, 0)

    def _advance_cp(self) -> None:
        try:
            self.next_cp = next(self.cp_rows, None)
        except DatabaseError as e:
            self.ctx.unreadable("checkpoints", e)
            self.next_cp = None

    # -- per leaf -------------------------------------------------------------------------------------------

    def witnessed_claim(self, seq: int, event: Event) -> None:
        """A checkpoint.witnessed event says: the first `size` events had this root when the auditor checked
        (called before the event's own leaf is appended)."""
        size, root = event.data.get("size"), event.data.get("root")
        try:
            claimed = unb64(str(root))
        except (ValueError, binascii.Error):
            claimed = b""
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= self.tree.size:
            self.ctx.report(seq, event.subject, "not_extension", f"witnessed size {size!r} is not before event {seq}")
            return
        if size < self.start:
            return          # a claim about the part verified before: `--full` checks it against the leaves
        actual = self.tree.root() if size == self.tree.size else self._root_of_prefix(size)
        if claimed != actual:
            self.ctx.report(seq, event.subject, "not_extension",
                            f"{event.actor} witnessed size {size} with another root: the first {size} events changed")

    def append(self, leaf: bytes) -> None:
        if self.keep_leaves:
            self.leaves += leaf
        self.tree.append(leaf)

    def at_size(self) -> None:
        """Compare every checkpoint whose size the streamed tree has just reached."""
        size = self.tree.size
        due = self.next_cp is not None and int(self.next_cp[0]) <= size
        if not due and size not in self.watched:
            return
        root = self.tree.root()
        while self.next_cp is not None and int(self.next_cp[0]) <= size:
            self._vault_checkpoint(self.next_cp, root if int(self.next_cp[0]) == size else None)
            self._advance_cp()
        if self.hook is not None and size in self.watched:
            self.hook(size, root)

    def watch(self, sizes: set[int], hook: Callable[[int, bytes], None]) -> None:
        """Call `hook(size, root)` when the tree reaches each of `sizes`."""
        self.watched, self.hook = sizes, hook

    def _root_of_prefix(self, size: int) -> bytes:
        leaves, start = self.leaves, self.start
        if start:       # from the compact range this run started with, extended by the leaves read
            tree = self.initial.copy()
            tree.extend(bytes(leaves[32 * i:32 * i + 32]) for i in range(size - start))
            return tree.root()
        log = MerkleLog(lambda a, b: [bytes(leaves[32 * i:32 * i + 32]) for i in range(a, b)])
        return log.root(size)

    # -- vault checkpoints ----------------------------------------------------------------------------------

    def _read_vault_checkpoint(self, row: Sequence[Any]) -> Checkpoint | None:
        size = int(row[0])
        self.max_cp_size = max(self.max_cp_size, size)
        try:
            cp = parse_note(str(row[3]))
        except ValueError as e:
            self.ctx.report(size, None, "bad_checkpoint_signature", f"vault checkpoint note unreadable: {e}")
            return None
        if (cp.size, cp.root, cp.time) != (size, as_bytes(row[1]), row[2]):
            self.ctx.report(size, None, "stored_hash_differs", "checkpoints row columns differ from its signed note")
        if size > self.ctx.opts.incremental_from:
            check_checkpoint_signature(self.ctx, cp, "vault")
        return cp

    def _vault_checkpoint(self, row: Sequence[Any], root: bytes | None) -> None:
        cp = self._read_vault_checkpoint(row)
        if cp is None:
            return
        if cp.previous != self.last_cp_read:
            self.ctx.report(cp.size, None, "checkpoint_size_differs",
                            f"vault checkpoint of size {cp.size} follows the one of size {cp.previous}, but the "
                            f"vault's previous checkpoint is of size {self.last_cp_read}: a checkpoint is missing")
        self.last_cp_read = cp.size
        signed_at = parse_time(cp.time)
        latest = self.times.take_latest_time()
        if latest is not None and signed_at is not None and latest[0] > signed_at:
            self.ctx.report(latest[1], None, "illegal_transition",
                            f"dated after the checkpoint of size {cp.size} that covers it ({cp.time})")
        size = int(row[0])
        actual = root if root is not None else (EMPTY_ROOT if size == 0 else None)
        if actual is not None and cp.root == actual and origin_ok(self.ctx, cp):
            if root is not None and row[4] is not None and as_bytes(row[4]) != self.tree.to_bytes():
                self.ctx.report(size, None, "stored_hash_differs", "checkpoints.frontier (the compact range kept "
                                                                   "for opening) differs from the recomputed tree")
            self._close_bad_run()
            self.last_good_cp = size
        else:
            self.bad_run.append((size, cp.time))

    def _close_bad_run(self) -> None:
        if not self.bad_run:
            return
        (first, when), (last, _) = self.bad_run[0], self.bad_run[-1]
        later = f"; so do {len(self.bad_run) - 1} later vault checkpoints up to size {last}" \
            if len(self.bad_run) > 1 else ""
        self.ctx.report(first, None, "checkpoint_root_differs",
                        f"vault checkpoint of size {first} signed {when} does not match the log{later}; the change "
                        f"lies in events {self.last_good_cp + 1}..{first} or the checkpoint was replaced")
        self.bad_run = []

    def finish(self) -> None:
        """Vault checkpoints beyond the log, and the stored frontier. Events after the newest checkpoint (the
        uncovered tail: checkpoints are signed at a cadence, ADR 0016) are checked like the others - signatures,
        chain links, projection - and compared with the tree head of head.json (outside.py)."""
        n = self.tree.size
        while self.next_cp is not None:
            self._read_vault_checkpoint(self.next_cp)
            size = int(self.next_cp[0])
            self.ctx.report(size, None, "checkpoint_size_differs",
                            f"vault checkpoint covers {size} events; the log has {n}: log shorter than checkpoint")
            self._advance_cp()
        self._close_bad_run()
        if n > 0 and self.max_cp_size == 0:
            self.ctx.report(1, None, "checkpoint_size_differs",
                            f"events 1..{n} are covered by no vault checkpoint (the first write signs one)")
        self._check_frontier()

    def _check_frontier(self) -> None:
        try:
            row = self.ctx.conn.execute("SELECT state FROM merkle_frontier WHERE id = 1").fetchone()
        except DatabaseError as e:
            self.ctx.unreadable("merkle_frontier", e)
            return
        stored = as_bytes(row[0]) if row else CompactRange().to_bytes()
        if stored != self.tree.to_bytes():
            self.ctx.report(None, None, "stored_hash_differs",
                            "merkle_frontier does not match the recomputed tree (the next write would be wrong)")
