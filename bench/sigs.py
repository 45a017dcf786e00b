"""The bare Ed25519 limit: the very signatures a verification checks, verified with nothing else around them.

`collect` runs our verifier once with a recorder on its signature checker (untimed), so the bare run checks
exactly the same (public key, message, signature) triples: those it checks itself or on its pool (`add`,
`check_now`) and those the workers checked with the rest of their row (`record`, `verified`). `bare_verify`
checks them on all cores with PyNaCl (libsodium) or cryptography (OpenSSL), the pool started before the clock
starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from securemail.crypto.signing import key_id
from securemail.custody.authority import Check
from securemail.custody.verify import signatures as V

Triple = tuple[bytes, bytes, bytes]   # public key, message, signature


def _triple(check: Any) -> Triple | None:
    if isinstance(check, Check):
        return check.key, check.domain.value + check.message, check.sig
    for name, key in check.signers:       # a checkpoint note: the first signer whose line is there
        kid = key_id(name, key)
        for s in check.checkpoint.signatures:
            if s.name == name and s.key_id == kid:
                return key, check.checkpoint.text().encode("utf-8"), s.sig
    return None


def collect(verify: Callable[[], Any]) -> list[Triple]:
    """The signatures `verify()` checks, in order (run untimed; workers forced in-process)."""
    seen: list[Triple] = []
    original_add, original_now = V.SignatureChecker.add, V.SignatureChecker.check_now

    def add(self: Any, pending: Any) -> None:
        t = _triple(pending.check)
        if t is not None:
            seen.append(t)
        original_add(self, pending)

    def check_now(self: Any, pending: Any) -> bool:
        t = _triple(pending.check)
        if t is not None:
            seen.append(t)
        return original_now(self, pending)

    def record(self: Any, pending: Any, ok: bool) -> None:     # checked by a worker with the rest of its row
        t = _triple(pending.check)
        if t is not None:
            seen.append(t)
        original_record(self, pending, ok)

    def verified(self: Any, check: Any) -> None:
        t = _triple(check)
        if t is not None:
            seen.append(t)
        original_verified(self, check)

    original_record, original_verified = V.SignatureChecker.record, V.SignatureChecker.verified
    V.SignatureChecker.add, V.SignatureChecker.check_now = add, check_now  # type: ignore[method-assign]
    V.SignatureChecker.record, V.SignatureChecker.verified = record, verified  # type: ignore[method-assign]
    try:
        verify()
    finally:
        V.SignatureChecker.add, V.SignatureChecker.check_now = original_add, original_now  # type: ignore[method-assign]
        V.SignatureChecker.record = original_record  # type: ignore[method-assign]
        V.SignatureChecker.verified = original_verified  # type: ignore[method-assign]
    return seen


def _nacl_batch(batch: Sequence[Triple]) -> int:
    from nacl.bindings import crypto_sign_open  # noqa: PLC0415 - imported in the worker

    ok = 0
    for key, message, sig in batch:
        crypto_sign_open(sig + message, key)   # raises BadSignatureError if wrong
        ok += 1
    return ok


def _openssl_batch(batch: Sequence[Triple]) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415

    ok = 0
    for key, message, sig in batch:
        Ed25519PublicKey.from_public_bytes(key).verify(sig, message)
        ok += 1
    return ok


BACKENDS: dict[str, Callable[[Sequence[Triple]], int]] = {"libsodium": _nacl_batch, "openssl": _openssl_batch}


class BarePool:
    """Worker processes started (and warmed) before timing, like a verifier that already runs."""

    def __init__(self, cores: int) -> None:
        self.cores = cores
        self.pool = ProcessPoolExecutor(max_workers=cores)
        warm = [(bytes(32), b"", bytes(64))]
        list(self.pool.map(_safe, [("libsodium", warm), ("openssl", warm)] * cores))

    def verify(self, backend: str, triples: Sequence[Triple], batch: int = 2000) -> int:
        """Check every triple on all cores; returns how many verified (all, or it raises)."""
        chunks = [triples[i:i + batch] for i in range(0, len(triples), batch)]
        return sum(self.pool.map(BACKENDS[backend], chunks))

    def close(self) -> None:
        self.pool.shutdown()


def _safe(job: tuple[str, Sequence[Triple]]) -> int:
    try:
        return BACKENDS[job[0]](job[1])
    except Exception:
        return 0
