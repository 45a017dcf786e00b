"""The custody ledger: signed events, per-subject hash chains, an RFC 6962 Merkle log, checkpoints, verification."""
