"""holiday builtin|add|remove|list|set: the office's working calendar (admin edits are signed events)."""

from __future__ import annotations

import argparse
from datetime import date

from securemail.cli.context import Ctx, Sub
from securemail.crypto.canonical import JsonObject
from securemail.i18n import tr
from securemail.services import norms, workdays


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    hol = sub.add_parser("holiday", parents=[common],
                         help="days off and make-up working days (the working calendar)").add_subparsers(
        dest="action", required=True)
    p = hol.add_parser("builtin", parents=[common],
                       help="compute and record the statutory days off of a year, lunar ones included (admin)")
    p.add_argument("year", type=int)
    p.add_argument("--source", help="the basis (default: BLLĐ 2019 Điều 112 and the holidays package version)")
    p.set_defaults(handler=cmd_holiday_builtin)
    p = hol.add_parser("add", parents=[common],
                       help="add one swapped day off, or one make-up working day (Saturday, Sunday) with --work")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--work", action="store_true", help="a make-up working day (Saturday or Sunday only)")
    p.add_argument("--name", help="the day's name (e.g. Nghỉ hoán đổi Tết Dương lịch)")
    p.add_argument("--source", required=True, help="the decision that sets it")
    p.set_defaults(handler=cmd_holiday_add)
    p = hol.add_parser("remove", parents=[common], help="remove one day from the calendar")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--source", required=True, help="the reason, the decision")
    p.set_defaults(handler=cmd_holiday_remove)
    p = hol.add_parser("list", parents=[common], help="list the days off and make-up working days")
    p.add_argument("year", type=int, nargs="?")
    p.set_defaults(handler=cmd_holiday_list)
    p = hol.add_parser("set", parents=[common], help="replace every day off of one year (older form; admin)")
    p.add_argument("year", type=int)
    p.add_argument("dates", nargs="*", help="YYYY-MM-DD ...")
    p.add_argument("--source", required=True, help="the decision that sets it")
    p.set_defaults(handler=cmd_holiday_set)


def _day_doc(d: workdays.CalendarDay) -> JsonObject:
    return {"date": d.day.isoformat(), "kind": d.kind, "origin": d.origin, "name": d.name, "source": d.source}


def _day_line(d: workdays.CalendarDay) -> str:
    kind = tr(f"calendar.kind.{d.kind}")
    origin = tr(f"calendar.origin.{d.origin}")
    name = f"  {d.name}" if d.name else ""
    return f"{d.day:%d/%m/%Y}  {kind:<20} {origin:<16}{name}  ({d.source})"


def cmd_holiday_builtin(ctx: Ctx) -> int:
    with ctx.open() as s:
        days = workdays.record_statutory(s, ctx.args.year, ctx.args.source)
        source = days[0].source if days else ""
        ctx.emit([_day_doc(d) for d in days],
                 [tr("calendar.statutory_recorded", year=ctx.args.year, count=len(days), source=source),
                  *(_day_line(d) for d in days)])
    return 0


def cmd_holiday_add(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        d = workdays.add_day(s, a.day, "work" if a.work else "off", a.source, a.name)
        ctx.emit(_day_doc(d), tr(f"calendar.day_added_{d.kind}", day=f"{d.day:%d/%m/%Y}"))
    return 0


def cmd_holiday_remove(ctx: Ctx) -> int:
    with ctx.open() as s:
        workdays.remove_day(s, ctx.args.day, ctx.args.source)
        day = date.fromisoformat(ctx.args.day.strip())
        ctx.emit({"date": day.isoformat(), "removed": True}, tr("calendar.day_removed", day=f"{day:%d/%m/%Y}"))
    return 0


def cmd_holiday_list(ctx: Ctx) -> int:
    with ctx.open() as s:
        rows = workdays.list_days(s, ctx.args.year)
        lines = [_day_line(d) for d in rows] or [tr("cli.none")]
        if ctx.args.year is not None:
            lines += [tr("calendar.missing_year", year=y) for y in workdays.missing_years(s, [ctx.args.year])]
        ctx.emit([_day_doc(d) for d in rows], lines)
    return 0


def cmd_holiday_set(ctx: Ctx) -> int:
    with ctx.open() as s:
        days = norms.set_holidays(s, ctx.args.year, ctx.args.dates, ctx.args.source)
        ctx.emit({"year": ctx.args.year, "dates": [d.isoformat() for d in days]},
                 tr("cli.holidays_set", year=ctx.args.year, count=len(days)))
    return 0
