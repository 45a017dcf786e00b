"""Names `make deadcode` (vulture) must not report: each is used, but by a framework, not by a call it can see.
Keep this short, and say who uses each. Anything else vulture reports is dead: remove it."""
# ruff: noqa

# Qt calls these virtuals of our subclasses itself.
_.columnCount  # QAbstractTableModel (gui/table_base.py)
_.itemAt  # QLayout (gui/flow_layout.py), with the three below
_.expandingDirections
_.hasHeightForWidth
_.heightForWidth
_.isEmpty  # QTranslator (gui/translator.py)

# reportlab reads these attributes of its flowables and table styles (documents/).
_.hAlign
_.keepWithNext
_.fontname
_.fontsize
_.alignment
_.leftPadding
_.rightPadding
_.topPadding
_.bottomPadding

# argparse looks up its words through these module functions (cli/help_text.py).
_._
_.ngettext

# domain/item.py: ItemDraft's fields are read by name (dataclasses.fields, FIELD_ORDER).
_.seal_numbers

# services/queries/incidents.py: IncidentRecord's columns, read by name by as_dict() (dataclasses.fields) for --json.
_.opened_by
_.closed_seq
_.closed_by
_.closing_note

# PEP 562: Python calls a package's __getattr__/__dir__ (documents/ and storage/ load their heavy parts on first use).
_.__getattr__
_.__dir__

# pytest: an autouse fixture (tests/gui/conftest.py).
_._vietnamese_and_drained
