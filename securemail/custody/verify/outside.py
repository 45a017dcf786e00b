"""Step 6, outside records: checkpoints held outside the database (the state file, exported checkpoint files),
the authenticated tree head (head.json) and the auditor's signed "verified" record. They are what catches a
put-back older copy (rollback) or a rewrite by someone holding every key: each must be a prefix of this log, signed
(the head: MACed, checked by the caller), and carry valid witness cosignatures."""

from __future__ import annotations

from securemail.custody.checkpoint import WITNESS_PREFIX
from securemail.custody.cosignature import cosignature_time
from securemail.custody.verify.checkpoints import check_checkpoint_signature, origin_ok
from securemail.custody.verify.context import STATE_FILE, Context, External, RestartFull, describe
from securemail.storage.database import DatabaseError


class OutsideStep:
    """Registered with the Merkle step: compares at the sizes the outside records name."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.by_size: dict[int, list[External]] = {}
        for ext in ctx.opts.externals:
            self.by_size.setdefault(ext.checkpoint.size, []).append(ext)

    def sizes(self) -> set[int]:
        wanted = set(self.by_size)
        opts = self.ctx.opts
        if opts.incremental_root is not None:
            wanted.add(opts.incremental_from)
        if opts.anchor is not None:
            wanted.add(opts.anchor[0])
        return wanted

    def at_size(self, size: int, root: bytes) -> None:
        for ext in self.by_size.pop(size, ()):
            self._external_checkpoint(ext, root)
        opts = self.ctx.opts
        if size == opts.incremental_from and opts.incremental_root is not None and root != opts.incremental_root:
            raise RestartFull
        anchor = opts.anchor
        if anchor is not None and size == anchor[0] and root != anchor[1]:
            self.ctx.report(size, None, "not_extension", f"the first {size} events no longer have the root recorded "
                                                         "as verified in the state file")

    def _external_checkpoint(self, ext: External, root: bytes) -> None:
        cp = ext.checkpoint
        if ext.signed:
            check_checkpoint_signature(self.ctx, cp, ext.source)
        if ext.signed and not origin_ok(self.ctx, cp):
            self.ctx.report(cp.size, None, "not_extension", f"{describe(cp, ext.source)} is for another log "
                                                            f"({cp.origin})")
        elif cp.root != root:
            self.ctx.report(cp.size, None, "not_extension",
                            f"{describe(cp, ext.source)}: the first {cp.size} events of this log have another root")
        elif ext.source == STATE_FILE and not self._vault_has_checkpoint(cp.size):
            # The state file keeps a checkpoint this vault signed: its row must still be there (a put-back older
            # page of the checkpoints table drops the newest rows, which no later checkpoint names).
            self.ctx.report(cp.size, None, "checkpoint_size_differs",
                            f"{describe(cp, ext.source)}: the vault has no checkpoint of that size (removed)")

    def _vault_has_checkpoint(self, size: int) -> bool:
        try:
            return self.ctx.conn.execute("SELECT 1 FROM checkpoints WHERE size = ?", (size,)).fetchone() is not None
        except DatabaseError as e:
            self.ctx.unreadable("checkpoints", e)
            return True

    def finish(self, size: int) -> None:
        """Records of sizes the log never reached (truncated or rolled back), then witness cosignatures."""
        for wanted in sorted(self.by_size):
            for ext in self.by_size[wanted]:
                if ext.signed:
                    check_checkpoint_signature(self.ctx, ext.checkpoint, ext.source)
                self.ctx.report(wanted, None, "checkpoint_size_differs",
                                f"{describe(ext.checkpoint, ext.source)}; the log has {size}: log shorter than "
                                "checkpoint (truncated or rolled back)")
        for ext in self.ctx.opts.externals:
            self._check_witnesses(ext)

    def _check_witnesses(self, ext: External) -> None:
        cp = ext.checkpoint
        for s in cp.signatures:              # lines outside our witness names are other people's: ignored
            if not s.name.startswith(WITNESS_PREFIX):
                continue
            user = s.name.removeprefix(WITNESS_PREFIX)
            account = self.ctx.authority.account(user)
            keys = [p.key for p in account.periods] if account else []
            if not any(cosignature_time(cp, s.name, k) is not None for k in keys):
                self.ctx.report(cp.size, None, "bad_checkpoint_signature",
                                f"{describe(cp, ext.source)}: witness signature by {user} is not valid")
