"""RFC 6962 / RFC 9162 Merkle tree over SHA-256 for the custody log.

Pure computation: no I/O, no Qt, no global state.

Conventions (RFC 9162 section 2.1.1):

* ``leaf_hash(d)  = SHA-256(0x00 || d)``
* ``node_hash(l, r) = SHA-256(0x01 || l || r)``
* ``MTH({})  = SHA-256("")`` (:data:`EMPTY_ROOT`)
* ``MTH(D[n])`` splits at ``k``, the largest power of two strictly smaller than ``n``.

Every function in this package works on *leaf hashes* (32-byte values already passed through
:func:`leaf_hash`), never on raw leaf data, so callers can keep only hashes in the database.

Generation functions (:func:`root_from_leaf_hashes`, :func:`inclusion_proof`,
:func:`consistency_proof`, :class:`MerkleLog`) raise :class:`ValueError` / :class:`TypeError` on
bad arguments: they are called by the log owner, and bad arguments there are bugs.

Verification functions (:func:`verify_inclusion`, :func:`verify_consistency`) take untrusted
input and never raise for malformed input: they return ``False``.

Size semantics: ``size`` is always a number of leaves; leaf indices are 0-based; a tree of
size ``n`` holds the leaves ``0 .. n-1``.

The modules:

* :mod:`.hashing`: leaf and node hashes, :data:`EMPTY_ROOT`, the tree hash of a list (:func:`~.hashing.mth`) and
  the argument checks the generators share;
* :mod:`.tree`: the root and the inclusion / consistency proofs of an in-memory list of leaf hashes;
* :mod:`.proof_checks`: checking those proofs (untrusted input);
* :mod:`.compact_range`: :class:`~.compact_range.CompactRange`, the frontier the ledger appends to;
* :mod:`.log`: :class:`~.log.MerkleLog`, roots and proofs over a log whose leaf hashes live in the database.
"""
