"""Every document renders, its Vietnamese text comes back out intact, and only our embedded fonts are used."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import doc_samples as s
import pytest
from pypdf import PdfReader

from securemail.documents import (
    render_audit,
    render_custody,
    render_delivery,
    render_manifest,
    render_overdue,
    render_receipt,
    render_register,
)
from securemail.documents.fonts import fonts_dir
from securemail.documents.models import Secrecy
from securemail.resources import RESOURCES_ENV

Render = Callable[[Any, Any], None]


def pdf_text(path: Path | io.BytesIO) -> list[str]:
    """Text of each page with runs of whitespace (line wraps) collapsed to one space."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


def render(fn: Render, data: Any, tmp_path: Path, name: str) -> tuple[Path, str]:
    out = tmp_path / f"{name}.pdf"
    fn(data, out)
    return out, " ".join(pdf_text(out))


COMMON = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "In bởi Lê Thị Thu Hà lúc 12/03/2026 09:45",
]
OFFICE = ["BƯU ĐIỆN TỈNH GIA LAI", "BƯU ĐIỆN KT1"]  # registers carry the keeping agency instead
# The reports that are báo cáo (NĐ 30/2020 Phụ lục I): issuer, number and code, place and date, Nơi nhận, signer.
BAO_CAO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BƯU ĐIỆN TỈNH GIA LAI", "Số:",
           "/BC", "12 tháng 3 năm 2026", "BÁO CÁO", "Nơi nhận:", "- Lưu: VT.", "NGƯỜI LẬP BÁO CÁO",
           "Lê Thị Thu Hà"]
OFFICIAL = ("overdue", "audit")

CASES: list[tuple[str, Render, Callable[[], Any], list[str]]] = [
    ("receipt", render_receipt, s.receipt, [
        "BIÊN NHẬN BƯU GỬI KT1", s.SENDER, s.PERSON, "Tuyệt mật", "A — Tuyệt mật", "Hỏa tốc — Liên tỉnh",
        "Chỉ người có tên mới được bóc bì", "Phạm Quốc Hưng, Chánh Văn phòng", "Số 125/SKHCN-VP ngày 10/03/2026",
        "2 bì — 1.250 g", "GL-000451, GL-000452", "12/03/2026 09:45", "15/03/2026 09:45", s.CLERK,
        "(Ký, ghi rõ họ tên)", "Quét để kiểm tra tính xác thực", s.TRACKING, "Văn phòng Ủy ban nhân dân tỉnh Đắk Lắk",
    ]),
    ("manifest", render_manifest, lambda: s.manifest(80), [
        "BẢNG KÊ CHI TIẾT GỬI", "GL-DL-2026-00042", "KT1-77881", "Bưu điện tỉnh Đắk Lắk", "Số hiệu bưu gửi",
        "Tổng cộng", "80 bưu gửi", "Bên giao", "Bên nhận", "Võ Minh Tuấn", "KA1000799VN",
    ]),
    ("delivery", render_delivery, s.delivery, [
        "PHIẾU XÁC NHẬN ĐÃ NHẬN", s.TRACKING, "13/03/2026 12:45", s.PERSON, "Văn thư", "Người nhận", "Người giao",
        "Tình trạng niêm phong khi nhận", "Số định danh / căn cước", "064085123456",
    ]),
    ("custody", render_custody, lambda: s.custody(40), [
        "BÁO CÁO CHUỖI LƯU GIỮ", "Hợp lệ", "KHÔNG hợp lệ", "1 chữ ký KHÔNG hợp lệ", "Bàn giao", "Đến bưu cục",
        "049f3ab27c9f", "1039", s.PERSON, "Đã phát",
    ]),
    ("register", render_register, lambda: s.register(40), [
        "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI", "ỦY BAN NHÂN DÂN TỈNH GIA LAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH GIA LAI",
        "Năm: 2026", "Từ ngày 01/03/2026 đến ngày 31/03/2026", "Từ số 1 đến số 40", "Quyển số: 01",
        "Mẫu sổ: Phụ lục III, Nghị định số 63/2026/NĐ-CP", "Nơi nhận và ký nhận", "Số lượng",
    ]),
    ("overdue", render_overdue, s.overdue, [
        "Bưu gửi KT1 đúng hạn và quá hạn", "từ ngày 01/03/2026 đến ngày 31/03/2026", "TT 16/2017/TT-BTTTT",
        "Tổng cộng",
        # rates leave out items not yet due: 117/119, 60/63, and 186/191 overall
        "98,3 %", "95,2 %", "97,4 %", "lần phát đầu tiên", "Phát lần đầu lúc", "chưa đến hạn",
        "Chưa phát (Đang chuyển)", "1 ngày 21 giờ", "KA2000045VN",
    ]),
    ("audit", render_audit, s.audit, [
        "Kết quả kiểm tra tính toàn vẹn", "Không đạt — phát hiện vấn đề (2)", "15.234", "Loại vấn đề",
        "Chữ ký và chữ ký nhận", "Kho dữ liệu cũ hơn điểm kiểm tra đã xuất ngày 10/03/2026",
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fn", "make", "golden"), CASES, ids=[c[0] for c in CASES])
def test_golden_text(name: str, fn: Render, make: Callable[[], Any], golden: list[str], tmp_path: Path) -> None:
    _, text = render(fn, make(), tmp_path, name)
    assert unicodedata.is_normalized("NFC", text)
    expected_common = BAO_CAO if name in OFFICIAL else [*COMMON, *(OFFICE if name != "register" else [])]
    for expected in [*expected_common, *golden]:
        assert expected in text, expected
    # no internal notes, raw codes or unconfirmed-column footnotes on paper
    for unwanted in ("mặc định", "CCCD", "CMND", "SIG_INVALID", "CHECKPOINT_ROLLBACK", "PROBLEMS", "(*)",
                     "chưa được xác nhận", "chưa đối chiếu", "bên thứ ba"):
        assert unwanted not in text, unwanted


@pytest.mark.parametrize(("name", "fn", "make"), [c[:3] for c in CASES], ids=[c[0] for c in CASES])
def test_only_our_embedded_fonts(name: str, fn: Render, make: Callable[[], Any], tmp_path: Path) -> None:
    """Be Vietnam Pro on receipts, slips and registers; the báo cáo in Liberation Serif, the Times New
    Roman-compatible face of NĐ 30/2020 Phụ lục I. Always embedded."""
    out, _ = render(fn, make(), tmp_path, name)
    fonts: dict[str, Any] = {}
    for page in PdfReader(out).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for base, font in fonts.items():
        expected = "LiberationSerif" if name in OFFICIAL else "BeVietnamPro"
        assert expected in base, f"{base} is not our font"
        assert "/FontFile2" in font["/FontDescriptor"], f"{base} is not embedded"


def test_receipt_says_can_cuoc_and_carries_no_internal_remark(tmp_path: Path) -> None:
    """Luật Căn cước 2023: "căn cước", not "CCCD/CMND"; the app's own "(mặc định, ...)" is not printed."""
    data = s.receipt(due_basis="J + 1 ngày làm việc (TT 16/2017/TT-BTTTT Đ.4 k.4)")
    _, text = render(render_receipt, data, tmp_path, "cancuoc")
    assert "số định danh / căn cước: 064190001234" in " ".join(text.split())
    assert "CCCD" not in text and "CMND" not in text and "mặc định" not in text


def test_markup_in_user_text_is_printed_literally(tmp_path: Path) -> None:
    data = s.receipt(notes='<font color="red">x</font> & <b>y', sender_person="Lê <i>Văn</i> Tám")
    _, text = render(render_receipt, data, tmp_path, "markup")
    assert '<font color="red">x</font> & <b>y' in text
    assert "Lê <i>Văn</i> Tám" in text


def test_decomposed_input_prints_composed(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", s.SENDER)
    assert nfd != s.SENDER
    _, text = render(render_receipt, s.receipt(sender_agency=nfd), tmp_path, "nfd")
    assert s.SENDER in text


def test_receipt_without_optional_fields(tmp_path: Path) -> None:
    data = s.receipt(
        named_recipient=None, named_only=False, sender_person_id=None, weight_grams=None, due_at=None,
        due_basis=None, notes=None, secrecy=Secrecy(code="", label="Không mật"), service_class="Thường",
    )  # fmt: skip
    _, text = render(render_receipt, data, tmp_path, "plain")
    assert "Chỉ người có tên mới được bóc bì" not in text
    assert "Không mật" in text
    assert "Trang 1/1" in text


def test_long_text_wraps_instead_of_running_off(tmp_path: Path) -> None:
    long_name = " ".join(["Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh Gia Lai"] * 3)
    _, text = render(render_receipt, s.receipt(recipient_agency=long_name), tmp_path, "long")
    assert long_name in text


def test_empty_tables_render(tmp_path: Path) -> None:
    manifest = s.manifest(0)
    _, text = render(render_manifest, manifest, tmp_path, "empty-manifest")
    assert "Túi không có bưu gửi" in text
    _, text = render(render_custody, s.custody(0), tmp_path, "empty-custody")
    assert "Chưa có sự kiện" in text
    _, text = render(render_audit, s.audit(ok=True), tmp_path, "ok-audit")
    assert "Đạt — không phát hiện vấn đề" in text
    assert "Không phát hiện vấn đề" in text


def test_renders_to_a_binary_stream() -> None:
    buffer = io.BytesIO()
    render_delivery(s.delivery(), buffer)
    assert buffer.getvalue().startswith(b"%PDF")
    assert s.PERSON in pdf_text(io.BytesIO(buffer.getvalue()))[0]


def test_qr_payload_and_tracking_must_be_ascii(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ASCII"):
        render_receipt(s.receipt(qr_payload="chữ ký"), tmp_path / "bad.pdf")
    with pytest.raises(ValueError, match="ASCII"):  # reportlab would silently drop the "é" from the barcode
        render_receipt(s.receipt(tracking="KA12é3"), tmp_path / "bad.pdf")


def test_page_numbers_count_every_page(tmp_path: Path) -> None:
    out, _ = render(render_custody, s.custody(120), tmp_path, "long-custody")
    pages = pdf_text(out)
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in text


def test_fonts_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path))
    assert fonts_dir() == tmp_path / "fonts"
    monkeypatch.delenv(RESOURCES_ENV)
    assert (fonts_dir() / "BeVietnamPro-Regular.ttf").is_file()
    assert (fonts_dir() / "OFL.txt").is_file()


def test_bao_cao_has_the_legal_margins_sizes_and_page_numbers_at_the_top(tmp_path: Path) -> None:
    """NĐ 30/2020 Phụ lục I: A4, left margin 30-35 mm, right 15-20 mm, top and bottom 20-25 mm; body 13-14 pt;
    the page number at the top centre from the second page on; Quốc hiệu 12-13 pt, Tiêu ngữ 13-14 pt."""
    from dataclasses import replace

    data = s.overdue()
    long = replace(data, overdue_items=[*data.overdue_items] * 12)
    out, _ = render(render_overdue, long, tmp_path, "long-overdue")
    reader = PdfReader(out)
    assert len(reader.pages) >= 3
    mm = 72 / 25.4
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / mm), round(height / mm)) == (210, 297)
        runs: list[tuple[str, float, float, float]] = []

        def visit(text: str, cm: Any, tm: Any, _font: Any, size: float, runs: list[Any] = runs) -> None:
            if text.strip():   # the text's origin on the page: the text matrix under the current matrix
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                runs.append((text.strip(), x, y, size * tm[0] * cm[0]))

        page.extract_text(visitor_text=visit)
        xs = [x for _, x, _, _ in runs]
        assert min(xs) >= 30 * mm - 1, "left margin below 30 mm"
        top = max(runs, key=lambda r: r[2])
        if number == 1:
            assert top[0] != "1"
            sizes = {t: sz for t, _, _, sz in runs}
            assert 12 <= sizes["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] <= 13
            assert 13 <= sizes["Độc lập - Tự do - Hạnh phúc"] <= 14
        else:
            assert top[0] == str(number), f"page {number} starts with {top[0]!r}"
            assert abs(top[1] - width / 2) < 60 * mm and top[2] > height - 20 * mm
            assert all(y >= 20 * mm - 2 for _, _, y, _ in runs), "bottom margin below 20 mm"


def test_bao_cao_prints_the_issuance_it_is_given(tmp_path: Path) -> None:
    from dataclasses import replace
    from datetime import date

    from securemail.documents.models import Issuance

    iss = Issuance(superior="Tổng công ty Bưu điện Việt Nam", issuer="Bưu điện tỉnh Gia Lai", number="15",
                   code="BC-BĐGL", place="Gia Lai", day=date(2027, 1, 5), signer_title="Giám đốc",
                   signer_name="Nguyễn Văn Giám", recipients=["Cục Bưu điện Trung ương", "Công an tỉnh Gia Lai"])
    _, text = render(render_audit, replace(s.audit(), issuance=iss), tmp_path, "issued")
    for expected in ("TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM", "Số: 15/BC-BĐGL", "Gia Lai, ngày 05 tháng 01 năm 2027",
                     "GIÁM ĐỐC", "Nguyễn Văn Giám", "- Cục Bưu điện Trung ương;", "- Công an tỉnh Gia Lai;",
                     "- Lưu: VT."):
        assert expected in text, expected


def test_register_cover_and_no_footnotes_for_configured_columns(tmp_path: Path) -> None:
    from securemail.documents.register_layouts import get_layout, parse_columns

    layout = get_layout("nd63-2026-di").with_columns(parse_columns([
        {"key": "so_thu_tu", "header": "Số thứ tự", "width": 0.6},
        {"key": "so_ky_hieu", "header": "Số, ký hiệu", "width": 1.2},
        {"key": "cot_moi", "header": "Cột viết tay", "width": 1.0, "signature": True},
    ]))
    out = tmp_path / "configured.pdf"
    render_register(s.register(3), out, layout)
    pages = pdf_text(out)
    assert "SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI" in pages[0] and "Quyển số: 01" in pages[0]
    assert "Số thứ tự" not in pages[0]  # the cover is a page of its own
    assert "Cột viết tay" in pages[1] and "Nơi nhận và ký nhận" not in pages[1]
    assert "(*)" not in " ".join(pages)
