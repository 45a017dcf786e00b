"""Auditor tools without a window: verify the vault, export and witness checkpoints (used by the CLI and GUI).

Where trust comes from: the office key lives inside the database, so checkpoints inside it only prove something
against people without the data key. What an insider cannot rewrite are the copies held outside: state.json (the
newest checkpoint seen, and the last fully verified size/root), exported checkpoint files, and witnessed
checkpoints carrying an auditor's signature (docs/adr/0003-custody-ledger.md).
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from pathlib import Path

from securemail.crypto.canonical import JsonObject, canonical_bytes
from securemail.crypto.signing import Domain, b64, unb64, verify
from securemail.custody import kinds as K
from securemail.custody.checkpoint import Checkpoint, parse_note, witness_signer_name
from securemail.custody.cosignature import cosign
from securemail.custody.events import event_hash
from securemail.custody.ledger import latest_checkpoint, sign_checkpoint
from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.verify import Problem, ProgressCallback, Since, VerificationReport, verify_ledger
from securemail.errors import BadInputError, NotFoundError, VaultError, VerificationFailedError
from securemail.services.audit_trail import record_export
from securemail.services.permissions import Permission
from securemail.services.rollback_guard import remember_checkpoint
from securemail.services.session import Session
from securemail.storage.event_codec import StoredFormError, load_body
from securemail.storage.files import atomic_write, read_input_file
from securemail.storage.head import HeadStatus
from securemail.storage.keyslots import KeySlotFile
from securemail.storage.vault import read_state, state_damage, write_state

MAX_CHECKPOINT_FILE = 64 * 1024


def read_checkpoint_file(path: Path) -> Checkpoint:
    """Parse an exported checkpoint note; BadInputError naming the file if it cannot be read or parsed.
    Signatures are checked by verification (bad_checkpoint_signature), not here."""
    try:
        raw = read_input_file(path, max_size=MAX_CHECKPOINT_FILE, field="--checkpoint")  # FIFOs, devices: refused
    except BadInputError as e:
        if e.key != "input.file_unreadable":
            raise  # not a regular file, too large: says so
        raise BadInputError("verify.bad_checkpoint_file", path=str(path)) from e
    try:
        return parse_note(raw.decode("utf-8"))
    except ValueError as e:
        raise BadInputError("verify.bad_checkpoint_file", path=str(path)) from e


def _state_checkpoint(state: JsonObject) -> Checkpoint | None:
    """The state file's checkpoint for verification (its signature is checked there); None if absent or garbage
    (reported by _state_problem)."""
    note = state.get("checkpoint")
    if not note or not isinstance(note, str):
        return None
    try:
        return parse_note(note)
    except ValueError:
        return None


def _state_problem(session: Session, state: JsonObject) -> Problem | None:
    damage = state_damage(session.paths)
    note = state.get("checkpoint")
    if damage is None and note and _state_checkpoint(state) is None:
        damage = "its checkpoint is not a checkpoint note"
    if damage is None:
        return None
    return Problem(None, "state.json", "state_file_unreadable", f"state.json: {damage}")


def _verified_message(session: Session, size: int, root: bytes, by: str, directory: str | None = None) -> bytes:
    doc: JsonObject = {"vault": session.vault_id, "size": size, "root": b64(root), "by": by}
    if directory is not None:       # records written since the plain verify became incremental
        doc["directory"] = directory
    return canonical_bytes(doc)


def _verified(state: JsonObject, session: Session) -> tuple[int, bytes] | None:
    """The last fully verified (size, root), or None: absent, unreadable, or not signed by the user verifying now
    (state.json is an ordinary file: an unsigned marker must never decide which signatures are skipped)."""
    record = state.get("verified")
    if not isinstance(record, dict) or record.get("by") != session.user.username:
        return None
    size = record.get("size")
    try:
        root = unb64(str(record.get("root")))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0 or len(root) != 32:
        return None
    try:
        sig = unb64(str(record.get("sig")))
    except (ValueError, binascii.Error):
        return None
    directory = record.get("directory")
    if directory is not None and not isinstance(directory, str):
        return None
    message = _verified_message(session, size, root, session.user.username, directory)
    if not verify(session.user.public_key, Domain.VERIFIED, message, sig):
        return None
    return size, root


def _since(state: JsonObject, session: Session, verified: tuple[int, bytes] | None) -> Since | None:
    """The signed verified record as the start of a plain (incremental) run; None when it lacks the directory
    head or the compact range (older records: that run reads the whole log, skipping old signatures)."""
    record = state.get("verified")
    if verified is None or not isinstance(record, dict):
        return None
    try:
        head = bytes.fromhex(str(record["directory"]))
        frontier = CompactRange.from_bytes(unb64(str(record["frontier"])))
    except (KeyError, ValueError, TypeError, binascii.Error):
        return None
    since = Since(verified[0], verified[1], head, frontier)
    return since if since.holds() else None


def _directory_head(session: Session, size: int) -> str | None:
    row = session.conn.execute("SELECT body FROM events WHERE subject = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
                               (K.DIRECTORY, size)).fetchone()
    if row is None:
        return None
    try:
        return event_hash(load_body(row[0])).hex()
    except StoredFormError:
        return None         # a damaged row: the full run reports it


def verify_vault(session: Session, *, checkpoint_files: Sequence[Path] = (), full: bool = False,
                 progress: ProgressCallback | None = None) -> VerificationReport:
    """Verify the ledger against the state file and the given checkpoint files.

    By default signatures are re-checked only after the last clean run recorded in state.json ("verified"); a log
    whose first part no longer has the root verified then is checked in full. `full` checks every signature.
    A clean run records the current size and root as verified (not for a vault opened read-only).
    """
    session.require(Permission.VERIFY)
    externals = [read_checkpoint_file(Path(p)) for p in checkpoint_files]
    state = read_state(session.paths)
    # The signed "verified" record is an outside record like the others: a full run compares with it too.
    verified = _verified(state, session)
    incremental = None if full else verified
    since = None if full else _since(state, session, verified)
    from securemail.services import cross_witness  # noqa: PLC0415 - it imports services

    witnessed, witness_problems = cross_witness.held(session)
    head = session.head_reading()
    ok_head = head.head if head.status is HeadStatus.OK else None
    report = verify_ledger(
        session.conn, office_public_key_hint=session.office_public_key, checkpoints=externals, witnessed=witnessed,
        state_checkpoint=_state_checkpoint(state), incremental_from=incremental[0] if incremental else 0,
        incremental_root=incremental[1] if incremental else None, progress=progress,
        verified_before=verified, since=since,
        state_head=(ok_head.size, ok_head.root) if ok_head is not None else None)
    if head.status is HeadStatus.FORGED and head.head is not None:
        # Well-formed but not authenticated by this vault's key: edited (an unreadable file is what a crash
        # can leave, and bounds nothing either way).
        report.problems.append(Problem(head.head.size, "head.json", "bad_checkpoint_signature",
                                       f"head.json: the tree head of size {head.head.size} is not authenticated "
                                       "by this vault's key (edited)"))
    partial = bool(report.incremental_from and report.events_checked < report.size)
    if partial:
        report.warnings.append("verify.note_incremental")      # a limit of this run, said (ADR 0008, scale)
    from securemail.services.foreign_events import verify_foreign  # noqa: PLC0415 - it imports services
    from securemail.services.imported_items import links_problems  # noqa: PLC0415

    foreign_problems, foreign_warnings = verify_foreign(session)
    report.problems += foreign_problems + witness_problems + links_problems(
        session, after=report.incremental_from if partial else 0)
    report.warnings += foreign_warnings
    last = dict(session.conn.execute("SELECT kind, max(seq) FROM events WHERE kind IN (?, ?) GROUP BY kind",
                                     (K.USER_REVOKED, K.VAULT_REKEYED)).fetchall())
    if last.get(K.USER_REVOKED, 0) > last.get(K.VAULT_REKEYED, 0):
        # A revocation whose key rotation never completed: the revoked person's old key may still open the data.
        report.warnings.append("verify.warn_revoked_not_rekeyed")
    pending = sorted(KeySlotFile.load(session.paths.keyslots).pending)
    if pending:
        # A password change was interrupted: the next login of each user settles which password counts.
        report.warnings.append("verify.warn_pending_password")
        report.pending_password_users = pending
    if _state_checkpoint(state) is None and not externals:
        # No signed checkpoint outside the database to compare with: a restored older copy would go unnoticed
        # (the MACed tree head does not count here: whoever holds the data key can write one).
        report.warnings.append("verify.warn_no_outside_checkpoint")
    problem = _state_problem(session, state)
    if problem is not None:
        report.problems.append(problem)
    if report and not session.readonly:
        _record_verified(session, report)
    return report


def _record_verified(session: Session, report: VerificationReport) -> None:
    state = read_state(session.paths)            # re-read: a write may have updated the checkpoint meanwhile
    by = session.user.username
    directory = _directory_head(session, report.size)
    sig = session.signer.key.sign(Domain.VERIFIED, _verified_message(session, report.size, report.root, by,
                                                                     directory))
    record: JsonObject = {"size": report.size, "root": b64(report.root), "by": by, "sig": b64(sig)}
    if directory is not None and report.frontier:
        record["directory"] = directory
        record["frontier"] = b64(report.frontier)
    state["verified"] = record
    write_state(session.paths, state)


def _verified_latest(session: Session, attempts: int = 3) -> Checkpoint:
    """The newest checkpoint, once a full verification has covered exactly that log. Another process may append
    between the two reads; then verify again."""
    for _ in range(attempts):
        session.checkpoint()       # the log's end signed first, so the checkpoint witnessed covers all of it
        report = verify_vault(session, full=True)
        if not report:
            raise VerificationFailedError("verify.refuse_witness", count=len(report.problems), events=report.size)
        cp = _latest(session)
        if (cp.size, cp.root) == (report.size, report.root):
            return cp
    raise VaultError("vault.damaged", detail="the log keeps changing during verification")


def _latest(session: Session) -> Checkpoint:
    cp = latest_checkpoint(session.conn)
    if cp is None:
        raise NotFoundError("notfound.checkpoint")
    return cp


def export_checkpoint(session: Session, path: Path) -> Checkpoint:
    """Write the newest checkpoint note to `path` (atomically) and remember it in state.json."""
    session.require(Permission.EXPORT_CHECKPOINT)
    # Signed into the audit trail first, so the checkpoint that leaves covers the record of its leaving.
    record_export(session, "checkpoint", path)
    cp = session.checkpoint()        # covers the whole log, the record of its leaving included
    # The exporter signs it too; an administrator adds the office's signature, so that any C2SP verifier given
    # the office verifier key (office-key export) accepts the file.
    cp = sign_checkpoint(cp, session.office_code, session.signer, session.office_signing_key)
    atomic_write(path, cp.note().encode("utf-8"))
    remember_checkpoint(session.paths, cp, session.authority, session.signer_chain())
    return cp


def witness_checkpoint(session: Session, path: Path | None = None) -> Checkpoint:
    """An auditor verifies the whole ledger, then countersigns its newest checkpoint.

    The witnessed event ({size, root}) goes into the ledger, signed by the auditor; the returned note is the
    checkpoint that was verified (size/root as in the event) with the auditor's C2SP tlog-cosignature/v1 line
    (securemail/custody/cosignature.py, key name witness_signer_name(username)) added, written to
    `path` when given. Refuses (VerificationFailedError) if verification finds any problem.
    """
    session.require(Permission.WITNESS)
    cp = _verified_latest(session)
    with session.write() as ledger:
        ledger.append(K.CHECKPOINT_WITNESSED, K.DIRECTORY, session.signer, {"size": cp.size, "root": b64(cp.root)})
    witnessed = cosign(cp, witness_signer_name(session.user.username), session.signer.key,
                       int(session.clock.now().timestamp()))
    if path is not None:
        atomic_write(path, witnessed.note().encode("utf-8"))
    return witnessed


def last_clean_check(session: Session) -> tuple[int, int] | None:
    """(events verified clean by this user in their last run, events in the log now); None if never (or the
    record in state.json does not carry this user's valid signature). For the auditor's dashboard."""
    verified = _verified(read_state(session.paths), session)
    if verified is None:
        return None
    size = int(session.conn.execute("SELECT count(*) FROM events").fetchone()[0])
    return verified[0], size
