"""The read side of the vault: typed read models (frozen dataclasses) and the SQL that fills them.

Services hand these records to the CLI, the GUI and the report builders, which read attributes that mypy checks,
never string keys of a `SELECT *` row. One module per model holds its columns and its queries; the services above
keep the rules (who may see what, which filters are allowed). See docs/adr/0019-typed-read-models.md.
"""
