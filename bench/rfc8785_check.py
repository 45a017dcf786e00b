"""The check run before a cached bench vault is marked complete: every stored body and signature list re-encoded
by the rfc8785 module itself (an independent check that the bytes signed are RFC 8785's).

`securemail.crypto.canonical.canonical_bytes` takes the C json encoder wherever it gives RFC 8785's bytes (no
character beyond U+FFFF), as `is_canonical_encoding` does when verification checks a stored body; both use the same
rule, so a vault whose verify passes could share a mistake of that rule. This check does not use it.
"""

from __future__ import annotations

import json

import rfc8785

from securemail.storage.database import Connection
from securemail.storage.event_codec import load_body, load_signatures


def not_rfc8785(conn: Connection) -> list[int]:
    """The sequence numbers of stored events whose body or signatures are not rfc8785's encoding of themselves."""
    bad = []
    for seq, body, sigs in conn.execute("SELECT seq, body, signatures FROM events ORDER BY seq"):
        raw, signatures = load_body(body), load_signatures(sigs)   # the canonical bytes (storage.event_codec)
        if rfc8785.dumps(json.loads(raw)) != raw or rfc8785.dumps(json.loads(signatures)) != signatures:
            bad.append(int(seq))
    return bad
