"""selftest: check this installation on a throw-away vault (securemail.services.selftest)."""

from __future__ import annotations

import argparse

from securemail.cli.context import Ctx, Sub
from securemail.services.selftest import CheckResult, all_passed, run_selftest, summary

EXIT_FAILED = 1


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("selftest", parents=[common],
                       help="temporary vault: write, sign, verify, render, decode; exit 0 = all pass")
    p.set_defaults(handler=cmd_selftest)


def cmd_selftest(ctx: Ctx) -> int:
    def show(result: CheckResult) -> None:
        if not ctx.as_json:
            print(result.line(), flush=True)

    results = run_selftest(show)
    ok = all_passed(results)
    if ctx.as_json:
        ctx.emit({"ok": ok, "checks": [{"name": r.name, "ok": r.ok, "detail": r.detail,
                                        "seconds": round(r.seconds, 3)} for r in results]}, "")
    else:
        print(summary(results))
    return 0 if ok else EXIT_FAILED
