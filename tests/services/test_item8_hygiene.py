"""Issue 9 item 8: the same signature image twice, stale temp files of a killed write, GUI logs without data."""

from __future__ import annotations

import io
import os
import time

from PIL import Image

from securemail.services import transfers
from securemail.services.items import ExternalPerson
from securemail.storage.files import STALE_TEMP_SECONDS


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (40, 20), 255).save(out, format="PNG")
    return out.getvalue()


def test_the_same_signature_image_can_be_used_twice(vault):
    png = _png()
    with vault.open("clerk1") as clerk:
        first, second = vault.accept(clerk), vault.accept(clerk)
        for tracking in (first, second):
            transfers.deliver(clerk, tracking, person=ExternalPerson("Ông Nguyễn Văn Nhận", "001099012345", png))
        assert clerk.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 1


def test_stale_temp_files_of_a_killed_write_are_removed_at_the_next_open(vault):
    stale = vault.path / ".state.json.k1ll3d.tmp"
    fresh = vault.path / ".keyslots.json.inprogress.tmp"   # another process writing right now: kept
    for path in (stale, fresh):
        path.write_bytes(b"half a file")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    vault.open("clerk1").close()
    assert not stale.exists()
    assert fresh.exists()
