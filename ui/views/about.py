"""AboutDialog: Chamber's version and API version, the server's when connected, the licence and the
release notes (app/about.py). Opened from the main window's header and from the demo launcher."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QWidget

from app import about
from app.i18n import _
from ui.language import Translatable, install_language_support
from ui.widgets.common import hbox, icon_label, label, vbox


class AboutDialog(Translatable, QDialog):
    def __init__(self, *, server: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        """`server`: the server's health answer (name, version, api), when there is one."""
        super().__init__(parent)
        install_language_support()
        self.setObjectName("AboutDialog")
        self.server = server
        self.title = label("DialogTitle", "Chamber")
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold; color: #14324f;")
        self.version = label("", selectable=True)
        self.server_line = label("Muted", wrap=True, selectable=True)
        self.licence = label("Muted", wrap=True)
        self.notes_title = label("Eyebrow")
        self.notes = QTextBrowser()
        self.notes.setObjectName("ReleaseNotes")
        self.notes.setOpenExternalLinks(True)
        self.notes.setMinimumHeight(260)
        self.buttons = QDialogButtonBox()  # an own button: Qt relabels standard ones on a language change
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)

        head = hbox(spacing=14)
        head.addWidget(icon_label("landmark", "#14324f", 40), 0, Qt.AlignmentFlag.AlignTop)
        lines = vbox(spacing=2)
        lines.addWidget(self.title)
        lines.addWidget(self.version)
        lines.addWidget(self.server_line)
        head.addLayout(lines, 1)
        layout = vbox(self, margins=(24, 22, 24, 16), spacing=10)
        layout.addLayout(head)
        layout.addWidget(self.licence)
        layout.addSpacing(6)
        layout.addWidget(self.notes_title)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 560)
        self.retranslate()

    def set_server(self, server: dict[str, Any] | None) -> None:
        self.server = server
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("About Chamber"))
        self.version.setText(_("Version %(version)s · API %(api)s") % {"version": about.VERSION, "api": about.CLIENT_API})
        if self.server:
            self.server_line.setText(
                _("Server %(name)s: version %(version)s · API %(api)s")
                % {"name": self.server.get("name") or "?", "version": self.server.get("version") or "?", "api": self.server.get("api") or "?"}
            )
        self.server_line.setVisible(bool(self.server))
        self.licence.setText(
            _("Free software under the GNU Affero General Public License, version 3 or later (%(licence)s): you may use, study, share and "
              "improve it, and whoever runs it for you must offer you its source code.") % {"licence": about.LICENCE}
        )
        self.notes_title.setText(_("RELEASE NOTES"))
        notes = about.release_notes()
        if notes.startswith("# "):  # the file's title; the dialog has its own heading
            notes = notes.split("\n", 1)[-1]
        self.notes.setMarkdown(notes)
        self.close_button.setText(_("Close"))
