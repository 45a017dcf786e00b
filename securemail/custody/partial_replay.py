"""The custody rules replayed on part of a log's events, in order, as the log's own writer and verifier apply them.

Two users: a partner's exchange bundle (services.bundle_checks: the partner's whole directory, every event of the
items it names and of the bags they travelled in), and one item's timeline here (services.items: the events that
shape the directory and the settings, the item's and its bags'), so that the timeline and the custody report call
an event valid only where `verify` does. The events of the other items in those bags are not there. The events are
applied in order to an in-memory projection (never on disk: it holds item data) with the same `custody_refusals`,
`time_refusal` and `apply_event` as the vault; an item of a bag that is not carried is stood in for, when the bag
is dispatched or opened, by a row holding only what the bag event says about it (in the bag, held by the bag's
holder). What this catches: an event signed by someone allowed to sign its kind but unlawful where the item stood
(not the holder, a holder's missing co-signature, a status move the lifecycle forbids, a named-only envelope given
to the wrong person, ...).
"""

from __future__ import annotations

from securemail.custody import kinds as K
from securemail.custody.authority import Authority
from securemail.custody.events import Event
from securemail.custody.projection import apply_event
from securemail.custody.rules import custody_refusals, time_refusal
from securemail.domain.enums import ItemStatus
from securemail.storage.database import open_memory
from securemail.storage.schema import migrate


class PartialReplay:
    def __init__(self) -> None:
        self.conn = open_memory(prepare=migrate)        # a fresh statement cache: see open_memory
        self.conn.execute("BEGIN")
        self._last_time: dict[str, str] = {}

    def genesis(self, created: Event, enrolled: Event) -> None:
        apply_event(self.conn, created)
        apply_event(self.conn, enrolled)

    def apply(self, e: Event) -> None:
        """An event that only sets the scene (the directory, settings, norms, the calendar), judged elsewhere;
        skipped when it cannot be applied (verify reports that one)."""
        self.conn.execute("SAVEPOINT scene")
        try:
            apply_event(self.conn, e)
        except Exception:
            self.conn.execute("ROLLBACK TO scene")
        finally:
            self.conn.execute("RELEASE scene")

    def refusals(self, authority: Authority, e: Event) -> list[str]:
        """What the log's writer would have refused about `e` (already judged by `authority`, which has not
        applied it yet); `e` is then applied. Empty: lawful."""
        out: list[str] = []
        t = time_refusal(e, self._last_time.get(e.subject))
        if t is not None:
            out.append(t.detail)
        self._last_time[e.subject] = e.time
        out += [r.detail for r in custody_refusals(self.conn, authority, e)]
        self._stand_in_for_absent_items(e)
        self.conn.execute("SAVEPOINT ev")
        try:
            apply_event(self.conn, e)
        except Exception as exc:
            self.conn.execute("ROLLBACK TO ev")
            out.append(f"cannot be applied: {exc}")
        self.conn.execute("RELEASE ev")
        return out

    def _stand_in_for_absent_items(self, e: Event) -> None:
        if e.kind == K.BAG_DISPATCHED:
            listed, status = e.data.get("items"), ItemStatus.IN_BAG
        elif e.kind == K.BAG_OPENED:
            listed, status = e.data.get("expected"), ItemStatus.DISPATCHED
        else:
            return
        bag = e.data.get("bag")
        row = self.conn.execute("SELECT holder FROM bags WHERE bag = ?", (str(bag),)).fetchone()
        if not isinstance(listed, list) or row is None:
            return
        for tracking in listed:
            if not isinstance(tracking, str) or self.conn.execute(
                    "SELECT 1 FROM items WHERE tracking = ?", (tracking,)).fetchone():
                continue
            self.conn.execute(
                "INSERT INTO items (tracking, sender_agency, recipient_agency, secrecy, service, scope, named_only, "
                "envelopes, seal_condition, recall, status, holder, bag, accepted_at, accepted_by, last_seq) VALUES "
                "(?, '', '', 'none', 'thuong', 'noi-tinh', 0, 1, 'intact', 0, ?, ?, ?, '', '', 0)",
                (tracking, status.value, row[0], str(bag)))
            self.conn.execute("INSERT OR IGNORE INTO bag_items (bag, tracking) VALUES (?, ?)", (str(bag), tracking))

    def close(self) -> None:
        self.conn.close()
