"""MinutesDialog: the secretary edits a meeting's minutes, the chair approves them, anyone who may
read them exports them (PDF, HTML, Markdown).

The text is the Markdown the server keeps (app/services/minutes.py): the generated draft until the
first save, then the last saved version. Every save is a new version on the server; once the chair
approves, the editor is read-only and the server refuses edits. All network calls run off the GUI
thread (TaskRunner).

The dialog follows other people's saves and the approval live (the "minutes" change events, through
the EventBridge): without unsaved edits it takes the new version silently; with unsaved edits it
keeps them and asks "Reload / Keep mine" in a notice; approved minutes turn it read-only at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QFileDialog, QPlainTextEdit, QPushButton, QWidget

from app.i18n import _, current_language
from app.domain.minutes import APPROVERS
from ui.bridge import ChangeBatch, EventBridge
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.widgets.common import Banner, button, hbox, label, vbox

EXPORTS = {"pdf": ("PDF (*.pdf)", ".pdf"), "html": ("HTML (*.html)", ".html"), "md": ("Markdown (*.md)", ".md")}


def _saved_by(minutes: dict[str, Any]) -> str:
    versions = minutes.get("versions") or []
    return (versions[-1].get("saved_by_name") if versions else "") or "—"


class MinutesDialog(Translatable, QDialog):
    loaded = Signal()  # the minutes arrived (or a save / approval answered)
    exported = Signal(str)  # the file written

    def __init__(self, session: Any, tasks: TaskRunner, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("MinutesDialog")
        self.session = session
        self.tasks = tasks
        self.meeting_id = meeting_id
        self.minutes: dict[str, Any] | None = None
        self.remote: dict[str, Any] | None = None  # a newer version from someone else, waiting for "Reload / Keep mine"
        self._stale = False  # a change event came while our own save ran: look again after it
        self.can_approve = session.role in APPROVERS
        self.title = label("SectionTitle", wrap=True)
        self.status = label("Muted", wrap=True)
        self.message = label("Muted", wrap=True)
        self.message.setVisible(False)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("MinutesEditor")
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(font)
        self.editor.textChanged.connect(self._sync_buttons)
        self.reload = button(icon_name="refresh", on_click=self.load)
        self.save = button(variant="primary", on_click=self._save)
        self.approve = button(icon_name="check", on_click=self._approve)
        self.approve.setVisible(self.can_approve)
        self.approve.setEnabled(False)
        self.save.setEnabled(False)
        self.export_buttons = {fmt: button(icon_name="download", on_click=lambda fmt=fmt: self._ask_export(fmt)) for fmt in EXPORTS}
        self.notice = Banner("warning")
        self.notice.action_clicked.connect(self._take_remote)
        self.keep_mine = QPushButton()
        self.keep_mine.setProperty("variant", "banner")
        self.keep_mine.clicked.connect(self._keep_mine)
        self.notice.layout().addWidget(self.keep_mine)

        actions = hbox(spacing=8)
        actions.addWidget(self.reload)
        for widget in self.export_buttons.values():
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.approve)
        actions.addWidget(self.save)
        layout = vbox(self, margins=(20, 16, 20, 16), spacing=10)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.notice)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.resize(900, 700)
        self.retranslate()
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self._on_changes)
        self.load()

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Minutes — Chamber"))
        self.title.setText(_("Minutes of the meeting"))
        self.reload.setText(_("Reload"))
        self.save.setText(_("Save a new version"))
        self.approve.setText(_("Approve these minutes"))
        for fmt, widget in self.export_buttons.items():
            widget.setText({"pdf": "PDF", "html": "HTML", "md": "Markdown"}[fmt])
        self.keep_mine.setText(_("Keep mine"))
        self._show_status()
        if self.layout() is not None:
            self.layout().activate()  # buttons take the width of their new text at once

    def _show_status(self) -> None:
        m = self.minutes
        if m is None:
            self.status.setText(_("Loading…"))
            return
        if m["state"] == "approved":
            self.status.setText(_("Approved by %(name)s — version %(version)s. Approved minutes can no longer be changed.")
                                % {"name": m.get("approved_by_name") or "—", "version": m["version"]})
        elif m["version"] == 0:
            self.status.setText(_("Draft written from what was recorded; nothing saved yet."))
        else:
            self.status.setText(_("Draft, version %(version)s, saved by %(name)s.") % {"version": m["version"], "name": _saved_by(m)})

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _sync_buttons(self) -> None:
        m = self.minutes
        draft = m is not None and m["state"] != "approved"
        self.editor.setReadOnly(not draft)
        approved = m is not None and m["state"] == "approved"
        self.save.setVisible(not approved)  # locked: nothing left to save or approve
        self.approve.setVisible(self.can_approve and not approved)
        self.save.setEnabled(draft and self.editor.toPlainText() != m["text"])
        self.approve.setEnabled(draft and self.can_approve and self.editor.toPlainText() == m["text"])  # approve what was saved and read

    # --- the server -------------------------------------------------------------------------------
    def load(self) -> None:
        lang = current_language()  # the generated draft is written in the reader's language
        self.tasks.run(lambda: self.session.minutes(self.meeting_id, lang=lang), on_done=self._loaded, on_error=self._failed, key=f"minutes-{id(self)}")

    def _loaded(self, minutes: dict[str, Any]) -> None:
        self.minutes = minutes
        self.remote = None
        self.notice.clear()
        if self.editor.toPlainText() != minutes["text"]:
            # Keep the reader's place: a version saved elsewhere mostly changes a few lines.
            cursor, scroll = self.editor.textCursor().position(), self.editor.verticalScrollBar().value()
            self.editor.blockSignals(True)
            self.editor.setPlainText(minutes["text"])
            self.editor.blockSignals(False)
            moved = self.editor.textCursor()
            moved.setPosition(min(cursor, len(minutes["text"])))
            self.editor.setTextCursor(moved)
            self.editor.verticalScrollBar().setValue(scroll)
        self._say("")
        self._show_status()
        self._sync_buttons()
        self.loaded.emit()
        if self._stale:
            self._stale = False
            self._look_again()

    def _failed(self, error: BaseException) -> None:
        self._say(error_text(error))
        self.loaded.emit()
        if self._stale:  # a save refused because someone else saved: their version is waiting
            self._stale = False
            self._look_again()

    # --- changes made elsewhere -------------------------------------------------------------------
    def _on_changes(self, batch: ChangeBatch) -> None:
        if batch.touches("minutes", self.meeting_id):
            self._look_again()

    def _saving(self) -> bool:
        return self.tasks.is_running(f"minutes-save-{id(self)}") or self.tasks.is_running(f"minutes-approve-{id(self)}")

    def _look_again(self) -> None:
        """Fetch the minutes after a change event; `_arrived` decides what to do with them."""
        if self._saving():
            self._stale = True  # the event may be our own save's: compare once it answered
            return
        lang = current_language()
        self.tasks.run(lambda: self.session.minutes(self.meeting_id, lang=lang), on_done=self._arrived, on_error=self._failed,
                       key=f"minutes-{id(self)}")

    def _arrived(self, minutes: dict[str, Any]) -> None:
        shown = self.minutes
        if shown is None:
            self._loaded(minutes)
            return
        if (minutes["version"], minutes["state"]) == (shown["version"], shown["state"]):
            return  # nothing new (the echo of our own save)
        edited = shown["state"] != "approved" and self.editor.toPlainText() != shown["text"]
        if not edited:
            self._loaded(minutes)
            return
        self.remote = minutes
        if minutes["state"] == "approved":
            # Locked now: no saving any more, but the unsaved text stays on screen to be copied.
            self.minutes = minutes
            self.notice.show_message(lambda: _("%(name)s approved these minutes in the meantime; they can no longer be changed. "
                                               "Your unsaved text is still shown so you can copy it.") % {"name": minutes.get("approved_by_name") or "—"},
                                     "warning", action=lambda: _("Reload"))
            self.keep_mine.setVisible(False)
            self._show_status()
            self._sync_buttons()
        else:
            self.notice.show_message(lambda: _("Someone else changed these minutes (version %(version)s, saved by %(name)s).")
                                     % {"version": minutes["version"], "name": _saved_by(minutes)}, "warning", action=lambda: _("Reload"))
            self.keep_mine.setVisible(True)

    def _take_remote(self) -> None:
        """"Reload" in the notice: the other version replaces the unsaved text."""
        if self.remote is not None:
            self._loaded(self.remote)

    def _keep_mine(self) -> None:
        """"Keep mine": the unsaved text stays, on top of the other version (the next save follows it)."""
        if self.remote is not None:
            self.minutes, self.remote = self.remote, None
            self.notice.clear()
            self._show_status()
            self._sync_buttons()

    def done(self, result: int) -> None:  # Qt override: the dialog closes, by any means
        self.bridge.close()
        super().done(result)

    def _save(self) -> None:
        if self.minutes is None:
            return
        text, base = self.editor.toPlainText(), self.minutes["version"]
        self.save.setEnabled(False)
        self.tasks.run(lambda: self.session.save_minutes(self.meeting_id, text, base_version=base), on_done=self._loaded, on_error=self._failed,
                       key=f"minutes-save-{id(self)}")

    def _approve(self) -> None:
        if self.minutes is None:
            return
        version = self.minutes["version"]
        self.approve.setEnabled(False)
        self.tasks.run(lambda: self.session.approve_minutes(self.meeting_id, version), on_done=self._loaded, on_error=self._failed,
                       key=f"minutes-approve-{id(self)}")

    def _ask_export(self, fmt: str) -> None:
        name, suffix = EXPORTS[fmt]
        path, _filter = QFileDialog.getSaveFileName(self, _("Export the minutes"), str(Path.home() / f"bien-ban{suffix}"), name)
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the minutes as it stands on the server (the approved one once approved) to `path`."""
        lang = current_language()

        def write() -> str:
            path.write_bytes(self.session.export_minutes(self.meeting_id, fmt, lang=lang))
            return str(path)

        def done(written: str) -> None:
            self._say(_("Saved to %(path)s.") % {"path": written})
            self.exported.emit(written)

        self.tasks.run(write, on_done=done, on_error=self._failed, key=f"minutes-export-{id(self)}")

