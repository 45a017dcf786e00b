"""The exchange through securemail-cli: pins, export, import (twice), timelines with origin, extension, split view,
an unpinned sender, a bundle replayed into the wrong vault, an unknown version, pin revoke."""

from __future__ import annotations

import pytest
from exchange_kit import PASSWORDS, World, counts, ok, run_cli

pytestmark = pytest.mark.slow


def test_init_kind_and_key_file(world: World):
    text = (world.root / "A.key").read_text(encoding="utf-8")
    assert "kind agency\n" in text and "agency SND\n" in text and "\nvault " in text
    assert "kind office\n" in (world.root / "B.key").read_text(encoding="utf-8")
    pins = ok(run_cli(world.b, "pin", "list", "--json", user="adm")).json()
    assert [(p["code"], p["kind"], p["agency"], p["active"], p["reason"]) for p in pins] == \
        [("STP", "agency", "SND", True, "trao tận tay")]


def test_only_an_admin_pins(world: World):
    run = run_cli(world.a, "pin", "add", str(world.root / "B.key"), user="vt1")
    assert run.code == 4
    run = run_cli(world.a, "pin", "add", str(world.root / "B.key"), user="adm")
    assert run.code == 5        # already pinned


def test_round_trip_extension_and_split_view(world: World):
    b, t = world.b, world.tracking
    first = ok(run_cli(b, "import", str(world.b1), "--json", user="adm")).json()
    assert first["imported"] and not first["already_imported"] and first["from"] == "STP"
    assert t in first["items"] and first["new_events"] == first["events"]
    with world.session(b, "adm") as s:
        before = counts(s)
    again = ok(run_cli(b, "import", str(world.b1), "--json", user="adm")).json()
    assert again["already_imported"] and again["new_events"] == 0
    with world.session(b, "adm") as s:
        assert counts(s) == before
    show = ok(run_cli(b, "item", "show", t, "--json", user="adm")).json()
    assert show["foreign_only"] is True
    assert [e["kind"] for e in show["events"]] == ["item.accepted"]
    assert all(e["signature_ok"] and e["origin"]["office"] == "STP" and not e["origin"]["own"]
               for e in show["events"])
    assert ok(run_cli(b, "verify", "--json", user="adm")).json()["ok"] is True

    # A goes on: a note; the next bundle proves it extends the first
    ok(run_cli(world.a, "note", t, "Đã kiểm tra niêm phong", user="vt1"))
    b2 = world.root / "b2.bundle"
    ok(run_cli(world.a, "export", "--to", "HN01", "--items", t, "-o", str(b2), user="vt1"))
    second = ok(run_cli(b, "import", str(b2), "--json", user="adm")).json()
    assert second["checkpoint_size"] > first["checkpoint_size"] and second["new_events"] == 1
    show = ok(run_cli(b, "item", "show", t, "--json", user="adm")).json()
    assert [e["kind"] for e in show["events"]] == ["item.accepted", "item.note"]

    # a fork of A (the copy kept before the note) writes something else and exports: B refuses (split view)
    ok(run_cli(world.a_fork, "note", t, "Một lịch sử khác", user="vt1"))
    ok(run_cli(world.a_fork, "note", t, "Và thêm nữa", user="vt1"))
    fork = world.root / "fork.bundle"
    ok(run_cli(world.a_fork, "export", "--to", "HN01", "--items", t, "-o", str(fork), user="vt1"))
    with world.session(b, "adm") as s:
        before = counts(s)
    run = run_cli(b, "import", str(fork), "--json", user="adm")
    assert run.code == 1 and run.json()["check"] == "split_view", run.out
    with world.session(b, "adm") as s:
        assert counts(s) == before
    # the first bundle again is harmless (already imported), even after the second
    assert ok(run_cli(b, "import", str(world.b1), "--json", user="adm")).json()["already_imported"]

    # back the other way: B's directory (with its pin.added and bundle.imported events) verifies at A
    back = world.root / "back.bundle"
    sent = ok(run_cli(b, "export", "--to", "STP", "-o", str(back), "--json", user="adm")).json()
    assert sent["items"] == []          # no item of agency SND was accepted at B itself
    got = ok(run_cli(world.a, "import", str(back), "--json", user="adm")).json()
    assert got["imported"] and got["from"] == "HN01"
    assert ok(run_cli(world.a, "verify", "--json", user="adm")).json()["ok"] is True


def test_unpinned_sender_is_refused(world: World):
    with world.session(world.c, "adm") as s:
        before = counts(s)
    run = run_cli(world.c, "import", str(world.bc), "--json", user="adm")
    assert run.code == 1 and run.json()["check"] == "pin"
    run = run_cli(world.c, "import", str(world.bc), user="adm", password=PASSWORDS["adm"])
    assert run.code == 1 and "pin" in run.err
    with world.session(world.c, "adm") as s:
        assert counts(s) == before


def test_bundle_for_another_vault_is_refused(world: World):
    ok(run_cli(world.c, "pin", "add", str(world.root / "A.key"), user="adm"))
    with world.session(world.c, "adm") as s:
        before = counts(s)
    run = run_cli(world.c, "import", str(world.b1), "--json", user="adm")
    assert run.code == 1 and run.json()["check"] == "recipient"
    with world.session(world.c, "adm") as s:
        assert counts(s) == before
    # addressed to C and now pinned: accepted
    assert ok(run_cli(world.c, "import", str(world.bc), "--json", user="adm")).json()["imported"]


def test_revoked_pin_refuses_imports(world: World):
    d = world.root / "D"
    ok(run_cli(d, "init", "--office-code", "DN01", "--office-name", "Bưu điện Đà Nẵng", "--admin", "adm",
               "--full-name", "Quản Trị", "--kdf-profile", "minimum", password=PASSWORDS["adm"]))
    ok(run_cli(d, "office-key", "export", str(world.root / "D.key"), user="adm"))
    ok(run_cli(d, "pin", "add", str(world.root / "A.key"), user="adm"))
    ok(run_cli(world.a, "pin", "add", str(world.root / "D.key"), user="adm"))
    bundle = world.root / "bd.bundle"
    ok(run_cli(world.a, "export", "--to", "DN01", "--items", world.tracking, "-o", str(bundle), user="vt1"))
    assert run_cli(d, "pin", "revoke", "STP", user="adm").code == 2          # --reason is required
    revoked = ok(run_cli(d, "pin", "revoke", "STP", "--reason", "khóa bị lộ", "--json", user="adm")).json()
    assert revoked["active"] is False and revoked["revoke_reason"] == "khóa bị lộ"
    run = run_cli(d, "import", str(bundle), "--json", user="adm")
    assert run.code == 1 and run.json()["check"] == "pin"
    assert ok(run_cli(d, "verify", "--json", user="adm")).json()["ok"] is True
