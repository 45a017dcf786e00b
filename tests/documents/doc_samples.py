"""Realistic Vietnamese sample data for the document tests (NFC text, long names, hostile markup)."""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta

from securemail.documents.models import (
    AuditCheck,
    AuditData,
    AuditProblem,
    CustodyData,
    CustodyEvent,
    DeliveryData,
    Imprint,
    ItemSummary,
    ManifestData,
    ManifestItem,
    OverdueData,
    OverdueItem,
    ReceiptData,
    RegisterData,
    RegisterKind,
    Secrecy,
    ServiceStat,
)

SENDER = "Sở Khoa học và Công nghệ tỉnh Gia Lai"
RECIPIENT = "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk - Phòng Hành chính, Tổ chức và Quản trị (bộ phận văn thư mật)"
PERSON = "Nguyễn Thị Hồng Nhung"
CLERK = "Trần Văn Bảo"
TRACKING = "KA123456785VN"
TUYET_MAT = Secrecy(code="A", label="Tuyệt mật")
TOI_MAT = Secrecy(code="B", label="Tối mật")
MAT = Secrecy(code="C", label="Mật")
NOW = datetime(2026, 3, 12, 9, 45)
IMPRINT = Imprint(office_name="Bưu điện tỉnh Gia Lai", printed_by="Lê Thị Thu Hà", printed_at=NOW)


def payload(seed: str = "r", length: int = 360) -> str:
    """An ASCII stand-in for the signed statement (the real one is base64url-ish, ~250-400 chars)."""
    alphabet = string.ascii_letters + string.digits + "-_.:"
    body = "".join(alphabet[(i * 7 + ord(seed[i % len(seed)])) % len(alphabet)] for i in range(length))
    return f"SM1:{body}"


def receipt(**changes: object) -> ReceiptData:
    fields: dict[str, object] = {
        "imprint": IMPRINT,
        "qr_payload": payload("receipt"),
        "tracking": TRACKING,
        "sender_agency": SENDER,
        "sender_person": PERSON,
        "sender_person_id": "064190001234",
        "recipient_agency": RECIPIENT,
        "named_recipient": "Phạm Quốc Hưng, Chánh Văn phòng",
        "named_only": True,
        "secrecy": TUYET_MAT,
        "service_class": "Hỏa tốc",
        "scope": "Liên tỉnh",
        "doc_ref": "Số 125/SKHCN-VP ngày 10/03/2026",
        "envelopes": 2,
        "weight_grams": 1250,
        "seals": "GL-000451, GL-000452",
        "seal_condition": "Nguyên vẹn, dấu niêm phong rõ nét",
        "accepted_at": NOW,
        "due_at": NOW + timedelta(days=3),
        "due_basis": "J + 2,5 ngày làm việc (TT 16/2017/TT-BTTTT)",
        "clerk_name": CLERK,
        "notes": "Ghi chú <b>không</b> phải markup & ký tự đặc biệt",
    }
    fields.update(changes)
    return ReceiptData(**fields)  # type: ignore[arg-type]


def manifest(items: int = 12) -> ManifestData:
    rows = [
        ManifestItem(
            tracking=f"KA{100000 + i:06d}{i % 10}VN",
            secrecy_code="ABC "[i % 4].strip(),
            service_class=["Thường", "Hỏa tốc", "Hẹn giờ"][i % 3],
            recipient=RECIPIENT if i % 5 == 0 else SENDER,
            envelopes=2 if i % 4 == 0 else 1,
            weight_grams=150 + 10 * i,
        )
        for i in range(items)
    ]
    return ManifestData(
        imprint=IMPRINT,
        qr_payload=payload("manifest", 300),
        bag_number="GL-DL-2026-00042",
        seal="KT1-77881",
        from_office="Bưu điện tỉnh Gia Lai",
        to_office="Bưu điện tỉnh Đắk Lắk",
        closed_at=NOW,
        items=rows,
        handed_by=CLERK,
        received_by="Võ Minh Tuấn",
    )


def delivery() -> DeliveryData:
    return DeliveryData(
        imprint=IMPRINT,
        qr_payload=payload("delivery", 280),
        tracking=TRACKING,
        sender_agency=SENDER,
        recipient_agency=RECIPIENT,
        named_recipient="Phạm Quốc Hưng",
        secrecy=TUYET_MAT,
        service_class="Hỏa tốc",
        doc_ref="Số 125/SKHCN-VP ngày 10/03/2026",
        envelopes=2,
        seal_condition="Nguyên vẹn",
        delivered_at=NOW + timedelta(days=1, hours=3),
        receiving_person=PERSON,
        receiving_person_title="Văn thư",
        receiving_person_id="064085123456",
        delivered_by="Võ Minh Tuấn",
    )


def custody(events: int = 8) -> CustodyData:
    labels = ["Chấp nhận", "Đóng túi", "Bàn giao", "Đến bưu cục", "Đi phát", "Đã phát"]
    timeline = [
        CustodyEvent(
            seq=1000 + i,
            time=NOW + timedelta(hours=5 * i),
            label=labels[i % len(labels)],
            actor=[CLERK, "Võ Minh Tuấn", PERSON][i % 3],
            cosigner=PERSON if i % 2 else None,
            place="Bưu điện tỉnh Gia Lai" if i < 3 else "Bưu điện tỉnh Đắk Lắk",
            signature_ok=i != 4,
            event_hash=f"{i:02x}" + "9f3ab27c" * 8,
        )
        for i in range(events)
    ]
    item = ItemSummary(
        tracking=TRACKING,
        sender_agency=SENDER,
        recipient_agency=RECIPIENT,
        secrecy=TUYET_MAT,
        service_class="Hỏa tốc",
        scope="Liên tỉnh",
        doc_ref="Số 125/SKHCN-VP",
        accepted_at=NOW,
        due_at=NOW + timedelta(days=3),
        status="Đã phát",
    )
    return CustodyData(imprint=IMPRINT, qr_payload=payload("custody", 320), item=item, events=timeline)


def register_rows(count: int) -> list[dict[str, str]]:
    rows = []
    for i in range(count):
        rows.append(
            {
                "so_thu_tu": str(i + 1),
                "so_ky_hieu": f"{i + 1}/SKHCN-VP",
                "ngay_thang": f"{1 + i % 28:02d}/03/2026",
                "trich_yeu": "Công văn"
                if i % 3 == 0
                else "Báo cáo tình hình thực hiện nhiệm vụ bảo vệ bí mật nhà nước",
                "do_mat": ["Tuyệt mật", "Tối mật", "Mật"][i % 3],
                "nguoi_ky": "Nguyễn Văn An",
                "noi_nhan": RECIPIENT if i % 4 == 0 else "Công an tỉnh Gia Lai",
                "don_vi_luu": "Văn phòng Sở",
                "so_luong": str(1 + i % 3),
                "ghi_chu": "",
            }
        )
    return rows


def register(count: int = 30, start: date = date(2026, 3, 1), end: date = date(2026, 3, 31)) -> RegisterData:
    return RegisterData(
        imprint=IMPRINT,
        qr_payload=payload("register", 260),
        kind=RegisterKind.SECRET_OUTGOING,
        period_start=start,
        period_end=end,
        agency_name=SENDER,
        superior_agency="Ủy ban nhân dân tỉnh Gia Lai",
        volume="01",
        rows=register_rows(count),
        first_number=1 if count else None,
        last_number=count or None,
    )


def overdue() -> OverdueData:
    stats = [
        ServiceStat(service_class="Thường", scope="Nội tỉnh", total=120, met=117, late=2, pending=1),
        ServiceStat(service_class="Thường", scope="Liên tỉnh", total=64, met=60, late=3, pending=1),
        ServiceStat(service_class="Hỏa tốc", scope="Liên tỉnh", total=9, met=9, late=0, pending=0),
        ServiceStat(service_class="Hẹn giờ", scope="Nội tỉnh", total=0, met=0, late=0, pending=0),
    ]
    items = [
        OverdueItem(
            tracking=f"KA20000{i}5VN",
            secrecy_code="B",
            service_class="Thường",
            scope="Liên tỉnh",
            recipient_agency=RECIPIENT,
            accepted_at=NOW - timedelta(days=6),
            due_at=NOW - timedelta(days=2, hours=i),
            delivered_at=None if i % 2 else NOW - timedelta(hours=3),
            status="Đang chuyển" if i % 2 else "Đã phát",
        )
        for i in range(5)
    ]
    return OverdueData(
        imprint=IMPRINT,
        qr_payload=payload("overdue", 250),
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        as_of=NOW,
        norms_source="TT 16/2017/TT-BTTTT, Điều 4 khoản 4",
        stats=stats,
        overdue_items=items,
    )


def audit(ok: bool = False) -> AuditData:
    problems = (
        []
        if ok
        else [
            AuditProblem(
                seq=1004,
                tracking=TRACKING,
                code="SIG_INVALID",
                message="Chữ ký của sự kiện không khớp với khóa công khai của người dùng tại thời điểm ký",
                group="Chữ ký và chữ ký nhận",
            ),
            AuditProblem(
                seq=None,
                tracking=None,
                code="CHECKPOINT_ROLLBACK",
                message="Kho dữ liệu cũ hơn điểm kiểm tra đã xuất ngày 10/03/2026",
            ),
        ]
    )
    return AuditData(
        imprint=IMPRINT,
        qr_payload=payload("audit", 200),
        verified_at=NOW,
        events_checked=15234,
        checkpoints_checked=12,
        ok=ok,
        content_hash="b3f1" + "0a1b2c3d" * 7 + "9e8f",
        checks=[
            AuditCheck(label="Chữ ký từng sự kiện", ok=ok, detail="15.234 sự kiện"),
            AuditCheck(label="Liên kết chuỗi băm", ok=True),
            AuditCheck(label="Cây Merkle và điểm kiểm tra", ok=ok),
        ],
        problems=problems,
    )
