"""The presentation NĐ 30/2020/NĐ-CP Phụ lục I sets for administrative documents, used by the reports that are
báo cáo (the overdue / on-time report and the integrity audit report): A4 portrait, margins top and bottom 20 mm,
left 30 mm, right 15 mm; a Times New Roman-compatible face (Liberation Serif, embedded); Quốc hiệu 12 pt bold,
Tiêu ngữ 13 pt bold; the issuer, the number and code ("Số: .../BC-..."), the place and date line; the name of the
type of document and its summary; body 13 pt; the signature block with the signer's position and full name;
"Nơi nhận"; page numbers at the top centre from the second page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, SimpleDocTemplate, Spacer, Table, TableStyle

from securemail.documents.fonts import SERIF_REGULAR, register_fonts
from securemail.documents.models import Imprint, Issuance
from securemail.documents.styles import Styles, clean, make_styles, markup, para

PAGE = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
WIDTH = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
BODY_SIZE = 13.0
TABLE_SIZE = 11.5  # table cells print at 11 pt
PAGE_NUMBER_SIZE = 13.0
FILE_COPY = "Lưu: VT"
NUMBER_BLANK = "\u00a0" * 12  # room for the number the văn thư writes in

_PLAIN = TableStyle([
    ("FONT", (0, 0), (-1, -1), SERIF_REGULAR),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
])


def body_styles() -> Styles:
    return make_styles(BODY_SIZE, serif=True)


def table_styles() -> Styles:
    return make_styles(TABLE_SIZE, serif=True)


def date_words(day: date) -> str:
    """ "ngày 05 tháng 01 năm 2027": a day below 10 and the months 1 and 2 take a leading zero (NĐ 30/2020)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def number_line(iss: Issuance) -> str:
    """ "Số: 12/BC-BĐGL", or with room for the number the văn thư writes in when issuing."""
    return f"Số: {iss.number or NUMBER_BLANK}/{iss.code}"


def default_issuance(imprint: Imprint, code: str = "BC") -> Issuance:
    return Issuance(superior=None, issuer=imprint.office_name, number=None, code=code, place="",
                    day=imprint.printed_at.date(), signer_title="Người lập báo cáo", signer_name=imprint.printed_by,
                    recipients=())


def heading(iss: Issuance) -> Table:
    """Issuer and number (left), Quốc hiệu, Tiêu ngữ and the place and date line (right)."""
    small = make_styles(12, serif=True)
    st = body_styles()
    left: list[Flowable] = [para(iss.superior.upper(), small.center)] if iss.superior else []
    left += [para(iss.issuer.upper(), small.center_bold),
             HRFlowable(width="30%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4,
                        hAlign="CENTER"),
             para(number_line(iss), st.center)]
    place = f"{iss.place}, {date_words(iss.day)}" if iss.place else date_words(iss.day).capitalize()
    right: list[Flowable] = [
        markup("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", small.center_bold),
        markup("Độc lập - Tự do - Hạnh phúc", st.center_bold),
        HRFlowable(width="62%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4, hAlign="CENTER"),
        para(place, st.center_italic),
    ]
    table = Table([[left, right]], colWidths=[WIDTH * 0.40, WIDTH * 0.60])
    table.setStyle(_PLAIN)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return table


def title(kind: str, summary: Sequence[str]) -> list[Flowable]:
    """The type of document ("BÁO CÁO") and its summary lines, bold 14 pt, centred, with a short rule."""
    st = make_styles(14, serif=True)
    out: list[Flowable] = [Spacer(1, 8 * mm), markup(clean(kind.upper()), st.center_bold)]
    out += [para(line, st.center_bold) for line in summary]
    out += [Spacer(1, 2 * mm), HRFlowable(width="20%", thickness=0.6, color=colors.black, spaceAfter=6,
                                          hAlign="CENTER")]
    return out


def closing(iss: Issuance, qr: Flowable | None = None) -> Table:
    """ "Nơi nhận" (left; the file copy last) and the signer's position, room to sign and full name (right)."""
    st = body_styles()
    small = make_styles(11, serif=True)
    recipients = [*iss.recipients, FILE_COPY]
    left: list[Flowable] = [markup("<b><i>Nơi nhận:</i></b>", make_styles(12, serif=True).body)]
    left += [para(f"- {r}{'.' if n == len(recipients) else ';'}", small.body)
             for n, r in enumerate(recipients, start=1)]
    if qr is not None:
        left += [Spacer(1, 3 * mm), qr]
    right: list[Flowable] = [para(iss.signer_title.upper(), st.center_bold), Spacer(1, 24 * mm),
                             para(iss.signer_name, st.center_bold)]
    table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    table.setStyle(_PLAIN)
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return table


def _page_number(canvas: Canvas, _doc: object) -> None:
    """From the second page on: its number at the top centre (NĐ 30/2020 Phụ lục I)."""
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFont(SERIF_REGULAR, PAGE_NUMBER_SIZE)
    canvas.drawCentredString(width / 2, height - MARGIN_TOP / 2 - PAGE_NUMBER_SIZE / 3, str(canvas.getPageNumber()))
    canvas.restoreState()


def build_official_pdf(out: Path | BinaryIO, story: list[Flowable], *, imprint: Imprint, title_text: str) -> None:
    register_fonts()
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out,
        pagesize=PAGE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title_text,
        author=imprint.office_name,
        subject=title_text,
        creator="SecureMail",
        lang="vi-VN",
        initialFontName=SERIF_REGULAR,
    )
    doc.build(story, onLaterPages=_page_number)
