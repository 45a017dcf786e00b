"""The vault-wide kdf_profile in keyslots.json cannot be edited down to make new slots cheap to guess."""

from __future__ import annotations

import json

import pytest

from securemail.crypto.keywrap import new_kdf_params
from securemail.crypto.signing import SigningKey
from securemail.errors import VaultError
from securemail.storage.keyslots import KeySlotFile, create_slot


@pytest.fixture
def standard_file(tmp_path):
    slot = create_slot("v" * 32, "admin", "admin", "quản-trị-mật-khẩu-01", bytes(32), SigningKey.generate(),
                       new_kdf_params("standard"))
    path = tmp_path / "keyslots.json"
    KeySlotFile(vault_id="v" * 32, kdf_profile="standard", slots={"admin": slot}).save(path)
    return path


def _edit(path, **changes) -> None:
    doc = json.loads(path.read_text())
    doc.update(changes)
    path.write_text(json.dumps(doc))


def test_untouched_file_loads(standard_file):
    assert KeySlotFile.load(standard_file).kdf_profile == "standard"


def test_raising_the_profile_is_allowed(standard_file):
    _edit(standard_file, kdf_profile="strong")
    assert KeySlotFile.load(standard_file).kdf_profile == "strong"


@pytest.mark.parametrize("profile", ["minimum", "bogus", ""])
def test_downgrade_or_unknown_profile_is_refused(standard_file, profile):
    _edit(standard_file, kdf_profile=profile)
    with pytest.raises(VaultError) as e:
        KeySlotFile.load(standard_file)
    assert e.value.key == "vault.damaged"


def test_downgraded_vault_does_not_open(vault, kit):
    path = vault.path / "keyslots.json"
    _edit(path, kdf_profile="bogus")
    with pytest.raises(VaultError):
        vault.open("admin")
