"""Crash harness: every write path of securemail-cli, SIGKILLed at random moments (issue 14, item 4).

A desk (an office vault, and an agency desk that sends it exchange bundles) is built in-process through the
services (minimum KDF profile). Then, step after step, one action is run as a real `securemail-cli` process:
accept, bag (create + add), hand-over, arrive, deliver, password change, revoke (with its rekey), rekey, backup,
restore, import of an exchange bundle. Most runs are killed with SIGKILL at a random moment of their work: the
harness waits for a state (the process has started unlocking: lockout.json was replaced; for restore, the process
has started) and then for a random part of what that action took when it last ran to the end. After every step:

- the vault opens and a full verification finds no problem;
- every action that was reported as done (exit 0 and its output seen) is there, and stays there at every later
  step (checked as "this signed event exists", "this password opens", "this backup restores and verifies");
- a killed action left its old state or its new one: a killed password change leaves the old or the new password
  working, a killed backup or restore leaves no folder or a complete one.

Used by tests/faults/test_crash.py: a handful of kills in the normal suite, `make faults` for the full run
(SECUREMAIL_FAULT_KILLS, default 60 there).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli_command import CLI

from securemail.custody import kinds as K
from securemail.errors import AuthenticationError
from securemail.services import bundle_export, directory, items, pins
from securemail.services.audit import verify_vault
from securemail.services.backup import restore_vault
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault
from securemail.storage.event_codec import load_body

PASSWORDS = {
    "admin": "quản-trị-mật-khẩu-01",
    "clerk1": "giao-dịch-viên-01",
    "courier1": "bưu-tá-áp-tải-01",
    "sec1": "văn-thư-số-một-01",
    "auditor1": "kiểm-tra-bảo-vệ-01",
    "mover": "người-đổi-mật-khẩu-00",
}
USERS = {
    "clerk1": ("clerk", "Lê Văn Giao", None),
    "courier1": ("courier", "Hoàng Văn Tải", None),
    "sec1": ("secretary", "Nguyễn Thị Lan", "REC"),
    "auditor1": ("auditor", "Bùi Văn Kiểm", None),
    "mover": ("courier", "Người Đổi Mật Khẩu", None),
}
SPARE_PASSWORD = "người-dự-phòng-số-01"
SPARES = 12                       # couriers to revoke, one per revoke step
BUNDLES = 3                       # exchange bundles from the agency desk, imported in order
AGENCY_ADMIN_PW = "quản-trị-cơ-quan-01"
DEADLINE = 180.0                  # seconds: any one CLI run or state wait


def new_password(n: int) -> str:
    return f"Đổi-mật-khẩu-lần-{n:03d}-sông-Hồng"


def cli_env(password: str | None = None, *, new: str | None = None, cosign: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SECUREMAIL_", "LC_")) and k not in ("LANG", "LANGUAGE")}
    env.update({"LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    for var, value in (("SECUREMAIL_PASSWORD", password), ("SECUREMAIL_NEW_PASSWORD", new),
                       ("SECUREMAIL_COSIGN_PASSWORD", cosign)):
        if value is not None:
            env[var] = value
    return env


class NeverRaisesSleep:
    """The failed-attempt delay, skipped in-process (the harness tries an old password on purpose)."""

    def __call__(self, _seconds: float) -> None:
        return None


@dataclass
class Outcome:
    action: str
    killed: bool
    code: int | None
    out: str
    err: str


@dataclass
class Attempt:
    """One action to run: its command line and environment, how to know it has started its work, and what to
    record when it reports success (`done`) or when it was killed (`killed`)."""

    name: str
    args: list[str]
    env: dict[str, str]
    done: Callable[[str], None]
    killed: Callable[[], None] = lambda: None
    trigger: str = "unlock"        # "unlock": lockout.json replaced; "start": the process started


@dataclass
class Desk:
    root: Path
    rng: random.Random
    vault: Path = field(init=False)
    agency: Path = field(init=False)
    passwords: dict[str, str] = field(default_factory=lambda: dict(PASSWORDS))
    expectations: list[tuple[str, Callable[[Session], None]]] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    log: list[Outcome] = field(default_factory=list)
    bundles: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    spares: list[str] = field(default_factory=list)
    counter: int = 0
    password_round: int = 0
    bag: str | None = None

    def __post_init__(self) -> None:
        self.vault = self.root / "vault"
        self.agency = self.root / "agency"

    # ---- building (in-process, through the services) -------------------------------------------------------

    def build(self, *, exchange_bundles: bool = True, spares: int = SPARES) -> None:
        with init_vault(self.vault, office_code="HN01", office_name="Bưu điện Trung tâm Hà Nội", admin="admin",
                        full_name="Quản Trị Viên", password=PASSWORDS["admin"], province="Hà Nội",
                        kdf_profile="minimum") as s:
            for code, name in (("SND", "Sở Tư pháp"), ("REC", "Văn phòng Tỉnh ủy")):
                directory.add_agency(s, code, name=name, province="Hà Nội")
            for user, (role, full_name, agency) in USERS.items():
                directory.add_user(s, user, role=role, full_name=full_name, password=PASSWORDS[user], agency=agency)
            for n in range(spares):
                name = f"spare{n:02d}"
                directory.add_user(s, name, role="courier", full_name=f"Dự Phòng {n}", password=SPARE_PASSWORD)
                self.spares.append(name)
        if exchange_bundles:
            self._build_agency()

    def _build_agency(self) -> None:
        """An agency desk (SND) that pins this office and exports BUNDLES growing bundles to it."""
        ok(run([*CLI, "--vault", str(self.vault), "--user", "admin", "office-key", "export",
                str(self.root / "HN01.key")], cli_env(self.passwords["admin"])))
        with init_vault(self.agency, office_code="STP", office_name="Sở Tư pháp Hà Nội", admin="adm",
                        full_name="Quản Trị Cơ Quan", password=AGENCY_ADMIN_PW, kdf_profile="minimum",
                        kind="agency", agency="SND", agency_name="Sở Tư pháp") as s:
            for code, name in (("SND", "Sở Tư pháp"), ("REC", "Văn phòng Tỉnh ủy")):
                directory.add_agency(s, code, name=name)
            directory.add_user(s, "vt1", role="clerk", full_name="Nguyễn Thị Văn", password=AGENCY_ADMIN_PW)
            pins.add_pin(s, self.root / "HN01.key")
        ok(run([*CLI, "--vault", str(self.agency), "--user", "adm", "office-key", "export",
                str(self.root / "STP.key")], cli_env(AGENCY_ADMIN_PW)))
        with open_session(self.vault, "admin", self.passwords["admin"]) as s:
            pins.add_pin(s, self.root / "STP.key", "trao tận tay")
        with open_session(self.agency, "vt1", AGENCY_ADMIN_PW) as s:
            for n in range(BUNDLES):
                t = items.accept_item(s, {"sender_agency": "SND", "recipient_agency": "REC", "secrecy": "mat",
                                          "service": "thuong", "scope": "noi-tinh", "doc_ref": f"{n + 1}/CV-STP"})
                path = self.root / f"bundle{n}.smb"
                bundle_export.export_bundle(s, "HN01", [t], path)
                self.bundles.append(path)

    # ---- running one action ----------------------------------------------------------------------------------

    def run_action(self, attempt: Attempt, kill: bool) -> Outcome:
        """Run `attempt` as a CLI process; when `kill`, SIGKILL it at a random moment of its work."""
        lockout = self.vault / "lockout.json"
        before = _inode(lockout)
        started = time.monotonic()
        proc = subprocess.Popen([*CLI, *attempt.args], env=attempt.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        killed = False
        try:
            if attempt.trigger == "unlock":
                _wait_for(lambda: _inode(lockout) != before or proc.poll() is not None, "unlock began")
            working = time.monotonic()
            if kill:
                budget = self.durations.get(attempt.name)
                if budget is None:
                    kill = False           # first run of this action: measure it, never kill blind
                else:
                    pause = self.rng.uniform(0.0, budget * 1.1)
                    try:
                        proc.wait(timeout=pause)      # finished before its moment: not a kill
                    except subprocess.TimeoutExpired:
                        proc.send_signal(signal.SIGKILL)
                        killed = True
            out, err = proc.communicate(timeout=DEADLINE)
        except BaseException:
            proc.kill()
            proc.communicate()
            raise
        if not killed and proc.returncode == 0:
            self.durations[attempt.name] = time.monotonic() - working
        del started
        outcome = Outcome(attempt.name, killed, proc.returncode, out.decode("utf-8", "replace"),
                          err.decode("utf-8", "replace"))
        self.log.append(outcome)
        if killed:
            attempt.killed()
        else:
            assert outcome.code == 0, f"{attempt.name} failed unkilled: {outcome.code} {outcome.err}"
            assert "Traceback" not in outcome.err, outcome.err
            attempt.done(outcome.out)
        return outcome

    # ---- the actions --------------------------------------------------------------------------------------

    def _as(self, user: str, *args: str, new: str | None = None, cosign: str | None = None,
            vault: Path | None = None) -> tuple[list[str], dict[str, str]]:
        v = vault or self.vault
        return ["--vault", str(v), "--user", user, *args], cli_env(self.passwords[user], new=new, cosign=cosign)

    def _expect_event(self, label: str, subject: str, kind: str) -> None:
        def check(s: Session) -> None:
            row = s.conn.execute("SELECT 1 FROM events WHERE subject = ? AND kind = ?", (subject, kind)).fetchone()
            assert row is not None, f"reported done but missing: {label} ({kind} on {subject})"
        self.expectations.append((label, check))

    def items_in(self, status: str, holder: str | None = None) -> list[str]:
        with self.admin() as s:
            q = "SELECT tracking FROM items WHERE status = ?" + (" AND holder = ?" if holder else "")
            rows = s.conn.execute(q, (status, holder) if holder else (status,)).fetchall()
        return sorted(r[0] for r in rows)

    def accept(self) -> Attempt:
        self.counter += 1
        args, env = self._as("clerk1", "item", "accept", "--sender", "SND", "--recipient", "REC", "--secrecy",
                             "mat", "--service", "thuong", "--doc-ref", f"{self.counter}/CV-KT", "--json")

        def done(out: str) -> None:
            t = json.loads(out)["tracking"]
            self._expect_event(f"accept {t}", t, K.ITEM_ACCEPTED)
        return Attempt("accept", args, env, done)

    def bag_add(self, tracking: str, *, new_bag: bool = False) -> Attempt:
        if self.bag is None or new_bag:
            self.counter += 1
            bag = f"TUI{self.counter:04d}"
            args, env = self._as("clerk1", "bag", "create", "--destination", "REC", "--id", bag, "--json")

            def created(_out: str) -> None:
                self.bag = bag
                self._expect_event(f"bag create {bag}", K.bag_subject(bag), K.BAG_CREATED)

            def maybe(bag: str = bag) -> None:
                with self.admin() as s:
                    if s.conn.execute("SELECT 1 FROM bags WHERE bag = ?", (bag,)).fetchone():
                        self.bag = bag
            return Attempt("bag create", args, env, created, maybe)
        args, env = self._as("clerk1", "bag", "add", self.bag, tracking)
        return Attempt("bag add", args, env,
                       lambda _o: self._expect_event(f"bag add {tracking}", tracking, K.ITEM_BAGGED))

    def handover(self, tracking: str) -> Attempt:
        args, env = self._as("clerk1", "handover", tracking, "--to", "courier1",
                             cosign=self.passwords["courier1"])
        return Attempt("handover", args, env,
                       lambda _o: self._expect_event(f"handover {tracking}", tracking, K.ITEM_HANDED_OVER))

    def arrive(self, tracking: str) -> Attempt:
        args, env = self._as("clerk1", "arrive", tracking, "--from", "courier1", cosign=self.passwords["courier1"])
        return Attempt("arrive", args, env,
                       lambda _o: self._expect_event(f"arrive {tracking}", tracking, K.ITEM_ARRIVED))

    def deliver(self, tracking: str) -> Attempt:
        args, env = self._as("clerk1", "deliver", tracking, "--to", "sec1", cosign=self.passwords["sec1"])
        return Attempt("deliver", args, env,
                       lambda _o: self._expect_event(f"deliver {tracking}", tracking, K.ITEM_DELIVERED))

    def passwd(self) -> Attempt:
        self.password_round += 1
        old, new = self.passwords["mover"], new_password(self.password_round)
        args, env = self._as("mover", "user", "passwd", new=new)

        def done(_out: str) -> None:
            self.passwords["mover"] = new

            def check(_s: Session, new: str = new) -> None:
                if self.passwords["mover"] == new:       # until a later change replaces it
                    assert self._opens("mover", new), "a reported password change does not open the vault"
            self.expectations.append((f"password {self.password_round}", check))

        def killed() -> None:
            opens = [p for p in (old, new) if self._opens("mover", p)]
            assert len(opens) == 1, f"after a killed password change {len(opens)} of old/new open"
            self.passwords["mover"] = opens[0]
        return Attempt("passwd", args, env, done, killed)

    def _opens(self, user: str, password: str) -> bool:
        try:
            with open_session(self.vault, user, password, sleep=NeverRaisesSleep()):
                return True
        except AuthenticationError:
            return False

    def revoke(self) -> Attempt:
        user = self.spares[0]
        args, env = self._as("admin", "user", "revoke", user)

        def done(_out: str) -> None:
            self.spares.pop(0)

            def check(s: Session) -> None:
                account = s.authority.account(user)
                assert account is not None and not account.active, f"revoked {user} is active"
                revoked = max(int(seq) for seq, body in s.conn.execute(
                    "SELECT seq, body FROM events WHERE kind = ?", (K.USER_REVOKED,)) if f'"{user}"'.encode()
                    in load_body(body))
                rekeyed = s.conn.execute("SELECT max(seq) FROM events WHERE kind = ?", (K.VAULT_REKEYED,)).fetchone()[0]
                assert rekeyed is not None and rekeyed > revoked, f"revocation of {user} not followed by a rekey"
                assert not self._opens(user, SPARE_PASSWORD), f"revoked {user} still opens the vault"
            self.expectations.append((f"revoke {user}", check))
        return Attempt("revoke", args, env, done)

    def rekey(self) -> Attempt:
        args, env = self._as("admin", "rekey")
        with self.admin() as s:
            before = s.conn.execute("SELECT count(*) FROM events WHERE kind = ?", (K.VAULT_REKEYED,)).fetchone()[0]

        def done(_out: str) -> None:
            def check(s: Session) -> None:
                now = s.conn.execute("SELECT count(*) FROM events WHERE kind = ?", (K.VAULT_REKEYED,)).fetchone()[0]
                assert now > before, "a reported rekey is not in the log"
            self.expectations.append(("rekey", check))
        return Attempt("rekey", args, env, done)

    def backup(self) -> Attempt:
        self.counter += 1
        folder = self.root / f"backup{self.counter:03d}"
        args, env = self._as("admin", "backup", str(folder))

        def done(_out: str) -> None:
            self.backups.append(folder)
            self.expectations.append((f"backup {folder.name}", lambda _s: self._check_restores(folder)))

        def killed() -> None:
            if folder.exists():   # all or nothing: a folder that is there must be a whole backup
                self._check_restores(folder)
                self.backups.append(folder)
        return Attempt("backup", args, env, done, killed)

    def _check_restores(self, backup: Path) -> None:
        target = self.root / f"check-{backup.name}-{self.rng.randrange(1 << 30)}"
        restore_vault(backup, target)
        try:
            check_vault(target, "admin", self._password_when(backup))
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def _password_when(self, _backup: Path) -> str:
        return PASSWORDS["admin"]   # the admin's password never changes here

    def restore(self) -> Attempt:
        self.counter += 1
        backup = self.rng.choice(self.backups)
        target = self.root / f"restored{self.counter:03d}"
        args = ["--vault", str(target), "restore", str(backup)]

        def done(_out: str) -> None:
            self.expectations.append((f"restore {target.name}",
                                      lambda _s: check_vault(target, "admin", PASSWORDS["admin"])))

        def killed() -> None:
            if target.exists():
                check_vault(target, "admin", PASSWORDS["admin"])
        return Attempt("restore", args, cli_env(), done, killed, trigger="start")

    def import_bundle(self, index: int) -> Attempt:
        bundle = self.bundles[index]
        args, env = self._as("auditor1", "import", str(bundle), "--json")

        def done(out: str) -> None:
            sha = json.loads(out)["bundle_sha256"]

            def check(s: Session) -> None:
                row = s.conn.execute("SELECT 1 FROM bundles_imported WHERE sha256 = ?", (bytes.fromhex(sha),))
                assert row.fetchone() is not None, f"reported import of {bundle.name} missing"
            self.expectations.append((f"import {bundle.name}", check))
        return Attempt("import", args, env, done)

    def next_attempt(self, only: set[str] | None = None) -> Attempt:
        """A random action whose preconditions hold now (among `only`, when given)."""
        accepted = self.items_in("accepted", "clerk1")
        with_courier = self.items_in("in-transit", "courier1")
        arrived = self.items_in("arrived", "clerk1")
        choices: list[tuple[str, Callable[[], Attempt]]] = [
            ("accept", self.accept), ("passwd", self.passwd), ("backup", self.backup), ("rekey", self.rekey)]
        if accepted:
            t = self.rng.choice(accepted)
            choices += [("bag", lambda: self.bag_add(t, new_bag=self.rng.random() < 0.3)),
                        ("handover", lambda: self.handover(t)),
                        ("deliver", lambda: self.deliver(t))]
        if with_courier:
            choices.append(("arrive", lambda: self.arrive(self.rng.choice(with_courier))))
        if arrived:
            choices.append(("deliver", lambda: self.deliver(self.rng.choice(arrived))))
        if self.spares:
            choices.append(("revoke", self.revoke))
        if self.backups:
            choices.append(("restore", self.restore))
        if self.bundles:
            choices.append(("import", lambda: self.import_bundle(self.rng.randrange(len(self.bundles)))))
        usable = [make for name, make in choices if only is None or name in only] or [self.accept]
        return self.rng.choice(usable)()

    def every_action_once(self, only: set[str] | None = None) -> list[Callable[[], Attempt]]:
        """Each write path once, in an order whose preconditions hold (each is measured before it is killed)."""
        steps: list[tuple[str, Callable[[], Attempt]]] = [
            ("accept", self.accept), ("accept", self.accept), ("accept", self.accept),
            ("bag", lambda: self.bag_add(self.items_in("accepted", "clerk1")[0])),
            ("bag", lambda: self.bag_add(self.items_in("accepted", "clerk1")[0])),
            ("handover", lambda: self.handover(self.items_in("accepted", "clerk1")[0])),
            ("arrive", lambda: self.arrive(self.items_in("in-transit", "courier1")[0])),
            ("deliver", lambda: self.deliver(self.items_in("arrived", "clerk1")[0])),
            ("passwd", self.passwd), ("revoke", self.revoke), ("rekey", self.rekey), ("backup", self.backup),
            ("restore", self.restore), ("import", lambda: self.import_bundle(0))]
        needs = {"bag": "accept", "handover": "accept", "arrive": "handover", "deliver": "arrive",
                 "restore": "backup"}
        wanted = set(only) if only is not None else {name for name, _ in steps}
        for name in list(wanted):
            while name in needs:
                name = needs[name]
                wanted.add(name)
        return [make for name, make in steps if name in wanted]

    # ---- checking ------------------------------------------------------------------------------------------

    def admin(self) -> Session:
        return open_session(self.vault, "admin", self.passwords["admin"], sleep=NeverRaisesSleep())

    def check(self) -> None:
        """The vault opens, verifies clean, and holds every action reported as done."""
        check_vault(self.vault, "admin", self.passwords["admin"])
        with self.admin() as s:
            for label, expectation in self.expectations:
                try:
                    expectation(s)
                except AssertionError as e:
                    raise AssertionError(f"after {self.log[-1].action} "
                                         f"({'killed' if self.log[-1].killed else 'done'}): {label}: {e}") from e


def check_vault(vault: Path, user: str, password: str) -> None:
    with open_session(vault, user, password, sleep=NeverRaisesSleep()) as s:
        report = verify_vault(s, full=True)
        assert not report.problems, [p.__dict__ for p in report.problems]


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=DEADLINE,
                          stdin=subprocess.DEVNULL, start_new_session=True, check=False)


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for: {what}")
        time.sleep(0.002)


def crash_run(root: Path, kills: int, seed: int, progress: Callable[[str], None] | None = None,
              only: set[str] | None = None) -> Desk:
    """Build a desk, run each action once unkilled (to measure it), then random actions until `kills` runs were
    killed mid-work; check the vault after every step. `only`: the write paths to use (all when None).
    Returns the desk (its log has every outcome)."""
    desk = Desk(root, random.Random(seed))
    desk.build(exchange_bundles=only is None or "import" in only,
               spares=SPARES if only is None or "revoke" in only else 0)
    for make in desk.every_action_once(only):
        desk.run_action(make(), kill=False)
        desk.check()
    while sum(o.killed for o in desk.log) < kills:
        attempt = desk.next_attempt(only)
        outcome = desk.run_action(attempt, kill=True)
        desk.check()
        if progress is not None:
            progress(f"{sum(o.killed for o in desk.log):3d} kills  {outcome.action:<10} "
                     f"{'killed' if outcome.killed else 'done'}")
    return desk


def summary(desk: Desk) -> dict[str, Any]:
    by: dict[str, dict[str, int]] = {}
    for o in desk.log:
        entry = by.setdefault(o.action, {"killed": 0, "done": 0})
        entry["killed" if o.killed else "done"] += 1
    return {"kills": sum(o.killed for o in desk.log), "runs": len(desk.log), "by_action": by}
