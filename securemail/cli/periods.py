"""Periods on the command line: --since and --until (both days included). --from and --to name who hands over and
who receives, everywhere; given as dates to a command with a period they are refused with a message that names
--since / --until (one meaning for one option)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from securemail.clock import ICT
from securemail.errors import BadInputError


def add_period(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--since", dest="date_from", metavar="YYYY-MM-DD", help="from this day (included)")
    p.add_argument("--until", dest="date_to", metavar="YYYY-MM-DD", help="up to this day (included)")
    p.add_argument("--from", dest="old_from", help=argparse.SUPPRESS)
    p.add_argument("--to", dest="old_to", help=argparse.SUPPRESS)
    p.set_defaults(period_required=required)


def day(text: str | None, field: str) -> datetime | None:
    """A YYYY-MM-DD day as the start of that day in Vietnam; None when not given."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=ICT)
    except ValueError as e:
        raise BadInputError("input.bad_format", field=field) from e


def period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    """(first day, last day) as given; both required where the command says so."""
    for old, new in (("old_from", "--since"), ("old_to", "--until")):
        if getattr(args, old, None) is not None:
            raise BadInputError("input.period_option", field="--" + old[4:], option=new)
    start, end = day(args.date_from, "date_from"), day(args.date_to, "date_to")
    if getattr(args, "period_required", False):
        for value, field in ((start, "date_from"), (end, "date_to")):
            if value is None:
                raise BadInputError("input.required", field=field)
    return start, end


def end_exclusive(end: datetime | None) -> datetime | None:
    return end + timedelta(days=1) if end is not None else None
