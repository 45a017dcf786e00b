"""The Hỏa tốc delegate rule (NĐ 26/2020) reads the document's urgency mark; items accepted before the mark was
recorded (urgency NULL) keep being judged by their service class, so old ledgers still verify."""

from __future__ import annotations

import pytest

from securemail.custody.rules import marked_hoa_toc


@pytest.mark.parametrize(("urgency", "service", "expected"), [
    ("hoa-toc", "thuong", True),        # the document's mark decides ...
    ("none", "hoa-toc", False),         # ... not the KT1 service class
    ("khan", "hoa-toc", False),
    ("thuong-khan", "thuong", False),
    (None, "hoa-toc", True),            # recorded before schema 8: the service class, as when it was written
    (None, "thuong", False),
])
def test_marked_hoa_toc(urgency: str | None, service: str, expected: bool) -> None:
    assert marked_hoa_toc(urgency, service) is expected
