"""Telling the user what happened: error texts in the current language and confirmation questions.

Dialogs are opened with `open()` (window-modal, not a nested event loop), so the window keeps
repainting, tests can answer them, and the answer arrives as a callback.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import ChamberError
from app.i18n import _
from ui.widgets.common import repolish

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    """The message to show for an error; unexpected ones are logged with their traceback."""
    if isinstance(error, ChamberError):
        return error.user_message()
    log.error("unexpected error shown to the user", exc_info=error)
    return _("An unexpected error occurred. The details were written to the log.")


def confirm(parent: QWidget, title: str, text: str, *, yes: str, on_yes: Callable[[], None], danger: bool = True) -> QMessageBox:
    """Ask a yes/no question; `on_yes` runs only if the user confirms. Returns the open box."""
    box = QMessageBox(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("ConfirmBox")
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    yes_button.setProperty("variant", "danger" if danger else "primary")
    repolish(yes_button)
    box.setDefaultButton(cancel)  # a stray Enter must not delete anything
    box.setEscapeButton(cancel)

    def done() -> None:
        box.setObjectName("")  # answered: no longer "the open question" while it waits for deletion
        if box.clickedButton() is yes_button:
            on_yes()
        box.deleteLater()

    box.finished.connect(done)
    box.open()
    return box


def show_error(parent: QWidget, title: str, error: BaseException) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, title, error_text(error), QMessageBox.StandardButton.Ok, parent)
    box.finished.connect(box.deleteLater)
    box.open()
    return box
