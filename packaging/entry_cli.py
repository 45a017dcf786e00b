"""PyInstaller entry point of the command line (securemail-cli / securemail-cli.exe)."""

import sys

from securemail.cli.main import main

sys.exit(main())
