"""Plain, already-prepared data for the printed documents.

The services fill these; the renderers only lay them out. Text is shown exactly as given (escaped, NFC-
normalised), datetimes are printed as given (pass local office time), and ``qr_payload`` is an opaque ASCII
string that is only drawn as a QR code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True, kw_only=True)
class Imprint:
    """Who prints, for which office, and when (shown in the header and footer of every page)."""

    office_name: str  # e.g. "Bưu điện tỉnh Gia Lai"; printed in capitals in the header
    printed_by: str
    printed_at: datetime
    unit: str | None = "Bưu điện KT1"  # the issuing unit under the office; None at an agency desk (the agency issues)


@dataclass(frozen=True, slots=True, kw_only=True)
class Issuance:
    """How a report that is a báo cáo is issued (NĐ 30/2020/NĐ-CP Phụ lục I): who issues it, its number and code,
    the place and date line, who signs in which position, and where it goes ("Nơi nhận")."""

    superior: str | None  # cơ quan chủ quản, above the issuer (None: none)
    issuer: str  # cơ quan, tổ chức ban hành
    number: str | None  # the number the văn thư gives it when issuing; None: left blank to be written in
    code: str  # ký hiệu after the number, e.g. "BC-BĐGL"
    place: str  # địa danh of the date line
    day: date  # the date of the report
    signer_title: str  # quyền hạn, chức vụ of the signer
    signer_name: str  # họ và tên
    recipients: Sequence[str]  # Nơi nhận; the file copy ("Lưu: VT") is added when printed


@dataclass(frozen=True, slots=True, kw_only=True)
class Secrecy:
    code: str  # envelope code letter "A" / "B" / "C", or "" when not secret
    label: str  # "Tuyệt mật", "Tối mật", "Mật", "Không mật"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptData:
    """Biên nhận bưu gửi KT1 (A5), handed to the sender's messenger at the counter."""

    imprint: Imprint
    qr_payload: str
    tracking: str
    sender_agency: str
    sender_person: str
    sender_person_id: str | None = None  # ID card number of a messenger without an account
    recipient_agency: str
    named_recipient: str | None = None
    named_only: bool = False  # "Chỉ người có tên mới được bóc bì"
    secrecy: Secrecy
    service_class: str  # "Thường", "Hỏa tốc", "Hẹn giờ"
    urgency: str | None = None  # the document's urgency mark (độ khẩn), when it has one
    scope: str  # "Nội tỉnh", "Liên tỉnh"
    doc_ref: str  # number, code and date as written on the envelope
    description: str | None = None  # abstract; never given for Tuyệt mật
    envelopes: int
    weight_grams: int | None = None
    seals: str
    seal_condition: str
    recall_deadline: datetime | None = None  # "Tài liệu thu hồi" and its deadline
    accepted_at: datetime
    due_at: datetime | None = None
    due_basis: str | None = None  # e.g. "J + 3,5 ngày làm việc (TT 16/2017/TT-BTTTT)"
    clerk_name: str
    notes: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestItem:
    tracking: str
    secrecy_code: str  # "A" / "B" / "C" / ""
    service_class: str
    recipient: str
    envelopes: int
    weight_grams: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestData:
    """Bảng kê chi tiết gửi: the contents of one closed bag / dispatch."""

    imprint: Imprint
    qr_payload: str
    bag_number: str
    seal: str
    from_office: str
    to_office: str
    closed_at: datetime | None = None
    items: Sequence[ManifestItem]
    handed_by: str | None = None  # printed name under "Bên giao"
    received_by: str | None = None  # printed name under "Bên nhận"
    notes: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryData:
    """Phiếu xác nhận đã nhận: signed by the receiving agency's secretary."""

    imprint: Imprint
    qr_payload: str
    tracking: str
    sender_agency: str
    recipient_agency: str
    named_recipient: str | None = None
    secrecy: Secrecy
    service_class: str
    urgency: str | None = None  # the document's urgency mark (độ khẩn), when it has one
    doc_ref: str
    envelopes: int
    seal_condition: str
    delivered_at: datetime
    receiving_person: str
    receiving_person_title: str | None = None  # position, e.g. "Văn thư"
    receiving_person_id: str | None = None  # số định danh / căn cước of a person without an account
    delivered_by: str  # clerk or courier who handed it over


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemSummary:
    tracking: str
    sender_agency: str
    recipient_agency: str
    secrecy: Secrecy
    service_class: str
    scope: str
    doc_ref: str
    accepted_at: datetime
    due_at: datetime | None = None
    status: str  # current state label, e.g. "Đã phát"


@dataclass(frozen=True, slots=True, kw_only=True)
class CustodyEvent:
    seq: int
    time: datetime
    label: str  # "Chấp nhận", "Bàn giao", ...
    actor: str
    cosigner: str | None = None
    place: str
    signature_ok: bool
    event_hash: str  # hex; the report prints a prefix


@dataclass(frozen=True, slots=True, kw_only=True)
class CustodyData:
    """Báo cáo chuỗi lưu giữ: one item and its full timeline."""

    imprint: Imprint
    qr_payload: str
    item: ItemSummary
    events: Sequence[CustodyEvent]


class RegisterKind(StrEnum):
    SECRET_OUTGOING = "secret-outgoing"  # noqa: S105 - not a password; sổ đăng ký bí mật nhà nước đi
    SECRET_INCOMING = "secret-incoming"  # noqa: S105 - not a password; sổ đăng ký bí mật nhà nước đến
    POST_OUTGOING = "post-outgoing"  # sổ gửi văn bản đi bưu điện (NĐ 30/2020)
    HANDOVER_BOOK = "handover-book"  # the KT1 desk's own record of what it received and handed on


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterData:
    """A register for one period. Each row maps column keys of the chosen layout to text."""

    imprint: Imprint
    qr_payload: str
    kind: RegisterKind
    period_start: date
    period_end: date
    agency_name: str  # the unit keeping the register
    superior_agency: str | None = None
    volume: str | None = None  # "Quyển số"
    rows: Sequence[Mapping[str, str]]
    layout_id: str | None = None  # force a layout; otherwise chosen by the period's dates
    first_number: int | None = None  # "từ số": the first entry number printed (numbers run per year)
    last_number: int | None = None  # "đến số"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceStat:
    service_class: str
    scope: str
    total: int
    met: int  # first delivery attempt within the norm (TT 16/2017: the first attempt stops the clock)
    late: int  # first attempt late, none yet past the due time, or Hẹn giờ far too early without a note
    pending: int  # no attempt yet, not yet due: left out of the on-time rate

    @property
    def counted(self) -> int:
        """Items the on-time rate is computed over (``pending`` left out), as `norm rates` does."""
        return self.total - self.pending


@dataclass(frozen=True, slots=True, kw_only=True)
class OverdueItem:
    tracking: str
    secrecy_code: str
    service_class: str
    scope: str
    recipient_agency: str
    accepted_at: datetime
    due_at: datetime
    delivered_at: datetime | None = None  # the first delivery attempt (delivered or failed)
    early: bool = False  # Hẹn giờ attempted well before the appointment, without a note
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OverdueData:
    """Overdue / on-time report for a period."""

    imprint: Imprint
    qr_payload: str
    period_start: date
    period_end: date
    as_of: datetime
    norms_source: str  # where the delivery norms come from, e.g. "TT 16/2017/TT-BTTTT"
    stats: Sequence[ServiceStat]
    overdue_items: Sequence[OverdueItem]
    early_minutes: int = 60  # Hẹn giờ: how long before the appointment still counts as on time
    issuance: Issuance | None = None  # None: the issuer is the printing office, number left blank


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditCheck:
    label: str
    ok: bool
    detail: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditProblem:
    seq: int | None
    tracking: str | None
    code: str  # the verifier's code (kept for machines; never printed)
    message: str
    group: str = ""  # the kind of check it failed, in words (printed)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditTrailRow:
    """One entry of the application audit trail (services.audit_trail): no secrets, no item text."""

    seq: int
    time: datetime
    actor: str
    label: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditData:
    """Integrity audit report from a verification run."""

    imprint: Imprint
    qr_payload: str  # carries the report content hash
    verified_at: datetime
    events_checked: int
    checkpoints_checked: int
    ok: bool
    content_hash: str
    checks: Sequence[AuditCheck] = field(default_factory=tuple)
    problems: Sequence[AuditProblem] = field(default_factory=tuple)
    trail: Sequence[AuditTrailRow] = field(default_factory=tuple)   # newest entries, oldest first
    issuance: Issuance | None = None  # None: the issuer is the printing office, number left blank
