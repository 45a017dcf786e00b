"""The command line's help, usage and error words in Vietnamese (the default) or English (--lang en, or an
English locale). Sources are English, as in the GUI catalogue (securemail.gui.strings); argparse's own words
("usage:", "options", "the following arguments are required") are translated through its gettext hooks."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from securemail.i18n import current_language

__all__ = ["VI", "CliParser", "language_from_argv", "translate"]

VI: dict[str, str] = {
    # argparse itself
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in số phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu các tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn mơ hồ: %(option)s có thể là %(matches)s",
    "not allowed with argument %s": "không được dùng cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    # securemail-cli: common options
    "SecureMail: chain-of-custody log for KT1 classified mail.":
        "SecureMail: sổ theo dõi giao nhận bưu gửi mật trên mạng bưu chính KT1.",
    "vault folder (env SECUREMAIL_VAULT)": "thư mục kho dữ liệu (biến môi trường SECUREMAIL_VAULT)",
    "user name (env SECUREMAIL_USER)": "tên đăng nhập (biến môi trường SECUREMAIL_USER)",
    "print one JSON document": "in kết quả dạng một tài liệu JSON",
    "message language": "ngôn ngữ thông báo (vi: tiếng Việt, en: tiếng Anh)",
    "read the password from the first line of standard input": "đọc mật khẩu từ dòng đầu của đầu vào chuẩn",
    # admin
    "create an office vault and its first administrator": "tạo kho dữ liệu của bưu cục và quản trị viên đầu tiên",
    "the administrator's user name": "tên đăng nhập của quản trị viên",
    "Argon2id cost for key slots (minimum = OWASP floor, for old machines and tests)":
        "mức tốn công Argon2id của khóa (minimum: mức sàn OWASP, cho máy cũ và kiểm thử)",
    "users and roles": "người dùng và vai trò",
    "change your password, or (admin) reset another user's":
        "đổi mật khẩu của mình, hoặc (quản trị) đặt lại mật khẩu của người khác",
    "the directory of agencies": "danh bạ cơ quan",
    "give the database a fresh data key (admin)": "thay khóa dữ liệu mới cho cơ sở dữ liệu (quản trị)",
    "create a demo vault (Gia Lai) with realistic items": "tạo kho dữ liệu mẫu (Gia Lai) với bưu gửi như thật",
    "the application audit trail: sign-ins, failed sign-ins, locks, exports, prints, backups, settings changes "
    "(auditor, admin)":
        "nhật ký sử dụng ứng dụng: đăng nhập, đăng nhập không thành công, khóa màn hình, xuất tệp, in, sao lưu, "
        "thay đổi thiết lập (kiểm tra viên, quản trị)",
    "the newest N entries (default 200)": "N mục mới nhất (mặc định 200)",
    "write an encrypted snapshot of the vault (admin)": "ghi bản sao lưu đã mã hóa của kho dữ liệu (quản trị)",
    "copy a backup into a new vault folder (--vault)": "chép bản sao lưu vào một thư mục kho mới (--vault)",
    "outside the inner city (ngoại thành): Hẹn giờ needs a longer lead time (12 h by default)":
        "ngoại thành: Hẹn giờ cần nhận trước giờ hẹn lâu hơn (mặc định 12 giờ)",
    "set whether an agency is inside (noi-thanh) or outside (ngoai-thanh) the inner city":
        "đặt cơ quan ở nội thành (noi-thanh) hay ngoại thành (ngoai-thanh)",
    # items
    "accept an item at the counter": "nhận gửi bưu gửi tại quầy",
    "PNG of the messenger's handwritten signature": "ảnh PNG chữ ký tay của người mang bưu gửi đến",
    "items": "bưu gửi",
    "accepted on or after (YYYY-MM-DD)": "nhận gửi từ ngày (YYYY-MM-DD)",
    "accepted before (YYYY-MM-DD)": "nhận gửi trước ngày (YYYY-MM-DD)",
    "accepted on or before (YYYY-MM-DD)": "nhận gửi đến hết ngày (YYYY-MM-DD)",
    "bags / dispatches": "túi thư, chuyến thư",
    "the post office the bag goes to (its code)": "mã bưu cục nhận túi",
    "that post office's province: only items for agencies of that province go in":
        "tỉnh của bưu cục nhận: chỉ bưu gửi đến cơ quan của tỉnh đó được vào túi",
    "take an item out of an open bag": "rút một bưu gửi khỏi túi đang mở",
    "tracking numbers found in the bag": "số hiệu bưu gửi tìm thấy trong túi",
    "hand items (or a sealed bag) to a courier or clerk":
        "bàn giao bưu gửi (hoặc túi đã niêm phong) cho bưu tá, giao dịch viên",
    "take items or a bag from their holder at this office": "nhận bưu gửi hoặc túi từ người đang giữ, tại bưu cục này",
    "the holder handing over (co-signs)": "người đang giữ, bàn giao (cùng ký)",
    "mark an item out for delivery": "ghi bưu gửi đi phát",
    "deliver to the recipient agency": "phát cho cơ quan nhận",
    "the receiving secretary's user name (co-signs)": "tên đăng nhập của văn thư nhận (cùng ký)",
    "receiver acts as leadership delegate (document marked Hỏa tốc, when the setting allows)":
        "người nhận là người được lãnh đạo ủy quyền (tài liệu có dấu Hỏa tốc, khi thiết lập cho phép)",
    "the receiving person's position (chức vụ)": "chức vụ của người nhận",
    "handover: the post office's handover book (default at a post office); outgoing, incoming, post: the agency's "
    "registers (at an agency desk; default outgoing)":
        "handover: sổ theo dõi giao nhận của bưu cục (mặc định tại bưu cục); outgoing, incoming, post: sổ đăng ký "
        "bí mật nhà nước đi, đến và sổ gửi văn bản đi bưu điện của cơ quan (tại bàn làm việc của cơ quan; mặc định "
        "outgoing)",
    "the report's number, if the văn thư has given it (else left blank)":
        "số của báo cáo, nếu văn thư đã cấp (nếu không, để trống để ghi tay)",
    "register layouts and their columns in this vault": "các mẫu sổ và cột của chúng trong kho này",
    "a layout id: print its columns as JSON (to edit and set with `setting register_layout.ID JSON`)":
        "mã mẫu sổ: in danh sách cột dạng JSON (sửa rồi đặt bằng `setting register_layout.MÃ JSON`)",
    "urgency marked on the document: none, khan, thuong-khan, hoa-toc":
        "độ khẩn ghi trên tài liệu: none (không), khan (Khẩn), thuong-khan (Thượng khẩn), hoa-toc (Hỏa tốc)",
    "envelopes handed in (Tuyệt mật: 2, the default for it; otherwise 1)":
        "số bì nhận (Tuyệt mật: 2, bì trong và bì ngoài, mặc định cho độ mật này; còn lại 1)",
    "number of copies (số lượng bản)": "số lượng bản",
    "record a failed delivery": "ghi phát không thành công",
    "accept an item imported from a pinned partner's bundle, with its data (nothing retyped)":
        "nhận gửi bưu gửi đã nhập từ gói dữ liệu của đơn vị đã ghim, dùng dữ liệu của họ (không gõ lại)",
    "items imported from partners and not yet accepted here": "bưu gửi đã nhập từ đơn vị khác, chưa nhận gửi tại đây",
    "named-only envelope received unopened by the agency's records clerk (--to)":
        "bì \"chỉ người có tên mới được bóc\" giao nguyên cho văn thư cơ quan (--to)",
    "delivered on the recipient desk's signed receipt, imported from it":
        "phát theo xác nhận đã ký của bàn văn thư cơ quan nhận, đã nhập từ gói dữ liệu của họ",
    "agency desk: confirm receipt of an item imported from the delivering post office":
        "bàn văn thư: xác nhận đã nhận bưu gửi đã nhập từ bưu cục phát",
    "a named-only envelope, received unopened to pass on to the named person":
        "bì \"chỉ người có tên mới được bóc\": nhận nguyên bì để chuyển cho người có tên",
    "hand an unopened named-only envelope to the named person, who signs":
        "chuyển bì còn nguyên cho người có tên, người đó ký nhận",
    "the named person's user name (co-signs)": "tên đăng nhập của người có tên (cùng ký)",
    "return to sender": "chuyển hoàn về nơi gửi",
    "forward to another agency or office": "chuyển tiếp đến cơ quan hoặc bưu cục khác",
    "incidents": "sự cố",
    "seal-broken|damaged|opened|lost|misrouted|contents-mismatch":
        "seal-broken (rách niêm phong) | damaged (hư hỏng) | opened (bị mở) | lost (thất lạc) | "
        "misrouted (chuyển sai) | contents-mismatch (không khớp nội dung)",
    "close incident ID (auditor)": "đóng sự cố số ID (kiểm tra viên)",
    "closing note": "ghi chú khi đóng",
    "add a note or correction to an item": "thêm ghi chú hoặc đính chính cho bưu gửi",
    "delivery-time norms": "định mức thời gian phát",
    "on-time rate per service class and scope": "tỷ lệ phát đúng hạn theo dịch vụ và phạm vi",
    "office settings (admin)": "thiết lập của bưu cục (quản trị)",
    "from this day (included)": "từ ngày này (kể cả ngày này)",
    "up to this day (included)": "đến hết ngày này",
    "the volume number printed on the cover (quyển số)": "số quyển in trên trang đầu sổ (quyển số)",
    "without a key: list the settings and their values": "không ghi khóa: liệt kê các thiết lập và giá trị",
    "without a value: show the setting": "không ghi giá trị: xem thiết lập",
    # calendar
    "days off and make-up working days (the working calendar)": "ngày nghỉ lễ, ngày làm bù (lịch làm việc)",
    "compute and record the statutory days off of a year, lunar ones included (admin)":
        "tính và ghi các ngày nghỉ theo luật của một năm, kể cả ngày âm lịch (quản trị)",
    "the basis (default: BLLĐ 2019 Điều 112 and the holidays package version)":
        "căn cứ (mặc định: BLLĐ 2019 Điều 112 và phiên bản gói holidays)",
    "add one swapped day off, or one make-up working day (Saturday, Sunday) with --work":
        "thêm một ngày nghỉ hoán đổi, hoặc một ngày làm bù (thứ Bảy, Chủ nhật) với --work",
    "a make-up working day (Saturday or Sunday only)": "ngày làm bù (chỉ thứ Bảy, Chủ nhật)",
    "the day's name (e.g. Nghỉ hoán đổi Tết Dương lịch)": "tên ngày (ví dụ: Nghỉ hoán đổi Tết Dương lịch)",
    "the decision that sets it": "văn bản quyết định",
    "remove one day from the calendar": "gỡ một ngày khỏi lịch",
    "the reason, the decision": "lý do, văn bản",
    "list the days off and make-up working days": "liệt kê lịch ngày nghỉ, ngày làm bù",
    "replace every day off of one year (older form; admin)": "thay toàn bộ ngày nghỉ của một năm (cách cũ; quản trị)",
    # audit and reports
    "verify signatures, chains, Merkle log, projections":
        "kiểm tra chữ ký, chuỗi sự kiện, nhật ký Merkle, dữ liệu hiện hành",
    "check every signature, not only those since the last run": "kiểm tra mọi chữ ký, không chỉ từ lần chạy trước",
    "an exported checkpoint the log must extend (repeatable)":
        "điểm kiểm tra đã xuất mà nhật ký phải nối tiếp (lặp lại được)",
    "pinned office key / fingerprint file": "tệp khóa công khai / dấu vân tay của bưu cục đã ghi nhận",
    "signed checkpoints": "điểm kiểm tra đã ký",
    "auditor: verify, then countersign the latest checkpoint":
        "kiểm tra viên: kiểm tra rồi ký xác nhận điểm kiểm tra mới nhất",
    "the office's public key": "khóa công khai của bưu cục",
    "write the office public key and fingerprint to pin": "ghi khóa công khai và dấu vân tay của bưu cục để đối chiếu",
    "check a QR statement offline": "kiểm tra mã QR trên giấy tờ, không cần mạng",
    "printed statements": "giấy tờ đã in",
    "print documents as PDF": "in giấy tờ ra PDF",
    "acceptance receipt (A5)": "biên nhận gửi (A5)",
    "delivery confirmation": "phiếu xác nhận phát",
    "custody report for one item": "báo cáo giao nhận của một bưu gửi",
    "bag manifest": "bảng kê túi thư",
    "register for a period": "sổ trong một kỳ",
    "overdue / on-time report": "báo cáo đúng hạn, quá hạn",
    "integrity audit report (runs verify --full)": "báo cáo kiểm tra tính toàn vẹn (chạy verify --full)",
}


def translate(text: str, lang: str | None = None) -> str:
    return VI.get(text, text) if (lang or current_language()) == "vi" else text


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install_argparse_translation() -> None:
    """argparse looks its words up through module-level gettext functions at call time."""
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


class _Formatter(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        return translate(action.help) if action.help else action.help

    def add_text(self, text: str | None) -> None:
        super().add_text(translate(text) if text and text != argparse.SUPPRESS else text)


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose help is translated (sub-parsers are made of the same class)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def language_from_argv(argv: Sequence[str]) -> str | None:
    """--lang vi|en wherever it stands (needed before the parser is built)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
