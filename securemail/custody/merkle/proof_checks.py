"""Checking inclusion and consistency proofs (RFC 9162 sections 2.1.3.2 and 2.1.4.2): untrusted input, never
raises on malformed input (the answer is False)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from securemail.custody.merkle.hashing import EMPTY_ROOT, HASH_SIZE, NODE_PREFIX

_sha256 = hashlib.sha256


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_count(value: object) -> bool:
    """A non-negative ``int`` (``bool`` excluded)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


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
    prefix = NODE_PREFIX
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
    prefix = NODE_PREFIX
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
