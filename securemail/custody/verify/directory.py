"""Step 2, directory and signatures: the authority (replayed from the directory events, starting with the
vault.created / user.enrolled pair) judges who signed each event with which key valid at that seq. Key-changing
events are checked at once, since they decide whose keys count from there on; the rest go to the workers."""

from __future__ import annotations

from collections.abc import Sequence

from securemail.crypto.signing import fingerprint
from securemail.custody import kinds as K
from securemail.custody.authority import AUTHORITY_KINDS, TEMPORARY_KEY
from securemail.custody.events import Event
from securemail.custody.verify.context import Context
from securemail.custody.verify.report import Problem
from securemail.custody.verify.rows import Verdict
from securemail.custody.verify.signatures import Pending, verdict_for


class DirectoryStep:
    def __init__(self, ctx: Context, *, signatures_from: int, from_genesis: bool = True) -> None:
        self.ctx = ctx
        self.from_genesis = from_genesis            # False: the authority was rebuilt up to where reading starts
        self.signatures_from = signatures_from      # signatures of events up to this seq were verified before
        self.genesis: Event | None = None           # vault.created waiting for the enrolment of its signer

    def event(self, seq: int, pos: int, event: Event, body: bytes, verdicts: Sequence[Verdict] = ()) -> None:
        if pos == 0 and self.from_genesis:
            self._genesis(event)
            return
        if pos == 1 and self.genesis is not None and self.from_genesis:
            created, self.genesis = self.genesis, None
            self._genesis_pair(created, event)
            return
        ctx = self.ctx
        judgement = ctx.authority.judge(event, body)
        for r in judgement.refusals:
            ctx.report(seq, event.subject, r.code, r.detail)
        now = event.kind in AUTHORITY_KINDS
        later = not now and seq > self.signatures_from
        ok = True
        for need in judgement.needs:
            known = verdict_for(need.check, body, verdicts) if later else None
            if known and not need.temporary:
                ctx.sigs.verified(need.check)       # the common case: a worker verified this very signature
                continue
            problem = Problem(seq, event.subject, "bad_signature", need.detail)
            temporary = Problem(seq, event.subject, "key_not_valid", f"{need.detail}: {TEMPORARY_KEY}") \
                if need.temporary else None
            pending = Pending(need.check, problem, need.older, temporary)
            if now:
                ok = ctx.sigs.check_now(pending) and ok
            elif later:
                if known is None:
                    ctx.sigs.add(pending)
                else:
                    ctx.sigs.record(pending, known)
        if now and ok and not judgement.refusals:
            ctx.authority.apply(event)

    def finish(self) -> None:
        if self.genesis is not None:
            created = self.genesis
            self.ctx.report(created.seq, created.subject, "unknown_signer",
                            f"{created.actor} who created the vault is never enrolled")

    def _genesis(self, event: Event) -> None:
        """vault.created must open the log; its signer is enrolled by the next, self-signed, event."""
        if event.kind != K.VAULT_CREATED:
            self.ctx.report(event.seq, event.subject, "malformed_event", f"the log starts with {event.kind}, "
                                                                         "not vault.created")
            self.ctx.authority.office_key = self.ctx.opts.office_public_key_hint
            return
        self.genesis = event

    def _genesis_pair(self, created: Event, enrolled: Event) -> None:
        ctx = self.ctx
        authority = ctx.authority
        judgement = authority.judge_genesis(created, enrolled)
        for r in judgement.refusals:
            ctx.report(created.seq if r.code == "unknown_signer" else enrolled.seq, created.subject, r.code,
                       r.detail)
        ok = True
        for need, seq in zip(judgement.needs, (created.seq, enrolled.seq, enrolled.seq), strict=False):
            ok = ctx.sigs.check_now(Pending(need.check, Problem(seq, created.subject, "bad_signature",
                                                                need.detail))) and ok
        if not judgement.refusals and ok:
            authority.apply_genesis(created, enrolled)
        hint = ctx.opts.office_public_key_hint
        office = authority.office_key
        if hint is not None and office is not None and office != hint:
            ctx.report(created.seq, created.subject, "key_not_valid",
                       f"office key in vault.created ({fingerprint(office)}) is not the expected office key "
                       f"({fingerprint(hint)})")
        if office is None:
            authority.office_key = hint
