"""PyInstaller entry point of the desktop app (securemail / securemail.exe)."""

from securemail.gui.app import main

raise SystemExit(main())
