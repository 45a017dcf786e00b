"""One item: its recorded fields and its custody timeline with the signature status of every event."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from securemail.domain.enums import ItemStatus, Scope, SealCondition, Secrecy, ServiceClass
from securemail.errors import UserFacingError
from securemail.gui.incident_dialogs import CloseIncidentDialog, ReportIncidentDialog
from securemail.gui.item_actions import FAIL, FORWARD, RETURN, ArriveDialog, DeliverExternalDialog, RedirectDialog, may
from securemail.gui.ops import run_op
from securemail.gui.pdf_preview import PdfPreviewDialog, preview_document
from securemail.gui.pdf_print import Writer, print_recorder
from securemail.gui.strings import N_, nt, t
from securemail.gui.timeline_model import COL_DETAILS, COL_EVENT, COL_SIGNATURE, COL_TIME, TimelineModel
from securemail.gui.translator import Retranslating
from securemail.gui.widgets import PlainLabel, enter_confirms, fmt_time, lbl, named, show_message
from securemail.services import bags, directory, incidents, items, reports, transfers
from securemail.services.permissions import Permission, allowed
from securemail.services.queries.items import ItemRecord
from securemail.services.queries.timeline import TimelineEntry
from securemail.services.session import Session

Loaded = tuple[ItemRecord, list[TimelineEntry], dict[str, str], dict[str, str]]


class ItemDetailDialog(Retranslating, QDialog):
    transfer_requested = Signal(list, str)
    changed = Signal()

    def __init__(self, session: Session, tracking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemDetail")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.resize(1000, 680)
        self._session = session
        self._tracking = tracking
        self._item: ItemRecord | None = None
        self._missing_from: str | None = None
        self._agency_names: dict[str, str] = {}
        self._user_names: dict[str, str] = {}
        self.preview: PdfPreviewDialog | None = None  # the last document preview opened from here
        self.timeline = TimelineModel(self)
        self._build()
        self._retranslate()
        self.reload()

    def _build(self) -> None:
        self.fields_box = named(QGroupBox(), "fieldsBox")
        self.grid = QGridLayout(self.fields_box)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(5)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.flag_label = PlainLabel(wrap=True)
        self.flag_label.setObjectName("flagLabel")
        self.chain_label = PlainLabel(wrap=True)
        self.chain_label.setObjectName("chainLabel")
        self.timeline_box = named(QGroupBox(), "timelineBox")
        self.table = named(QTableView(), "timelineTable")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        self.table.setModel(self.timeline)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DETAILS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_EVENT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SIGNATURE, QHeaderView.ResizeMode.ResizeToContents)
        box_layout = QVBoxLayout(self.timeline_box)
        box_layout.addWidget(self.chain_label)
        box_layout.addWidget(self.table)

        self.message = named(QLabel(), "detailMessage")
        self.handover_button = named(QPushButton(), "detailHandover")
        self.deliver_button = named(QPushButton(), "detailDeliver")
        self.deliver_external_button = named(QPushButton(), "detailDeliverExternal")
        self.out_button = named(QPushButton(), "detailOutForDelivery")
        self.fail_button = named(QPushButton(), "detailFail")
        self.return_button = named(QPushButton(), "detailReturn")
        self.forward_button = named(QPushButton(), "detailForward")
        self.arrive_button = named(QPushButton(), "detailArrive")
        self.pass_on_button = named(QPushButton(), "detailPassOn")   # văn thư: an envelope received unopened
        self.pass_on_button.setVisible(False)
        self.note_button = named(QPushButton(), "detailNote")
        self.incident_button = named(QPushButton(), "detailIncident")
        self.close_incident_button = named(QPushButton(), "detailCloseIncident")
        self.refresh_button = named(QPushButton(), "detailRefresh")
        self.close_button = named(QPushButton(), "detailClose")
        self.receipt_button = named(QPushButton(), "detailReceipt")
        self.delivery_button = named(QPushButton(), "detailDeliveryNote")
        self.custody_button = named(QPushButton(), "detailCustodyReport")
        self.receipt_button.setVisible(allowed(self._session.role, Permission.PRINT_RECEIPT))
        self.delivery_button.setVisible(False)  # once loaded: only for a delivered item
        self.custody_button.setVisible(allowed(self._session.role, Permission.PRINT_REPORTS))
        self.receipt_button.clicked.connect(lambda: self.print_document("receipt"))
        self.delivery_button.clicked.connect(lambda: self.print_document("delivery"))
        self.custody_button.clicked.connect(lambda: self.print_document("custody"))
        # Custody moves: shown once loaded, when the role, the item's status and its holder allow them.
        self._moves: dict[str, QPushButton] = {
            "handover": self.handover_button,
            "out_for_delivery": self.out_button,
            "deliver": self.deliver_button,
            "deliver_external": self.deliver_external_button,
            FAIL: self.fail_button,
            RETURN: self.return_button,
            FORWARD: self.forward_button,
            "arrive": self.arrive_button,
        }
        for button in self._moves.values():
            button.setVisible(False)
        self.note_button.setVisible(allowed(self._session.role, Permission.NOTE))
        self.handover_button.clicked.connect(lambda: self.transfer_requested.emit([self._tracking], "handover"))
        self.deliver_button.clicked.connect(lambda: self.transfer_requested.emit([self._tracking], "deliver"))
        self.deliver_external_button.clicked.connect(self.ask_deliver_external)
        self.out_button.clicked.connect(self.out_for_delivery)
        self.fail_button.clicked.connect(lambda: self.ask_redirect(FAIL))
        self.return_button.clicked.connect(lambda: self.ask_redirect(RETURN))
        self.forward_button.clicked.connect(lambda: self.ask_redirect(FORWARD))
        self.arrive_button.clicked.connect(self.ask_arrive)
        self.pass_on_button.clicked.connect(self.ask_pass_on)
        self.note_button.clicked.connect(self._ask_note)
        self.incident_button.setVisible(allowed(self._session.role, Permission.REPORT_INCIDENT))
        self.close_incident_button.setVisible(False)  # once loaded: auditors, for an item with open incidents
        self.incident_button.clicked.connect(self.ask_incident)
        self.close_incident_button.clicked.connect(self.ask_close_incident)
        self.refresh_button.clicked.connect(self.reload)
        self.close_button.clicked.connect(self.close)
        moves = QHBoxLayout()
        for button in (*self._moves.values(), self.pass_on_button):
            moves.addWidget(button)
        moves.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.note_button, self.incident_button, self.close_incident_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.receipt_button, self.delivery_button, self.custody_button):
            buttons.addWidget(button)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.flag_label)
        layout.addWidget(self.fields_box)
        layout.addWidget(self.timeline_box, 1)
        layout.addWidget(self.message)
        layout.addLayout(moves)
        layout.addLayout(buttons)
        show_message(self.message, "")
        self.flag_label.setVisible(False)
        enter_confirms(self, None)  # many actions, none of them what Enter should mean

    def _retranslate(self) -> None:
        self.setWindowTitle(t("Item {tracking}", tracking=self._tracking))
        self.fields_box.setTitle(t("Item"))
        self.timeline_box.setTitle(t("Chain of custody"))
        self.handover_button.setText(t("&Hand over…"))
        self.deliver_button.setText(t("&Deliver…"))
        self.deliver_external_button.setText(t("Deliver to a person without an account…"))
        self.out_button.setText(t("Go out for delivery"))
        self.fail_button.setText(t("Delivery failed…"))
        self.return_button.setText(t("Return to sender…"))
        self.forward_button.setText(t("Forward…"))
        self.arrive_button.setText(t("Receive at this office…"))
        self.pass_on_button.setText(t("Pass on to the named person…"))
        self.note_button.setText(t("Add a &note…"))
        self.incident_button.setText(t("Report an inci&dent…"))
        self.close_incident_button.setText(t("Close an incide&nt…"))
        self.receipt_button.setText(t("&Print receipt…"))
        self.delivery_button.setText(t("Print deli&very confirmation…"))
        self.custody_button.setText(t("C&ustody report…"))
        self.refresh_button.setText(t("&Refresh"))
        self.close_button.setText(t("&Close"))
        self.timeline.retranslate()
        if self._item:
            self._show_item()

    # ---- data ----------------------------------------------------------------------------------------------

    def reload(self) -> None:
        session, tracking = self._session, self._tracking

        def work() -> Loaded:
            row = items.item_row(session, tracking)
            events = items.timeline(session, tracking)
            users = {u.username: u.full_name for u in directory.list_users(session)}
            agencies = {a.code: a.name for a in directory.list_agencies(session)}
            return row, events, users, agencies

        run_op(self, work, self._loaded, self._failed)

    def _loaded(self, loaded: Loaded) -> None:
        self._item, events, self._user_names, self._agency_names = loaded
        self._missing_from = bags.missing_from_bag(events, self._item.tracking)
        self.timeline.set_events(events, self._user_names)
        self.table.resizeRowsToContents()
        self._show_item()

    def _failed(self, error: UserFacingError) -> None:
        show_message(self.message, error.message())

    def _agency(self, code: object) -> str:
        name = self._agency_names.get(str(code or ""))
        return f"{code} - {name}" if name else str(code or "")

    def _user(self, username: object) -> str:
        name = self._user_names.get(str(username or ""))
        return f"{name} ({username})" if name else str(username or "")

    def _loaded_item(self) -> ItemRecord:
        """The item shown (the dialog's actions exist only once it is loaded)."""
        if self._item is None:
            raise RuntimeError("item not loaded yet")
        return self._item

    def _rows(self) -> list[tuple[str, str]]:
        it = self._loaded_item()
        named = it.named_recipient or ""
        if named and it.named_only:
            named += " - " + t("only this person may open")
        seals = " ".join(x for x in (it.seal_numbers or "", "(" + lbl(SealCondition(it.seal_condition))
                                                                    + ")") if x)
        where = it.location or ""
        if it.bag:
            where += " / " + t("bag {bag}", bag=it.bag)
        person = " - ".join(x for x in (it.sender_person, it.sender_person_id) if x)
        delivered = ""
        if it.delivered_at:
            delivered = fmt_time(it.delivered_at) + " - " + self._user(it.delivered_to)
        return [
            (N_("Tracking number"), it.tracking),
            (N_("Status"), lbl(ItemStatus(it.status))),
            (N_("Sender"), self._agency(it.sender_agency)),
            (N_("Recipient"), self._agency(it.recipient_agency)),
            (N_("Person handing in"), person),
            (N_("Named recipient"), named),
            (N_("Secrecy"), lbl(Secrecy(it.secrecy))),
            (N_("Service"), lbl(ServiceClass(it.service)) + " / " + lbl(Scope(it.scope))),
            (N_("Appointed time"), fmt_time(it.appointed_at)),
            (N_("Document number and code"), it.doc_ref or ""),
            (N_("Envelopes"), str(it.envelopes or "")),
            (N_("Weight (g)"), str(it.weight_grams or "")),
            (N_("Seals"), seals),
            (N_("Held by"), self._user(it.holder)),
            (N_("Where"), where),
            (N_("Accepted"), fmt_time(it.accepted_at) + " - " + self._user(it.accepted_by)),
            (N_("Due"), fmt_time(it.due_at)),
            (N_("Delivered"), delivered),
            (N_("Description"), it.description or ""),
            (N_("Notes"), it.notes or ""),
        ]

    def _show_item(self) -> None:
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        rows = self._rows()
        it = self._loaded_item()
        half = (len(rows) + 1) // 2
        for i, (source, value) in enumerate(rows):
            column = 0 if i < half else 2
            name = QLabel(t(source))
            name.setObjectName("fieldName")
            shown = PlainLabel(value, wrap=True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(name, i % half, column, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(shown, i % half, column + 1)
        for move, button in self._moves.items():
            button.setVisible(may(self._session, it, "deliver" if move == "deliver_external" else move))
        delivered = it.status == ItemStatus.DELIVERED.value
        self.pass_on_button.setVisible(delivered and bool(it.named_only)
                                       and it.holder == self._session.user.username
                                       and allowed(self._session.role, Permission.PASS_ON))
        self.delivery_button.setVisible(delivered and allowed(self._session.role, Permission.PRINT_RECEIPT))
        incidents_open = it.open_incidents
        self.flag_label.setVisible(incidents_open > 0)
        self.close_incident_button.setVisible(incidents_open > 0
                                              and allowed(self._session.role, Permission.CLOSE_INCIDENT))
        flag = "⚠ " + nt("{count} open incident on this item: handle with care and see the timeline.",
                         "{count} open incidents on this item: handle with care and see the timeline.",
                         incidents_open)
        if self._missing_from:
            flag = "✗ " + t("MISSING from bag {bag} when it was opened.", bag=self._missing_from) + "\n" + flag
        self.flag_label.setText(flag)
        ok = self.timeline.all_signatures_ok()
        count = self.timeline.rowCount()
        self.chain_label.setProperty("messageKind", "ok" if ok else "error")
        self.chain_label.setText(("✓ " + nt("The {count} event carries a valid signature.",
                                                     "All {count} events carry valid signatures.", count)) if ok
                                 else ("✗ " + t("Some signatures do NOT verify: see the last column.")))
        self.chain_label.style().unpolish(self.chain_label)
        self.chain_label.style().polish(self.chain_label)

    # ---- printed documents ---------------------------------------------------------------------------------

    def print_document(self, kind: str) -> None:
        """Render the receipt, delivery confirmation or custody report and open its print preview."""
        session, tracking = self._session, self._tracking
        documents: dict[str, tuple[Writer, str, str]] = {
            "receipt": (lambda out: reports.receipt(session, tracking, out),
                        t("Receipt {tracking}", tracking=tracking), f"bien-nhan-{tracking}.pdf"),
            "delivery": (lambda out: reports.delivery(session, tracking, out),
                         t("Delivery confirmation {tracking}", tracking=tracking), f"xac-nhan-da-nhan-{tracking}.pdf"),
            "custody": (lambda out: reports.custody(session, tracking, out),
                        t("Custody report {tracking}", tracking=tracking), f"chuoi-luu-giu-{tracking}.pdf"),
        }
        write, title, file_name = documents[kind]
        show_message(self.message, "")
        preview_document(self, write, title, file_name, session.paths.root, self._preview_opened, self._failed,
                         record=print_recorder(session, kind, tracking))

    def _preview_opened(self, dialog: PdfPreviewDialog) -> None:
        self.preview = dialog

    # ---- custody moves ------------------------------------------------------------------------------------

    def out_for_delivery(self) -> None:
        session, tracking = self._session, self._tracking
        show_message(self.message, "")
        self.out_button.setEnabled(False)

        def done(_: object) -> None:
            self.out_button.setEnabled(True)
            self._recorded(t("Out for delivery: recorded."))

        def failed(error: UserFacingError) -> None:
            self.out_button.setEnabled(True)
            self._failed(error)

        run_op(self, lambda: transfers.out_for_delivery(session, tracking), done, failed)

    def ask_redirect(self, mode: str) -> RedirectDialog:
        dialog = RedirectDialog(self._session, self._loaded_item(), mode, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _: self._recorded(t("Recorded.")))
        dialog.start()
        dialog.open()
        return dialog

    def ask_arrive(self) -> ArriveDialog:
        item = self._loaded_item()
        dialog = ArriveDialog(self._session, item, self._user_names.get(item.holder or "", ""), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _: self._recorded(t("Received at this office.")))
        dialog.open()
        return dialog

    def ask_pass_on(self) -> DeliverExternalDialog:
        dialog = DeliverExternalDialog(self._session, self._loaded_item(), self, pass_on=True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _: self._recorded(t("Passed on to the named person.")))
        dialog.open()
        return dialog

    def ask_deliver_external(self) -> DeliverExternalDialog:
        dialog = DeliverExternalDialog(self._session, self._loaded_item(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _: self._recorded(t("Delivered.")))
        dialog.open()
        return dialog

    # ---- note ----------------------------------------------------------------------------------------------

    def _ask_note(self) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("noteDialog")
        dialog.setWindowTitle(t("Add a note"))
        dialog.setLabelText(t("Note or correction (recorded as a new signed event; nothing is edited):"))
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self._add_note)
        dialog.open()

    def _add_note(self, text: str) -> None:
        session, tracking = self._session, self._tracking

        def done(_: object) -> None:
            show_message(self.message, t("Recorded."), kind="ok")
            self.changed.emit()
            self.reload()

        run_op(self, lambda: incidents.add_note(session, tracking, text), done, self._failed)

    # ---- incidents -----------------------------------------------------------------------------------------

    def ask_incident(self) -> ReportIncidentDialog:
        dialog = ReportIncidentDialog(self._session, self._tracking, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _: self._recorded(t("Incident recorded.")))
        dialog.open()
        return dialog

    def ask_close_incident(self) -> CloseIncidentDialog:
        dialog = CloseIncidentDialog(self._session, self._tracking, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.closed.connect(lambda _: self._recorded(t("Incident closed.")))
        dialog.start()
        dialog.open()
        return dialog

    def _recorded(self, text: str) -> None:
        show_message(self.message, text, kind="ok")
        self.changed.emit()
        self.reload()

    def item(self) -> ItemRecord | None:
        """The item as last loaded (None until it is)."""
        return self._item
