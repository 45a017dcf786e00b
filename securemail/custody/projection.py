"""Current state as a projection of the ledger.

`apply_event` is the one function that turns an event into rows of the projection tables (users, agencies,
items, bags, incidents, norms, settings). The writer calls it inside the append transaction; verification calls
it again on an empty in-memory database and compares the result with what the vault shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from securemail.crypto.signing import unb64
from securemail.custody import kinds as K
from securemail.custody.duetimes import recompute_open_items
from securemail.custody.events import Event
from securemail.domain.enums import BagStatus, ItemStatus
from securemail.domain.errors import IllegalTransition
from securemail.domain.lifecycle import Action, next_status
from securemail.domain.norms import DEFAULT_NORMS
from securemail.storage.database import Connection, DatabaseError, is_disk_failure


class ProjectionError(Exception):
    """An event that cannot be applied to the current state (illegal transition, unknown subject...)."""


ITEM_FIELDS = ("sender_agency", "recipient_agency", "secrecy", "service", "urgency", "scope", "appointed_at",
               "doc_ref", "doc_date", "named_recipient", "named_only", "envelopes", "weight_grams", "seal_numbers",
               "seal_condition", "description", "recall", "recall_deadline", "copy_number", "copies", "page_count",
               "notes", "sender_person", "sender_person_id")

Handler = Callable[[Connection, Event], None]
_HANDLERS: dict[str, Handler] = {}


def handles(*event_kinds: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for kind in event_kinds:
            _HANDLERS[kind] = fn
        return fn
    return register


def apply_event(conn: Connection, event: Event) -> None:
    handler = _HANDLERS.get(event.kind)
    if handler is None:
        raise ProjectionError(f"unknown event kind {event.kind!r}")
    try:
        handler(conn, event)
    except (KeyError, TypeError) as e:
        raise ProjectionError(f"malformed data in {event.kind} event {event.seq}: {e}") from e
    except DatabaseError as e:  # IntegrityError etc.: a duplicate item, user or bag
        if is_disk_failure(e):
            raise               # a full or read-only disk is not a conflict: the session names it
        raise ProjectionError(f"{event.kind} event {event.seq} conflicts with the current state: {e}") from e


# ---- directory ---------------------------------------------------------------------------------------------

@handles(K.VAULT_CREATED)
def _vault_created(conn: Connection, e: Event) -> None:
    for key in ("office_code", "office_name", "office_public_key", "province"):
        if e.data.get(key) is not None:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, str(e.data[key])))
    for key, setting in (("kind", "vault_kind"), ("agency", "vault_agency"), ("agency_name", "vault_agency_name")):
        if e.data.get(key) is not None:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (setting, str(e.data[key])))
    for n in DEFAULT_NORMS:
        conn.execute("INSERT OR REPLACE INTO norms VALUES (?, ?, ?, ?, ?, 1)",
                     (n.service.value, n.scope.value, n.working_days_tenths, n.min_lead_hours, n.source))


@handles(K.USER_ENROLLED)
def _user_enrolled(conn: Connection, e: Event) -> None:
    d = e.data
    conn.execute("INSERT INTO users (username, full_name, role, agency, public_key, active, enrolled_seq) "
                 "VALUES (?, ?, ?, ?, ?, 1, ?)",
                 (d["username"], d["full_name"], d["role"], d.get("agency"), unb64(d["public_key"]), e.seq))


@handles(K.USER_ROLE_CHANGED)
def _user_role_changed(conn: Connection, e: Event) -> None:
    _update_user(conn, e, "role = ?, agency = ?", (e.data["role"], e.data.get("agency")))


@handles(K.USER_REVOKED)
def _user_revoked(conn: Connection, e: Event) -> None:
    _update_user(conn, e, "active = 0, revoked_seq = ?", (e.seq,))


@handles(K.USER_KEY_ROTATED)
def _user_key_rotated(conn: Connection, e: Event) -> None:
    _update_user(conn, e, "public_key = ?", (unb64(e.data["public_key"]),))


def _update_user(conn: Connection, e: Event, assignments: str, values: tuple[Any, ...]) -> None:
    cur = conn.execute(f"UPDATE users SET {assignments} WHERE username = ?",
                       (*values, e.data["username"]))
    if cur.rowcount != 1:
        raise ProjectionError(f"no user {e.data['username']!r}")


@handles(K.AGENCY_ADDED, K.AGENCY_CHANGED)
def _agency(conn: Connection, e: Event) -> None:
    conn.execute("INSERT OR REPLACE INTO agencies (code, name, province, updated_seq, suburban) "
                 "VALUES (?, ?, ?, ?, ?)",
                 (e.data["code"], e.data["name"], e.data.get("province"), e.seq, 1 if e.data.get("suburban") else 0))


@handles(K.CHECKPOINT_WITNESSED, K.VAULT_REKEYED)
def _witnessed(conn: Connection, e: Event) -> None:
    return None


@handles(*K.AUDIT_KINDS)
def _audit_trail(conn: Connection, e: Event) -> None:
    return None        # the audit trail is read from the log itself (services.audit_trail)


def _recompute(conn: Connection, e: Event) -> None:
    """Events written by this version carry recompute_due: open items get new due times (see custody.duetimes)."""
    if e.data.get("recompute_due"):
        recompute_open_items(conn, e.seq)
@handles(K.PIN_ADDED)
def _pin_added(conn: Connection, e: Event) -> None:
    d = e.data
    row = conn.execute("SELECT active FROM pins WHERE code = ?", (d["code"],)).fetchone()
    if row is not None and row[0]:
        raise ProjectionError(f"{d['code']} is already pinned")
    conn.execute("INSERT OR REPLACE INTO pins (code, name, kind, agency, vault, public_key, fingerprint, reason, "
                 "active, pinned_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                 (d["code"], d["name"], d["kind"], d.get("agency"), d["vault"], unb64(d["public_key"]),
                  d["fingerprint"], d.get("reason"), e.seq))


@handles(K.PIN_REVOKED)
def _pin_revoked(conn: Connection, e: Event) -> None:
    cur = conn.execute("UPDATE pins SET active = 0, revoked_seq = ?, revoke_reason = ? WHERE code = ? AND active = 1",
                       (e.seq, e.data["reason"], e.data["code"]))
    if cur.rowcount != 1:
        raise ProjectionError(f"no active pin {e.data['code']!r}")


@handles(K.BUNDLE_IMPORTED)
def _bundle_imported(conn: Connection, e: Event) -> None:
    return None        # the imported events are stored beside the log (foreign_events), not projected


@handles(K.NORM_SET)
def _norm_set(conn: Connection, e: Event) -> None:
    d = e.data
    conn.execute("INSERT OR REPLACE INTO norms VALUES (?, ?, ?, ?, ?, 0)",
                 (d["service"], d["scope"], d.get("working_days_tenths"), d.get("min_lead_hours"), d["source"]))
    _recompute(conn, e)


@handles(K.HOLIDAYS_SET)
def _holidays_set(conn: Connection, e: Event) -> None:
    """Calendar days of one year. Without "op": the admin's whole list of days off for the year (replaced).
    op "statutory": the statutory days off computed for a year, recorded (replacing the previous record).
    op "add" / "remove": one day off or make-up working day ("kind": off | work) added or removed by an admin."""
    op = e.data.get("op")
    if op in ("add", "remove"):
        _holiday_edit(conn, e, op)
    else:
        year = int(e.data["year"])
        origin = "statutory" if op == "statutory" else None
        if origin is None:
            conn.execute("DELETE FROM holidays WHERE day LIKE ?", (f"{year:04d}-%",))
        else:
            conn.execute("DELETE FROM holidays WHERE day LIKE ? AND origin = ?", (f"{year:04d}-%", origin))
        names = e.data.get("names") or {}
        for day in e.data["dates"]:
            if not str(day).startswith(f"{year:04d}-"):
                raise ProjectionError(f"holiday {day} is not in {year}")
            conn.execute("INSERT OR IGNORE INTO holidays (day, source, kind, origin, name) VALUES (?, ?, 'off', ?, ?)",
                         (str(day), e.data["source"], origin or "admin", names.get(str(day))))
    _recompute(conn, e)


def _holiday_edit(conn: Connection, e: Event, op: str) -> None:
    day, kind = str(e.data["day"]), str(e.data["kind"])
    if kind not in ("off", "work"):
        raise ProjectionError(f"holidays.set {e.seq}: unknown kind {kind!r}")
    if op == "add":
        conn.execute("INSERT INTO holidays (day, source, kind, origin, name) VALUES (?, ?, ?, 'admin', ?)",
                     (day, e.data["source"], kind, e.data.get("name")))
        return
    cur = conn.execute("DELETE FROM holidays WHERE day = ? AND kind = ?", (day, kind))
    if cur.rowcount != 1:
        raise ProjectionError(f"holidays.set {e.seq}: no {kind} day {day} in the calendar")


@handles(K.SETTING_SET)
def _setting_set(conn: Connection, e: Event) -> None:
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (e.data["key"], str(e.data["value"])))
    _recompute(conn, e)


# ---- items -------------------------------------------------------------------------------------------------

_ACTIONS: dict[str, Action] = {
    K.ITEM_HANDED_OVER: Action.HANDOVER, K.ITEM_ARRIVED: Action.ARRIVE,
    K.ITEM_OUT_FOR_DELIVERY: Action.OUT_FOR_DELIVERY, K.ITEM_DELIVERED: Action.DELIVER,
    K.ITEM_DELIVERY_FAILED: Action.FAIL, K.ITEM_RETURNED: Action.RETURN, K.ITEM_FORWARDED: Action.FORWARD,
    K.ITEM_BAGGED: Action.BAG, K.ITEM_UNBAGGED: Action.UNBAG, K.ITEM_INCIDENT: Action.INCIDENT,
    K.ITEM_INCIDENT_CLOSED: Action.CLOSE_INCIDENT, K.ITEM_NOTE: Action.NOTE,
}


def _item_status(conn: Connection, tracking: str) -> ItemStatus:
    row = conn.execute("SELECT status FROM items WHERE tracking = ?", (tracking,)).fetchone()
    if row is None:
        raise ProjectionError(f"no item {tracking!r}")
    return ItemStatus(row[0])


def _require_holder(conn: Connection, tracking: str, who: str | None) -> str:
    """Custody moves are made by (or taken from) whoever holds the item: the verifier checks it on replay.
    Returns the item's stored status, read by the same statement (for the `_move` that follows: one read, not
    two)."""
    row = conn.execute("SELECT holder, status FROM items WHERE tracking = ?", (tracking,)).fetchone()
    if row is None:
        raise ProjectionError(f"no item {tracking!r}")
    if row[0] != who:
        raise ProjectionError(f"{tracking} is held by {row[0]!r}, not {who!r}")
    status: str = row[1]
    return status


def _move(conn: Connection, tracking: str, action: Action, seq: int, sets: str = "",
          values: tuple[Any, ...] = (), stored_status: str | None = None) -> None:
    """The item's status moved by `action` (refused if illegal from its status), with `sets` updated too.
    `stored_status`: as `_require_holder` just read it, nothing written since (else it is read here)."""
    current = _item_status(conn, tracking) if stored_status is None else ItemStatus(stored_status)
    try:
        status = next_status(current, action)
    except IllegalTransition as exc:
        raise ProjectionError(f"illegal transition {current.value} --{action.value}--> for {tracking}") from exc
    extra = f", {sets}" if sets else ""
    conn.execute(f"UPDATE items SET status = ?, last_seq = ?{extra} WHERE tracking = ?",
                 (status.value, seq, *values, tracking))


@handles(K.ITEM_ACCEPTED)
def _item_accepted(conn: Connection, e: Event) -> None:
    item = e.data["item"]
    cols = [f for f in ITEM_FIELDS if f in item]
    values = [item[f] for f in cols]
    cols += ["tracking", "status", "holder", "location", "accepted_at", "accepted_by", "due_at", "last_seq"]
    values += [e.subject, ItemStatus.ACCEPTED.value, e.actor, e.data.get("location"), e.time, e.actor,
               e.data.get("due_at"), e.seq]
    placeholders = ", ".join("?" for _ in cols)
    conn.execute(f"INSERT INTO items ({', '.join(cols)}) VALUES ({placeholders})", values)
    # The number of items, for numbering the next one without counting the table (not a projection: unverified).
    conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'items'")


@handles(K.ITEM_HANDED_OVER)
def _item_handed_over(conn: Connection, e: Event) -> None:
    current = _require_holder(conn, e.subject, e.actor)
    if e.data.get("from", e.actor) != e.actor or e.data.get("to") != e.cosigner:
        raise ProjectionError(f"hand-over {e.seq}: from/to do not match the signers")
    _move(conn, e.subject, Action.HANDOVER, e.seq, "holder = ?", (e.data["to"],), current)


@handles(K.ITEM_ARRIVED)
def _item_arrived(conn: Connection, e: Event) -> None:
    current = None
    if e.cosigner is not None:  # taken from a user: they must be the holder and co-sign
        current = _require_holder(conn, e.subject, e.cosigner)
        if e.data.get("from", e.cosigner) != e.cosigner:
            raise ProjectionError(f"arrival {e.seq}: the co-signer is not the holder")
    _move(conn, e.subject, Action.ARRIVE, e.seq, "holder = ?, location = ?, bag = NULL",
          (e.actor, e.data.get("location")), current)


@handles(K.ITEM_OUT_FOR_DELIVERY, K.ITEM_DELIVERY_FAILED, K.ITEM_NOTE)
def _item_simple(conn: Connection, e: Event) -> None:
    current = _require_holder(conn, e.subject, e.actor) if e.kind != K.ITEM_NOTE else None
    if e.kind == K.ITEM_DELIVERY_FAILED:  # the first attempt stops the clock (TT 16/2017)
        _move(conn, e.subject, _ACTIONS[e.kind], e.seq, "first_attempt_at = COALESCE(first_attempt_at, ?)",
              (e.time,), current)
    else:
        _move(conn, e.subject, _ACTIONS[e.kind], e.seq, stored_status=current)


@handles(K.ITEM_DELIVERED)
def _item_delivered(conn: Connection, e: Event) -> None:
    current = _require_holder(conn, e.subject, e.actor)
    if e.data.get("to") != e.cosigner:  # the secretary named is the one who co-signed (or none: a person)
        raise ProjectionError(f"delivery {e.seq}: data.to does not match the co-signer")
    receipt = e.data["receipt"] if isinstance(e.data.get("receipt"), dict) else {}
    to = e.data.get("to") or (e.data.get("person") or {}).get("name") or receipt.get("name")
    # A named-only envelope received unopened by the agency's văn thư (a user here) stays in her hands until she
    # passes it on to the named person (item.passed_on).
    holder = e.cosigner if e.data.get("unopened") is True and e.cosigner is not None else None
    _move(conn, e.subject, Action.DELIVER, e.seq, "holder = ?, delivered_at = ?, delivered_to = ?, "
          "first_attempt_at = COALESCE(first_attempt_at, ?)", (holder, e.time, to, e.time), current)


@handles(K.ITEM_RECEIVED)
def _item_received(conn: Connection, e: Event) -> None:
    """An agency desk's văn thư confirms receipt of an item known here from a bundle: the item starts here,
    delivered; held by her while a named-only envelope waits, unopened, for the named person."""
    item = e.data["item"]
    cols = [f for f in ITEM_FIELDS if f in item]
    values = [item[f] for f in cols]
    holder = e.actor if e.data.get("unopened") is True else None
    cols += ["tracking", "status", "holder", "location", "accepted_at", "accepted_by", "due_at", "last_seq",
             "delivered_at", "delivered_to", "first_attempt_at"]
    values += [e.subject, ItemStatus.DELIVERED.value, holder, e.data.get("location"), e.data["accepted_at"],
               e.actor, e.data.get("due_at"), e.seq, e.time, e.actor, e.time]
    placeholders = ", ".join("?" for _ in cols)
    conn.execute(f"INSERT INTO items ({', '.join(cols)}) VALUES ({placeholders})", values)


@handles(K.ITEM_PASSED_ON)
def _item_passed_on(conn: Connection, e: Event) -> None:
    current = _require_holder(conn, e.subject, e.actor)
    if e.data.get("to") != e.cosigner:
        raise ProjectionError(f"passing on {e.seq}: data.to does not match the co-signer")
    to = e.data.get("to") or (e.data.get("person") or {}).get("name")
    _move(conn, e.subject, Action.PASS_ON, e.seq, "holder = NULL, delivered_to = ?", (to,), current)


@handles(K.ITEM_RETURNED, K.ITEM_FORWARDED)
def _item_redirected(conn: Connection, e: Event) -> None:
    current = _require_holder(conn, e.subject, e.actor)
    _move(conn, e.subject, _ACTIONS[e.kind], e.seq, "destination = ?", (e.data["destination"],), current)


@handles(K.ITEM_BAGGED)
def _item_bagged(conn: Connection, e: Event) -> None:
    bag = e.data["bag"]
    _bag_status(conn, bag, {BagStatus.OPEN})
    current = _require_holder(conn, e.subject, e.actor)
    _move(conn, e.subject, Action.BAG, e.seq, "bag = ?", (bag,), current)
    conn.execute("INSERT INTO bag_items (bag, tracking) VALUES (?, ?)", (bag, e.subject))


@handles(K.ITEM_UNBAGGED)
def _item_unbagged(conn: Connection, e: Event) -> None:
    bag = e.data["bag"]
    _bag_status(conn, bag, {BagStatus.OPEN})
    if bag not in _bag_contents(conn, bag, e.subject):
        raise ProjectionError(f"unbag {e.seq}: {e.subject} is not in bag {bag}")
    _move(conn, e.subject, Action.UNBAG, e.seq, "bag = NULL")
    conn.execute("DELETE FROM bag_items WHERE bag = ? AND tracking = ?", (bag, e.subject))


@handles(K.ITEM_INCIDENT)
def _item_incident(conn: Connection, e: Event) -> None:
    _move(conn, e.subject, Action.INCIDENT, e.seq, "open_incidents = open_incidents + 1")
    conn.execute("INSERT INTO incidents (id, tracking, kind, description, opened_by, opened_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 (e.seq, e.subject, e.data["incident_kind"], e.data["description"], e.actor, e.time))


@handles(K.ITEM_INCIDENT_CLOSED)
def _item_incident_closed(conn: Connection, e: Event) -> None:
    cur = conn.execute("UPDATE incidents SET closed_seq = ?, closed_by = ?, closed_at = ?, closing_note = ? "
                       "WHERE id = ? AND tracking = ? AND closed_seq IS NULL",
                       (e.seq, e.actor, e.time, e.data["note"], e.data["incident"], e.subject))
    if cur.rowcount != 1:
        raise ProjectionError(f"no open incident {e.data['incident']} on {e.subject}")
    _move(conn, e.subject, Action.CLOSE_INCIDENT, e.seq, "open_incidents = open_incidents - 1")


# ---- bags --------------------------------------------------------------------------------------------------

def _bag_status(conn: Connection, bag: str, allowed: set[BagStatus]) -> BagStatus:
    row = conn.execute("SELECT status FROM bags WHERE bag = ?", (bag,)).fetchone()
    if row is None:
        raise ProjectionError(f"no bag {bag!r}")
    status = BagStatus(row[0])
    if status not in allowed:
        raise ProjectionError(f"bag {bag} is {status.value}")
    return status


def _bag_contents(conn: Connection, bag: str, tracking: str | None = None) -> list[str]:
    """The bag's items, sorted; with `tracking`, the bags that item is in (to check membership)."""
    if tracking is not None:
        return [r[0] for r in conn.execute("SELECT bag FROM bag_items WHERE tracking = ?", (tracking,))]
    return [r[0] for r in conn.execute("SELECT tracking FROM bag_items WHERE bag = ? ORDER BY tracking", (bag,))]


def _require_bag_holder(conn: Connection, bag: str, who: str | None) -> None:
    row = conn.execute("SELECT holder FROM bags WHERE bag = ?", (bag,)).fetchone()
    if row is None or row[0] != who:
        raise ProjectionError(f"bag {bag} is held by {row[0] if row else None!r}, not {who!r}")


@handles(K.BAG_CREATED)
def _bag_created(conn: Connection, e: Event) -> None:
    conn.execute("INSERT INTO bags (bag, destination, status, created_by, created_at, holder, last_seq, province) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (e.data["bag"], e.data["destination"], BagStatus.OPEN.value, e.actor, e.time, e.actor, e.seq,
                  e.data.get("province")))


@handles(K.BAG_CLOSED)
def _bag_closed(conn: Connection, e: Event) -> None:
    bag = e.data["bag"]
    _bag_status(conn, bag, {BagStatus.OPEN})
    conn.execute("UPDATE bags SET status = ?, seal = ?, last_seq = ? WHERE bag = ?",
                 (BagStatus.CLOSED.value, e.data["seal"], e.seq, bag))


@handles(K.BAG_DISPATCHED)
def _bag_dispatched(conn: Connection, e: Event) -> None:
    bag = e.data["bag"]
    _bag_status(conn, bag, {BagStatus.CLOSED})
    _require_bag_holder(conn, bag, e.actor)
    if e.data["to"] != e.cosigner:
        raise ProjectionError(f"dispatch {e.seq}: data.to does not match the co-signer")
    if sorted(e.data["items"]) != _bag_contents(conn, bag):
        raise ProjectionError(f"dispatch {e.seq}: the items listed are not the bag's contents")
    conn.execute("UPDATE bags SET status = ?, holder = ?, last_seq = ? WHERE bag = ?",
                 (BagStatus.DISPATCHED.value, e.data["to"], e.seq, bag))
    for tracking in e.data["items"]:
        _move(conn, tracking, Action.DISPATCH, e.seq, "holder = ?", (e.data["to"],))


@handles(K.BAG_OPENED)
def _bag_opened(conn: Connection, e: Event) -> None:
    bag = e.data["bag"]
    _bag_status(conn, bag, {BagStatus.DISPATCHED})
    _require_bag_holder(conn, bag, e.cosigner)
    contents = _bag_contents(conn, bag)
    if sorted(e.data["expected"]) != contents or not set(e.data["found"]) <= set(contents):
        raise ProjectionError(f"bag opening {e.seq}: expected/found do not match the bag's contents")
    conn.execute("UPDATE bags SET status = ?, holder = ?, last_seq = ? WHERE bag = ?",
                 (BagStatus.OPENED.value, e.actor, e.seq, bag))
    for tracking in e.data["found"]:
        _move(conn, tracking, Action.ARRIVE, e.seq, "holder = ?, location = ?, bag = NULL",
              (e.actor, e.data.get("location")))
