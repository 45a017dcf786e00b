"""Backup and restore inside the app (services.backup): an encrypted snapshot of the open vault into a new or
empty folder, and a backup copied into a new vault folder. Nothing is decrypted on the way; the folders are
chosen in a dialog or typed, and the work runs on the operations thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from securemail.errors import UserFacingError
from securemail.gui.ops import run_op
from securemail.gui.strings import t
from securemail.gui.widgets import PlainLabel, labelled, named, show_message
from securemail.services import backup
from securemail.services.backup import BackupInfo
from securemail.services.session import Session


class BackupPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupPage")
        self._session = session
        self.message = named(QLabel(), "backupMessage")
        self.message.setWordWrap(True)
        self.backup_box, self.restore_box = QGroupBox(), QGroupBox()
        self.backup_hint = PlainLabel(wrap=True)
        self.backup_edit = named(QLineEdit(), "backupFolder")
        self.backup_choose = named(QPushButton(), "backupChoose")
        self.backup_button = named(QPushButton(), "backupButton")
        self.restore_hint = PlainLabel(wrap=True)
        self.source_edit = named(QLineEdit(), "restoreSource")
        self.source_choose = named(QPushButton(), "restoreSourceChoose")
        self.target_edit = named(QLineEdit(), "restoreTarget")
        self.target_choose = named(QPushButton(), "restoreTargetChoose")
        self.restore_button = named(QPushButton(), "restoreButton")
        self.backup_label = labelled("", self.backup_edit)
        self.source_label = labelled("", self.source_edit)
        self.target_label = labelled("", self.target_edit)
        self.backup_choose.clicked.connect(lambda: self._choose(self.backup_edit))
        self.source_choose.clicked.connect(lambda: self._choose(self.source_edit))
        self.target_choose.clicked.connect(lambda: self._choose(self.target_edit))
        self.backup_button.clicked.connect(self.make_backup)
        self.restore_button.clicked.connect(self.restore)
        self.backup_edit.returnPressed.connect(self.make_backup)

        form = QFormLayout(self.backup_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.backup_hint)
        form.addRow(self.backup_label, _row(self.backup_edit, self.backup_choose))
        form.addRow("", self.backup_button)
        form = QFormLayout(self.restore_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.restore_hint)
        form.addRow(self.source_label, _row(self.source_edit, self.source_choose))
        form.addRow(self.target_label, _row(self.target_edit, self.target_choose))
        form.addRow("", self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.backup_box)
        layout.addWidget(self.restore_box)
        layout.addStretch(1)
        show_message(self.message, "")
        self.retranslate()

    def retranslate(self) -> None:
        self.backup_box.setTitle(t("Back up this vault"))
        self.backup_hint.setText(t("An encrypted copy of the vault as it is now, written into a new or empty folder "
                                   "outside the vault (a USB disk kept in the safe). The same users and passwords "
                                   "open it."))
        self.backup_label.setText(t("Backup f&older:"))
        self.backup_choose.setText(t("Choose…"))
        self.backup_button.setText(t("Make the &backup"))
        self.restore_box.setTitle(t("Restore a backup"))
        self.restore_hint.setText(t("Copies a backup into a new vault folder; this vault is not touched. Start the "
                                    "app with --vault and that folder to use it."))
        self.source_label.setText(t("Bac&kup to restore:"))
        self.source_choose.setText(t("Choose…"))
        self.target_label.setText(t("&New vault folder:"))
        self.target_choose.setText(t("Choose…"))
        self.restore_button.setText(t("Re&store into the new folder"))
        for edit, name in ((self.backup_edit, t("Backup folder")), (self.source_edit, t("Backup to restore")),
                           (self.target_edit, t("New vault folder"))):
            edit.setAccessibleName(name)

    def _choose(self, edit: QLineEdit) -> QFileDialog:
        dialog = QFileDialog(self, t("Choose a folder"), edit.text() or str(Path.home()))
        dialog.setObjectName("folderDialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(edit.setText)
        dialog.open()
        return dialog

    def _folder(self, edit: QLineEdit) -> Path | None:
        text = edit.text().strip()
        if not text:
            show_message(self.message, t("Type or choose the folder first."))
            edit.setFocus()
            return None
        return Path(text).expanduser()

    def make_backup(self) -> None:
        folder = self._folder(self.backup_edit)
        if folder is None:
            return
        session = self._session
        self.backup_button.setEnabled(False)

        def done(info: BackupInfo) -> None:
            self.backup_button.setEnabled(True)
            show_message(self.message, t("Backup written to {path} ({count} events).", path=str(info.folder),
                                         count=info.size), kind="ok")

        run_op(self, lambda: backup.backup_vault(session, folder), done, self._failed)

    def restore(self) -> None:
        source, target = self._folder(self.source_edit), self._folder(self.target_edit)
        if source is None or target is None:
            return
        self.restore_button.setEnabled(False)

        def done(info: BackupInfo) -> None:
            self.restore_button.setEnabled(True)
            show_message(self.message, t("Backup restored into {path}. Start the app with --vault {path} to open it.",
                                         path=str(info.folder)), kind="ok")

        run_op(self, lambda: backup.restore_vault(source, target), done, self._failed)

    def _failed(self, error: UserFacingError) -> None:
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        show_message(self.message, error.message())


def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row
