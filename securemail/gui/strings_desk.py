"""Vietnamese for the desk screens' newer texts (bag receipt, admin work, keyboard and screen-size helpers).

Same shape as strings.VI (English source -> Vietnamese); strings.VI includes it, so t() finds them."""

from __future__ import annotations

DESK_VI: dict[str, str] = {
    # --- receiving a bag: the manifest against the scans ---------------------------------------------------
    "&Password of {name}": "&Mật khẩu của {name}",
    "Take the selected scan &out": "Bỏ số đã quét đang &chọn",
    "&Manifest and scans": "&Bảng kê và số đã quét",
    "On the manifest": "Có trong bảng kê",
    "Scanned": "Đã quét",
    "scanned": "đã quét",
    "not scanned yet": "chưa quét",
    "no": "không",
    "MISSING - incident recorded": "BỊ THIẾU - đã ghi sự cố",
    "not on the manifest": "không có trong bảng kê",
    "not on the manifest - incident recorded": "không có trong bảng kê - đã ghi sự cố",
    "Expected {expected}, scanned {scanned}, missing {missing}, not on the manifest {extra}.":
        "Dự kiến {expected}, đã quét {scanned}, thiếu {missing}, ngoài bảng kê {extra}.",
    "{count} MISSING": "{count} BỊ THIẾU",
    "MISSING at opening: {items}": "BỊ THIẾU khi mở túi: {items}",
    "Not on the manifest: {items}": "Không có trong bảng kê: {items}",
    "MISSING from bag {bag} when it was opened.": "BỊ THIẾU trong túi {bag} khi mở túi.",
}

DESK_VI.update({
    # --- administration: users and agencies ----------------------------------------------------------------
    "Users and agencies": "Người dùng và cơ quan",
    "Norms and calendar": "Định mức và lịch làm việc",
    "Backup and restore": "Sao lưu và khôi phục",
    "Add a u&ser…": "Thê&m người dùng…",
    "Reset the pass&word…": "Đặt lại mật khẩ&u…",
    "R&ole or agency…": "Vai t&rò hoặc cơ quan…",
    "Revo&ke…": "Thu hồi tài kh&oản…",
    "Add an a&gency…": "Thêm cơ qu&an…",
    "&Edit the agency…": "&Sửa cơ quan…",
    "Revoke an account": "Thu hồi tài khoản",
    "Revoke the account of {name} ({username})? They can no longer open the vault; what they signed stays valid. "
    "This cannot be undone.":
        "Thu hồi tài khoản của {name} ({username})? Người này không mở được kho dữ liệu nữa; những gì đã ký vẫn "
        "có giá trị. Không thể hoàn tác.",
    "Re&voke the account": "&Thu hồi tài khoản",
    "Choose an active user in the list first.": "Hãy chọn một người dùng đang hoạt động trong danh sách.",
    "Choose an agency in the list first.": "Hãy chọn một cơ quan trong danh sách.",
    "User added.": "Đã thêm người dùng.",
    "Password of {name} reset: they choose their own at the next sign-in.":
        "Đã đặt lại mật khẩu của {name}: người này tự đặt mật khẩu riêng ở lần đăng nhập tới.",
    "Role and agency of {name} saved.": "Đã lưu vai trò và cơ quan của {name}.",
    "Account {username} revoked; the data key was changed.":
        "Đã thu hồi tài khoản {username}; khóa dữ liệu đã được thay.",
    "Agency added.": "Đã thêm cơ quan.",
    "Agency {code} saved.": "Đã lưu cơ quan {code}.",
    # --- administration: the forms --------------------------------------------------------------------------
    "&Save": "&Lưu",
    "&Code": "&Mã",
    "&Name": "&Tên",
    "&Province": "Tỉnh/thành &phố",
    "&Full name": "&Họ và tên",
    "&Role": "&Vai trò",
    "&Agency (for secretaries)": "&Cơ quan (với văn thư)",
    "&Initial password": "&Mật khẩu ban đầu",
    "Repea&t the password": "&Nhập lại mật khẩu",
    "Edit agency {code}": "Sửa cơ quan {code}",
    "The code stays; the change is signed and kept in the log.": "Mã giữ nguyên; thay đổi được ký và lưu trong sổ.",
    "Outside the inner &city (ngoại thành)": "&Ngoại thành (ngoài khu vực nội thành)",
    "Reset the password of {name}": "Đặt lại mật khẩu của {name}",
    "{name} ({username}) gets a new signing key and this initial password, and must choose their own at the next "
    "sign-in. What they signed before stays valid.":
        "{name} ({username}) nhận khóa ký mới và mật khẩu ban đầu này, và phải tự đặt mật khẩu riêng ở lần đăng nhập "
        "tới. Những gì đã ký trước đây vẫn có giá trị.",
    "&Reset the password": "Đặt &lại mật khẩu",
    "&New initial password": "Mật khẩu ban đầu &mới",
    "Role and agency of {name}": "Vai trò và cơ quan của {name}",
    "A new role needs a new initial password (the user chooses their own at the next sign-in). A new agency alone "
    "keeps their password.":
        "Đổi vai trò cần một mật khẩu ban đầu mới (người dùng tự đặt mật khẩu riêng ở lần đăng nhập tới). Chỉ đổi "
        "cơ quan thì giữ nguyên mật khẩu.",
    "&Change": "Đổ&i",
    "&New initial password (only for a new role)": "Mật khẩu ban đầu &mới (chỉ khi đổi vai trò)",
    "Norm: {service} / {scope}": "Định mức: {service} / {scope}",
    "Open items get new due times at once; the old ones stay in their timelines.":
        "Các bưu gửi đang xử lý được tính lại hạn ngay; hạn cũ vẫn ghi trong dòng thời gian.",
    " tenths of a working day": " phần mười ngày làm việc",
    " hours": " giờ",
    "&Working days (tenths)": "&Số ngày làm việc (phần mười)",
    "&Least lead time": "&Thời gian báo trước tối thiểu",
    "&Basis (decision, circular)": "&Căn cứ (quyết định, thông tư)",
    "Add a day to the working calendar": "Thêm một ngày vào lịch làm việc",
    "&Add the day": "&Thêm ngày",
    "Day off (a weekday)": "Ngày nghỉ (ngày thường)",
    "Make-up working day (Saturday or Sunday)": "Ngày làm bù (thứ Bảy hoặc Chủ nhật)",
    "&Day": "&Ngày",
    "&Kind of day": "&Loại ngày",
    "&Name (optional)": "Tên &gọi (không bắt buộc)",
    "Remove {day} from the calendar": "Bỏ ngày {day} khỏi lịch",
    "Due times of open items are computed again without this day.":
        "Hạn của các bưu gửi đang xử lý được tính lại không kể ngày này.",
    "Remo&ve the day": "&Bỏ ngày này",
    "&Reason (decision, circular)": "&Lý do (quyết định, thông tư)",
    "Statutory days off": "Ngày nghỉ theo luật",
    "The days off the Labour Code gives (lunar ones computed) are recorded, signed, for the year. Add the "
    "government's swaps afterwards, one day at a time.":
        "Các ngày nghỉ theo Bộ luật Lao động (kể cả ngày âm lịch, được tính sẵn) được ghi và ký cho cả năm. Sau đó "
        "thêm từng ngày hoán đổi theo quyết định của Chính phủ.",
    "&Record the days off": "&Ghi các ngày nghỉ",
    "&Year": "&Năm",
    "&Basis (optional)": "&Căn cứ (không bắt buộc)",
    "(the Labour Code 2019, Article 112)": "(Bộ luật Lao động 2019, Điều 112)",
    # --- administration: norms and calendar -----------------------------------------------------------------
    "Scope": "Phạm vi",
    "Target": "Chỉ tiêu",
    "Basis": "Căn cứ",
    "Day": "Ngày",
    "Kind": "Loại",
    "{days} working day(s)": "{days} ngày làm việc",
    "at the appointed time, at least {hours} h ahead": "đúng giờ hẹn, báo trước ít nhất {hours} giờ",
    "(default)": "(mặc định)",
    "Delivery-time norms": "Định mức thời gian phát",
    "Edit the &norm…": "&Sửa định mức…",
    "Working hours": "Giờ làm việc",
    "H&ours:": "&Phiên làm việc:",
    "Save the hour&s": "Lưu giờ làm &việc",
    "Days off and make-up working days": "Ngày nghỉ và ngày làm bù",
    "Y&ear:": "Nă&m:",
    "Year": "Năm",
    "Re&cord the statutory days off…": "Ghi ngày nghỉ theo l&uật…",
    "Add a day off or &working day…": "Thêm một ngà&y…",
    "Remove the selected da&y…": "Bỏ ngày đ&ang chọn…",
    "make-up working day": "ngày làm bù",
    "day off": "ngày nghỉ",
    "Choose a norm in the list first.": "Hãy chọn một định mức trong danh sách.",
    "Choose a day in the list first.": "Hãy chọn một ngày trong danh sách.",
    "Norm saved; due times of open items were updated.": "Đã lưu định mức; hạn của các bưu gửi đang xử lý đã cập nhật.",
    "Working hours saved; due times of open items were updated.":
        "Đã lưu giờ làm việc; hạn của các bưu gửi đang xử lý đã cập nhật.",
    "Statutory days off recorded.": "Đã ghi các ngày nghỉ theo luật.",
    "Day added to the calendar.": "Đã thêm ngày vào lịch.",
    "Day removed from the calendar.": "Đã bỏ ngày khỏi lịch.",
    # --- administration: backup and restore -----------------------------------------------------------------
    "Back up this vault": "Sao lưu kho dữ liệu này",
    "An encrypted copy of the vault as it is now, written into a new or empty folder outside the vault (a USB disk "
    "kept in the safe). The same users and passwords open it.":
        "Một bản sao đã mã hóa của kho dữ liệu như hiện tại, ghi vào một thư mục mới hoặc trống bên ngoài kho (một "
        "ổ USB cất trong két). Cùng người dùng và mật khẩu mở được bản sao này.",
    "Backup f&older:": "Thư mục sa&o lưu:",
    "Choose…": "Chọn…",
    "Make the &backup": "Tạo bản &sao lưu",
    "Restore a backup": "Khôi phục bản sao lưu",
    "Copies a backup into a new vault folder; this vault is not touched. Start the app with --vault and that folder "
    "to use it.":
        "Chép một bản sao lưu vào một thư mục kho mới; kho này không bị động đến. Mở ứng dụng với --vault và thư mục "
        "đó để dùng.",
    "Bac&kup to restore:": "Bản sao lưu cần khôi &phục:",
    "&New vault folder:": "Thư mục kho &mới:",
    "Re&store into the new folder": "Khôi phục &vào thư mục mới",
    "Choose a folder": "Chọn thư mục",
    "Backup folder": "Thư mục sao lưu",
    "Backup to restore": "Bản sao lưu cần khôi phục",
    "New vault folder": "Thư mục kho mới",
    "Type or choose the folder first.": "Hãy nhập hoặc chọn thư mục trước.",
    "Backup written to {path} ({count} events).": "Đã ghi bản sao lưu vào {path} ({count} sự kiện).",
    "Backup restored into {path}. Start the app with --vault {path} to open it.":
        "Đã khôi phục bản sao lưu vào {path}. Mở ứng dụng với --vault {path} để dùng.",
    # --- keyboard and screen readers --------------------------------------------------------------------------
    "First day of the period": "Ngày đầu của kỳ",
    "Last day of the period": "Ngày cuối của kỳ",
    "Fi&nd:": "Tìm &số hiệu:",
    "H&and over…": "&Bàn giao…",
    "Clear the form": "Xóa trắng phiếu",
    "Clear everything typed in this form? It has not been saved.":
        "Xóa mọi thứ đã nhập trong phiếu này? Phiếu chưa được lưu.",
    "C&lear the form": "&Xóa trắng",
    "&Keep it": "&Giữ lại",
})
