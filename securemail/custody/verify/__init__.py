"""Verification of the custody ledger: every signature, chain link, Merkle root and projected row.

A sequence of small steps (after sigstore-python's verifier), one module each, composed by `verify_ledger` below
and by the run in full.py, which reads top to bottom:

    (0) storage.py       SQLite's integrity check (SQLCipher checks every live page's HMAC)
    (1) parse.py         events in seq order: seq 1..n contiguous, canonical bodies, stored hash columns recomputed
                         (what a row proves alone, its signatures too, by the worker processes: rows.py)
    (2) directory.py     the directory replayed from the genesis pair; every signature against the key valid then
                         (signatures.py: the workers' results used when they answer that very check; others
                         batched to the workers)
    (3) chains.py        per-subject hash chains (`prev` = hash of the subject's previous event)
    (4) checkpoints.py   Merkle: leaf hashes and roots against every vault checkpoint and the stored frontier
    (5a) transitions.py  the custody rules that depend on the state (the writer's own rule table)
    (5) projection.py    every event replayed into an in-memory database; each table compared row by row
    (6) outside.py       checkpoints held outside the database (state file, exported files, witnesses)

A plain run given the auditor's signed verified record (`since`) checks only what is new (incremental.py); when it
cannot decide alone, or finds anything wrong, the full run decides, skipping only the signatures up to
`incremental_from` (verified before). Nothing here trusts a stored hash
column or a stored root: only bytes that were signed, and checkpoints signed by the office key or their writer.
The result is a `VerificationReport`: true when there are no problems, else `Problem`s naming event and subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from securemail.custody.checkpoint import Checkpoint
from securemail.custody.verify.context import STATE_FILE, External, Options, RestartFull, count_rows
from securemail.custody.verify.full import FullRun
from securemail.custody.verify.incremental import Since, log_end, run_incremental
from securemail.custody.verify.report import CODES, Problem, ProgressCallback, VerificationReport, sort_problems
from securemail.storage.database import Connection

__all__ = ["CODES", "Problem", "ProgressCallback", "Since", "VerificationReport", "verify_ledger"]


def verify_ledger(conn: Connection, *, office_public_key_hint: bytes | None = None,
                  checkpoints: Sequence[Checkpoint] = (), state_checkpoint: Checkpoint | None = None,
                  incremental_from: int = 0, progress: ProgressCallback | None = None, workers: int = 2,
                  incremental_root: bytes | None = None, integrity_check: bool = True,
                  verified_before: tuple[int, bytes] | None = None, since: Since | None = None,
                  witnessed: Sequence[tuple[Checkpoint, str]] = (),
                  state_head: tuple[int, bytes] | None = None) -> VerificationReport:
    """Verify the whole ledger behind `conn` (steps in the module docstring).

    `checkpoints` are exported checkpoint files, `state_checkpoint` the newest one seen (state.json), `state_head`
    the newest tree head (head.json, its MAC checked by the caller), `witnessed`
    this vault's checkpoints cosigned by partners (with where they come from): all are held outside the database
    and are what detects a rollback or a rewrite by someone holding the office key.
    With `incremental_from`, signatures up to that seq are trusted; pass `incremental_root` (the root verified
    then) and a log whose first `incremental_from` events no longer have that root is verified in full, with a
    not_extension problem (progress then starts again from 0). `workers` processes check signatures (1: in-process;
    callers' entry modules must keep the `if __name__ == "__main__":` guard that multiprocessing needs).
    With `since` (the signed verified record), only what is new is checked when that suffices (incremental.py).
    """
    externals = [External(cp, f"checkpoint file #{i + 1}") for i, cp in enumerate(checkpoints)]
    externals += [External(cp, source) for cp, source in witnessed]     # cosigned by partners (bundles)
    if state_checkpoint is not None:
        externals.append(External(state_checkpoint, STATE_FILE))
    if state_head is not None:          # authenticated by the caller (the data key's MAC): compared, not signed
        externals.append(External(Checkpoint("", state_head[0], state_head[1], ""), "head file", signed=False))
    opts = Options(office_public_key_hint, externals, max(0, incremental_from), incremental_root, progress,
                   max(1, workers), integrity_check, verified_before)
    full = replace(opts, incremental_from=0, incremental_root=None, anchor=None)
    if since is not None and log_end(conn) >= since.size:
        report = run_incremental(conn, opts, since)
        if report is not None:
            return report
    n = count_rows(conn, "events")
    if verified_before is not None and verified_before[0] > n:
        report = FullRun(conn, full).run()
        report.problems.insert(0, Problem(verified_before[0], None, "checkpoint_size_differs",
                                          f"the log has {n} events, fewer than the {verified_before[0]} verified "
                                          "before"))
        return report
    if opts.incremental_from > n:
        restart_reason = Problem(opts.incremental_from, None, "checkpoint_size_differs",
                                 f"the log has {n} events, fewer than the {opts.incremental_from} verified before")
    else:
        try:
            return FullRun(conn, opts).run()
        except RestartFull:
            restart_reason = Problem(opts.incremental_from, None, "not_extension",
                                     f"the first {opts.incremental_from} events no longer have the root verified "
                                     "before; every signature was checked again")
    report = FullRun(conn, full).run()
    report.problems.insert(0, restart_reason)
    sort_problems(report.problems)
    return report
