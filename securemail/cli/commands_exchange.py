"""pin add|list|revoke, export, import: exchange between vaults (docs/formats/bundle-v2.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from securemail.cli.context import Ctx, Sub
from securemail.crypto.signing import b64
from securemail.i18n import tr
from securemail.services.bundle_checks import BundleRefused, BundleVersionError
from securemail.services.bundle_export import export_bundle
from securemail.services.bundle_import import import_bundle, read_bundle_file
from securemail.services.pins import add_pin, list_pins, revoke_pin


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    pins = sub.add_parser("pin", parents=[common], help="pinned keys of partner vaults").add_subparsers(
        dest="action", required=True)
    p = pins.add_parser("add", parents=[common], help="pin a partner's exported office key file (admin)")
    p.add_argument("keyfile", type=Path)
    p.add_argument("--reason")
    p.set_defaults(handler=cmd_pin_add)
    p = pins.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_pin_list)
    p = pins.add_parser("revoke", parents=[common], help="stop trusting a partner's key (admin)")
    p.add_argument("code")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_pin_revoke)

    p = sub.add_parser("export", parents=[common], help="write a signed bundle for a pinned vault")
    p.add_argument("--to", required=True, help="the pinned partner's code")
    p.add_argument("--items", nargs="+", metavar="TRACKING")
    p.add_argument("-o", "--output", required=True, type=Path)
    p.set_defaults(handler=cmd_export)
    p = sub.add_parser("import", parents=[common], help="verify a bundle against the pinned key, then store it")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_import)


def cmd_pin_add(ctx: Ctx) -> int:
    with ctx.open() as s:
        pin = add_pin(s, ctx.args.keyfile, ctx.args.reason)
        ctx.emit(pin.to_json(), tr("cli.pin_added", code=pin.code, name=pin.name, fingerprint=pin.fingerprint))
    return 0


def cmd_pin_list(ctx: Ctx) -> int:
    with ctx.open() as s:
        pins = list_pins(s)
        lines = [f"{p.code:<12} {p.kind:<7} {p.fingerprint}  {'' if p.active else '[x] '}{p.name}" for p in pins]
        ctx.emit([p.to_json() for p in pins], lines or [tr("cli.no_pins")])
    return 0


def cmd_pin_revoke(ctx: Ctx) -> int:
    with ctx.open() as s:
        pin = revoke_pin(s, ctx.args.code, ctx.args.reason)
        ctx.emit(pin.to_json(), tr("cli.pin_revoked", code=pin.code))
    return 0


def cmd_export(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        done = export_bundle(s, a.to.strip().upper(), a.items, a.output)
        ctx.emit({"file": str(a.output), "to": done.to, "items": done.items, "events": done.events,
                  "checkpoint_size": done.size, "checkpoint_root": b64(done.root), "bundle_sha256": done.sha256},
                 tr("cli.bundle_exported", path=str(a.output), to=done.to, items=len(done.items),
                    events=done.events))
    return 0


def cmd_import(ctx: Ctx) -> int:
    data = read_bundle_file(ctx.args.file)
    with ctx.open() as s:
        try:
            done = import_bundle(s, data)
        except (BundleRefused, BundleVersionError) as e:
            if ctx.as_json:
                ctx.emit({"imported": False, "check": e.check, "detail": getattr(e, "detail", e.message("en")),
                          "message": e.message()}, "")
            else:
                ctx.info(e.message())
            return e.exit_code
        doc = {"imported": True, "already_imported": done.already, "from": done.office, "from_vault": done.vault,
               "checkpoint_size": done.size, "checkpoint_root": b64(done.root), "bundle_sha256": done.sha256,
               "events": done.events, "new_events": done.new_events, "items": done.items,
               "import_seq": done.import_seq}
        key = "cli.bundle_already" if done.already else "cli.bundle_imported"
        ctx.emit(doc, tr(key, office=done.office, events=done.events, new=done.new_events, size=done.size))
    return 0
