"""What verification returns: a `VerificationReport` holding `Problem`s (like python-tuf's VerificationResult)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from securemail.i18n import tr

__all__ = ["CODES", "Problem", "ProgressCallback", "VerificationReport"]

CODES: Final = (
    "bad_signature", "missing_cosignature", "broken_chain", "missing_event", "reordered_event", "unknown_signer",
    "key_not_valid", "projection_differs", "checkpoint_root_differs", "checkpoint_size_differs", "not_extension",
    "bad_checkpoint_signature", "malformed_event", "illegal_transition", "stored_hash_differs",
    "foreign_unverified",     # an event imported from a partner vault (services/foreign_events.py) no longer verifies
)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong. `seq` is the event (for checkpoint problems: the checkpoint's tree size), `item` the
    subject (tracking number, bag:<id>, directory) when known, `code` one of CODES, `detail` plain English facts."""

    seq: int | None
    item: str | None
    code: str
    detail: str

    def message(self, lang: str | None = None) -> str:
        return tr(f"problem.{self.code}", lang, seq="\u2014" if self.seq is None else self.seq,
                  item=self.item or "\u2014", detail=self.detail)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"seq": self.seq, "item": self.item, "code": self.code, "detail": self.detail,
                "message": self.message(lang)}


@dataclass
class VerificationReport:
    """`events_checked` events were read (all of them in a full run, the new ones in an incremental run);
    `signatures_checked` of their signatures and checkpoint signatures were verified. `size` and `root` are
    recomputed (from every leaf, or from the verified frontier extended by the new leaves)."""

    events_checked: int
    size: int
    root: bytes
    problems: list[Problem] = field(default_factory=list)
    signatures_checked: int = 0
    incremental_from: int = 0
    warnings: list[str] = field(default_factory=list)  # message keys: not problems, but limits of this run
    pending_password_users: list[str] = field(default_factory=list)  # interrupted password changes
    frontier: bytes = b""          # the compact range at `size` (kept in the verified record for the next run)

    def __bool__(self) -> bool:
        return not self.problems

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"ok": not self.problems, "events_checked": self.events_checked, "size": self.size,
                "root": self.root.hex(), "signatures_checked": self.signatures_checked,
                "incremental_from": self.incremental_from,
                "warnings": [{"key": w, "message": tr(w, lang)} for w in self.warnings],
                "problems": [p.to_json(lang) for p in self.problems]}


def sort_problems(problems: list[Problem]) -> None:
    """Event order; problems about no event last."""
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
