"""verify, checkpoint export|witness, office-key export, receipt verify."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from securemail.cli.context import Ctx, Sub
from securemail.crypto.signing import fingerprint
from securemail.custody.kinds import kind_label
from securemail.domain.enums import Role
from securemail.domain.labels import label
from securemail.errors import BadInputError
from securemail.i18n import tr
from securemail.services import audit, audit_trail, statements
from securemail.services.outputs import check_output_path, write_user_file

EXIT_UNREADABLE = 2


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[common], help="verify signatures, chains, Merkle log, projections")
    p.add_argument("--full", action="store_true", help="check every signature, not only those since the last run")
    p.add_argument("--checkpoint", action="append", type=Path, default=[], metavar="FILE",
                   help="an exported checkpoint the log must extend (repeatable)")
    p.set_defaults(handler=cmd_verify)

    cp = sub.add_parser("checkpoint", parents=[common], help="signed checkpoints").add_subparsers(
        dest="action", required=True)
    p = cp.add_parser("export", parents=[common])
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_checkpoint_export)
    p = cp.add_parser("witness", parents=[common], help="auditor: verify, then countersign the latest checkpoint")
    p.add_argument("file", type=Path, nargs="?")
    p.set_defaults(handler=cmd_checkpoint_witness)

    ok = sub.add_parser("office-key", parents=[common], help="the office's public key").add_subparsers(
        dest="action", required=True)
    p = ok.add_parser("export", parents=[common], help="write the office public key and fingerprint to pin")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_office_key_export)

    p = sub.add_parser("audit-trail", parents=[common],
                       help="the application audit trail: sign-ins, failed sign-ins, locks, exports, prints, "
                            "backups, settings changes (auditor, admin)")
    p.add_argument("--limit", type=int, default=200, help="the newest N entries (default 200)")
    p.set_defaults(handler=cmd_audit_trail)

    rc = sub.add_parser("receipt", parents=[common], help="printed statements").add_subparsers(
        dest="action", required=True)
    p = rc.add_parser("verify", parents=[common], help="check a QR statement offline")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--text")
    src.add_argument("--image", type=Path)
    src.add_argument("--pdf", type=Path)
    p.add_argument("--office-key", type=Path, help="pinned office key / fingerprint file")
    p.set_defaults(handler=cmd_receipt_verify)


def _progress(ctx: Ctx) -> Callable[[int, int], None] | None:
    if ctx.as_json or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)
    return show


def cmd_verify(ctx: Ctx) -> int:
    with ctx.open(allow_rollback=True) as s:
        report = audit.verify_vault(s, checkpoint_files=ctx.args.checkpoint, full=ctx.args.full,
                                    progress=_progress(ctx))
        doc = report.to_json()
        if report:
            lines = [tr("verify.ok", events=report.size, root=report.root.hex()[:16])]
        else:
            lines = [tr("verify.problems", count=len(report.problems), events=report.size)]
            for p in report.problems:
                lines.append("  - " + tr(f"problem.{p.code}", seq=p.seq if p.seq is not None else "-",
                                         item=p.item or "-", detail=p.detail))
        lines += [tr(w) for w in report.warnings]
        ctx.emit(doc, lines)
        return 0 if report else 1


def cmd_checkpoint_export(ctx: Ctx) -> int:
    target = check_output_path(ctx.args.file, ctx.vault)
    with ctx.open() as s:
        cp = audit.export_checkpoint(s, target)
        ctx.emit({"file": str(ctx.args.file), "size": cp.size, "note": cp.note()},
                 tr("cli.checkpoint_exported", path=str(ctx.args.file), size=cp.size))
    return 0


def cmd_checkpoint_witness(ctx: Ctx) -> int:
    target = check_output_path(ctx.args.file, ctx.vault) if ctx.args.file else None
    with ctx.open() as s:
        cp = audit.witness_checkpoint(s, target)
        ctx.emit({"size": cp.size, "note": cp.note()}, cp.note().rstrip("\n").split("\n"))
    return 0


def cmd_office_key_export(ctx: Ctx) -> int:
    target = check_output_path(ctx.args.file, ctx.vault)
    with ctx.open() as s:
        text = statements.office_key_file_text(s)
        write_user_file(target, text.encode("utf-8"), ctx.vault)
        audit_trail.record_export(s, "office-key", target)
        fp, vkey = fingerprint(s.office_public_key), statements.office_vkey(s)
        ctx.emit({"file": str(ctx.args.file), "fingerprint": fp, "vkey": vkey},
                 [tr("cli.office_key_exported", path=str(ctx.args.file), fingerprint=fp),
                  tr("cli.office_vkey", vkey=vkey)])
    return 0


def cmd_audit_trail(ctx: Ctx) -> int:
    limit = ctx.args.limit
    if limit < 1:
        raise BadInputError("input.too_small", field="limit", min=1)
    if limit > 100_000:
        raise BadInputError("input.too_large", field="limit", max=100_000)
    with ctx.open() as s:
        entries = audit_trail.trail(s, limit=limit)
        ctx.emit([{"seq": e.seq, "time": e.time, "kind": e.kind, "label": kind_label(e.kind, ctx.lang),
                   "actor": e.actor, "data": e.data} for e in entries],
                 [f"{e.seq:>7}  {e.time[:19].replace('T', ' ')}  {e.actor:<12} {kind_label(e.kind, ctx.lang)}"
                  + (f": {d}" if (d := audit_trail.describe(e, ctx.lang)) else "") for e in entries]
                 or [tr("cli.audit_trail_empty")])
    return 0


def _payloads(ctx: Ctx) -> list[str]:
    from securemail.services import qr_decode  # noqa: PLC0415 - pdfium/zxing load only when needed

    a = ctx.args
    if a.text is not None:
        return [a.text]
    path: Path = a.image or a.pdf
    option = "--image" if a.image else "--pdf"
    try:
        return qr_decode.payloads_from_image(path) if a.image else qr_decode.payloads_from_pdf(path)
    except BadInputError:
        raise  # not a regular file, too large, an enormous page: refused before reading or rendering
    except Exception as e:  # a damaged image or PDF is "unreadable", whatever the library raises
        raise BadInputError("input.file_unreadable", field=option, path=str(path)) from e


def _role_words(role: str, lang: str) -> str:
    try:
        return label(Role(role), lang)
    except ValueError:
        return "?"


def cmd_receipt_verify(ctx: Ctx) -> int:
    a = ctx.args
    try:
        payloads = _payloads(ctx)
    except BadInputError as e:
        ctx.emit({"valid": False, "reason": "unreadable"}, tr("receipt.unreadable", why=e.message()))
        return EXIT_UNREADABLE
    if not payloads:
        ctx.emit({"valid": False, "reason": "no_qr"}, tr("receipt.unreadable", why=tr("receipt.reason.no_qr")))
        return EXIT_UNREADABLE
    if a.office_key:
        try:
            keys, fps = statements.read_trust_file(a.office_key)
        except (OSError, ValueError) as e:
            raise BadInputError("input.file_unreadable", field="office_key", path=str(a.office_key)) from e
        results = [statements.check(p, trusted_keys=keys, trusted_fingerprints=fps) for p in payloads]
    elif getattr(a, "vault", None) or getattr(a, "user", None) or os.environ.get("SECUREMAIL_VAULT"):
        with ctx.open() as s:     # the vault open: the statement must also match its log
            results = [statements.check_in_vault(s, p) for p in payloads]
    else:
        results = [statements.check(p) for p in payloads]
    docs, lines = [], []
    for r in results:
        st = r.statement
        what = tr("receipt.what", kind=tr(f"receipt.kind.{st.kind}", ctx.lang), ident=st.ident, office=st.office,
                  at=st.issued_at[:16],
                  size=st.checkpoint_size, user=st.signed_by, role=_role_words(st.signer_role, ctx.lang)) if st \
            else "-"
        docs.append({"valid": r.valid, "reason": r.reason,
                     "statement": st.to_json() if st else None,
                     "signed_by": st.signed_by if st else None, "signer_role": st.signer_role if st else None,
                     "office_key_fingerprint": fingerprint(st.office_key) if st else None})
        lines.append(tr("receipt.valid", what=what) if r.valid else
                     tr("receipt.invalid", why=tr(f"receipt.reason.{r.reason}") + (f" — {what}" if st else "")))
    if any(not r.valid and r.reason == "malformed" for r in results) and len(results) == 1:
        ctx.emit(docs[0], lines)
        return 1
    ctx.emit(docs[0] if len(docs) == 1 else docs, lines)
    return 0 if all(results) else 1
