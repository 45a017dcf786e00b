"""RFC 6962 / RFC 9162 Merkle tree over SHA-256 for the custody log.

Pure computation: no I/O, no Qt, no global state.

Conventions (RFC 9162 section 2.1.1):

* ``leaf_hash(d)  = SHA-256(0x00 || d)``
* ``node_hash(l, r) = SHA-256(0x01 || l || r)``
* ``MTH({})  = SHA-256("")`` (:data:`EMPTY_ROOT`)
* ``MTH(D[n])`` splits at ``k``, the largest power of two strictly smaller than ``n``.

Every function in this module works on *leaf hashes* (32-byte values already passed through
:func:`leaf_hash`), never on raw leaf data, so callers can keep only hashes in the database.

Generation functions (:func:`root_from_leaf_hashes`, :func:`inclusion_proof`,
:func:`consistency_proof`, :class:`MerkleLog`) raise :class:`ValueError` / :class:`TypeError` on
bad arguments: they are called by the log owner, and bad arguments there are bugs.

Verification functions (:func:`verify_inclusion`, :func:`verify_consistency`) take untrusted
input and never raise for malformed input: they return ``False``.

Size semantics: ``size`` is always a number of leaves; leaf indices are 0-based; a tree of
size ``n`` holds the leaves ``0 .. n-1``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from typing import Final

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "MerkleLog",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
"""Length in bytes of every hash handled by this module (SHA-256)."""

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"
_sha256 = hashlib.sha256

EMPTY_ROOT: Final[bytes] = _sha256(b"").digest()
"""Root of the empty tree, ``SHA-256("")`` = ``e3b0c442...b855``."""


# --------------------------------------------------------------------------------------------
# Hashing primitives
# --------------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """Return ``SHA-256(0x00 || data)``."""
    return _sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return ``SHA-256(0x01 || left || right)``."""
    return _sha256(_NODE_PREFIX + left + right).digest()


# --------------------------------------------------------------------------------------------
# Internal helpers
# --------------------------------------------------------------------------------------------


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_count(value: object) -> bool:
    """A non-negative ``int`` (``bool`` excluded)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _split_point(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hash_list(hashes: Sequence[bytes], what: str = "leaf hash") -> None:
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes | bytearray):
            raise TypeError(f"{what} {i} is {type(h).__name__}, expected bytes")
        if len(h) != HASH_SIZE:
            raise ValueError(f"{what} {i} has {len(h)} bytes, expected {HASH_SIZE}")


def _check_count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _mth(hashes: Sequence[bytes]) -> bytes:
    """MTH of already-validated leaf hashes; iterative, level by level.

    Pairing adjacent nodes level by level and carrying an unpaired last node up unchanged
    yields exactly the RFC 6962 tree (split at the largest power of two below ``n``).
    """
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    level: list[bytes] = [bytes(h) for h in hashes]
    sha = _sha256
    prefix = _NODE_PREFIX
    while n > 1:
        nxt = [sha(prefix + level[i] + level[i + 1]).digest() for i in range(0, n - 1, 2)]
        if n & 1:
            nxt.append(level[n - 1])
        level = nxt
        n = len(level)
    return level[0]


def _inclusion_path(subtree: Callable[[int, int], bytes], index: int, size: int) -> list[bytes]:
    """RFC 6962 section 2.1.1 PATH(index, D[size]), iteratively.

    ``subtree(start, end)`` must return MTH(D[start:end]).  The returned list is ordered from
    the leaf's sibling upward to the child of the root, as in the RFC.
    """
    out: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        split = start + _split_point(end - start)
        if index < split:
            out.append(subtree(split, end))
            end = split
        else:
            out.append(subtree(start, split))
            start = split
    out.reverse()
    return out


def _consistency_path(subtree: Callable[[int, int], bytes], old_size: int, new_size: int) -> list[bytes]:
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
        k = _split_point(n)
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
        return _mth(hashes[start:end])

    return subtree


# --------------------------------------------------------------------------------------------
# Tree hash and proof generation over an in-memory list of leaf hashes
# --------------------------------------------------------------------------------------------


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash (RFC 6962 section 2.1) of the given leaf hashes.

    Iterative, ``n - 1`` node hashes for ``n`` leaves.  Raises on hashes that are not 32 bytes.
    """
    _check_hash_list(hashes)
    return _mth(hashes)


def subtree_hash(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of ``hashes[start:end]`` (``0 <= start <= end <= len(hashes)``).

    For memoised subtree hashes over a large log use :class:`MerkleLog`.
    """
    start = _check_count(start, "start")
    end = _check_count(end, "end")
    if not start <= end <= len(hashes):
        raise ValueError(f"invalid range [{start}, {end}) for {len(hashes)} leaves")
    part = hashes[start:end]
    _check_hash_list(part)
    return _mth(part)


def inclusion_proof(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree made of all of ``hashes`` (RFC 6962 2.1.1).

    The tree size is ``len(hashes)``; pass a slice for a proof against an earlier tree size.
    Costs O(n) hashing; use :class:`MerkleLog` for repeated proofs over a large log.
    """
    index = _check_count(index, "index")
    size = len(hashes)
    if index >= size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")
    _check_hash_list(hashes)
    return _inclusion_path(_list_subtree(hashes), index, size)


def consistency_proof(hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """Consistency proof from tree size ``old_size`` to ``len(hashes)`` (RFC 6962 2.1.2).

    Returns ``[]`` when ``old_size == len(hashes)`` or ``old_size == 0`` (nothing to prove; the
    verifier then only compares roots).  Raises ``ValueError`` if ``old_size > len(hashes)``.
    """
    old_size = _check_count(old_size, "old_size")
    new_size = len(hashes)
    if old_size > new_size:
        raise ValueError(f"old size {old_size} exceeds new size {new_size}")
    _check_hash_list(hashes)
    if old_size in (0, new_size):
        return []
    return _consistency_path(_list_subtree(hashes), old_size, new_size)


# --------------------------------------------------------------------------------------------
# Verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2).  Never raises on malformed input.
# --------------------------------------------------------------------------------------------


def _proof_ok(proof: object) -> bool:
    if not isinstance(proof, list | tuple):
        return False
    return all(_is_hash(p) for p in proof)


def _root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """RFC 9162 section 2.1.3.2 steps 1-5 (without the final root comparison).

    Inputs must already be type-checked; returns ``None`` when the proof does not fit the
    (index, size) shape.
    """
    if index >= size:
        return None
    fn = index
    sn = size - 1
    r = bytes(leaf)
    sha = _sha256
    prefix = _NODE_PREFIX
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = sha(prefix + p + r).digest()
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha(prefix + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """Root implied by an inclusion proof (RFC 9162 2.1.3.2 without the final comparison).

    Raises ``ValueError`` if the inputs are malformed or the proof has the wrong length for
    ``(index, size)``.  Useful to recompute a checkpoint root from a stored proof; for a yes/no
    answer use :func:`verify_inclusion`.
    """
    if not _is_hash(leaf_hash):
        raise ValueError("leaf hash must be 32 bytes")
    if not (_is_count(index) and _is_count(size)):
        raise ValueError("index and size must be non-negative ints")
    if not _proof_ok(proof):
        raise ValueError("proof must be a list of 32-byte hashes")
    root = _root_from_inclusion(leaf_hash, index, size, proof)
    if root is None:
        raise ValueError(f"proof of {len(proof)} hashes does not fit leaf {index} of tree size {size}")
    return root


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True iff ``proof`` shows that ``leaf_hash`` is leaf ``index`` of the tree ``(size, root)``.

    RFC 9162 section 2.1.3.2.  Returns ``False`` (never raises) for malformed input: hashes that
    are not 32 bytes, negative or non-int index/size, ``index >= size``, ``size == 0``, or a
    proof with missing or extra elements.
    """
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_count(index) and _is_count(size)):
        return False
    if not _proof_ok(proof):
        return False
    computed = _root_from_inclusion(leaf_hash, index, size, proof)
    return computed is not None and hmac.compare_digest(computed, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff ``proof`` shows tree ``(old_size, old_root)`` is a prefix of ``(new_size, new_root)``.

    RFC 9162 section 2.1.4.2 for ``0 < old_size < new_size``.  Edge cases (stricter than some
    libraries, which accept any old root for size 0):

    * ``old_size == new_size``: proof must be empty and the roots equal;
    * ``old_size == 0``: proof must be empty and ``old_root`` must be :data:`EMPTY_ROOT`
      (``new_root`` is then unconstrained apart from being 32 bytes, or :data:`EMPTY_ROOT` if
      ``new_size == 0``);
    * ``old_size > new_size``: ``False``.

    Never raises on malformed input.
    """
    if not (_is_count(old_size) and _is_count(new_size) and _is_hash(old_root) and _is_hash(new_root)):
        return False
    if not _proof_ok(proof):
        return False
    if old_size > new_size:
        return False
    if old_size == 0:
        if len(proof) != 0 or not hmac.compare_digest(old_root, EMPTY_ROOT):
            return False
        return new_size != 0 or hmac.compare_digest(new_root, EMPTY_ROOT)
    if old_size == new_size:
        return len(proof) == 0 and hmac.compare_digest(old_root, new_root)

    # RFC 9162 2.1.4.2, 0 < old_size < new_size.
    # 1. An empty proof fails.
    if len(proof) == 0:
        return False
    path: list[bytes] = [bytes(p) for p in proof]
    # 2. If first is an exact power of 2, prepend first_hash.
    if old_size & (old_size - 1) == 0:
        path.insert(0, bytes(old_root))
    # 3.
    fn = old_size - 1
    sn = new_size - 1
    # 4. Right-shift both while LSB(fn) is set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5.
    fr = sr = path[0]
    sha = _sha256
    prefix = _NODE_PREFIX
    # 6.
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = sha(prefix + c + fr).digest()
            sr = sha(prefix + c + sr).digest()
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = sha(prefix + sr + c).digest()
        fn >>= 1
        sn >>= 1
    # 7.
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


# --------------------------------------------------------------------------------------------
# Compact range ("frontier") for O(log n) appends
# --------------------------------------------------------------------------------------------

_COMPACT_VERSION: Final = 1
_SIZE_BYTES: Final = 8
_MAX_SIZE: Final = (1 << 64) - 1


class CompactRange:
    """Frontier of a Merkle tree: enough state to append leaves and compute the root.

    Holds ``size`` and the roots of the perfect subtrees covering ``[0, size)``, one for each
    1-bit of ``size``, largest (leftmost) first.  ``append`` costs amortised O(1) and at most
    O(log n) node hashes; ``root`` costs O(log n).

    Persisted forms: :meth:`to_bytes` / :meth:`from_bytes` (1 version byte, 8-byte big-endian
    size, then the hashes) and :meth:`to_dict` / :meth:`from_dict` (``{"size": int, "hashes":
    [hex, ...]}``, suitable for JSON).  Both loaders validate and raise ``ValueError``.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        size = _check_count(size, "size")
        if size > _MAX_SIZE:
            raise ValueError("size does not fit in 64 bits")
        hs = [bytes(h) if isinstance(h, bytes | bytearray) else h for h in hashes]
        _check_hash_list(hs, "frontier hash")
        if len(hs) != size.bit_count():
            raise ValueError(f"size {size} needs {size.bit_count()} frontier hashes, got {len(hs)}")
        self._size = size
        self._hashes: list[bytes] = hs

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_leaf_hashes(cls, hashes: Iterable[bytes]) -> CompactRange:
        cr = cls()
        cr.extend(hashes)
        return cr

    def copy(self) -> CompactRange:
        return CompactRange(self._size, self._hashes)

    # -- accessors --------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """Frontier hashes, largest subtree first."""
        return tuple(self._hashes)

    # -- mutation ---------------------------------------------------------------------------

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf hash (already ``leaf_hash(data)``, 32 bytes)."""
        if not isinstance(leaf_hash, bytes | bytearray):
            raise TypeError(f"leaf hash must be bytes, got {type(leaf_hash).__name__}")
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash has {len(leaf_hash)} bytes, expected {HASH_SIZE}")
        if self._size >= _MAX_SIZE:
            raise ValueError("tree is full")
        h = bytes(leaf_hash)
        s = self._size
        stack = self._hashes
        sha = _sha256
        prefix = _NODE_PREFIX
        while s & 1:
            h = sha(prefix + stack.pop() + h).digest()
            s >>= 1
        stack.append(h)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for h in leaf_hashes:
            self.append(h)

    # -- root -------------------------------------------------------------------------------

    def root(self) -> bytes:
        """MTH of the leaves appended so far (:data:`EMPTY_ROOT` when empty)."""
        if not self._hashes:
            return EMPTY_ROOT
        sha = _sha256
        prefix = _NODE_PREFIX
        r = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            r = sha(prefix + h + r).digest()
        return r

    # -- persistence ------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        return bytes([_COMPACT_VERSION]) + self._size.to_bytes(_SIZE_BYTES, "big") + b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, data: bytes) -> CompactRange:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError("expected bytes")
        raw = bytes(data)
        header = 1 + _SIZE_BYTES
        if len(raw) < header or raw[0] != _COMPACT_VERSION:
            raise ValueError("not a serialised CompactRange (bad header)")
        size = int.from_bytes(raw[1:header], "big")
        body = raw[header:]
        if len(body) != HASH_SIZE * size.bit_count():
            raise ValueError(f"serialised CompactRange of size {size} has wrong length {len(raw)}")
        hashes = [body[i : i + HASH_SIZE] for i in range(0, len(body), HASH_SIZE)]
        return cls(size, hashes)

    def to_dict(self) -> dict[str, object]:
        return {"size": self._size, "hashes": [h.hex() for h in self._hashes]}

    @classmethod
    def from_dict(cls, obj: object) -> CompactRange:
        if not isinstance(obj, dict) or set(obj) != {"size", "hashes"}:
            raise ValueError("expected a dict with exactly 'size' and 'hashes'")
        size = obj["size"]
        hexes = obj["hashes"]
        if not isinstance(size, int) or isinstance(size, bool):
            raise ValueError("'size' must be an int")
        if not isinstance(hexes, list) or not all(isinstance(x, str) for x in hexes):
            raise ValueError("'hashes' must be a list of hex strings")
        try:
            hashes = [bytes.fromhex(x) for x in hexes]
        except ValueError as exc:
            raise ValueError(f"bad hex in 'hashes': {exc}") from None
        return cls(size, hashes)

    # -- dunder -----------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]  # mutable, so deliberately unhashable

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}...)"


# --------------------------------------------------------------------------------------------
# Proofs over a large log whose leaf hashes live elsewhere (e.g. a database)
# --------------------------------------------------------------------------------------------


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
        chunk_level = _check_count(chunk_level, "chunk_level")
        if chunk_level > 30:
            raise ValueError("chunk_level must be <= 30")
        self._fetch = fetch
        self._cache: MutableMapping[tuple[int, int], bytes] = {} if cache is None else cache
        self._chunk = 1 << chunk_level

    @classmethod
    def from_leaf_hashes(cls, hashes: Sequence[bytes], *, chunk_level: int = 8) -> MerkleLog:
        """Convenience: a ``MerkleLog`` over an in-memory list (validated once)."""
        _check_hash_list(hashes)
        return cls(lambda start, end: hashes[start:end], chunk_level=chunk_level)

    @property
    def cache(self) -> MutableMapping[tuple[int, int], bytes]:
        return self._cache

    def _leaves(self, start: int, end: int) -> Sequence[bytes]:
        got = self._fetch(start, end)
        if len(got) != end - start:
            raise ValueError(f"fetch({start}, {end}) returned {len(got)} hashes, expected {end - start}")
        _check_hash_list(got)
        return got

    def _subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n <= self._chunk:
            return _mth(self._leaves(start, end))
        perfect = n & (n - 1) == 0
        if perfect:
            cached = self._cache.get((start, end))
            if cached is not None:
                return cached
        k = _split_point(n)
        h = node_hash(self._subtree(start, start + k), self._subtree(start + k, end))
        if perfect:
            self._cache[(start, end)] = h
        return h

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``start .. end-1``."""
        start = _check_count(start, "start")
        end = _check_count(end, "end")
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
        index = _check_count(index, "index")
        size = _check_count(size, "size")
        if index >= size:
            raise ValueError(f"leaf index {index} out of range for tree size {size}")
        return _inclusion_path(self._subtree, index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """Consistency proof from ``old_size`` to ``new_size`` (``[]`` if equal or old is 0)."""
        old_size = _check_count(old_size, "old_size")
        new_size = _check_count(new_size, "new_size")
        if old_size > new_size:
            raise ValueError(f"old size {old_size} exceeds new size {new_size}")
        if old_size in (0, new_size):
            return []
        return _consistency_path(self._subtree, old_size, new_size)

    def compact_range(self, size: int) -> CompactRange:
        """Frontier for the first ``size`` leaves, e.g. to seed a :class:`CompactRange`."""
        size = _check_count(size, "size")
        hashes: list[bytes] = []
        start = 0
        for bit in range(size.bit_length() - 1, -1, -1):
            if size >> bit & 1:
                end = start + (1 << bit)
                hashes.append(self._subtree(start, end))
                start = end
        return CompactRange(size, hashes)
