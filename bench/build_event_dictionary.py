"""How securemail/storage/event_dictionary.py was made (once; ADR 0021). Not run by the bench or the tests.

The preset deflate dictionary of stored event bodies is fixed forever for its format byte: changing it would make
every stored body unreadable. It was drawn from the demo vault's events (securemail.services.demo, 150 items: a
generator apart from the bench's workload, so the bench does not measure a dictionary made from its own data):
the canonical bodies with every value that belongs to one office or one person emptied (names, texts, usernames,
document numbers, seals, keys, hashes), up to 4 different such bodies per kind, the most frequent kinds last
(deflate reaches the end of the dictionary with the shortest distances), the quoted hex of `prev` and `vault` as
the codec's markers. What stays: keys, kinds, enumerated values (secrecy, service, scope, seal condition, urgency,
roles), the shapes of times, tracking numbers and bag numbers.

    PYTHONPATH=. .venv/bin/python bench/build_event_dictionary.py > securemail/storage/event_dictionary.py
"""

from __future__ import annotations

import collections
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from securemail.clock import ICT
from securemail.crypto.canonical import JsonValue, canonical_bytes
from securemail.services.demo import DEMO_PASSWORD, create_demo
from securemail.storage import connect
from securemail.storage.event_codec import load_body

PER_KIND = 4
EMPTIED = frozenset({
    "full_name", "sender_person", "sender_person_id", "named_recipient", "name", "description", "reason", "text",
    "notes", "cert", "public_key", "office_public_key", "source", "actor", "cosigner", "to", "from", "username",
    "vault", "prev", "vault_id", "seal_numbers", "doc_ref", "names", "seal", "office_name", "province"})


def emptied(value: JsonValue, key: str | None = None) -> JsonValue:
    if isinstance(value, dict):
        return {k: emptied(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [emptied(v, key) for v in value][:2]
    if isinstance(value, str):
        return "" if key in EMPTIED else value
    return value


def bodies() -> list[tuple[str, bytes]]:
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "demo"
        create_demo(vault, 150, now=datetime(2026, 12, 2, 9, 0, tzinfo=ICT))
        conn = connect(vault, "kiemtra1", DEMO_PASSWORD)
        try:
            return [(str(k), load_body(b)) for k, b in conn.execute("SELECT kind, body FROM events ORDER BY seq")]
        finally:
            conn.close()


def dictionary(events: list[tuple[str, bytes]]) -> bytes:
    count = collections.Counter(kind for kind, _ in events)
    chosen: dict[str, list[bytes]] = collections.defaultdict(list)
    for kind, body in events:
        shape = canonical_bytes(emptied(json.loads(body)))
        shape = shape.replace(b'"prev":""', b'"prev":\x01').replace(b'"vault":""', b'"vault":\x02')
        if shape not in chosen[kind] and len(chosen[kind]) < PER_KIND:
            chosen[kind].append(shape)
    return b"".join(b"".join(chosen[kind]) for kind, _ in sorted(count.items(), key=lambda kv: (kv[1], kv[0])))


def module(data: bytes) -> str:
    lines, start = [], 0
    while start < len(data):        # as many bytes per line as fit in 110 characters of repr
        end = start + 1
        while end < len(data) and len(repr(data[start:end + 1])) <= 110:
            end += 1
        lines.append(repr(data[start:end]))
        start = end
    body = "\n".join(f"    {line}" for line in lines)
    return (f'"""The preset deflate dictionary of stored event bodies, format 1 (securemail.storage.event_codec; ADR '
            f'0021).\n\nFIXED FOREVER: every stored body of format 1 was deflated with it. Made once by '
            f'bench/build_event_dictionary.py;\ntests/storage/test_event_codec.py pins its SHA-256.\n"""\n\n'
            f"from typing import Final\n\nBODY_DICTIONARY_V1: Final = (\n{body}\n)\n")


if __name__ == "__main__":
    sys.stdout.write(module(dictionary(bodies())))
