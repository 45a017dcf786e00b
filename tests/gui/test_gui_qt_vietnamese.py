"""Qt's own dialogs speak Vietnamese: Qt ships no Vietnamese, so the texts come from our catalogue (msgctxt
"qt:<Context>"). Every text Qt asks the translator for while these dialogs are built must be answered; the
dialogs are also saved as PNGs (SECUREMAIL_SHOTS=folder) to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from securemail.gui.translator import CatalogueTranslator
from securemail.i18n import set_language

# Contexts of the dialogs below whose every text we translate (the rest, e.g. QPageSize's paper names, stay).
OURS = ("QPlatformTheme", "QMessageBox", "QDialogButtonBox", "QFileDialog", "QFileSystemModel", "QPrintDialog",
        "QPrintPreviewDialog", "QPrintSettingsOutput", "QPrintWidget", "QPageSetupWidget", "QPrintPropertiesDialog",
        "QPrintPropertiesWidget", "QLineEdit", "QWidgetTextControl", "QAbstractSpinBox", "QScrollBar")


class Recorder(CatalogueTranslator):
    def __init__(self) -> None:
        super().__init__()
        self.missed: set[tuple[str, str]] = set()
        self.asked: set[tuple[str, str]] = set()

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        found = super().translate(context, source, disambiguation, n)
        self.asked.add((context, source))
        if found is None and context in OURS:
            self.missed.add((context, source))
        return found


@pytest.fixture
def recorder(qapp: QCoreApplication) -> Iterator[Recorder]:
    translator = Recorder()
    qapp.installTranslator(translator)
    set_language("vi")
    yield translator
    qapp.removeTranslator(translator)


def _texts(widget: QWidget) -> set[str]:
    texts = {widget.windowTitle()}
    for child in widget.findChildren(QWidget):
        if isinstance(child, QAbstractButton | QLabel):
            texts.add(child.text())
        elif isinstance(child, QGroupBox):
            texts.add(child.title())
        elif isinstance(child, QTabWidget):
            texts.update(child.tabText(i) for i in range(child.count()))
        texts.add(child.toolTip())
        texts.update(a.text() for a in child.actions())
        texts.update(a.toolTip() for a in child.actions())
    return {t for t in texts if t}


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("SECUREMAIL_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_message_box_buttons(recorder: Recorder, qtbot) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "SecureMail", "Lưu thay đổi?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes
                      | QMessageBox.StandardButton.No)
    box.setDetailedText("chi tiết")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    buttons = {b.text() for b in box.buttons()}
    assert {"Lưu", "Không lưu", "Hủy", "&Có", "&Không", "Xem chi tiết..."} <= buttons
    _shot(box, "qt-message-box")
    assert not recorder.missed


def test_dialog_button_box(recorder: Recorder, qtbot) -> None:
    S = QDialogButtonBox.StandardButton
    box = QDialogButtonBox(S.Ok | S.Cancel | S.Apply | S.Close | S.Help | S.Reset | S.RestoreDefaults | S.Open)
    qtbot.addWidget(box)
    assert [box.button(s).text() for s in (S.Cancel, S.Apply, S.Close, S.Help, S.Reset, S.RestoreDefaults,
                                           S.Open)] == ["Hủy", "Áp dụng", "Đóng", "Trợ giúp", "Đặt lại",
                                                        "Khôi phục mặc định", "Mở"]
    assert not recorder.missed


def test_file_dialog(recorder: Recorder, qtbot, tmp_path: Path) -> None:
    (tmp_path / "bao-cao.pdf").write_bytes(b"%PDF-1.4\n")
    dialog = QFileDialog(None, "Lưu báo cáo", str(tmp_path), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.resize(760, 460)
    dialog.show()
    qtbot.waitExposed(dialog)
    header = dialog.findChild(QWidget, "treeView").model()
    qtbot.waitUntil(lambda: "Kích thước" in {header.headerData(i, Qt.Orientation.Horizontal) for i in range(4)})
    qtbot.waitUntil(lambda: header.rowCount(header.index(str(tmp_path))) == 1)  # the file is listed
    texts = _texts(dialog)
    assert {"Tìm t&rong:", "&Tên tệp:", "&Loại tệp:", "&Lưu", "Hủy", "Tạo thư mục mới"} <= texts, texts
    assert not {"&Look in:", "File &name:", "Files of &type:", "&Save", "Cancel"} & texts
    _shot(dialog, "qt-file-dialog")
    assert not recorder.missed, recorder.missed


def test_print_and_preview_dialogs(recorder: Recorder, qtbot, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = _texts(dialog)
    assert {"In", "Máy in", "&Tên:", "Thuộc tín&h", "Tệp &kết quả:", "Hủy", "Phạm vi in", "Số bản:"} <= texts, texts
    assert not {"Print", "Printer", "Cancel", "Copies:"} & texts
    _shot(dialog, "qt-print-dialog")

    preview = QPrintPreviewDialog(printer)
    qtbot.addWidget(preview)
    preview.resize(800, 500)
    preview.show()
    qtbot.waitExposed(preview)
    texts = _texts(preview)
    assert {"Xem trước khi in", "Trang sau", "Phóng to", "Khổ dọc", "Thiết lập trang", "In"} <= texts, texts
    _shot(preview, "qt-print-preview")
    assert not recorder.missed, recorder.missed


@pytest.mark.parametrize("kind", [QLineEdit, QTextEdit, QPlainTextEdit])
def test_text_context_menus(recorder: Recorder, qtbot, kind: type[QWidget]) -> None:
    edit = kind()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    shown = [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    assert {"&Hoàn tác", "&Làm lại", "&Cắt", "&Sao chép", "&Dán", "Xóa", "Chọn tất cả"} <= set(shown), shown
    assert not recorder.missed


def test_english_stays_english(recorder: Recorder, qtbot) -> None:
    set_language("en")
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
    finally:
        set_language("vi")
