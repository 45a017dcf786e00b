"""An item's custody timeline (services.items.timeline) as a table, with a visible signature status per event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from securemail.domain.enums import IncidentKind
from securemail.gui.strings import N_, t
from securemail.gui.table_base import AnyIndex, ReadOnlyTableModel
from securemail.gui.widgets import fmt_time, lbl, plain_tooltip
from securemail.i18n import current_language
from securemail.services.items import event_label
from securemail.services.queries.timeline import TimelineEntry

COL_TIME = 0
COL_EVENT = 1
COL_ACTOR = 2
COL_COSIGNER = 3
COL_DETAILS = 4
COL_SIGNATURE = 5
COLUMN_COUNT = 6
HEADERS: tuple[str, ...] = (N_("Time"), N_("Event"), N_("Signed by"), N_("Co-signed by"), N_("Details"),
                            N_("Signatures"))

OK_BRUSH = QBrush(QColor("#1b5e20"))
BAD_BRUSH = QBrush(QColor("#b71c1c"))


def _details(kind: str, data: Mapping[str, Any]) -> str:
    """A one-line summary of the event's recorded data (text typed by users stays plain)."""
    if "due_after" in data:  # a norm, calendar or working-hours change moved this item's due time
        return t("due time {old} → {new}", old=fmt_time(data.get("due_before")), new=fmt_time(data["due_after"]))
    if kind == "item.accepted":
        return t("due {due}", due=fmt_time(data.get("due_at"))) if data.get("due_at") else ""
    if kind in ("item.handed_over",):
        return f"{data.get('from') or ''} → {data.get('to') or ''}"
    if kind in ("item.bagged", "item.unbagged", "bag.created", "bag.closed", "bag.dispatched", "bag.opened"):
        parts = [t("bag {bag}", bag=data.get("bag") or "")]
        if data.get("seal"):
            parts.append(t("seal {seal}", seal=data["seal"]))
        if data.get("missing"):
            parts.append(t("missing: {items}", items=", ".join(data["missing"])))
        return "; ".join(parts)
    if kind == "item.delivered":
        person = data.get("person") or {}
        who = data.get("to") or person.get("name") or ""
        return t("to {who} ({agency})", who=who, agency=data.get("agency") or "")
    if kind in ("item.delivery_failed", "item.returned", "item.forwarded"):
        dest = data.get("destination")
        reason = data.get("reason") or ""
        return f"{dest}: {reason}" if dest else reason
    if kind == "item.incident":
        try:
            what = lbl(IncidentKind(data.get("incident_kind", "")))
        except ValueError:
            what = str(data.get("incident_kind", ""))
        return f"{what}: {data.get('description') or ''}"
    if kind == "item.incident_closed":
        return str(data.get("note") or "")
    if kind == "item.note":
        return str(data.get("text") or "")
    if kind == "item.arrived":
        return str(data.get("location") or "")
    return ""


class TimelineModel(ReadOnlyTableModel):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._events: list[TimelineEntry] = []
        self._cells: list[tuple[str, ...]] = []
        self._names: dict[str, str] = {}

    def set_events(self, events: Sequence[TimelineEntry], names: Mapping[str, str] | None = None) -> None:
        """`names` maps user names to full names, shown as "Full Name (username)"."""
        self.beginResetModel()
        self._events = list(events)
        if names is not None:
            self._names = dict(names)
        self._cells = [self._make(e) for e in self._events]
        self.endResetModel()

    def retranslate(self) -> None:
        self.set_events(self._events)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)

    def all_signatures_ok(self) -> bool:
        return all(e.signature_ok for e in self._events)

    def _who(self, username: object) -> str:
        if not username:
            return ""
        full = self._names.get(str(username))
        return f"{full} ({username})" if full else str(username)

    def _make(self, event: TimelineEntry) -> tuple[str, ...]:
        kind = event.kind
        ok = event.signature_ok
        return (
            fmt_time(event.time),
            event_label(kind, current_language()),
            self._who(event.actor),
            self._who(event.cosigner),
            _details(kind, event.data),
            ("✓ " + t("valid")) if ok else ("✗ " + t("NOT VALID")),
        )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._cells)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._cells):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_DETAILS:
            return plain_tooltip(self._cells[index.row()][COL_DETAILS])
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_SIGNATURE:
            return OK_BRUSH if self._events[index.row()].signature_ok else BAD_BRUSH
        return None

