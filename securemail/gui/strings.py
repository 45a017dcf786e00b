"""Every piece of GUI text, in one catalogue, looked up by one function.

Sources are the English texts themselves (gettext style), so the Designer forms stay readable; `VI` gives
each one's Vietnamese. `t(source, **params)` translates and fills `{name}` placeholders; `N_(source)` only
marks a source for the catalogue where the translation must happen later (headers, tab titles).
The Designer forms are translated by translator.CatalogueTranslator, which answers from the same `lookup`.
Messages from the services come from securemail.i18n.tr, enum labels from securemail.domain.labels.
Untranslated sources show in English (tests/gui/test_gui_strings.py checks that none is missing).
"""

from __future__ import annotations

from securemail.gui.strings_desk import DESK_VI
from securemail.i18n import current_language

VI: dict[str, str] = {
    # --- unlock -----------------------------------------------------------------------------------------
    "SecureMail - Unlock": "SecureMail - Mở khóa",
    "Chain-of-custody log for classified mail (KT1)": "Sổ theo dõi giao nhận bưu gửi mật (KT1)",
    "&User name": "&Tên đăng nhập",
    "&Password": "&Mật khẩu",
    "&Quit": "&Thoát",
    "U&nlock": "Mở &khóa",
    "Unlocking…": "Đang mở khóa…",
    "Type your user name.": "Hãy nhập tên đăng nhập.",
    "Type your password.": "Hãy nhập mật khẩu.",
    "Vault: {path}": "Kho dữ liệu: {path}",
    "There is no SecureMail vault in this folder yet ({path}).\n\n"
    "An administrator creates one with:\n"
    "  securemail-cli --vault {path} init --office-code CODE --office-name NAME --admin USER --full-name NAME\n\n"
    "To try the app, create a demo vault with:\n"
    "  securemail-cli --vault {path} demo\n\n"
    "Or start the app with --vault DIR (or SECUREMAIL_VAULT) pointing at an existing vault.":
        "Thư mục này chưa có kho dữ liệu SecureMail ({path}).\n\n"
        "Quản trị viên tạo kho mới bằng lệnh:\n"
        "  securemail-cli --vault {path} init --office-code MÃ --office-name TÊN --admin TÊN_ĐĂNG_NHẬP "
        "--full-name HỌ_TÊN\n\n"
        "Để dùng thử, tạo một kho dữ liệu mẫu bằng lệnh:\n"
        "  securemail-cli --vault {path} demo\n\n"
        "Hoặc mở ứng dụng với --vault THƯ_MỤC (hoặc biến SECUREMAIL_VAULT) trỏ tới một kho đã có.",
    "Locked after {minutes} minutes without activity. Unlock to continue.":
        "Đã tự động khóa sau {minutes} phút không thao tác. Mở khóa để tiếp tục.",
    "Locked. Unlock to continue.": "Đã khóa. Mở khóa để tiếp tục.",
    # --- main window ------------------------------------------------------------------------------------
    "SecureMail": "SecureMail",
    "SecureMail - {office}": "SecureMail - {office}",
    "&Dashboard": "&Tổng quan",
    "&Items": "&Bưu gửi",
    "Accept an ite&m": "&Nhận gửi",
    "&Users and agencies": "Người &dùng và cơ quan",
    "&File": "&Tệp",
    "&View": "&Xem",
    "&Language": "&Ngôn ngữ",
    "&Help": "Trợ &giúp",
    "&Lock now": "&Khóa ngay",
    "&Refresh": "&Làm mới",
    "&About SecureMail": "&Giới thiệu SecureMail",
    "About SecureMail": "Giới thiệu SecureMail",
    "&Self-test…": "&Tự kiểm tra…",
    "SecureMail self-test": "Tự kiểm tra SecureMail",
    "Running the self-test on a temporary vault…": "Đang tự kiểm tra trên một kho dữ liệu tạm…",
    "All checks passed.": "Mọi bước kiểm tra đều đạt.",
    "Some checks FAILED: see the lines below.": "Có bước kiểm tra KHÔNG ĐẠT: xem các dòng bên dưới.",
    "SecureMail: chain-of-custody log for classified mail on the KT1 postal network.\n"
    "Every hand-over is signed; the log is tamper-evident. Works fully offline.":
        "SecureMail: sổ theo dõi giao nhận bưu gửi mật trên mạng bưu chính KT1.\n"
        "Mọi lần bàn giao đều được ký số; nhật ký không thể sửa mà không bị phát hiện. "
        "Hoạt động hoàn toàn không cần mạng.",
    "User: {name} ({username})": "Người dùng: {name} ({username})",
    "Role: {role}": "Vai trò: {role}",
    "Recorded: {items}": "Đã ghi: {items}",
    "Recorded.": "Đã ghi.",
    # --- dashboard --------------------------------------------------------------------------------------
    "Today at this office": "Hôm nay tại bưu cục",
    "Waiting at the counter": "Đang chờ tại quầy",
    "In transit": "Đang vận chuyển",
    "Overdue": "Quá hạn",
    "Open incidents": "Sự cố chưa đóng",
    "Not yet delivered - Hỏa tốc first": "Chưa phát - Hỏa tốc trước",
    "Overdue (not delivered by the due time)": "Quá hạn (chưa phát khi đã đến hạn)",
    "Updated {time}": "Cập nhật lúc {time}",
    # --- items ------------------------------------------------------------------------------------------
    "Tracking number": "Số hiệu",
    "Status": "Trạng thái",
    "Secrecy": "Độ mật",
    "Service": "Dịch vụ",
    "Sender": "Cơ quan gửi",
    "Recipient": "Cơ quan nhận",
    "Held by": "Người giữ",
    "Accepted": "Nhận gửi lúc",
    "Due": "Hạn phát",
    "&Status": "T&rạng thái",
    "Se&crecy": "Độ &mật",
    "S&ervice": "&Dịch vụ",
    "A&gency": "&Cơ quan",
    "All statuses": "Mọi trạng thái",
    "All secrecy levels": "Mọi độ mật",
    "All services": "Mọi dịch vụ",
    "All agencies": "Mọi cơ quan",
    "Tracking number (scan or type, Enter)": "Số hiệu (quét hoặc gõ, rồi Enter)",
    "&Open": "Mở ch&i tiết",
    "&Hand over…": "&Bàn giao…",
    "&Deliver…": "&Phát…",
    "{count} items": "{count} bưu gửi",
    "{count} items shown; scroll down for more": "Đang hiện {count} bưu gửi; cuộn xuống để xem thêm",
    "Open incident: see the item's timeline.": "Có sự cố chưa đóng: xem quá trình giao nhận của bưu gửi.",
    "Overdue: not delivered by its due time.": "Quá hạn: chưa phát trước hạn phát.",
    "{tracking}, open incident": "{tracking}, có sự cố chưa đóng",
    # --- item detail ------------------------------------------------------------------------------------
    "Item": "Bưu gửi",
    "Item {tracking}": "Bưu gửi {tracking}",
    "Chain of custody": "Quá trình giao nhận",
    "Add a &note…": "Thêm &ghi chú…",
    "&Close": "Đó&ng",
    "Person handing in": "Người giao",
    "Named recipient": "Người nhận có tên",
    "only this person may open": "chỉ người này được bóc bì",
    "Appointed time": "Thời điểm hẹn",
    "Document number and code": "Số, ký hiệu",
    "Envelopes": "Số bì",
    "Weight (g)": "Khối lượng (g)",
    "Seals": "Niêm phong",
    "Where": "Nơi đang giữ",
    "Delivered": "Đã phát",
    "Description": "Trích yếu",
    "Notes": "Ghi chú",
    "bag {bag}": "túi {bag}",
    "{count} open incident(s) on this item: handle with care and see the timeline.":
        "Bưu gửi này có {count} sự cố chưa đóng: xử lý cẩn thận và xem quá trình giao nhận.",
    "All {count} events carry valid signatures.": "Cả {count} sự kiện đều có chữ ký hợp lệ.",
    "Some signatures do NOT verify: see the last column.": "Có chữ ký KHÔNG hợp lệ: xem cột cuối.",
    "Add a note": "Thêm ghi chú",
    "Note or correction (recorded as a new signed event; nothing is edited):":
        "Ghi chú hoặc đính chính (được ghi thành một sự kiện mới có ký số; không sửa gì đã ghi):",
    # --- timeline ---------------------------------------------------------------------------------------
    "Time": "Thời gian",
    "Event": "Sự kiện",
    "Signed by": "Người ký",
    "Co-signed by": "Người ký cùng",
    "Details": "Chi tiết",
    "Signatures": "Chữ ký",
    "valid": "hợp lệ",
    "NOT VALID": "KHÔNG HỢP LỆ",
    "due {due}": "hạn phát {due}",
    "due time {old} → {new}": "hạn phát {old} → {new}",
    "Delivery norm changed": "Sửa định mức thời gian phát",
    "Working calendar changed": "Sửa lịch ngày nghỉ, ngày làm bù",
    "Office setting changed": "Sửa thiết lập của bưu cục",
    "seal {seal}": "niêm phong {seal}",
    "missing: {items}": "thiếu: {items}",
    "to {who} ({agency})": "cho {who} ({agency})",
    "Accepted at the counter": "Nhận gửi tại quầy",
    "Put in a bag": "Cho vào túi thư",
    "Taken out of the bag": "Lấy ra khỏi túi thư",
    "Handed over": "Bàn giao",
    "Arrived at the office": "Đến bưu cục",
    "Out for delivery": "Đưa đi phát",
    "Delivery failed": "Phát không thành công",
    "Returned to sender": "Chuyển hoàn",
    "Forwarded": "Chuyển tiếp",
    "Incident recorded": "Ghi nhận sự cố",
    "Incident closed": "Đóng sự cố",
    "Note / correction": "Ghi chú / đính chính",
    "Bag created": "Lập túi thư",
    "Bag sealed": "Niêm phong túi thư",
    "Bag dispatched": "Giao túi thư đi",
    "Bag opened": "Mở túi thư",
    # --- intake -----------------------------------------------------------------------------------------
    "Accept an item": "Nhận gửi bưu gửi",
    "Accept an item at the counter": "Nhận gửi bưu gửi tại quầy",
    "Keyboard: Tab moves to the next field, Ctrl+S saves, Ctrl+N starts a new item. "
    "A barcode scanner can type into the tracking number field.":
        "Bàn phím: Tab chuyển sang ô tiếp theo, Ctrl+S lưu, Ctrl+N nhập bưu gửi mới. "
        "Máy quét mã vạch nhập thẳng vào ô số hiệu.",
    "Class and seals": "Phân loại và niêm phong",
    "&Tracking number": "Số hiệ&u bưu gửi",
    "Scan the barcode, or leave empty to issue a new number": "Quét mã vạch, hoặc để trống để cấp số mới",
    "&Sender agency": "Cơ &quan gửi",
    "Person handing &in": "Người gia&o",
    "ID &document number": "Số giấ&y tờ tùy thân",
    "Recipient a&gency": "Cơ qu&an nhận",
    "Na&med recipient": "Ngườ&i nhận có tên",
    "&Only the named person may open": "Chỉ người có tên mới được &bóc bì",
    "Document number and &code": "Số, &ký hiệu văn bản",
    "e.g. 125/UBND-VP": "ví dụ 125/UBND-VP",
    "Secrec&y": "Độ &mật",
    "Se&rvice class": "&Dịch vụ",
    "Sco&pe": "Phạm &vi",
    "&Appointed time": "T&hời điểm hẹn",
    "&Envelopes": "&Số bì",
    "&Weight (g)": "Khối &lượng (g)",
    "not weighed": "chưa cân",
    "Seal n&umbers": "Số niêm &phong",
    "Description (a&bstract)": "T&rích yếu",
    "&Notes": "Ghi &chú",
    "Clear the form": "Xóa trắng",
    "Save": "Lưu",
    "Tuyệt mật items carry no description.": "Tài liệu Tuyệt mật không được ghi trích yếu.",
    # --- transfer ---------------------------------------------------------------------------------------
    "Hand over items": "Bàn giao bưu gửi",
    "Hand over {count} item(s) to a courier or clerk:": "Bàn giao {count} bưu gửi cho bưu tá hoặc giao dịch viên:",
    "Deliver to the recipient agency": "Phát cho cơ quan nhận",
    "Deliver to the recipient agency's secretary, who signs for receipt:":
        "Phát cho văn thư của cơ quan nhận; văn thư ký xác nhận đã nhận:",
    "Handed over by": "Người giao",
    "&Taken by": "Người &nhận",
    "Their &password": "&Mật khẩu người nhận",
    "The person taking custody types their own password here, on this screen. Their signature and yours are "
    "recorded together; if either is refused, nothing is recorded.":
        "Người nhận tự nhập mật khẩu của mình tại đây, trên chính màn hình này. Chữ ký của họ và của bạn được "
        "ghi cùng nhau; nếu một trong hai bị từ chối thì không có gì được ghi.",
    "Sign and record": "Ký và ghi nhận",
    "Cancel": "Hủy",
    "Change your password": "Đổi mật khẩu của bạn",
    "&Change the password": "Đổi mật khẩ&u",
    "C&urrent password": "Mật khẩu &hiện tại",
    "&New password": "Mật khẩu &mới",
    "&Repeat the new password": "&Nhập lại mật khẩu mới",
    "Your password was reset by an administrator: set your own before you sign anything.":
        "Mật khẩu của bạn do quản trị viên đặt lại: hãy đặt mật khẩu riêng trước khi ký bất cứ việc gì.",
    "A new password also gives you a new signing key; what you signed before stays valid.":
        "Mật khẩu mới đi kèm khóa ký mới; những gì bạn đã ký trước đây vẫn hợp lệ.",
    "&Change password…": "Đổi &mật khẩu…",
    "Password changed: you sign with your new key from now on.":
        "Đã đổi mật khẩu: từ nay bạn ký bằng khóa mới.",
    "Choose who takes custody.": "Hãy chọn người nhận.",
    "The person taking custody must type their password.": "Người nhận phải tự nhập mật khẩu của mình.",
    "Nobody in this vault can take custody of these items.":
        "Trong kho dữ liệu này không có ai nhận được các bưu gửi này.",
    # --- users and agencies -----------------------------------------------------------------------------
    "Users": "Người dùng",
    "Agencies": "Cơ quan",
    "Add a &user…": "Thêm &người dùng…",
    "Add an &agency…": "Thêm &cơ quan…",
    "Add a user": "Thêm người dùng",
    "Add an agency": "Thêm cơ quan",
    "User name": "Tên đăng nhập",
    "Full name": "Họ và tên",
    "Role": "Vai trò",
    "Agency": "Cơ quan",
    "Agency (for secretaries)": "Cơ quan (đối với văn thư)",
    "Initial password": "Mật khẩu ban đầu",
    "Repeat the password": "Nhập lại mật khẩu",
    "Active": "Hiệu lực",
    "yes": "có",
    "revoked": "đã thu hồi",
    "(none)": "(không có)",
    "Code": "Mã",
    "Name": "Tên",
    "Province": "Tỉnh",
    # --- printing -------------------------------------------------------------------------------------
    "Save as PDF…": "Lưu thành tệp PDF…",
    "PDF documents (*.pdf)": "Tài liệu PDF (*.pdf)",
    "Saved {path}.": "Đã lưu {path}.",
    "&Print receipt…": "&In biên nhận…",
    "Print deli&very confirmation…": "In phiếu &xác nhận đã nhận…",
    "C&ustody report…": "Báo cáo &chuỗi lưu giữ…",
    "Receipt {tracking}": "Biên nhận {tracking}",
    "Delivery confirmation {tracking}": "Phiếu xác nhận đã nhận {tracking}",
    "Custody report {tracking}": "Báo cáo chuỗi lưu giữ {tracking}",
    "Print the receipt after saving": "In biên nhận sau khi lưu",
    # --- reports ------------------------------------------------------------------------------------------
    "&Reports": "Báo &cáo",
    "Reports": "Báo cáo",
    "Each document carries a signed QR code. Preview it, print it from the preview, or save it as a PDF file.":
        "Mỗi giấy tờ đều có mã QR được ký số. Xem trước, in từ màn hình xem trước, hoặc lưu thành tệp PDF.",
    "Register": "Sổ đăng ký",
    "&Register": "Loại &sổ",
    "&Period": "T&hời gian",
    "Perio&d": "Kh&oảng thời gian",
    "&Bag": "Tú&i thư",
    "KT1 handover book (this post office's)": "Sổ theo dõi giao nhận bưu gửi KT1 (của bưu cục)",
    "Outgoing secret documents register": "Sổ đăng ký bí mật nhà nước đi",
    "Incoming secret documents register": "Sổ đăng ký bí mật nhà nước đến",
    "Register of documents sent by post": "Sổ gửi văn bản đi bưu điện",
    "On-time and overdue report": "Báo cáo đúng hạn và quá hạn",
    "Bag manifest": "Bảng kê túi thư",
    "Bag manifest {bag}": "Bảng kê túi thư {bag}",
    "(no bags yet)": "(chưa có túi thư nào)",
    "Reload the list": "Tải lại danh sách",
    "Preview and print…": "Xem trước và in…",
    "{report}, {period}": "{report}, {period}",
    # --- integrity ----------------------------------------------------------------------------------------
    "In&tegrity": "&Kiểm tra",
    "Integrity": "Kiểm tra toàn vẹn",
    "Integrity check": "Kiểm tra toàn vẹn",
    "Re-reads the whole custody log: every hash link, the Merkle checkpoints, and what the screens show "
    "against what was signed. Signatures are checked from the last clean run unless you tick the box.":
        "Đọc lại toàn bộ nhật ký giao nhận: từng mắt xích băm, các điểm kiểm tra Merkle, và đối chiếu dữ liệu "
        "hiển thị với những gì đã ký. Chữ ký chỉ được kiểm tra từ lần kiểm tra sạch gần nhất, trừ khi bạn đánh dấu ô "
        "dưới đây.",
    "Check &every signature again (slower)": "Kiểm tra lại &mọi chữ ký (chậm hơn)",
    "Check &integrity": "Kiểm tra toàn &vẹn",
    "Checking…": "Đang kiểm tra…",
    "Problem": "Vấn đề",
    "&Print the audit report…": "&In báo cáo kiểm tra…",
    "Audit report": "Báo cáo kiểm tra toàn vẹn",
    "Checkpoints": "Điểm kiểm tra",
    "Application audit trail": "Nhật ký sử dụng ứng dụng",
    "Sign-ins, failed sign-ins, locks, exports, printed documents, backups and settings changes, each "
    "signed in the custody log. Newest last.":
        "Đăng nhập, đăng nhập không thành công, khóa màn hình, xuất tệp, in tài liệu, sao lưu và thay đổi thiết "
        "lập, mỗi mục đều được ký trong sổ cái. Mục mới nhất ở cuối.",
    "Activity": "Hoạt động",
    "User": "Người dùng",
    "A checkpoint copied outside this computer, or countersigned by an auditor, proves later that the log "
    "was not rewritten or replaced by an older copy.":
        "Một điểm kiểm tra được chép ra ngoài máy này, hoặc được cán bộ kiểm tra ký xác nhận, về sau chứng minh "
        "nhật ký không bị viết lại hay bị thay bằng một bản cũ hơn.",
    "&Witness the checkpoint": "&Ký xác nhận điểm kiểm tra",
    "E&xport the checkpoint…": "X&uất điểm kiểm tra…",
    "Export the checkpoint": "Xuất điểm kiểm tra",
    "Checkpoint notes (*.txt)": "Điểm kiểm tra (*.txt)",
    "Checking every signature, then countersigning…": "Đang kiểm tra mọi chữ ký, sau đó ký xác nhận…",
    "Witnessed the checkpoint of {size} events (root {root}).":
        "Đã ký xác nhận điểm kiểm tra gồm {size} sự kiện (gốc {root}).",
    # --- bags ---------------------------------------------------------------------------------------------
    "B&ags": "Tú&i thư",
    "Bag": "Túi thư",
    "Destination": "Nơi đến",
    "Seal": "Niêm phong",
    "Items in the bag": "Số bưu gửi",
    "&Create a bag…": "Tạ&o túi…",
    "&Scan into the bag:": "&Quét vào túi:",
    "Tracking number, then Enter": "Số hiệu, rồi nhấn Enter",
    "&Add": "Thê&m",
    "Take the selected item &out": "Lấ&y bưu gửi đã chọn ra",
    "S&eal…": "Niêm &phong…",
    "&Give to a courier…": "Giao cho bư&u tá…",
    "Recei&ve the bag…": "N&hận túi đến…",
    "Bag {bag}": "Túi thư {bag}",
    "Destination: {agency}": "Nơi đến: {agency}",
    "Status: {status}": "Trạng thái: {status}",
    "Seal: {seal}": "Niêm phong: {seal}",
    "Held by: {user}": "Người giữ: {user}",
    "Seal the bag": "Niêm phong túi thư",
    "Seal number on bag {bag} (the bag cannot be changed afterwards):":
        "Số niêm phong của túi {bag} (sau khi niêm phong không thể thay đổi túi):",
    "Bag {bag} created: scan the items into it.": "Đã tạo túi {bag}: hãy quét các bưu gửi vào túi.",
    "Create a bag": "Tạo túi thư",
    "&Destination agency": "&Cơ quan nơi đến",
    "Give the bag to a courier": "Giao túi thư cho bưu tá",
    "Hand sealed bag {bag} (seal {seal}) to a courier:": "Giao túi đã niêm phong {bag} (niêm phong {seal}) cho bưu tá:",
    "{count} item(s): {items}": "{count} bưu gửi: {items}",
    "Open bag {bag} (seal {seal}, {count} item(s) on the manifest). Scan every item found in it; the courier then "
    "signs.": "Mở túi {bag} (niêm phong {seal}, {count} bưu gửi theo bảng kê). Quét mọi bưu gửi có trong túi; "
              "sau đó bưu tá ký giao.",
    "&Scan:": "&Quét:",
    "Receive a bag": "Nhận túi thư đến",
    "Choose a bag in the list, or create one.": "Chọn một túi trong danh sách, hoặc tạo túi mới.",
    "(empty: scan items into the bag)": "(túi rỗng: hãy quét bưu gửi vào túi)",
    "Added {items} to bag {bag}.": "Đã cho {items} vào túi {bag}.",
    "Choose the item to take out of the bag.": "Hãy chọn bưu gửi cần lấy ra khỏi túi.",
    "C&reate": "&Tạo",
    "There is no agency to send a bag to yet.": "Chưa có cơ quan nào để gửi túi thư đến.",
    "Take the selected number &out": "&Bỏ số đã chọn",
    "Result": "Kết quả",
    "Found in the bag": "Có trong túi",
    "The courier handing over the bag must type their password.": "Bưu tá giao túi phải nhập mật khẩu của mình.",
    "Bag {bag} received: {found} found, {missing} missing, {extra} not on the manifest. The incidents are "
    "recorded on the items.": "Đã nhận túi {bag}: {found} có đủ, {missing} bị thiếu, {extra} không có trong bảng kê. "
                              "Các sự cố đã được ghi vào bưu gửi.",
    "Bag {bag} received: all {found} item(s) found.": "Đã nhận túi {bag}: có đủ cả {found} bưu gửi.",
    "Took {tracking} out of bag {bag}.": "Đã lấy {tracking} ra khỏi túi {bag}.",
    "Bag {bag} sealed.": "Đã niêm phong túi {bag}.",
    "Bag {bag} handed to the courier.": "Đã giao túi {bag} cho bưu tá.",
    "Bag {bag} received.": "Đã nhận túi {bag}.",
    "{tracking}: found": "{tracking}: có trong túi",
    "{tracking}: MISSING - incident recorded": "{tracking}: BỊ THIẾU - đã ghi sự cố",
    "{tracking}: not on the manifest - incident recorded": "{tracking}: không có trong bảng kê - đã ghi sự cố",
    # --- incidents ----------------------------------------------------------------------------------------
    "Report an inci&dent…": "Ghi &sự cố…",
    "Close an incide&nt…": "Đóng sự &cố…",
    "Report an incident": "Ghi sự cố",
    "Close an incident": "Đóng sự cố",
    "&Kind": "&Loại sự cố",
    "&What happened": "&Mô tả sự việc",
    "&Incident": "&Sự cố",
    "Closing &note": "&Ghi chú khi đóng",
    "&Record the incident": "&Ghi sự cố",
    "Item {tracking}: the incident is signed and the item stays flagged until an auditor closes it.":
        "Bưu gửi {tracking}: sự cố được ký số và bưu gửi được đánh dấu cho đến khi kiểm soát viên đóng sự cố.",
    "C&lose the incident": "Đó&ng sự cố",
    "This item has no open incident.": "Bưu gửi này không có sự cố nào chưa đóng.",
    "Incident recorded.": "Đã ghi sự cố.",
    "Incident closed.": "Đã đóng sự cố.",
    # --- custody moves from the item detail -----------------------------------------------------------------
    "Go out for delivery": "Đi phát",
    "Delivery failed…": "Phát không thành công…",
    "Return to sender…": "Chuyển hoàn…",
    "Forward…": "Chuyển tiếp…",
    "Receive at this office…": "Nhận về bưu cục…",
    "Deliver to a person without an account…": "Phát cho người không có tài khoản…",
    "Out for delivery: recorded.": "Đã ghi: đưa đi phát.",
    "Received at this office.": "Đã nhận về bưu cục.",
    "Delivered.": "Đã phát.",
    "Item {tracking} could not be delivered. The reason is signed and recorded.":
        "Bưu gửi {tracking} không phát được. Lý do được ký số và ghi lại.",
    "&Reason (required)": "&Lý do (bắt buộc)",
    "&Reason (optional)": "&Lý do (không bắt buộc)",
    "Return to sender": "Chuyển hoàn",
    "Return item {tracking} to the sender. Returned items cannot move any further.":
        "Chuyển hoàn bưu gửi {tracking} về nơi gửi. Bưu gửi đã chuyển hoàn không thể chuyển tiếp đi đâu nữa.",
    "Return &to": "Chuyển hoàn &về",
    "Forward": "Chuyển tiếp",
    "Forward item {tracking} to another agency.": "Chuyển tiếp bưu gửi {tracking} đến một cơ quan khác.",
    "Forward &to": "Chuyển tiếp &đến",
    "- choose an agency -": "- chọn cơ quan -",
    "Receive at this office": "Nhận về bưu cục",
    "Handed back by": "Người giao lại",
    "Holder's &password": "&Mật khẩu người giữ",
    "Receive item {tracking} at this office from the person holding it, who types their own password here. "
    "If it is refused, nothing is recorded.":
        "Nhận bưu gửi {tracking} về bưu cục từ người đang giữ; người đó tự nhập mật khẩu của mình tại đây. "
        "Nếu mật khẩu bị từ chối thì không có gì được ghi.",
    "The person handing the item back must type their password.":
        "Người giao lại bưu gửi phải tự nhập mật khẩu của mình.",
    "Deliver to a person without an account": "Phát cho người không có tài khoản",
    "&Full name (required)": "&Họ và tên (bắt buộc)",
    "&ID number": "Số định danh / &căn cước",
    "Deliver item {tracking} to a person who has no account in this vault. Their details are recorded with "
    "your signature.":
        "Phát bưu gửi {tracking} cho người không có tài khoản trong kho dữ liệu này. Thông tin của họ được ghi "
        "cùng chữ ký của bạn.",
    "Only {name} may receive this item.": "Chỉ {name} được nhận bưu gửi này.",
    # --- print preview (pages on demand) -----------------------------------------------------------------
    "Fit width": "Vừa chiều rộng",
    "Whole page": "Cả trang",
    "of {count}": "trên {count}",
    "&Print…": "&In…",
    "Stop printing": "Dừng in",
    "First page": "Trang đầu",
    "Previous page": "Trang trước",
    "Next page": "Trang sau",
    "Last page": "Trang cuối",
    "Page": "Trang",
    "Page {page} of {count}": "Trang {page} trên {count}",
    "Printing {count} pages…": "Đang in {count} trang…",
    "Sent {count} pages to the printer.": "Đã gửi {count} trang tới máy in.",
    "Printing stopped after {count} pages.": "Đã dừng in sau {count} trang.",
    # --- long work apart from the counter ----------------------------------------------------------------
    "&Stop the check": "&Dừng kiểm tra",
    "&Stop": "&Dừng",
    # --- views per role, search by any field --------------------------------------------------------------
    "Vie&w": "&Góc nhìn",
    "Trac&king": "&Số hiệu",
    "S&eal": "N&iêm phong",
    "Doc&ument no.": "Số &văn bản",
    "Perso&n": "&Họ tên",
    "Acce&pted": "Ngà&y nhận",
    "C&lear filters": "Xó&a bộ lọc",
    "All items I may see": "Mọi bưu gửi tôi được xem",
    "Items I hold": "Bưu gửi tôi đang giữ",
    "On its way to my agency": "Đang trên đường tới cơ quan tôi",
    "Waiting for my confirmation": "Chờ tôi ký nhận",
    "Any date": "Mọi ngày",
    "Today": "Hôm nay",
    "Last 7 days": "7 ngày qua",
    "Last 30 days": "30 ngày qua",
    "This month": "Tháng này",
    "From … to …": "Từ ngày … đến ngày …",
    "scan, or type part of it": "quét mã, hoặc gõ một phần",
    "part of a seal number": "một phần số niêm phong",
    "e.g. 15/BC": "ví dụ 15/BC",
    "part of a name": "một phần họ tên",
    "Total: {count} items, {envelopes} envelopes, {overdue} overdue":
        "Tổng: {count} bưu gửi, {envelopes} bì, {overdue} quá hạn",
    "{count} items, {envelopes} envelopes, {overdue} overdue": "{count} bưu gửi, {envelopes} bì, {overdue} quá hạn",
    "the first {shown} are listed; see the Items tab for all":
        "liệt kê {shown} bưu gửi đầu; xem tất cả ở thẻ Bưu gửi",
    "Incident": "Sự cố",
    "Nothing here now.": "Hiện không có bưu gửi nào.",
    "Opened": "Ghi lúc",
    "Integrity and incidents": "Toàn vẹn và sự cố",
    "Open incidents: {count}": "Sự cố chưa đóng: {count}",
    "You have not checked the log yet on this computer: run the integrity check (Integrity tab).":
        "Bạn chưa kiểm tra sổ nhật ký trên máy này: hãy chạy kiểm tra toàn vẹn (thẻ Kiểm tra).",
    "Your last integrity check found no problem and covers all {size} events.":
        "Lần kiểm tra gần nhất của bạn không phát hiện vấn đề và bao gồm cả {size} sự kiện.",
    "Your last clean check covers {checked} of {size} events: {new} were added since. Check again.":
        "Lần kiểm tra sạch gần nhất của bạn bao gồm {checked}/{size} sự kiện: có {new} sự kiện mới từ đó. "
        "Hãy kiểm tra lại.",
    # --- Qt's own buttons and menus (Qt ships no Vietnamese) --------------------------------------------
    "OK": "Đồng ý",
    "&OK": "Đồng &ý",
    "Close": "Đóng",
    "&Yes": "&Có",
    "&No": "&Không",
    "Apply": "Áp dụng",
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    # --- exchange (gui/exchange_page.py, gui/imported_intake.py) ------------------------------------------
    "E&xchange": "Tr&ao đổi",
    "the file's format": "định dạng tệp",
    "the format version": "phiên bản định dạng",
    "the vault it is addressed to": "kho dữ liệu được gửi tới",
    "the sender's pinned key": "khóa đã ghim của bên gửi",
    "the certificate of the person who exported it": "chứng thư của người xuất gói",
    "the signature of the bundle": "chữ ký của gói dữ liệu",
    "the sender's signed checkpoint": "điểm kiểm tra đã ký của bên gửi",
    "the events it carries": "các sự kiện trong gói",
    "the events' place in the sender's log": "vị trí của sự kiện trong nhật ký bên gửi",
    "the sender's directory of users": "danh bạ người dùng của bên gửi",
    "the signatures of the events": "chữ ký của các sự kiện",
    "the custody rules (holder, lawful moves)": "quy tắc giao nhận (người giữ, bước chuyển hợp lệ)",
    "the chain of each item's events": "chuỗi sự kiện của từng bưu gửi",
    "the items it names": "các bưu gửi trong gói",
    "continuity with what was imported before (split view)":
        "tính liên tục với dữ liệu đã nhập trước (nhật ký bị tách nhánh)",
    "the cosignatures it carries": "các chữ ký chứng kiến trong gói",
    "The bundle was refused. Check that failed: {check}.\nDetail: {detail}\nNothing was stored.":
        "Gói dữ liệu bị từ chối. Bước kiểm tra không đạt: {check}.\nChi tiết kỹ thuật: {detail}\nKhông có gì được ghi.",
    "Import a bundle from another office or agency desk": "Nhập gói dữ liệu từ bưu cục hoặc bàn văn thư cơ quan khác",
    "&Import a bundle…": "&Nhập gói dữ liệu…",
    "Export a bundle for a pinned vault": "Xuất gói dữ liệu cho một kho đã ghim khóa",
    "Tracking numbers (separated by spaces; empty: every item of that agency)":
        "Số hiệu bưu gửi (cách nhau bằng dấu cách; để trống: mọi bưu gửi của cơ quan đó)",
    "E&xport…": "&Xuất…",
    "Pinned keys of partner vaults": "Khóa đã ghim của các đơn vị trao đổi",
    "&Pin a key file…": "&Ghim tệp khóa…",
    "&Unpin…": "&Bỏ ghim…",
    "Kind": "Loại",
    "Fingerprint": "Vân tay khóa",
    "Agency desk": "Bàn văn thư cơ quan",
    "Post office": "Bưu cục",
    "Yes": "Có",
    "No (revoked)": "Không (đã bỏ ghim)",
    "Key file of the partner vault": "Tệp khóa của đơn vị trao đổi",
    "Office key files (*.key);;All files (*)": "Tệp khóa đơn vị (*.key);;Mọi tệp (*)",
    "Pin a key": "Ghim khóa",
    "Who read the fingerprint aloud, and when:": "Ai đã đọc vân tay khóa, vào lúc nào:",
    "Pinned {code} ({name}). Fingerprint: {fingerprint}. Compare it aloud with the partner.":
        "Đã ghim {code} ({name}). Vân tay: {fingerprint}. Hãy đọc đối chiếu với đơn vị kia.",
    "Choose a pinned key in the list first.": "Hãy chọn một khóa đã ghim trong danh sách trước.",
    "Unpin a key": "Bỏ ghim khóa",
    "Why is {code} no longer trusted?": "Vì sao không còn tin khóa của {code}?",
    "Unpinned {code}.": "Đã bỏ ghim {code}.",
    "Bundle to import": "Gói dữ liệu cần nhập",
    "SecureMail bundles (*.bundle);;All files (*)": "Gói dữ liệu SecureMail (*.bundle);;Mọi tệp (*)",
    "Checking {path}…": "Đang kiểm tra {path}…",
    "The bundle of {office} (checkpoint {size}) was imported before; nothing more stored.":
        "Gói của {office} (điểm kiểm tra {size}) đã được nhập trước đây; không ghi gì thêm.",
    "Verified and imported the bundle of {office}: {events} events ({new} new), checkpoint size {size}.":
        "Đã kiểm tra và nhập gói của {office}: {events} sự kiện ({new} mới), điểm kiểm tra kích thước {size}.",
    "Pin the partner's key first (an administrator).": "Cần ghim khóa của đơn vị kia trước (quản trị viên).",
    "Save the bundle": "Lưu gói dữ liệu",
    "Wrote bundle {path} for {to}: {items} items, {events} events.":
        "Đã ghi gói dữ liệu {path} cho {to}: {items} bưu gửi, {events} sự kiện.",
    "From a partner's &bundle:": "Từ &gói dữ liệu đã nhập:",
    "(a new item, typed here)": "(bưu gửi mới, nhập tại quầy)",
    "{tracking} from {office}: {sender} → {recipient} {doc_ref}":
        "{tracking} từ {office}: {sender} → {recipient} {doc_ref}",
}
VI.update(DESK_VI)


def N_(source: str) -> str:
    """Mark `source` for the catalogue; translate it later with t()."""
    return source


def lookup(source: str) -> str | None:
    """The text to show for `source` in the current language; None when the source itself is right."""
    if current_language() != "vi":
        return None
    return VI.get(source)


def t(source: str, **params: object) -> str:
    """Translate `source` into the current language and fill its `{name}` placeholders."""
    text = lookup(source) or source
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
