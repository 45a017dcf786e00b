"""head.json: the log's newest tree head (size, Merkle root) beside the database, authenticated with a key derived
from the vault's data key (docs/adr/0016-checkpoint-cadence.md).

Written after every write transaction by one write of HEAD_FILE_BYTES over the file, with no rename and no fsync:
it is a rollback bound, not the record of any action (the action is durable in the database). After a crash it
may hold the previous head (a prefix of the log: opening accepts it), or be empty or zero-filled (a new file whose
data never reached the disk: unreadable, read as absent; the signed checkpoint in state.json still bounds the
log). A file that parses but whose MAC does not verify was edited (or, improbably, torn by a power cut inside
its one sector): it bounds nothing and verify reports it. Someone without the data key cannot make a head that
verifies.

    {"v": 1, "size": 1234, "root": "<base64>", "mac": "<base64 HMAC-SHA256>"}
    mac = HMAC(HKDF-SHA256(data key, info="securemail-state-head-v1" 0x00 vault id),
               canonical JSON {"root", "size", "v", "vault"})
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from hashlib import sha256

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from securemail.crypto.canonical import canonical_bytes, loads_bounded
from securemail.crypto.signing import b64, unb64
from securemail.storage.files import overwrite_in_place
from securemail.storage.paths import VaultPaths

MAX_HEAD_FILE = 4096
HEAD_FILE_BYTES = 256          # always this long (JSON padded with spaces): each write overwrites all of it
_INFO = b"securemail-state-head-v1\x00"


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: bytes


class HeadStatus(Enum):
    ABSENT = "absent"          # no file
    UNREADABLE = "unreadable"  # not a head at all (a crash between rename and data, or damage): bounds nothing
    FORGED = "forged"          # a well-formed head whose MAC does not verify under any key we hold
    OK = "ok"


@dataclass(frozen=True)
class HeadReading:
    status: HeadStatus
    head: TreeHead | None = None


def head_key(dek: bytes | bytearray, vault_id: str) -> bytes:
    """The MAC key of the tree head: HKDF-SHA256 of the data key, bound to this vault (a rekey changes it)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=_INFO + vault_id.encode("utf-8")).derive(bytes(dek))


def _mac(key: bytes, vault_id: str, head: TreeHead) -> bytes:
    message = canonical_bytes({"v": 1, "vault": vault_id, "size": head.size, "root": b64(head.root)})
    return hmac.new(key, message, sha256).digest()


def write_head(paths: VaultPaths, key: bytes, vault_id: str, head: TreeHead) -> None:
    """Overwrite head.json in place (one write of HEAD_FILE_BYTES, no rename, no fsync: see the module
    docstring)."""
    doc = {"v": 1, "size": head.size, "root": b64(head.root), "mac": b64(_mac(key, vault_id, head))}
    text = json.dumps(doc, sort_keys=True).encode()
    overwrite_in_place(paths.head, text.ljust(HEAD_FILE_BYTES - 1) + b"\n")


def read_head(paths: VaultPaths, keys: Iterable[bytes], vault_id: str) -> HeadReading:
    """head.json checked with each of `keys` (the current data key's, and the pending one's during a rekey)."""
    try:
        with paths.head.open("rb") as f:
            raw = f.read(MAX_HEAD_FILE + 1)
    except FileNotFoundError:
        return HeadReading(HeadStatus.ABSENT)
    except OSError:
        return HeadReading(HeadStatus.UNREADABLE)
    try:
        if len(raw) > MAX_HEAD_FILE:
            raise ValueError("too large")
        doc = loads_bounded(raw.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("v") != 1:
            raise ValueError("not a head")
        size, root, mac = doc.get("size"), unb64(str(doc.get("root"))), unb64(str(doc.get("mac")))
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 or len(root) != 32 or len(mac) != 32:
            raise ValueError("bad fields")
    except (ValueError, TypeError):      # UnicodeDecodeError and binascii.Error are ValueErrors
        return HeadReading(HeadStatus.UNREADABLE)
    head = TreeHead(size, root)
    if any(hmac.compare_digest(_mac(k, vault_id, head), mac) for k in keys):
        return HeadReading(HeadStatus.OK, head)
    return HeadReading(HeadStatus.FORGED, head)
