"""SecureMail: chain-of-custody logging for classified mail on the KT1 postal network."""

__version__ = "0.1.0"
