"""init, user add|list|passwd|revoke, agency add|list, rekey."""

from __future__ import annotations

import argparse
from pathlib import Path

from securemail.cli import passwords
from securemail.cli.context import Ctx, Sub
from securemail.crypto.canonical import JsonObject
from securemail.domain.enums import Role
from securemail.domain.labels import label
from securemail.i18n import tr
from securemail.services import directory, workdays
from securemail.services.permissions import Permission
from securemail.services.session import UserInfo
from securemail.services.vault_init import init_vault


def register(sub: Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="create an office vault and its first administrator")
    p.add_argument("--office-code", required=True)
    p.add_argument("--office-name", required=True)
    p.add_argument("--province")
    p.add_argument("--admin", required=True, help="the administrator's user name")
    p.add_argument("--full-name", required=True)
    p.add_argument("--kind", choices=("office", "agency"), default="office",
                   help="a post office desk, or the desk of one agency (--agency)")
    p.add_argument("--agency", help="agency desk: the code of its agency")
    p.add_argument("--agency-name", help="agency desk: the agency's name (default: --office-name)")
    p.add_argument("--kdf-profile", choices=("standard", "strong", "minimum"), default="standard",
                   help="Argon2id cost for key slots (minimum = OWASP floor, for old machines and tests)")
    p.set_defaults(handler=cmd_init)

    users = sub.add_parser("user", parents=[common], help="users and roles").add_subparsers(dest="action",
                                                                                           required=True)
    p = users.add_parser("add", parents=[common])
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=("admin", "clerk", "courier", "secretary", "auditor"))
    p.add_argument("--full-name", required=True)
    p.add_argument("--agency")
    p.set_defaults(handler=cmd_user_add)
    p = users.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_user_list)
    p = users.add_parser("passwd", parents=[common], help="change your password, or (admin) reset another user's")
    p.add_argument("username", nargs="?")
    p.set_defaults(handler=cmd_user_passwd)
    p = users.add_parser("revoke", parents=[common])
    p.add_argument("username")
    p.set_defaults(handler=cmd_user_revoke)

    agencies = sub.add_parser("agency", parents=[common], help="the directory of agencies").add_subparsers(
        dest="action", required=True)
    p = agencies.add_parser("add", parents=[common])
    p.add_argument("code")
    p.add_argument("--name", required=True)
    p.add_argument("--province")
    p.add_argument("--ngoai-thanh", action="store_true", dest="suburban",
                   help="outside the inner city (ngoại thành): Hẹn giờ needs a longer lead time (12 h by default)")
    p.set_defaults(handler=cmd_agency_add)
    p = agencies.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_agency_list)
    p = agencies.add_parser(
        "area", parents=[common],
        help="set whether an agency is inside (noi-thanh) or outside (ngoai-thanh) the inner city")
    p.add_argument("code")
    p.add_argument("area", choices=("noi-thanh", "ngoai-thanh"))
    p.set_defaults(handler=cmd_agency_area)

    p = sub.add_parser("rekey", parents=[common], help="give the database a fresh data key (admin)")
    p.set_defaults(handler=cmd_rekey)
    register_demo(sub, common)
    p = sub.add_parser("backup", parents=[common], help="write an encrypted snapshot of the vault (admin)")
    p.add_argument("folder", type=Path)
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="copy a backup into a new vault folder (--vault)")
    p.add_argument("backup", type=Path)
    p.set_defaults(handler=cmd_restore)


def user_json(u: UserInfo) -> JsonObject:
    from securemail.crypto.signing import fingerprint  # noqa: PLC0415

    return {"username": u.username, "full_name": u.full_name, "role": u.role.value, "agency": u.agency,
            "active": u.active, "key_fingerprint": fingerprint(u.public_key)}


def cmd_init(ctx: Ctx) -> int:
    a = ctx.args
    password = passwords.new_password(ctx.use_stdin, a.admin, env="SECUREMAIL_PASSWORD")
    with init_vault(Path(ctx.vault), office_code=a.office_code, office_name=a.office_name, admin=a.admin,
                    full_name=a.full_name, password=password, province=a.province,
                    kdf_profile=a.kdf_profile, kind=a.kind, agency=a.agency, agency_name=a.agency_name) as s:
        # the statutory days off of this year and the next, computed and recorded (signed) by the new admin
        years = [s.clock.now().year, s.clock.now().year + 1]
        for year in years:
            workdays.record_statutory(s, year)
        agency = s.setting("vault_agency")
        if agency:   # an agency desk: its own agency is in its directory from the start
            directory.add_agency(s, agency, name=a.agency_name or s.office_name)
        doc = {"vault": str(ctx.vault), "vault_id": s.vault_id, "office_code": s.office_code,
               "admin": s.user.username, "statutory_days_recorded": years, "kind": a.kind,
               "agency": s.setting("vault_agency")}
        ctx.emit(doc, tr("cli.init_done", path=str(ctx.vault), office=s.office_name, admin=s.user.username))
    return 0


def cmd_user_add(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        s.require(Permission.MANAGE_USERS)
        new = passwords.new_password(ctx.use_stdin, a.username)
        user = directory.add_user(s, a.username, role=a.role, full_name=a.full_name, password=new, agency=a.agency)
        ctx.emit(user_json(user), tr("cli.user_added", user=user.username, role=label(user.role, ctx.lang)))
    return 0


def cmd_user_list(ctx: Ctx) -> int:
    with ctx.open() as s:
        users = directory.list_users(s)
        lines = [f"{u.username:<16} {label(u.role, ctx.lang):<14} {'' if u.active else '[x] '}{u.full_name}"
                 + (f" ({u.agency})" if u.agency else "") for u in users]
        ctx.emit([user_json(u) for u in users], lines)
    return 0


def cmd_user_passwd(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        target = a.username or s.user.username
        new = passwords.new_password(ctx.use_stdin, target)
        if target == s.user.username:
            directory.change_password(s, ctx.password(), new)
        else:
            directory.reset_password(s, target, new)
        ctx.emit({"username": target, "changed": True}, tr("cli.password_changed", user=target))
    return 0


def cmd_user_revoke(ctx: Ctx) -> int:
    with ctx.open() as s:
        directory.revoke_user(s, ctx.args.username)
        ctx.emit({"username": ctx.args.username, "revoked": True, "rekeyed": True},
                 tr("cli.user_revoked", user=ctx.args.username))
    return 0


def cmd_agency_add(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.open() as s:
        ag = directory.add_agency(s, a.code, name=a.name, province=a.province, suburban=a.suburban)
        ctx.emit({"code": ag.code, "name": ag.name, "province": ag.province, "suburban": ag.suburban},
                 tr("cli.agency_added", code=ag.code, name=ag.name))
    return 0


def cmd_agency_area(ctx: Ctx) -> int:
    with ctx.open() as s:
        ag = directory.set_suburban(s, ctx.args.code, ctx.args.area == "ngoai-thanh")
        ctx.emit({"code": ag.code, "suburban": ag.suburban}, tr("cli.done"))
    return 0


def cmd_agency_list(ctx: Ctx) -> int:
    with ctx.open() as s:
        rows = directory.list_agencies(s)
        ctx.emit([{"code": r.code, "name": r.name, "province": r.province, "suburban": r.suburban} for r in rows],
                 [f"{r.code:<12} {r.name}" + (f" - {r.province}" if r.province else "")
                  + (f" ({tr('agency.ngoai_thanh')})" if r.suburban else "") for r in rows])
    return 0


def cmd_rekey(ctx: Ctx) -> int:
    with ctx.open() as s:
        directory.rekey(s)
        ctx.emit({"rekeyed": True}, tr("cli.rekeyed"))
    return 0


def cmd_backup(ctx: Ctx) -> int:
    from securemail.services.backup import backup_vault  # noqa: PLC0415

    with ctx.open() as s:
        info = backup_vault(s, ctx.args.folder)
        ctx.emit({"folder": str(info.folder), "vault_id": info.vault_id, "events": info.size, "made_at": info.made_at},
                 tr("cli.backup_done", events=info.size, path=str(info.folder)))
    return 0


def cmd_restore(ctx: Ctx) -> int:
    from securemail.services.backup import restore_vault  # noqa: PLC0415

    info = restore_vault(ctx.args.backup, ctx.vault)
    ctx.emit({"vault": str(info.folder), "vault_id": info.vault_id, "events": info.size},
             tr("cli.restore_done", path=str(info.folder)))
    return 0


def register_demo(sub: Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="create a demo vault (Gia Lai) with realistic items")
    p.add_argument("--items", type=int, default=40)
    p.set_defaults(handler=cmd_demo)


def cmd_demo(ctx: Ctx) -> int:
    from securemail.services.demo import DEMO_PASSWORD, create_demo  # noqa: PLC0415

    result = create_demo(Path(ctx.vault), max(0, min(ctx.args.items, 100000)))
    doc = {"vault": str(result.vault), "office_code": result.office_code, "items": result.items,
           "users": [{"username": u, "role": r} for u, r in result.users],
           "password": "SECUREMAIL_PASSWORD" if result.password_from_env else "documented demo password"}
    lines = [tr("cli.demo_done", path=str(result.vault), items=result.items)]
    lines += [f"  {u:<10} {label(Role(r), ctx.lang)}" for u, r in result.users]
    lines.append(tr("cli.demo_password_env") if result.password_from_env else
                 tr("cli.demo_password", password=DEMO_PASSWORD))
    ctx.emit(doc, lines)
    return 0
