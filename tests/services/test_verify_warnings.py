"""verify says when nothing outside the database can reveal a restored older copy."""

from __future__ import annotations

from securemail.services.audit import verify_vault


def test_no_outside_checkpoint_is_a_warning_not_silence(vault) -> None:  # type: ignore[no-untyped-def]
    s = vault.open("auditor1")
    assert verify_vault(s, full=True).warnings == []
    s.close()
    (vault.path / "state.json").unlink()
    s = vault.open("auditor1")
    report = verify_vault(s, full=True)
    assert report  # no problem in the ledger itself...
    assert report.warnings == ["verify.warn_no_outside_checkpoint"]  # ...but the limit is said
    assert report.to_json("en")["warnings"][0]["message"].startswith("Note: no checkpoint outside")
