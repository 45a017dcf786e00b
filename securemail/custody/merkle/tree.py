"""The root and the inclusion / consistency proofs (RFC 6962 PATH and SUBPROOF) of a tree made of an in-memory
list of leaf hashes; raise on bad arguments."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from securemail.custody.merkle.hashing import check_count, check_hash_list, mth, split_point


def inclusion_path(subtree: Callable[[int, int], bytes], index: int, size: int) -> list[bytes]:
    """RFC 6962 section 2.1.1 PATH(index, D[size]), iteratively.

    ``subtree(start, end)`` must return MTH(D[start:end]).  The returned list is ordered from
    the leaf's sibling upward to the child of the root, as in the RFC.
    """
    out: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        split = start + split_point(end - start)
        if index < split:
            out.append(subtree(split, end))
            end = split
        else:
            out.append(subtree(start, split))
            start = split
    out.reverse()
    return out


def consistency_path(subtree: Callable[[int, int], bytes], old_size: int, new_size: int) -> list[bytes]:
    """RFC 6962 section 2.1.2 SUBPROOF(m, D[n], true), iteratively (``0 < m < n``)."""
    out: list[bytes] = []
    start, end = 0, new_size
    m = old_size  # relative to ``start``
    complete = True  # the "b" flag: is [start, start + m) a subtree the verifier already knows?
    while True:
        n = end - start
        if m == n:
            if not complete:
                out.append(subtree(start, end))
            break
        k = split_point(n)
        if m <= k:
            out.append(subtree(start + k, end))
            end = start + k
        else:
            out.append(subtree(start, start + k))
            start += k
            m -= k
            complete = False
    out.reverse()
    return out


def _list_subtree(hashes: Sequence[bytes]) -> Callable[[int, int], bytes]:
    def subtree(start: int, end: int) -> bytes:
        return mth(hashes[start:end])

    return subtree


# --------------------------------------------------------------------------------------------
# Tree hash and proof generation over an in-memory list of leaf hashes
# --------------------------------------------------------------------------------------------


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash (RFC 6962 section 2.1) of the given leaf hashes.

    Iterative, ``n - 1`` node hashes for ``n`` leaves.  Raises on hashes that are not 32 bytes.
    """
    check_hash_list(hashes)
    return mth(hashes)


def subtree_hash(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of ``hashes[start:end]`` (``0 <= start <= end <= len(hashes)``).

    For memoised subtree hashes over a large log use :class:`MerkleLog`.
    """
    start = check_count(start, "start")
    end = check_count(end, "end")
    if not start <= end <= len(hashes):
        raise ValueError(f"invalid range [{start}, {end}) for {len(hashes)} leaves")
    part = hashes[start:end]
    check_hash_list(part)
    return mth(part)


def inclusion_proof(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree made of all of ``hashes`` (RFC 6962 2.1.1).

    The tree size is ``len(hashes)``; pass a slice for a proof against an earlier tree size.
    Costs O(n) hashing; use :class:`MerkleLog` for repeated proofs over a large log.
    """
    index = check_count(index, "index")
    size = len(hashes)
    if index >= size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")
    check_hash_list(hashes)
    return inclusion_path(_list_subtree(hashes), index, size)


def consistency_proof(hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """Consistency proof from tree size ``old_size`` to ``len(hashes)`` (RFC 6962 2.1.2).

    Returns ``[]`` when ``old_size == len(hashes)`` or ``old_size == 0`` (nothing to prove; the
    verifier then only compares roots).  Raises ``ValueError`` if ``old_size > len(hashes)``.
    """
    old_size = check_count(old_size, "old_size")
    new_size = len(hashes)
    if old_size > new_size:
        raise ValueError(f"old size {old_size} exceeds new size {new_size}")
    check_hash_list(hashes)
    if old_size in (0, new_size):
        return []
    return consistency_path(_list_subtree(hashes), old_size, new_size)
