"""A full disk and a read-only folder during every write path (issue 14, item 5).

The vault lives on a small tmpfs mounted for the test (root only; skipped elsewhere with the reason). A session is
opened while there is room, then the disk is filled to a few bytes of its end (or the folder is remounted
read-only), and each write path is tried: accept, bag, hand-over, arrive, deliver, password change, revoke (+
rekey), rekey, backup, restore, import of an exchange bundle. Each either succeeds, or fails with the error that
names the problem (storage.disk_full / storage.read_only; Vietnamese by default) and leaves the vault as it was:
once there is room again it opens with the same passwords, verifies clean, and holds exactly the events it held.
Two of them also run as securemail-cli processes, to read the message a person sees. Run by `make faults` (about
a minute on a quiet machine); the normal suite runs tests/storage/test_storage_errors.py instead.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from crashkit import CLI, PASSWORDS, SPARE_PASSWORD, Desk, check_vault, cli_env

from securemail.errors import StorageError, UserFacingError
from securemail.services import bags, bundle_import, directory, items, transfers
from securemail.services.backup import backup_vault, restore_vault
from securemail.services.cosign import cosigner
from securemail.services.session import Session, open_session

# `make faults` only: the suite keeps the regression tests of what this found (tests/storage/test_storage_errors.py).
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not os.environ.get("SECUREMAIL_FAULT_FULL"),
                                                   reason="full-disk and read-only runs: make faults")]

DISK_MB = 24


def _mount(cmd: list[str]) -> bool:
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of DISK_MB MiB (a real filesystem that fills up: ENOSPC, and SQLITE_FULL)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or not _mount(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m,mode=0700", "tmpfs",
                                        str(disk)]):
        pytest.skip("needs root and mount(8) to make a small tmpfs (the disk-full and read-only cases)")
    try:
        yield disk
    finally:
        _mount(["mount", "-o", "remount,rw", str(disk)])
        _mount(["umount", "-l", str(disk)])


def fill(disk: Path, keep: int) -> Path:
    """Fill `disk` up to `keep` bytes of free space (tmpfs counts in pages)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096):
            block = b"\0" * size
            with contextlib.suppress(OSError):
                while os.write(fd, block) == size:
                    pass
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - keep))
    return filler


def events_of(vault: Path) -> list[tuple[int, str, str]]:
    with open_session(vault, "admin", PASSWORDS["admin"]) as s:
        return [(r[0], r[1], r[2]) for r in s.conn.execute("SELECT seq, kind, subject FROM events ORDER BY seq")]


Action = Callable[[Session], object]


def write_paths(desk: Desk, disk: Path) -> list[tuple[str, str, Action]]:
    """(name, user, action): every write path, each runnable from the state the desk is in."""
    def accept(s: Session) -> object:
        return items.accept_item(s, {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat",
                                     "service": "thuong", "scope": "noi-tinh", "description": "Hồ sơ đầy đĩa"})

    def first(status: str, holder: str) -> str:
        return desk.items_in(status, holder)[0]

    def handover(s: Session) -> object:
        signer, info = cosigner(s, "courier1", PASSWORDS["courier1"])
        return transfers.handover(s, [first("accepted", "clerk1")], signer, info)

    def arrive(s: Session) -> object:
        signer, _info = cosigner(s, "courier1", PASSWORDS["courier1"])
        return transfers.arrive(s, [first("in-transit", "courier1")], signer)

    def deliver(s: Session) -> object:
        signer, info = cosigner(s, "sec1", PASSWORDS["sec1"])
        return transfers.deliver(s, first("arrived", "clerk1"), to=signer, to_user=info)

    def bag(s: Session) -> object:      # one action: into the bag opened while there was room
        return bags.add_to_bag(s, "TUI-DAY", [first("accepted", "clerk1")])

    def passwd(s: Session) -> object:
        return directory.change_password(s, desk.passwords["mover"], "Mật-khẩu-khi-đĩa-đầy-Sa-Pa-19")

    return [
        ("accept", "clerk1", accept), ("bag", "clerk1", bag), ("handover", "clerk1", handover),
        ("arrive", "clerk1", arrive), ("deliver", "clerk1", deliver), ("passwd", "mover", passwd),
        ("revoke", "admin", lambda s: directory.revoke_user(s, desk.spares[0])),
        ("rekey", "admin", directory.rekey),
        ("backup", "admin", lambda s: backup_vault(s, disk / "backup-on-full-disk")),
        ("restore", "admin", lambda _s: restore_vault(desk.backups[0], disk / "restored-on-full-disk")),
        ("import", "auditor1", lambda s: bundle_import.import_bundle(s, desk.bundles[0].read_bytes())),
    ]


def prepared_desk(disk: Path) -> Desk:
    """A desk on the small disk with an item in each state a write path needs, and a backup to restore."""
    desk = Desk(disk, random.Random(5))
    desk.build(spares=2)
    with open_session(desk.vault, "clerk1", PASSWORDS["clerk1"]) as s:
        base = {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat", "service": "thuong",
                "scope": "noi-tinh"}
        ts = [items.accept_item(s, base) for _ in range(4)]
        courier, info = cosigner(s, "courier1", PASSWORDS["courier1"])
        transfers.handover(s, ts[:2], courier, info)
        transfers.arrive(s, ts[:1], courier)
        bags.create_bag(s, "REC", "TUI-DAY")
    backup = disk.parent / "backup-made-with-room"
    with open_session(desk.vault, "admin", PASSWORDS["admin"]) as s:
        backup_vault(s, backup)
    desk.backups.append(backup)
    return desk


def passwords_that_open(desk: Desk) -> dict[str, bool]:
    out = {}
    for user in ("admin", "clerk1", "mover", "auditor1"):
        try:
            with open_session(desk.vault, user, desk.passwords[user]):
                out[user] = True
        except UserFacingError:
            out[user] = False
    return out


def test_a_full_disk_on_every_write_path_is_reported_and_changes_nothing(small_disk):
    desk = prepared_desk(small_disk)
    outcomes: dict[str, list[str]] = {}
    # No room at all: every path must refuse. `make faults` also tries a few bytes, kilobytes and pages of room.
    keeps = [0, 4096, 16384, 65536] if os.environ.get("SECUREMAIL_FAULT_FULL") else [0]
    for keep in keeps:
        for name, user, action in write_paths(desk, small_disk):
            before = events_of(desk.vault)
            session = open_session(desk.vault, user, desk.passwords.get(user, SPARE_PASSWORD))
            filler = fill(small_disk, keep)
            try:
                action(session)
            except StorageError as e:
                assert e.key == "storage.disk_full", (name, e.key, e.message())
                outcomes.setdefault(name, []).append(f"{keep}: {e.key}")
                refused = True
            else:
                assert keep > 0, f"{name} succeeded on a disk without room"
                outcomes.setdefault(name, []).append(f"{keep}: done")   # it fitted in what was left
                refused = False
            finally:
                with contextlib.suppress(Exception):
                    session.close()
                filler.unlink()
            check_vault(desk.vault, "admin", PASSWORDS["admin"])
            after = events_of(desk.vault)
            if refused:
                assert after == before, name          # not one event more or less
                assert all(passwords_that_open(desk).values()), name
                for leftover in ("backup-on-full-disk", "restored-on-full-disk"):
                    assert not (small_disk / leftover).exists() or name not in ("backup", "restore")
            elif name == "revoke":
                desk.spares.pop(0)
            elif name == "passwd":
                desk.passwords["mover"] = "Mật-khẩu-khi-đĩa-đầy-Sa-Pa-19"
            for leftover in ("backup-on-full-disk", "restored-on-full-disk"):
                shutil.rmtree(small_disk / leftover, ignore_errors=True)
    print(outcomes)
    assert all(v[0] == "0: storage.disk_full" for v in outcomes.values()), outcomes


def test_read_only_folders_are_reported_and_change_nothing(small_disk, tmp_path):
    """The vault folder read-only (a write-protected stick: mounted ro; Linux refuses to remount a folder whose
    files are open for writing, so this is the state a command starts in), and a read-only target folder for a
    backup, a restore and a PDF while the vault itself is writable."""
    desk = prepared_desk(small_disk)
    before = events_of(desk.vault)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert _mount(["mount", "-t", "tmpfs", "-o", "size=4m,ro", "tmpfs", str(usb)])
    try:
        with open_session(desk.vault, "admin", PASSWORDS["admin"]) as s:
            for action in (lambda: backup_vault(s, usb / "backup"), lambda: restore_vault(desk.backups[0], usb / "v"),
                           lambda: reports_to(s, usb / "so.pdf")):
                with pytest.raises(StorageError) as refused:
                    action()
                assert refused.value.key == "storage.read_only", refused.value.message()
                assert "chỉ cho phép đọc" in refused.value.message("vi")
    finally:
        _mount(["umount", "-l", str(usb)])
    assert _mount(["mount", "-o", "remount,ro", str(small_disk)])
    try:
        for user in ("clerk1", "admin", "auditor1"):
            with pytest.raises(StorageError) as refused:
                open_session(desk.vault, user, desk.passwords[user])
            assert refused.value.key == "storage.read_only"
    finally:
        assert _mount(["mount", "-o", "remount,rw", str(small_disk)])
    check_vault(desk.vault, "admin", PASSWORDS["admin"])
    assert events_of(desk.vault) == before


def reports_to(session: Session, path: Path) -> None:
    """Save a document where the user asked (the path every PDF, bundle and checkpoint export takes)."""
    from securemail.services.outputs import write_user_file

    write_user_file(path, b"%PDF-1.4\n", session.paths.root)


def test_the_cli_names_a_full_disk_and_a_read_only_folder_in_vietnamese(small_disk):
    desk = prepared_desk(small_disk)
    args = ["--vault", str(desk.vault), "--user", "clerk1", "item", "accept", "--sender", "SND", "--recipient",
            "REC", "--secrecy", "mat", "--service", "thuong"]
    filler = fill(small_disk, 0)
    full = subprocess.run([*CLI, *args], env=cli_env(PASSWORDS["clerk1"]), capture_output=True, text=True,
                          encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL, check=False)
    filler.unlink()
    assert full.returncode == 2 and "đã đầy" in full.stderr and "Không có gì bị thay đổi" in full.stderr, full.stderr
    assert "hỏng" not in full.stderr and "Traceback" not in full.stderr
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=False).returncode == 0
    try:
        ro = subprocess.run([*CLI, *args], env=cli_env(PASSWORDS["clerk1"]), capture_output=True, text=True,
                            encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL, check=False)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert ro.returncode == 2 and "chỉ cho phép đọc" in ro.stderr, ro.stderr
    check_vault(desk.vault, "admin", PASSWORDS["admin"])
