"""The bench harness: rows are plug-ins (bench/rows/*.py), each measuring our path and its bare limit in one run.

A row module defines ORDER (its place in the table) and ``run(ctx) -> list[Result]``. A Result holds our time (or
size) and the bare limit's in the same unit; the table prints ``limit / ours``: the share of the bare limit we
reach (1.00 = as fast, or as small, as the bare limit; 0.25 = four times slower or bigger).

Sizes: ``tiny`` (the test proves the harness works), ``default`` (``make bench``: minutes), ``full``
(``make bench BENCH_SIZE=full``: the 1,000,000 rows; vaults built once and cached). Big vaults are cached in
BENCH_DATA (default ~/.cache/securemail-bench): never in git.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

SIZES = ("tiny", "default", "full")
ROWS_DIR = Path(__file__).resolve().parent / "rows"
T = TypeVar("T")


@dataclass(frozen=True)
class Result:
    row: str          # what is measured, and at what size
    ours: float       # our measurement (seconds or bytes)
    bare: float       # the bare limit, same unit
    unit: str         # "s" or "B"
    note: str = ""    # what the bare limit is

    @property
    def share(self) -> float:
        """Share of the bare limit reached: limit / ours (1.0 = at the limit)."""
        return self.bare / self.ours if self.ours > 0 else float("nan")


@dataclass
class Context:
    size: str
    data: Path          # cached vaults (big, reused between runs)
    tmp: Path           # scratch for this run (deleted at the end)
    cores: int

    def pick(self, tiny: T, default: T, full: T) -> T:
        return {"tiny": tiny, "default": default, "full": full}[self.size]

    def log(self, message: str) -> None:
        print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def default_data_dir() -> Path:
    env = os.environ.get("BENCH_DATA")
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "securemail-bench"


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of `repeat` runs: on a shared, noisy machine the minimum is the least disturbed figure."""
    return min(timed(fn) for _ in range(repeat))


def best_pair(ours: Callable[[], Any], bare: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The fastest of `repeat` runs of each, interleaved (ours, bare, ours, ...), so that a burst of load from
    other users of the machine hits both sides rather than one."""
    t_ours, t_bare = float("inf"), float("inf")
    for _ in range(repeat):
        t_ours = min(t_ours, timed(ours))
        t_bare = min(t_bare, timed(bare))
    return t_ours, t_bare


def load_rows(only: list[str] | None = None) -> list[ModuleType]:
    modules = []
    for path in sorted(ROWS_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        if only and not any(o in path.stem for o in only):
            continue
        spec = importlib.util.spec_from_file_location(f"bench_rows_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 99), m.__name__))


def fmt(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value:,.0f} B"
    if value >= 10:
        return f"{value:,.1f} s"
    if value >= 0.1:
        return f"{value:.2f} s"
    return f"{value * 1000:.2f} ms"


def table(results: list[Result]) -> str:
    head = ("row", "ours", "bare limit", "limit/ours", "bare limit is")
    lines = [(r.row, fmt(r.ours, r.unit), fmt(r.bare, r.unit), f"{r.share:.2f}", r.note) for r in results]
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(head)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for line in lines:
        cells = [c.rjust(w) if i in (1, 2, 3) else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths,
                                                                                             strict=True))]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)
