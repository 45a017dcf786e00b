"""Rollback defence: the newest signed checkpoint kept outside the database (state.json), and the refusal, when a
vault opens, of a log shorter than it or than the authenticated tree head (head.json), or not extending them."""

from __future__ import annotations

from securemail.crypto.canonical import JsonObject
from securemail.custody.authority import Authority
from securemail.custody.certs import Chain
from securemail.custody.checkpoint import Checkpoint, parse_note, user_signer_name
from securemail.custody.ledger import kept_frontier, leaf_hashes_between, load_frontier, log_size
from securemail.errors import RollbackError
from securemail.storage.database import Connection
from securemail.storage.head import HeadStatus, read_head
from securemail.storage.paths import VaultPaths
from securemail.storage.vault import read_state, write_state


def remember_checkpoint(paths: VaultPaths, cp: Checkpoint, authority: Authority, signer: Chain | None) -> None:
    """Keep the newest checkpoint seen outside the database (rollback defence), with the certificate chain of the
    person who signed it, so that an older copy of the database (which may not know them yet) can still check it.
    A larger checkpoint already there is kept only if its signature holds: an edited size must not freeze the
    state file."""
    state = read_state(paths)
    old = _signed_state_checkpoint(state, authority)
    if old is not None and old.size > cp.size:
        return
    state["checkpoint"] = cp.note()
    if signer is not None:
        state["checkpoint_signer"] = signer.to_json()
    else:
        state.pop("checkpoint_signer", None)
    write_state(paths, state, durable_name=False)


def _signed_state_checkpoint(state: JsonObject, authority: Authority) -> Checkpoint | None:
    """The checkpoint in state.json, only if it parses and is signed by the office key, by a person this log
    knows, or by the person whose certificate chain (from the office key) is stored beside it: an unsigned or
    edited size must not decide anything (verify reports such a file as bad_checkpoint_signature)."""
    note = state.get("checkpoint")
    if not isinstance(note, str) or not note:
        return None
    try:
        seen = parse_note(note)
    except ValueError:
        return None
    if authority.checkpoint_holds(seen):
        return seen
    if authority.office_key is None or authority.office_code is None or authority.vault_id is None:
        return None
    try:
        chain = Chain.from_json(state.get("checkpoint_signer"), office=authority.office_code,
                                vault=authority.vault_id)
    except ValueError:
        return None
    name = user_signer_name(authority.office_code, chain.cert.username)
    if chain.verify(authority.office_key) and seen.has_valid_signature(name, chain.key):
        return seen
    return None


def check_not_rolled_back(paths: VaultPaths, conn: Connection, vault_id: str, authority: Authority,
                          head_keys: list[bytes] | None = None) -> None:
    """Refuse a log shorter than, or not extending, what was recorded outside the database: the signed
    checkpoint in state.json and the authenticated tree head in head.json (each only if it holds: an edited or
    unreadable one bounds nothing, and verify reports it). A head that lags the log (a crash between the commit
    and its write) is a prefix: accepted."""
    bounds: list[tuple[int, bytes]] = []
    seen = _signed_state_checkpoint(read_state(paths), authority)
    if seen is not None:
        if not seen.origin.endswith("/" + vault_id):
            raise RollbackError("vault.rollback_fork", seen=seen.size)
        bounds.append((seen.size, seen.root))
    if head_keys:
        reading = read_head(paths, head_keys, vault_id)
        if reading.status is HeadStatus.OK and reading.head is not None:
            bounds.append((reading.head.size, reading.head.root))
    size = log_size(conn)
    for n, _ in bounds:
        if size < n:
            raise RollbackError("vault.rollback_shorter", size=size, seen=n)
    for n, root in bounds:
        if not _extends(conn, n, root):
            raise RollbackError("vault.rollback_fork", seen=n)


def _extends(conn: Connection, size: int, root: bytes) -> bool:
    """Whether the stored log extends the tree head (size, root). Normally head.json holds the stored frontier's
    head: compare roots. Otherwise (the signed checkpoint, a lagging head) start from the compact range kept with a
    checkpoint row at most FRONTIER_EVERY events (plus the checkpoint cadence) before it (vaults without one: from
    the first leaf), extend it with the stored leaf hashes up to `size` (its root must match) and on to the end (it
    must give the stored frontier). Like the stored leaf hashes before, these are stored values: `verify`
    recomputes all of them from the signed bytes."""
    stored = load_frontier(conn)
    if stored.size == size:
        return stored.root() == root
    tree = kept_frontier(conn, size)
    tree.extend(leaf_hashes_between(conn, tree.size, size))
    if tree.size != size or tree.root() != root:
        return False
    tree.extend(leaf_hashes_between(conn, size))
    return tree == stored
