"""securemail-cli: the services without a window (a thin layer; no logic of its own)."""
