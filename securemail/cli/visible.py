"""Make control characters visible before text reaches a terminal (statements, bundles, stored fields).

Every human line the CLI prints goes through `visible` (Ctx.emit, Ctx.info, error lines in main): an ESC, a
carriage return or a newline inside an untrusted value cannot move the cursor, recolour or repaint a verdict.
C0 controls become their Unicode control pictures (ESC -> U+241B "␛", newline -> U+2424 "␤"); DEL, C1 controls,
bidirectional overrides and lone surrogates become \\uXXXX escapes. JSON output escapes the same characters.
"""

from __future__ import annotations

_ESCAPED = [*range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
            *range(0xD800, 0xE000)]

_TABLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}
_TABLE[0x0A] = "\u2424"
_TABLE.update({c: f"\\u{c:04x}" for c in _ESCAPED})
_JSON_TABLE: dict[int, str] = {c: f"\\u{c:04x}" for c in _ESCAPED}


def visible(text: str) -> str:
    """`text` with every control character shown, never executed by a terminal (one line: newlines shown too)."""
    return text.translate(_TABLE)


def visible_json(text: str) -> str:
    """JSON text (already escaping C0 controls) with DEL, C1, bidi controls and lone surrogates escaped too.
    Those characters only ever occur inside JSON strings, where \\uXXXX is their valid spelling."""
    return text.translate(_JSON_TABLE)
