"""The compact range ("frontier") of a Merkle tree: O(log n) state to append leaves and compute the root."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final

from securemail.custody.merkle.hashing import EMPTY_ROOT, HASH_SIZE, NODE_PREFIX, check_count, check_hash_list

_sha256 = hashlib.sha256
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
        size = check_count(size, "size")
        if size > _MAX_SIZE:
            raise ValueError("size does not fit in 64 bits")
        hs = [bytes(h) if isinstance(h, bytes | bytearray) else h for h in hashes]
        check_hash_list(hs, "frontier hash")
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
        prefix = NODE_PREFIX
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
        prefix = NODE_PREFIX
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
