"""Roots and proofs over a large log whose leaf hashes live elsewhere (e.g. the database)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence

from securemail.custody.merkle.compact_range import CompactRange
from securemail.custody.merkle.hashing import EMPTY_ROOT, check_count, check_hash_list, mth, node_hash, split_point
from securemail.custody.merkle.tree import consistency_path, inclusion_path


class MerkleLog:
    """Root and proof generation over a log whose leaf hashes are fetched on demand.

    ``fetch(start, end)`` must return the leaf hashes of leaves ``start .. end-1`` (exactly
    ``end - start`` 32-byte values).  It is only called for ranges that lie below the tree size
    passed to the method being called.

    Hashes of perfect subtrees (power-of-two length) of at least ``2**chunk_level`` leaves are
    memoised in ``cache`` (a dict by default; pass your own mapping to share or bound it).  In an
    append-only log these never change, so after one pass, roots and proofs cost O(log n)
    cache look-ups plus hashing at most one partial chunk at the right edge.

    The cache trusts the leaves it was computed from.  An auditor re-checking the database
    against a checkpoint should use a fresh ``MerkleLog`` (or :func:`root_from_leaf_hashes`).
    """

    __slots__ = ("_cache", "_chunk", "_fetch")

    def __init__(
        self,
        fetch: Callable[[int, int], Sequence[bytes]],
        *,
        cache: MutableMapping[tuple[int, int], bytes] | None = None,
        chunk_level: int = 8,
    ) -> None:
        chunk_level = check_count(chunk_level, "chunk_level")
        if chunk_level > 30:
            raise ValueError("chunk_level must be <= 30")
        self._fetch = fetch
        self._cache: MutableMapping[tuple[int, int], bytes] = {} if cache is None else cache
        self._chunk = 1 << chunk_level

    @classmethod
    def from_leaf_hashes(cls, hashes: Sequence[bytes], *, chunk_level: int = 8) -> MerkleLog:
        """Convenience: a ``MerkleLog`` over an in-memory list (validated once)."""
        check_hash_list(hashes)
        return cls(lambda start, end: hashes[start:end], chunk_level=chunk_level)

    @property
    def cache(self) -> MutableMapping[tuple[int, int], bytes]:
        return self._cache

    def _leaves(self, start: int, end: int) -> Sequence[bytes]:
        got = self._fetch(start, end)
        if len(got) != end - start:
            raise ValueError(f"fetch({start}, {end}) returned {len(got)} hashes, expected {end - start}")
        check_hash_list(got)
        return got

    def _subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n <= self._chunk:
            return mth(self._leaves(start, end))
        perfect = n & (n - 1) == 0
        if perfect:
            cached = self._cache.get((start, end))
            if cached is not None:
                return cached
        k = split_point(n)
        h = node_hash(self._subtree(start, start + k), self._subtree(start + k, end))
        if perfect:
            self._cache[(start, end)] = h
        return h

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``start .. end-1``."""
        start = check_count(start, "start")
        end = check_count(end, "end")
        if start > end:
            raise ValueError(f"invalid range [{start}, {end})")
        if start == end:
            return EMPTY_ROOT
        return self._subtree(start, end)

    def root(self, size: int) -> bytes:
        """Root of the tree made of the first ``size`` leaves."""
        return self.subtree_hash(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Inclusion proof of leaf ``index`` in the tree of the first ``size`` leaves."""
        index = check_count(index, "index")
        size = check_count(size, "size")
        if index >= size:
            raise ValueError(f"leaf index {index} out of range for tree size {size}")
        return inclusion_path(self._subtree, index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """Consistency proof from ``old_size`` to ``new_size`` (``[]`` if equal or old is 0)."""
        old_size = check_count(old_size, "old_size")
        new_size = check_count(new_size, "new_size")
        if old_size > new_size:
            raise ValueError(f"old size {old_size} exceeds new size {new_size}")
        if old_size in (0, new_size):
            return []
        return consistency_path(self._subtree, old_size, new_size)

    def compact_range(self, size: int) -> CompactRange:
        """Frontier for the first ``size`` leaves, e.g. to seed a :class:`CompactRange`."""
        size = check_count(size, "size")
        hashes: list[bytes] = []
        start = 0
        for bit in range(size.bit_length() - 1, -1, -1):
            if size >> bit & 1:
                end = start + (1 << bit)
                hashes.append(self._subtree(start, end))
                start = end
        return CompactRange(size, hashes)
