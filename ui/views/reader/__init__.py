"""The delegate's PDF reader: `open_reader(path, title, parent)` opens a document in its own window.

Importing this package is cheap. PyMuPDF takes about 0.6 s to import, once per process: on the
first `open_reader()`, or earlier with `preload(tasks)` when a screen knows a document may follow
(a meeting page listing documents), so that the first one opens at once.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.tasks import TaskRunner
    from ui.views.reader.reader_window import ReaderWindow


def open_reader(path: Path | str, title: str, parent: QWidget | None = None, *, tasks: TaskRunner | None = None,
                session: Any = None, document: dict[str, Any] | None = None) -> ReaderWindow:
    """Open `path` in a new reader window (shown, raised, deleted when closed) and return it. With
    the `session` and the `document` record, the reader keeps the user's annotations of it."""
    from PySide6.QtCore import Qt

    from ui.views.reader.reader_window import ReaderWindow

    window = ReaderWindow(Path(path) if isinstance(path, str) else path, title=title, tasks=tasks, parent=parent,
                          session=session, document=document)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def preload(tasks: TaskRunner) -> None:
    """Import the PDF engine on a worker thread (it holds the interpreter for part of the time)."""
    tasks.run(lambda: importlib.import_module("app.pdf.render"), key="reader-preload")
