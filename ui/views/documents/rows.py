"""Small parts of the documents panel: sizes as people read them, the title cell of a row, the
offline state of a row, and one line per file being uploaded (with its progress or its refusal)."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QProgressBar, QPushButton, QSizePolicy, QWidget

from app.i18n import _
from ui.language import Translatable, qt_locale
from ui.views.invitations.parts import Pill
from ui.widgets.common import ElidedLabel, hbox, icon_label, label, vbox
from ui.widgets.icons import icon

CONFIDENTIAL_COLORS = ("#8f1717", "#fdeaea")
TEAL = "#0f766e"

STYLE = """
QTreeWidget#DocumentList { background: transparent; }
QTreeWidget#DocumentList::item { padding: 6px 2px; border-bottom: 1px solid #eef1f4; }
QTreeWidget#DocumentList::item:selected { background: #e3f1ef; color: #0b2d2a; }
QTreeWidget#DocumentList::item:hover:!selected { background: #f5f8fa; }
QLabel#DocTitle { font-weight: bold; color: #14324f; }
QLabel#DocFile { color: #5f6b7a; font-size: 8.5pt; }
QLabel#ConfidentialBadge { border-radius: 7px; padding: 0px 7px; font-size: 7.5pt; font-weight: bold; }
QLabel#Offline { color: #0b6b4f; font-weight: bold; font-size: 9pt; }
QLabel#NotOffline { color: #7b8794; font-size: 9pt; }
QFrame#TransferRow { background: #f7f9fb; border: 1px solid #e1e6ec; border-radius: 8px; }
QFrame#TransferRow[state="refused"] { background: #fdf0f0; border-color: #f1b4b4; }
QFrame#TransferRow[state="done"] { background: #ecf8f2; border-color: #a7dcc6; }
QFrame#TransferRow QLabel { background: transparent; }
QLabel#TransferError { color: #8f1717; font-weight: bold; }
QLabel#TransferDone { color: #0b5640; }
QFrame#DropZone { border: 2px dashed #b7c2cf; border-radius: 10px; background: #fbfcfd; }
QFrame#DropZone[active="true"] { border-color: #0f766e; background: #e7f3f2; }
QFrame#DropZone QLabel { background: transparent; }
QProgressBar { border: none; background: #e6eaef; border-radius: 4px; max-height: 8px; min-height: 8px; }
QProgressBar::chunk { background: #0f766e; border-radius: 4px; }
"""


def size_text(n: int | None) -> str:
    """1 536 → "2 KB", 2 500 000 → "2,4 MB" (in the interface's language)."""
    n = int(n or 0)
    locale = qt_locale()
    if n < 2**20:
        return _("%(size)s KB") % {"size": locale.toString(max(1, round(n / 1024)))}
    return _("%(size)s MB") % {"size": locale.toString(n / 2**20, "f", 1)}


class Relay(QObject):
    """Progress from a worker thread to the GUI thread: call `report(key, fraction)` anywhere."""

    moved = Signal(str, float)

    def report(self, key: str, fraction: float) -> None:
        if shiboken6.isValid(self):
            self.moved.emit(key, float(fraction))


class TitleCell(QWidget):
    """Icon, title (and file name under it when it differs), confidential badge."""

    def __init__(self, document: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # clicks select the row
        confidential = bool(document.get("confidential"))
        row = hbox(self, margins=(4, 4, 4, 4), spacing=10)
        row.addWidget(icon_label("lock" if confidential else "file-text", "#8f1717" if confidential else "#1d4e89", 20), 0, Qt.AlignmentFlag.AlignVCenter)
        text = vbox(spacing=1)
        title = document.get("title") or document.get("file_name") or ""
        self.title = ElidedLabel("DocTitle")
        self.title.setText(title)
        text.addWidget(self.title)
        # The file name, and the confidential badge after it (the title keeps the whole width).
        second = hbox(spacing=6)
        self.badge = Pill()
        self.badge.setObjectName("ConfidentialBadge")
        self.badge.show_pill(_("Confidential") if confidential else "", CONFIDENTIAL_COLORS)
        second.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.file = ElidedLabel("DocFile")
        self.file.setText(document.get("file_name") or "")
        second.addWidget(self.file, 1)
        text.addLayout(second)
        row.addLayout(text, 1)


class OfflineCell(QWidget):
    """"Downloaded ✓", "Not downloaded" or a progress bar while the file comes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        row = hbox(self, margins=(4, 0, 8, 0), spacing=6)
        self.icon = icon_label("check", "#0b6b4f", 16)
        self.text = label("Offline")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(70)
        row.addWidget(self.icon)
        row.addWidget(self.text)
        row.addWidget(self.bar, 1)
        row.addStretch(0)

    def show_state(self, downloaded: bool, progress: float | None) -> None:
        busy = progress is not None
        self.bar.setVisible(busy)
        self.icon.setVisible(not busy and downloaded)
        self.text.setVisible(not busy)
        if busy:
            self.bar.setValue(int(progress * 1000))
            return
        self.text.setObjectName("Offline" if downloaded else "NotOffline")
        self.text.setText(_("Downloaded") if downloaded else _("Not downloaded"))
        self.text.style().unpolish(self.text)
        self.text.style().polish(self.text)


class TransferRow(Translatable, QFrame):
    """One file being added: its name, then a progress bar, then ✓ or why it was not added.

    A refused file (the server vetted it: "damaged PDF") stays until closed; a file that could not
    be sent (no network) keeps a "Try again" button, so nothing dropped on the panel is lost."""

    closed = Signal()
    retry = Signal()

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TransferRow")
        self.file_name = file_name
        self.operation_id = ""
        self.state = "waiting"
        self.fraction = 0.0
        self.added_title = ""
        self.error: BaseException | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = hbox(self, margins=(12, 6, 6, 6), spacing=10)
        self.icon = icon_label("arrow-up", "#1d4e89", 16)
        row.addWidget(self.icon)
        self.name = ElidedLabel("DocTitle")
        self.name.setText(file_name)
        self.name.setMinimumWidth(120)
        row.addWidget(self.name, 2)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        row.addWidget(self.bar, 2)
        self.status = label("Small", wrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.status, 3)
        self.retry_button = QPushButton()
        self.retry_button.setProperty("variant", "link")
        self.retry_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.setVisible(False)
        row.addWidget(self.retry_button)
        self.close_button = QPushButton()
        self.close_button.setProperty("variant", "icon")
        self.close_button.setIcon(icon("x", "#5f6b7a", 14))
        self.close_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.close_button.clicked.connect(self.closed)
        self.close_button.setVisible(False)
        row.addWidget(self.close_button)
        self.set_waiting()

    def _show(self, state: str, icon_name: str, color: str, status_name: str) -> None:
        self.state = state
        finished = state in ("done", "refused", "failed")
        self.bar.setVisible(not finished)
        self.close_button.setVisible(finished)
        self.retry_button.setVisible(state == "failed")
        self.icon.setPixmap(icon(icon_name, color, 16).pixmap(16, 16))
        self.status.setObjectName(status_name)
        self.setProperty("state", "refused" if state == "failed" else state)
        for w in (self, self.status):
            w.style().unpolish(w)
            w.style().polish(w)
        self.retranslate()

    def set_waiting(self) -> None:
        self.fraction = 0.0
        self.bar.setValue(0)
        self._show("waiting", "arrow-up", "#1d4e89", "Small")

    def set_progress(self, fraction: float) -> None:
        self.fraction = fraction
        self.bar.setValue(int(fraction * 1000))
        if self.state != "uploading":
            self._show("uploading", "arrow-up", "#1d4e89", "Small")
        else:
            self.retranslate()

    def set_done(self, title: str = "") -> None:
        self.added_title = title
        self._show("done", "check", "#0b6b4f", "TransferDone")

    def set_failed(self, error: BaseException, *, refused: bool) -> None:
        self.error = error
        self._show("refused" if refused else "failed", "alert", "#a61b1b", "TransferError")

    def retranslate(self) -> None:
        from ui.feedback import error_text  # noqa: PLC0415 - ui.feedback imports the widgets module

        self.retry_button.setText(_("Try again"))
        if self.state == "waiting":
            text = _("Waiting…")
        elif self.state == "uploading":
            text = _("Checking the file on the server…") if self.fraction >= 1 else _("Uploading… %(percent)d%%") % {"percent": int(self.fraction * 100)}
        elif self.state == "done":
            text = _("Added")
        elif self.state == "refused":
            text = _("Document refused: %(reason)s") % {"reason": error_text(self.error)}
        else:
            text = _("Not added: %(reason)s") % {"reason": error_text(self.error)}
        self.status.setText(text)
        self.status.setToolTip(text)

    @property
    def message(self) -> str:
        return self.status.text()
