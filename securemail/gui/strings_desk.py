"""Vietnamese for the desk screens' newer texts (bag receipt, admin work, keyboard and screen-size helpers).

Same shape as strings.VI (English source -> Vietnamese); strings.VI includes it, so t() finds them."""

from __future__ import annotations

DESK_VI: dict[str, str] = {
    # --- receiving a bag: the manifest against the scans ---------------------------------------------------
    "&Password of {name}": "&Mật khẩu của {name}",
    "Take the selected scan &out": "&Bỏ số đã quét đang chọn",
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
