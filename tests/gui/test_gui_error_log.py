"""The GUI logs unexpected errors by type and place only: never the exception text, which can hold user data."""

from __future__ import annotations

import logging

from securemail.gui.ops import as_user_facing


def _fail(name: str) -> None:
    try:
        raise KeyError(f"tracking KT0000001VN of {name}")
    except KeyError as e:
        raise ValueError(f"could not save {name}") from e


def test_unexpected_errors_are_logged_without_their_text(caplog):
    secret = "Nguyễn Văn Bí Mật"
    try:
        _fail(secret)
    except ValueError as e:
        error = e
    with caplog.at_level(logging.DEBUG):
        shown = as_user_facing(error)
    assert shown.key == "error.internal" and secret not in shown.message()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError from KeyError" in logged and "_fail" in logged
    assert secret not in logged and "KT0000001VN" not in logged
    assert all(r.exc_info is None and not r.exc_text for r in caplog.records)
