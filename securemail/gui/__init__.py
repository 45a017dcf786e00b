"""The desktop app (PySide6). The only package that imports Qt; it calls securemail.services and nothing deeper.

Layout: app.py (entry point) -> controller.py (unlock / main window / auto-lock) -> pages and dialogs.
Every service call goes through ops.run_op (off the GUI thread, errors routed to one place); every
string a user sees goes through strings.t (or the catalogue translator for Designer forms).
"""
