"""The bench builder's RFC 8785 encoder: the C json encoder wherever it gives RFC 8785's bytes, rfc8785 elsewhere.

Building a cached vault spent over a quarter of its time in `rfc8785.dumps` (pure Python: a body is encoded three
times per event while it is signed, judged and stored). `securemail.crypto.canonical.is_canonical_encoding` already
relies on this equivalence when verification checks a stored body: for the values `canonical._check` admits
(dicts with string keys, lists, str, int within 2^53, bool, None; never floats), `json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)` gives exactly RFC 8785's bytes as long as no character lies beyond
U+FFFF (then code point order of keys is UTF-16 order; the escapes, integers and separators are the same);
tests/domain/test_canonical_fast_path.py compares both encoders. Anything else (a character beyond U+FFFF, a lone
surrogate) goes to rfc8785 itself, so its errors are unchanged.

`canonical_encoder()` puts this encoder in place of `rfc8785.dumps` for `securemail.crypto.canonical` only, and only
inside the `with` block: the bench builds inside it. Nothing else of the ledger changes: every event is still judged
by the authority and the custody rules, signed and stored by the ledger writer. Before a cached vault is marked
complete (bench/vaults.py) it passes a full verify (whose canonical check takes the same C encoder for such texts)
and `not_rfc8785()`, which re-encodes every stored body and signature list with the rfc8785 module itself: an
independent check that the bytes signed are RFC 8785's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import rfc8785

from securemail.crypto import canonical
from securemail.storage.database import Connection

_ASTRAL = re.compile(rb"[\xf0-\xff]")      # the lead byte of a UTF-8 character beyond U+FFFF
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def dumps(value: Any) -> bytes:
    """RFC 8785 bytes of `value` (a value `canonical._check` has admitted)."""
    try:
        out = _encode(value).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError):
        return rfc8785.dumps(value)       # let the reference encoder raise its own error
    if not out.isascii() and _ASTRAL.search(out):   # beyond U+FFFF: key order may differ from UTF-16 order
        return rfc8785.dumps(value)
    return out


@contextmanager
def canonical_encoder() -> Iterator[None]:
    """Inside the block, `securemail.crypto.canonical` encodes with `dumps` above (nested blocks are fine)."""
    previous = canonical.rfc8785
    canonical.rfc8785 = SimpleNamespace(dumps=dumps)  # type: ignore[assignment]
    try:
        yield
    finally:
        canonical.rfc8785 = previous


def not_rfc8785(conn: Connection) -> list[int]:
    """The sequence numbers of stored events whose body or signatures are not rfc8785's encoding of themselves."""
    bad = []
    for seq, body, sigs in conn.execute("SELECT seq, body, signatures FROM events ORDER BY seq"):
        raw, signatures = bytes(body), str(sigs).encode()
        if rfc8785.dumps(json.loads(raw)) != raw or rfc8785.dumps(json.loads(signatures)) != signatures:
            bad.append(int(seq))
    return bad
