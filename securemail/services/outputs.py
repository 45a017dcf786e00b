"""Files the user asks for (PDFs, exported checkpoints): one rule for the CLI and the desktop app."""

from __future__ import annotations

from securemail.storage.files import check_output_path, write_user_file

__all__ = ["check_output_path", "write_user_file"]
