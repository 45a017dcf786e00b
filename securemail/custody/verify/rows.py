"""Step 1's stateless half, run by the worker processes on batches of stored rows: what one row proves on its own.

For each row: the event hash and leaf hash recomputed from the stored bytes and compared with the stored columns,
the body and the signatures parsed and checked canonical (the stored bytes are checked once, never re-encoded by
the main process), the Event's fields typed, the query columns compared with the body, and each event signature
checked against the keys the directory ever gave its signer (`KeyHints`). Everything that depends on the order of
the log (positions, the authority, chains, Merkle, rules, projection) stays in the main process (parse.py, full.py).

The signature results are only *hints* to the main process: the authority there still decides which key must have
signed each event at its seq; a result is used only when it is for that very (key, domain, body, signature), and
anything else is checked again in the usual way (signatures.py, `verdict_for`). A result is a plain fact about
Ed25519 - the same call as `Check.ok()`, on the same bytes - so using it changes nothing the verifier finds.

Results cross the process boundary as one `marshal` blob per batch (plain tuples, bytes, str, int, dicts): far
cheaper to load in the main process than pickled objects or a second JSON parse.
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from typing import Any, Final

from securemail.crypto.canonical import loads_bounded, parse_canonical
from securemail.crypto.signing import Domain, unb64, verify
from securemail.custody.authority import AUTHORITY_KINDS
from securemail.custody.events import event_fields, event_hash, leaf_bytes
from securemail.custody.merkle.hashing import leaf_hash
from securemail.storage.event_codec import StoredFormError, load_body, load_signatures

# A row as read: seq, body, signatures, event_hash, leaf_hash, kind, subject, actor, time (parse.EVENT_COLUMNS).
Row = tuple[Any, ...]
# name -> ((seq of the directory event that named the key, public key), ...) in seq order.
KeyHints = dict[str, tuple[tuple[int, bytes], ...]]
# (role, signature, key it verified with or None, keys tried when none verified)
Verdict = tuple[str, bytes, bytes | None, tuple[bytes, ...]]
# (code, subject or None, detail)
Finding = tuple[str, str | None, str]

_DOMAINS: Final = {"actor": Domain.EVENT, "cosigner": Domain.COSIGN}
MAX_TRIES: Final = 3             # keys tried per signature in a worker


def key_hints(bodies: Sequence[tuple[int, bytes]]) -> KeyHints:
    """Every public key a directory event names for a user (enrolment, rotation), whether or not that event holds:
    a hint of which key to try first, never a judgement (the authority judges)."""
    found: dict[str, list[tuple[int, bytes]]] = {}
    for seq, body in bodies:
        try:
            data = loads_bounded(body).get("data")
            name, key = data.get("username"), unb64(str(data.get("public_key")))
        except (ValueError, TypeError, AttributeError):
            continue
        if isinstance(name, str) and len(key) == 32:
            found.setdefault(name, []).append((int(seq), key))
    return {name: tuple(keys) for name, keys in found.items()}


def check_rows(rows: Sequence[Row], hints: KeyHints, signatures_from: int) -> list[tuple[Any, ...]]:
    """The `check_row` results, in the order of `rows` (in this process)."""
    return [check_row(row, hints, signatures_from) for row in rows]


def check_rows_packed(rows: Sequence[Row], hints: KeyHints, signatures_from: int) -> bytes:
    """Worker entry point: check_rows, marshalled (see the module docstring)."""
    return marshal.dumps(check_rows(rows, hints, signatures_from))


def unpack(blob: bytes | list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The results of check_rows_packed (or check_rows' own, when it ran in this process)."""
    if isinstance(blob, list):
        return blob
    out: list[tuple[Any, ...]] = marshal.loads(blob)  # noqa: S302 - made by our own worker (check_rows_packed)
    return out


def plain_row(row: Sequence[Any]) -> Row:
    """A row as the workers receive it (stored values as they are; bytes-like values as bytes)."""
    if type(row) is tuple:
        return row                      # as SQLite gives them: str, bytes, int, float or None
    return tuple(bytes(v) if isinstance(v, bytearray | memoryview) else v for v in row)


def row_bytes(row: Row) -> tuple[int, bytes, bytes]:
    """The seq and the canonical body and signatures of a stored row (storage.event_codec decodes them here, in
    the worker); StoredFormError if they do not decode."""
    return int(row[0]), load_body(row[1]), load_signatures(row[2])


def check_row(row: Row, hints: KeyHints, signatures_from: int) -> tuple[Any, ...]:
    """(event hash, leaf hash, findings before the vault check, findings after it, event or None, verdicts,
    canonical body).

    The event is (vault, seq, time, kind, subject, actor, prev, data, cosigner, ((by, role, sig), ...)), exactly
    the Event that event_from_doc built from the canonical bytes. A row whose stored form does not decode is
    malformed; its hashes are then those of the stored bytes (they differ from the columns: reported too)."""
    try:
        seq, body, sigs = row_bytes(row)
        unreadable = None
    except StoredFormError as e:
        seq, body, sigs = int(row[0]), _as_bytes(row[1]), _as_bytes(row[2])
        unreadable = f"stored body or signatures unreadable: {e}"
    ehash = event_hash(body)
    leaf = leaf_hash(leaf_bytes(body, sigs))
    before: list[Finding] = []
    _stored(before, "event_hash", row[3], ehash)
    _stored(before, "leaf_hash", row[4], leaf)
    if unreadable is not None:
        before.append(("malformed_event", None, unreadable))
        return ehash, leaf, before, [], None, (), body
    try:
        fields = event_fields(parse_canonical(body), sigs)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        before.append(("malformed_event", None, f"body or signatures unreadable: {type(e).__name__}: {e}"))
        return ehash, leaf, before, [], None, (), body
    _vault, eseq, time, kind, subject, actor, _prev, _data, _cosigner, signatures = fields
    if eseq != seq:
        before.append(("reordered_event", subject, f"row seq {seq} holds the event signed as seq {eseq}"))
    after: list[Finding] = []
    for column, value, signed in zip(("kind", "subject", "actor", "time"), row[5:9], (kind, subject, actor, time),
                                     strict=True):
        if value != signed:
            after.append(("projection_differs", subject,
                          f"events.{column}: vault has {show(value)}, the signed body says {show(signed)}"))
    verdicts: list[Verdict] = []
    if eseq > signatures_from and seq > signatures_from and kind not in AUTHORITY_KINDS:
        for by, role, sig in signatures:    # key-changing events are checked at once by the main process
            domain = _DOMAINS.get(role)
            if domain is not None:
                verdicts.append(_verdict(role, by, sig, domain, body, hints, eseq))
    return ehash, leaf, before, after, fields, tuple(verdicts), body


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return b"" if value is None else str(value).encode("utf-8", "surrogatepass")


def _verdict(role: str, by: str, sig: bytes, domain: Domain, body: bytes, hints: KeyHints, seq: int) -> Verdict:
    """The key (of at most MAX_TRIES named for `by`) that verifies `sig`, or None and the keys tried. The cap keeps
    a log stuffed with made-up enrolments from multiplying the work; a key not tried is checked the usual way."""
    keys = hints.get(by, ())
    # the key named last before this seq first (the one the authority most likely gives), then the latest others
    current = [key for start, key in keys if start <= seq][-1:]
    tried: list[bytes] = []
    for key in current + [key for _, key in reversed(keys) if key not in current]:
        if len(tried) >= MAX_TRIES:
            break
        if key in tried:
            continue
        if verify(key, domain, body, sig):
            return role, sig, key, ()
        tried.append(key)
    return role, sig, None, tuple(tried)


def _stored(out: list[Finding], column: str, stored: object, computed: bytes) -> None:
    if not isinstance(stored, bytes | bytearray | memoryview) or bytes(stored) != computed:
        shown = bytes(stored).hex()[:16] if isinstance(stored, bytes | bytearray | memoryview) else repr(stored)
        out.append(("stored_hash_differs", None, f"events.{column} is {shown}..., recomputed {computed.hex()[:16]}..."))


def show(value: object) -> str:
    """A stored value, short enough for a problem's detail."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return f"<{len(raw)} bytes {raw[:8].hex()}...>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
