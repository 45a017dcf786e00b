"""The only importer of cryptography.hazmat: canonical bytes, signatures, key wrapping."""
