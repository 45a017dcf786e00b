"""Verification cost against the size of the vault (issue 15, targets 1 and 5).

For each size: a full verification (the auditor's signed verified record is written), then NEW new events, then
the plain verification. Plain verify should take about the same time at every size (ratio largest/smallest
within 1.5); full verify's signature rate is compared with a bare Ed25519 verification loop of the same
signatures with libsodium on the same machine in the same run (two cores; target >= 0.85).
Usage: python bench/bench_scale_verify.py [EVENTS...]      (default 3000 10000; vaults cached, see
bench_scale_vaults.py)
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench_scale_vaults import add_items, next_serial, open_as, signers, working_copy
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open

from securemail.services.audit import verify_vault

NEW = 1000


def _bare_verify(n: int) -> float:
    """Seconds for one core to verify n Ed25519 signatures with libsodium (PyNaCl), the fastest on PyPI."""
    priv = Ed25519PrivateKey.generate()
    pub = priv.public_key().public_bytes_raw()
    msgs = [b"securemail-event-v1\x00" + i.to_bytes(8, "big") * 40 for i in range(n)]
    signed = [priv.sign(m) + m for m in msgs]
    t = time.perf_counter()
    for sm in signed:
        crypto_sign_open(sm, pub)
    return time.perf_counter() - t


def bare_rate_two_cores(n: int = 4000) -> float:
    with ProcessPoolExecutor(2) as pool:
        times = list(pool.map(_bare_verify, [n, n]))
    return 2 * n / max(times)


def measure(events: int, where: Path) -> tuple[int, float, float, int, int]:
    path = working_copy(events, where)
    with open_as(path, "audit1") as s:
        t = time.perf_counter()
        full = verify_vault(s, full=True)
        t_full = time.perf_counter() - t
    assert full, full.problems[:3]
    with open_as(path, "admin") as s:
        add_items(s, next_serial(s), NEW // 3, signers(s))
    with open_as(path, "audit1") as s:
        t = time.perf_counter()
        plain = verify_vault(s)
        t_plain = time.perf_counter() - t
    assert plain, plain.problems[:3]
    return full.size, t_full, t_plain, full.signatures_checked, plain.events_checked


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [3000, 10000]
    bare = bare_rate_two_cores()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in sizes:
            rows.append(measure(n, Path(tmp)))
    print(f"bare Ed25519 verify, libsodium (PyNaCl), 2 cores: {bare:,.0f} signatures/s")
    print(f"{'events':>9} {'full s':>8} {'sig/s':>8} {'of bare':>8} {'plain s (+' + str(NEW) + ')':>18} {'read':>6}")
    for size, t_full, t_plain, sigs, read in rows:
        rate = sigs / t_full
        print(f"{size:>9,} {t_full:>8.2f} {rate:>8,.0f} {rate / bare:>8.2f} {t_plain:>18.3f} {read:>6,}")
    print(f"plain verify, largest / smallest vault: {rows[-1][2] / rows[0][2]:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
