"""report receipt|delivery|manifest|custody|register|overdue|audit -o FILE.pdf, and report layout [ID]"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from securemail.cli.context import Ctx, Sub
from securemail.cli.periods import add_period, period
from securemail.crypto.canonical import JsonObject
from securemail.documents.register_layouts import LAYOUTS, LayoutChoiceError, get_layout
from securemail.errors import BadInputError
from securemail.i18n import tr
from securemail.services import audit, audit_trail, registers, reports
from securemail.services.outputs import check_output_path, write_user_file
from securemail.services.permissions import Permission


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    rep = sub.add_parser("report", parents=[common], help="print documents as PDF").add_subparsers(
        dest="action", required=True)
    for name, arg, help_text in (("receipt", "tracking", "acceptance receipt (A5)"),
                                 ("delivery", "tracking", "delivery confirmation"),
                                 ("custody", "tracking", "custody report for one item"),
                                 ("manifest", "bag", "bag manifest")):
        p = rep.add_parser(name, parents=[common], help=help_text)
        p.add_argument(arg)
        p.add_argument("-o", "--output", type=Path, required=True)
        p.set_defaults(handler=cmd_report, report=name, target_arg=arg)
    p = rep.add_parser("register", parents=[common], help="register for a period")
    p.add_argument("--kind", choices=sorted(reports.REGISTER_KINDS),
                   help="handover: the post office's handover book (default at a post office); outgoing, incoming, "
                        "post: the agency's registers (at an agency desk; default outgoing)")
    add_period(p, required=True)
    p.add_argument("--agency")
    p.add_argument("--volume", help="the volume number printed on the cover (quyển số)")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(handler=cmd_report, report="register")
    p = rep.add_parser("layout", parents=[common], help="register layouts and their columns in this vault")
    p.add_argument("layout", nargs="?", help="a layout id: print its columns as JSON (to edit and set with "
                                             "`setting register_layout.ID JSON`)")
    p.set_defaults(handler=cmd_layout)
    p = rep.add_parser("overdue", parents=[common], help="overdue / on-time report")
    add_period(p, required=True)
    p.add_argument("--number", help="the report's number, if the văn thư has given it (else left blank)")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(handler=cmd_report, report="overdue")
    p = rep.add_parser("audit", parents=[common], help="integrity audit report (runs verify --full)")
    p.add_argument("--checkpoint", action="append", type=Path, default=[])
    p.add_argument("--number", help="the report's number, if the văn thư has given it (else left blank)")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(handler=cmd_report, report="audit")


def _days(args: argparse.Namespace) -> tuple[date, date]:
    start, end = period(args)
    assert start is not None and end is not None  # period() refuses a missing day where it is required
    return start.date(), end.date()


def cmd_report(ctx: Ctx) -> int:
    """Render into memory first, then write atomically: a failed render leaves no half-written file."""
    import io  # noqa: PLC0415

    a = ctx.args
    output = check_output_path(a.output, ctx.vault)
    buf = io.BytesIO()
    status = 0
    with ctx.open(allow_rollback=a.report == "audit") as s:
        if a.report in ("receipt", "delivery", "custody", "manifest"):
            fn = {"receipt": reports.receipt, "delivery": reports.delivery, "custody": reports.custody,
                  "manifest": reports.manifest}[a.report]
            payload = fn(s, getattr(a, a.target_arg), buf)
        elif a.report == "register":
            kind = a.kind or ("outgoing" if s.setting("vault_kind") == "agency" else "handover")
            payload = reports.register(s, kind, *_days(a), buf, agency=a.agency, volume=a.volume)
        elif a.report == "overdue":
            payload = reports.overdue(s, *_days(a), buf, number=a.number)
        else:
            s.require(Permission.PRINT_REPORTS)
            report = audit.verify_vault(s, checkpoint_files=a.checkpoint, full=True)
            payload = reports.audit(s, report, buf, checkpoints_checked=len(a.checkpoint), number=a.number)
            status = 0 if report else 1
        write_user_file(output, buf.getvalue(), ctx.vault)
        subject = getattr(a, a.target_arg) if hasattr(a, "target_arg") else \
            "/".join(d.isoformat() for d in _days(a)) if a.report in ("register", "overdue") else None
        audit_trail.record_print(s, a.report, subject, output)
    ctx.emit({"file": str(a.output), "qr_payload": payload}, tr("report.written", path=str(a.output)))
    return status


def cmd_layout(ctx: Ctx) -> int:
    """Without an id: the layouts, when each is in force and whether this vault configured its columns. With one:
    its columns in effect here, as the JSON that `setting register_layout.ID` takes."""
    a = ctx.args
    with ctx.open() as s:
        if a.layout:
            try:
                layout = registers.configured(s, get_layout(a.layout))
            except LayoutChoiceError as e:
                raise BadInputError("input.bad_choice", field="layout", value=a.layout[:40]) from e
            columns = [c.to_json() for c in layout.columns]
            ctx.emit({"id": layout.id, "columns": columns}, json.dumps(columns, ensure_ascii=False, indent=1))
            return 0
        rows: list[JsonObject] = []
        lines: list[str] = []
        for layout in LAYOUTS:
            here = registers.configured(s, layout)
            rows.append({"id": layout.id, "title": layout.title, "basis": layout.basis,
                         "from": layout.effective_from.isoformat(),
                         "to": layout.effective_to.isoformat() if layout.effective_to else None,
                         "configured": here.configured})
            until = _dmy(layout.effective_to) if layout.effective_to else "…"
            lines.append(f"{layout.id:<20} {layout.title} ({layout.basis}); "
                         + tr("cli.layout_in_force", since=_dmy(layout.effective_from), until=until)
                         + ("; " + tr("cli.layout_configured") if here.configured else ""))
        ctx.emit(rows, lines)
    return 0


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")
