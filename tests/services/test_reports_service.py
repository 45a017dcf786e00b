"""Printed documents from a real vault: content (text extracted with pypdf), QR statements read back from a
150 dpi render and verified offline, and tampering refused."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from securemail.cli.main import main as cli_main
from securemail.errors import BadInputError
from securemail.services import bags, reports, statements, transfers
from securemail.services.audit import verify_vault


def pdf_text(data: bytes) -> str:
    """Extracted text with all whitespace removed: table cells wrap words onto new lines."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return Flat("".join(text.split()))


class Flat(str):
    def __contains__(self, other: object) -> bool:
        return isinstance(other, str) and "".join(other.split()) in str(self)


def render(fn, *args) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    payload = fn(*args, buf)
    return buf.getvalue(), payload


@pytest.fixture
def office(vault, kit):  # type: ignore[no-untyped-def]
    clerk = vault.open("clerk1")
    t = vault.accept(clerk, description="Báo cáo tổng kết công tác bảo vệ bí mật nhà nước năm 2025",
                     doc_ref="15/BC-STP", seal_numbers="NP-0001", weight_grams=120,
                     sender_person="Nguyễn Thị Hồng Nhung", sender_person_id="064123456789")
    return vault, clerk, t


def test_receipt_content_and_qr_from_a_150_dpi_render(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, t = office
    data, payload = render(reports.receipt, clerk, t)
    text = pdf_text(data)
    for golden in ("BIÊN NHẬN BƯU GỬI KT1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   t, "Sở Tư pháp tỉnh Gửi", "Văn phòng Tỉnh ủy Nhận", "Nguyễn Thị Hồng Nhung", "Mật",
                   "Báo cáo tổng kết công tác bảo vệ bí mật nhà nước năm 2025", "Lê Văn Giao", "Trang 1/1",
                   "(Ký, ghi rõ họ tên)"):
        assert golden in text, golden
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    assert shutil.which("pdftoppm"), "poppler-utils is installed by `make test` (packaging/install-sysdeps.sh)"
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    png = next(tmp_path.glob("page*.png"))
    with Image.open(png) as img:
        found = {b.format.name: b.text for b in zxingcpp.read_barcodes(img)}
    assert found["QRCode"] == payload
    assert found["Code128"] == t
    key = clerk.office_public_key
    result = statements.check(found["QRCode"], trusted_keys=[key])
    assert result.valid and result.statement is not None
    assert result.statement.kind == "receipt" and result.statement.ident == t
    event_hash = [e for e in clerk.conn.execute("SELECT kind, event_hash FROM events WHERE subject = ?", (t,))]
    assert result.statement.digest == bytes(event_hash[0][1]).hex()


def test_every_changed_character_of_the_payload_is_refused(office) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, t = office
    _data, payload = render(reports.receipt, clerk, t)
    key = clerk.office_public_key
    assert statements.check(payload, trusted_keys=[key])
    for i in range(len(statements.PREFIX), len(payload)):
        if payload[i] == ".":
            continue
        swapped = "A" if payload[i] != "A" else "B"
        assert not statements.check(payload[:i] + swapped + payload[i + 1:], trusted_keys=[key]), i


def test_statement_needs_a_trusted_key(office) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, t = office
    _data, payload = render(reports.receipt, clerk, t)
    assert statements.check(payload).reason == "no_trusted_key"
    assert statements.check(payload, trusted_keys=[b"\x01" * 32]).reason == "key_mismatch"
    from securemail.crypto.signing import fingerprint
    assert statements.check(payload, trusted_fingerprints=[fingerprint(clerk.office_public_key)])


def test_delivery_manifest_custody_documents(office) -> None:  # type: ignore[no-untyped-def]
    vault, clerk, t = office
    t2 = vault.accept(clerk, secrecy="tuyet-mat", doc_ref="02/MT-STP")
    bag = bags.create_bag(clerk, "REC")
    bags.add_to_bag(clerk, bag, [t2])
    bags.close_bag(clerk, bag, "KP-778899")
    data, payload = render(reports.manifest, clerk, bag)
    text = pdf_text(data)
    assert t2 in text and "KP-778899" in text and "Văn phòng Tỉnh ủy Nhận" in text
    assert statements.check(payload, trusted_keys=[clerk.office_public_key]).statement.kind == "manifest"

    sec, sec_user = vault.cosign(clerk, "sec1")
    transfers.deliver(clerk, t, to=sec, to_user=sec_user)
    data, payload = render(reports.delivery, clerk, t)
    text = pdf_text(data)
    assert "Nguyễn Thị Lan" in text and t in text
    assert statements.check(payload, trusted_keys=[clerk.office_public_key]).statement.kind == "delivery"

    data, _ = render(reports.custody, clerk, t)
    text = pdf_text(data)
    assert "Nhận gửi tại quầy" in text and "Đã phát" in text and "Hợp lệ" in text


def test_register_overdue_and_audit(office) -> None:  # type: ignore[no-untyped-def]
    vault, clerk, t = office
    vault.accept(clerk, secrecy="tuyet-mat", doc_ref="07/TM")
    day = vault.clock.now().date()
    data, _ = render(reports.register, clerk, "handover", day, day)   # the post office's own book
    text = pdf_text(data)
    assert "15/BC-STP" in text and "07/TM" in text and "SỔ THEO DÕI GIAO NHẬN BƯU GỬI KT1" in text
    vault.clock.advance(timedelta(days=10))
    data, _ = render(reports.overdue, clerk, day, day)
    assert t in pdf_text(data)
    report = verify_vault(clerk, full=True)
    assert report
    data, payload = render(reports.audit, clerk, report)
    assert statements.check(payload, trusted_keys=[clerk.office_public_key]).statement.kind == "audit"


def test_agency_registers_are_not_printed_at_a_post_office(office) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, _t = office
    with pytest.raises(BadInputError) as err:    # (the change of form on 01/03/2026: test_law_registers)
        reports.register(clerk, "outgoing", date(2026, 2, 20), date(2026, 3, 10), io.BytesIO())
    assert err.value.key == "report.register_agency_only"


def test_cli_receipt_verify_exit_codes(office, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _vault, clerk, t = office
    data, payload = render(reports.receipt, clerk, t)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    keyfile = tmp_path / "office.key"
    keyfile.write_text(statements.office_key_file_text(clerk), encoding="utf-8")
    for var in ("SECUREMAIL_VAULT", "SECUREMAIL_USER", "SECUREMAIL_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    assert cli_main(["receipt", "verify", "--pdf", str(pdf), "--office-key", str(keyfile)]) == 0
    assert cli_main(["receipt", "verify", "--text", payload, "--office-key", str(keyfile)]) == 0
    tampered = payload[:40] + ("x" if payload[40] != "x" else "y") + payload[41:]
    assert cli_main(["receipt", "verify", "--text", tampered, "--office-key", str(keyfile)]) == 1
    junk = tmp_path / "junk.png"
    Image.new("RGB", (50, 50), "white").save(junk)
    assert cli_main(["receipt", "verify", "--image", str(junk), "--office-key", str(keyfile)]) == 2
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    assert cli_main(["receipt", "verify", "--pdf", str(tmp_path / "broken.pdf"), "--office-key", str(keyfile)]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.err


def test_custody_report_and_manifest_carry_code128(office) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2

    _vault, clerk, t = office
    bag = bags.create_bag(clerk, "REC")
    bags.add_to_bag(clerk, bag, [t])
    bags.close_bag(clerk, bag, "KP-1")
    for fn, arg in ((reports.custody, t), (reports.manifest, bag)):
        data, payload = render(fn, clerk, arg)
        pdf = pypdfium2.PdfDocument(data)
        image = pdf[0].render(scale=150 / 72).to_pil()
        found = {b.format.name: b.text for b in zxingcpp.read_barcodes(image)}
        pdf.close()
        assert found["Code128"] == arg
        assert found["QRCode"] == payload
