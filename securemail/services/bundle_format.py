"""The exchange bundle's format (docs/formats/bundle-v2.md): its name, version, limits and the checks of an
import."""

from __future__ import annotations

FORMAT = "securemail-bundle"
VERSION = 2          # 2: cosignatures travel back (cross-witnessing); item.received / item.passed_on events
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_PROOF = 64

# The checks of an import, in the order they run (the refusal names one of them).
CHECKS = ("format", "version", "recipient", "pin", "certificate", "bundle_signature", "checkpoint", "events",
          "inclusion", "directory", "signatures", "custody", "hash_chain", "items", "split_view", "cosignatures")
