"""Translation catalogues: gettext .po sources compiled to .mo (see docs/adr/0015-i18n-gettext-catalogue.md).

po.py reads and writes .po text, mo.py writes and reads compiled .mo files (both stdlib only, so the build
uses them without installing anything); catalogue.py loads a language's .mo for securemail.i18n, the GUI and the
command line.
"""
