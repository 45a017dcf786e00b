"""`securemail-cli selftest` and Help > Self-test: is this installation able to do its job?

Everything goes through the real services on a throw-away vault in a private temporary folder (0o700, removed at
the end): create a vault, sign in, accept an item (a signed event), check its signatures, verify the whole log,
print a receipt, read its QR code back from the PDF and check the signed statement against the pinned office key.
The vault is SQLCipher-encrypted like any other; nothing of it is written in plain text. One result per check.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from securemail import __version__
from securemail.documents.fonts import fonts_dir
from securemail.i18n import tr
from securemail.services import audit, directory, items, qr_decode, reports, statements
from securemail.services.session import Session, open_session
from securemail.services.vault_init import init_vault

OFFICE_CODE = "SELFTEST"
OFFICE_NAME = "Bưu cục tự kiểm tra"  # Vietnamese with tone marks: the fonts must print it
AGENCIES = (("TEST-A", "Cơ quan gửi thử"), ("TEST-B", "Cơ quan nhận thử"))
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class CheckResult:
    name: str  # message key suffix: selftest.<name>
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        status = "OK  " if self.ok else "FAIL"
        return f"{status} {tr('selftest.' + self.name)}: {self.detail} ({self.seconds:.2f} s)"


class CheckFailedError(Exception):
    """A check found something wrong; the message is the detail shown to the user."""


@dataclass
class _Run:
    folder: Path
    on_result: Callable[[CheckResult], None] | None
    results: list[CheckResult] = field(default_factory=list)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    session: Session | None = None
    tracking: str = ""
    payload: str = ""

    @property
    def vault(self) -> Path:
        return self.folder / "vault"

    @property
    def pdf(self) -> Path:
        return self.folder / "receipt.pdf"

    def check(self, name: str, fn: Callable[[], str]) -> bool:
        start = time.perf_counter()
        try:
            ok, detail = True, fn()
        except CheckFailedError as e:
            ok, detail = False, str(e)
        except Exception as e:  # any failure is a result to report, never a crash of the self-test
            ok, detail = False, f"{type(e).__name__}: {e}"
        result = CheckResult(name, ok, detail, time.perf_counter() - start)
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return ok

    def skip(self, names: tuple[str, ...]) -> None:
        for name in names:
            result = CheckResult(name, False, tr("selftest.skipped"), 0.0)
            self.results.append(result)
            if self.on_result is not None:
                self.on_result(result)


def _require(condition: bool, key: str, **params: str | int) -> None:
    if not condition:
        raise CheckFailedError(tr(key, None, **params))


# ---- the checks, in order; each returns its detail line ----------------------------------------------------

def _fonts(run: _Run) -> str:
    found = sorted(p.name for p in fonts_dir().glob("*.ttf"))
    _require(bool(found), "selftest.fonts_missing", path=str(fonts_dir()))
    return tr("selftest.fonts_ok", count=len(found), path=str(fonts_dir()))


def _vault(run: _Run) -> str:
    with init_vault(run.vault, office_code=OFFICE_CODE, office_name=OFFICE_NAME, admin="quantri",
                    full_name="Quản trị tự kiểm tra", password=run.password, kdf_profile="minimum") as admin:
        for code, name in AGENCIES:
            directory.add_agency(admin, code, name=name)
        directory.add_user(admin, "giaodichvien", role="clerk", full_name="Giao dịch viên tự kiểm tra",
                           password=run.password)
    return tr("selftest.vault_ok", path=str(run.vault))


def _encrypted(run: _Run) -> str:
    files = [p for p in run.vault.rglob("*") if p.is_file()]
    db = run.vault / "vault.db"
    _require(db.is_file(), "selftest.no_database")
    with db.open("rb") as f:
        _require(f.read(len(SQLITE_HEADER)) != SQLITE_HEADER, "selftest.plain_database")
    needle = OFFICE_NAME.encode()
    leaks = [p.name for p in files if needle in p.read_bytes()]
    _require(not leaks, "selftest.plain_text", files=", ".join(leaks))
    return tr("selftest.encrypted_ok", files=len(files))


def _sign_in(run: _Run) -> str:
    run.session = open_session(run.vault, "giaodichvien", run.password)
    return tr("selftest.sign_in_ok", user=run.session.user.username, role=run.session.role.value)


def _write(run: _Run) -> str:
    assert run.session is not None
    run.tracking = items.accept_item(run.session, {
        "sender_agency": AGENCIES[0][0], "recipient_agency": AGENCIES[1][0], "secrecy": "mat",
        "service": "thuong", "scope": "noi-tinh", "doc_ref": "01/TKT", "envelopes": 1, "weight_grams": 20,
        "seal_numbers": "NP-0001", "sender_person": "Người gửi thử"})
    return tr("selftest.write_ok", tracking=run.tracking)


def _signatures(run: _Run) -> str:
    assert run.session is not None
    events = items.timeline(run.session, run.tracking)
    _require(bool(events), "selftest.no_events", tracking=run.tracking)
    bad = [str(e.seq) for e in events if not e.signature_ok]
    _require(not bad, "selftest.bad_signatures", seqs=", ".join(bad))
    return tr("selftest.signatures_ok", count=len(events))


def _verify(run: _Run) -> str:
    assert run.session is not None
    report = audit.verify_vault(run.session, full=True)
    _require(bool(report), "selftest.verify_problems", count=len(report.problems))
    return tr("selftest.verify_ok", events=report.events_checked)


def _receipt(run: _Run) -> str:
    assert run.session is not None
    run.payload = reports.receipt(run.session, run.tracking, run.pdf)
    size = run.pdf.stat().st_size
    _require(size > 0, "selftest.empty_pdf")
    return tr("selftest.receipt_ok", kib=round(size / 1024))


def _qr(run: _Run) -> str:
    found = qr_decode.payloads_from_pdf(run.pdf)
    _require(run.payload in found, "selftest.qr_not_found", count=len(found))
    return tr("selftest.qr_ok", chars=len(run.payload))


def _statement(run: _Run) -> str:
    assert run.session is not None
    key_file = run.folder / "office-key.txt"
    key_file.write_text(statements.office_key_file_text(run.session), encoding="utf-8")
    keys, fingerprints = statements.read_trust_file(key_file)
    good = statements.check(run.payload, trusted_keys=keys, trusted_fingerprints=fingerprints)
    _require(bool(good), "selftest.statement_bad", reason=good.reason)
    tampered = _tamper(run.payload)
    bad = statements.check(tampered, trusted_keys=keys, trusted_fingerprints=fingerprints)
    _require(not bad, "selftest.tamper_accepted")
    return tr("selftest.statement_ok", reason=bad.reason)


def _tamper(payload: str) -> str:
    """The same statement with one character in the middle of its signature changed (still well-formed)."""
    head, sig = payload.rsplit(".", 1)
    middle = len(sig) // 2
    swap = "A" if sig[middle] != "A" else "B"
    return f"{head}.{sig[:middle]}{swap}{sig[middle + 1:]}"


CHECKS: tuple[tuple[str, Callable[[_Run], str]], ...] = (
    ("fonts", _fonts), ("vault", _vault), ("encrypted", _encrypted), ("sign_in", _sign_in), ("write", _write),
    ("signatures", _signatures), ("verify", _verify), ("receipt", _receipt), ("qr", _qr),
    ("statement", _statement),
)


@contextmanager
def _private_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="securemail-selftest-"))  # mkdtemp: owner-only (0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_selftest(on_result: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    """Run every check (a failed check skips those that need it); `on_result` sees each result as it comes."""
    with _private_folder() as folder:
        run = _Run(folder, on_result)
        try:
            for index, (name, fn) in enumerate(CHECKS):
                if not run.check(name, partial(fn, run)):
                    independent = name == "fonts"  # missing fonts fail the receipt later, not the vault
                    if not independent:
                        run.skip(tuple(n for n, _ in CHECKS[index + 1:]))
                        break
        finally:
            if run.session is not None:
                run.session.close()
    run.check("cleanup", lambda: _cleanup(folder))
    return run.results


def _cleanup(folder: Path) -> str:
    _require(not folder.exists(), "selftest.left_behind", path=str(folder))
    return tr("selftest.cleanup_ok")


def all_passed(results: list[CheckResult]) -> bool:
    return bool(results) and all(r.ok for r in results)


def summary(results: list[CheckResult]) -> str:
    passed = sum(r.ok for r in results)
    key = "selftest.summary_ok" if all_passed(results) else "selftest.summary_failed"
    return tr(key, passed=passed, total=len(results), version=__version__)
