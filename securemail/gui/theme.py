"""Look and feel: Fusion style, the bundled Be Vietnam Pro font (full Vietnamese coverage), one stylesheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from securemail.resources import resources_dir

RESOURCES = resources_dir()
FONT_FILES = ("BeVietnamPro-Regular.ttf", "BeVietnamPro-Bold.ttf")
ICON = RESOURCES / "icons" / "securemail.svg"
PLACEHOLDER = "#5f6b76"

STYLESHEET = """
QLabel[messageKind="error"] { color: #9b1c1c; background: #fdecea; border: 1px solid #f3b8b4;
    border-radius: 4px; padding: 6px 8px; }
QLabel[messageKind="ok"] { color: #1b5e20; background: #e8f5e9; border: 1px solid #b5dcb8;
    border-radius: 4px; padding: 6px 8px; }
QLabel[messageKind="info"] { color: #0d3c61; background: #eaf2fb; border: 1px solid #b9d3ef;
    border-radius: 4px; padding: 8px 10px; }
QLineEdit[fieldError="true"], QComboBox[fieldError="true"], QPlainTextEdit[fieldError="true"],
QSpinBox[fieldError="true"], QDateTimeEdit[fieldError="true"] { border: 2px solid #c62828; background: #fff5f5; }
QCheckBox[fieldError="true"] { color: #c62828; }
QFrame[card="true"] { background: #ffffff; border: 1px solid #cfd8e3; border-radius: 6px; }
QLabel#cardNumber { font-size: 24pt; font-weight: 600; color: #12355b; }
QFrame[alert="true"] QLabel#cardNumber { color: #b71c1c; }
QLabel#cardCaption { color: #44505c; }
QLabel#titleLabel { font-size: 20pt; font-weight: 600; color: #12355b; }
QLabel#subtitleLabel { color: #44505c; }
QLabel#vaultLabel { color: #5f6b76; }
QLabel#pageHeading, QLabel#headingLabel { font-size: 13pt; font-weight: 600; color: #12355b; }
QLabel#hintLabel { color: #5f6b76; }
QLabel#fieldName { color: #5f6b76; }
QLabel#flagLabel { color: #7a4100; background: #fff4e5; border: 1px solid #ffcf8f; border-radius: 4px;
    padding: 6px 8px; font-weight: 600; }
QLabel#chainLabel[messageKind="ok"] { color: #1b5e20; font-weight: 600; }
QLabel#chainLabel[messageKind="error"] { color: #b71c1c; font-weight: 600; }
QGroupBox { font-weight: 600; }
QGroupBox QLabel, QGroupBox QTableView, QGroupBox QTableWidget, QGroupBox QCheckBox { font-weight: normal; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    families: list[str] = []
    for name in FONT_FILES:
        path = RESOURCES / "fonts" / name
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    font = QFont(families[0] if families else app.font().family())
    font.setPointSizeF(10)
    app.setFont(font)
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        # Fusion's placeholder is half-transparent text (about 2.6:1 on white): this grey gives 5.5:1 (WCAG AA).
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
