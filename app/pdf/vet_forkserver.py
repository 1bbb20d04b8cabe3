"""Imported once, by the vetting fork server only (its `preload`): PyMuPDF and the child code are
loaded there, so each vetting child is a cheap fork of an interpreter that already has them.

multiprocessing also re-runs the parent's main script in every child (to find functions defined
in it). Vetting children never need it, and for `main.py` it costs ~0.7 s per file (SQLAlchemy and
the rest of the app), so in this process (and thereby in its children) that step is skipped. Never
import this module anywhere else.
"""

from multiprocessing import spawn

import app.pdf.vet  # noqa: F401  (the child's entry point)
import app.pdf.vet_worker  # noqa: F401  (PyMuPDF)


def _skip(_main: str) -> None:
    return None


spawn._fixup_main_from_path = _skip
spawn._fixup_main_from_name = _skip
