"""Exactly one function decides which bytes are hashed and signed: RFC 8785 (JCS) JSON.

Floats are refused (they have no single spelling); integers must fit in 2^53. Large numbers, times and ids
travel as strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import rfc8785

JsonValue = Any

_MAX_SAFE = 2**53 - 1


def _check(value: JsonValue, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE:
            raise ValueError(f"integer out of range at {path}")
        return
    if isinstance(value, float):
        raise ValueError(f"float at {path}: not allowed in canonical data")
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"non-string key at {path}")
            _check(v, f"{path}.{k}")
        return
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _check(v, f"{path}[{i}]")
        return
    raise ValueError(f"unsupported type {type(value).__name__} at {path}")


def canonical_bytes(value: JsonValue) -> bytes:
    """RFC 8785 canonical JSON of `value` (dicts, lists, str, int, bool, None)."""
    _check(value, "$")
    out: bytes = rfc8785.dumps(value)
    return out


def parse_canonical(data: bytes) -> JsonValue:
    """Parse bytes that must already be canonical; raises ValueError if re-encoding differs."""
    value = json.loads(data.decode("utf-8"))
    if canonical_bytes(value) != data:
        raise ValueError("not canonical")
    return value
