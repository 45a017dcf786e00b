"""RFC 6962 hashing: leaf and node hashes, the empty root, the Merkle Tree Hash of a list of leaf hashes and the
argument checks shared by the generators (docs in the package's __init__)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

HASH_SIZE: Final = 32
"""Length in bytes of every hash handled by this package (SHA-256)."""

_LEAF_PREFIX: Final = b"\x00"
NODE_PREFIX: Final = b"\x01"
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
    return _sha256(NODE_PREFIX + left + right).digest()


# --------------------------------------------------------------------------------------------
# Helpers shared by the generators (tree.py, compact_range.py, log.py)
# --------------------------------------------------------------------------------------------


def split_point(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def check_hash_list(hashes: Sequence[bytes], what: str = "leaf hash") -> None:
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes | bytearray):
            raise TypeError(f"{what} {i} is {type(h).__name__}, expected bytes")
        if len(h) != HASH_SIZE:
            raise ValueError(f"{what} {i} has {len(h)} bytes, expected {HASH_SIZE}")


def check_count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def mth(hashes: Sequence[bytes]) -> bytes:
    """MTH of already-validated leaf hashes; iterative, level by level.

    Pairing adjacent nodes level by level and carrying an unpaired last node up unchanged
    yields exactly the RFC 6962 tree (split at the largest power of two below ``n``).
    """
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    level: list[bytes] = [bytes(h) for h in hashes]
    sha = _sha256
    prefix = NODE_PREFIX
    while n > 1:
        nxt = [sha(prefix + level[i] + level[i + 1]).digest() for i in range(0, n - 1, 2)]
        if n & 1:
            nxt.append(level[n - 1])
        level = nxt
        n = len(level)
    return level[0]
