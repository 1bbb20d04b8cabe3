"""MeetingForm: the secretariat's editor of one meeting (title, body, times, place, status,
description), or of a new one.

Save sends only the fields the user changed since the meeting was loaded, so that two people
editing different fields both keep their change. A refused input is shown next to the form with
the field marked, and nothing typed is lost. When someone else changes the same meeting while
the user is editing it, the edits stay and a note says so.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QDateTime, QTime, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QGridLayout, QLineEdit, QPlainTextEdit, QWidget

from app.domain.meetings import FIELD_LABELS, MEETING_FIELDS, EndsBeforeStartError, MeetingStatus
from app.errors import ChamberError
from app.i18n import _
from app.sync.engine import ConnectionState
from ui import format as fmt
from ui.feedback import confirm, error_text
from ui.language import Translatable
from ui.widgets.common import Banner, button, hbox, label, repolish, vbox

log = logging.getLogger(__name__)

DATE_FORMAT = "dd/MM/yyyy HH:mm"
_FIELD_BY_LABEL = {msgid: key for key, msgid in FIELD_LABELS.items()}


def _minute(value: Any) -> int | None:
    dt = fmt.parse(value)
    return int(dt.timestamp()) // 60 if dt else None


class MeetingForm(Translatable, QWidget):
    created = Signal(str)
    saved = Signal(str)
    deleted = Signal(str)

    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.session = session
        self.base: dict[str, Any] | None = None  # the meeting as loaded; None while creating one
        self._loading = False

        self.error = Banner("error")
        self.remote_note = Banner("info")
        self.remote_note.action_clicked.connect(self.discard_edits)
        self.saved_note = Banner("success", closable=True)
        self._saved_timer = QTimer(self)  # the confirmation goes away by itself after a while
        self._saved_timer.setSingleShot(True)
        self._saved_timer.setInterval(6000)
        self._saved_timer.timeout.connect(self.saved_note.clear)

        self.title_label, self.title_edit = label("FieldLabel"), QLineEdit()
        self.body_label, self.body_combo = label("FieldLabel"), QComboBox()
        self.status_label, self.status_combo = label("FieldLabel"), QComboBox()
        self.starts_label, self.starts_edit = label("FieldLabel"), QDateTimeEdit()
        self.ends_label, self.ends_edit = label("FieldLabel"), QDateTimeEdit()
        self.ends_check = QCheckBox()
        self.location_label, self.location_edit = label("FieldLabel"), QLineEdit()
        self.description_label, self.description_edit = label("FieldLabel"), QPlainTextEdit()
        for name in ("title_edit", "body_combo", "status_combo", "starts_edit", "ends_edit", "ends_check", "location_edit", "description_edit"):
            getattr(self, name).setObjectName(name)
        for edit in (self.starts_edit, self.ends_edit):
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setCalendarPopup(True)
        self.description_edit.setFixedHeight(56)
        self.description_edit.setTabChangesFocus(True)
        for status in MeetingStatus:
            self.status_combo.addItem("", status.value)

        self.delete_button = button(variant="danger", icon_name="trash", on_click=self.ask_delete)
        self.revert_button = button(on_click=self.discard_edits)
        self.save_button = button(variant="primary", icon_name="check", on_click=self.save)
        self.delete_button.setObjectName("DeleteMeeting")
        self.save_button.setObjectName("SaveMeeting")

        # Four columns: long texts span the width, the short choices share a row.
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.title_label, 0, 0, 1, 3)
        grid.addWidget(self.status_label, 0, 3)
        grid.addWidget(self.title_edit, 1, 0, 1, 3)
        grid.addWidget(self.status_combo, 1, 3)
        grid.addWidget(self.body_label, 2, 0, 1, 2)
        grid.addWidget(self.starts_label, 2, 2)
        ends_head = hbox(spacing=6)
        ends_head.addWidget(self.ends_check)
        ends_head.addWidget(self.ends_label, 1)
        grid.addLayout(ends_head, 2, 3)
        grid.addWidget(self.body_combo, 3, 0, 1, 2)
        grid.addWidget(self.starts_edit, 3, 2)
        grid.addWidget(self.ends_edit, 3, 3)
        grid.addWidget(self.location_label, 4, 0, 1, 4)
        grid.addWidget(self.location_edit, 5, 0, 1, 4)
        grid.addWidget(self.description_label, 6, 0, 1, 4)
        grid.addWidget(self.description_edit, 7, 0, 1, 4)
        for row in (2, 4, 6):
            grid.setRowMinimumHeight(row, 26)
        grid.setRowMinimumHeight(0, 20)
        for col, stretch in enumerate((3, 3, 2, 2)):
            grid.setColumnStretch(col, stretch)

        # The buttons live in `actions`, which the page shows in its header next to the date:
        # always in view, and the form itself stays short enough to leave room for the agenda.
        self.actions = QWidget()
        buttons = hbox(self.actions, spacing=8)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        layout = vbox(self, spacing=10)
        layout.addWidget(self.saved_note)
        layout.addWidget(self.error)
        layout.addWidget(self.remote_note)
        layout.addLayout(grid)

        self.title_edit.textChanged.connect(self._edited)
        self.location_edit.textChanged.connect(self._edited)
        self.description_edit.textChanged.connect(self._edited)
        self.body_combo.currentIndexChanged.connect(self._edited)
        self.status_combo.currentIndexChanged.connect(self._edited)
        self.starts_edit.dateTimeChanged.connect(self._edited)
        self.ends_edit.dateTimeChanged.connect(self._edited)
        self.ends_check.toggled.connect(self._ends_toggled)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.title_label.setText(_("Title"))
        self.title_edit.setPlaceholderText(_("For example: Regular session no. 13"))
        self.body_label.setText(_("Council or committee"))
        self.status_label.setText(_("Status"))
        self.starts_label.setText(_("Starts"))
        self.ends_label.setText(_("Ends"))
        self.ends_check.setToolTip(_("The meeting has a planned end time"))
        self.location_label.setText(_("Location"))
        self.location_edit.setPlaceholderText(_("Room or hall"))
        self.description_label.setText(_("Description"))
        self.description_edit.setPlaceholderText(_("What the meeting is about, for the invitation"))
        for i in range(self.status_combo.count()):
            self.status_combo.setItemText(i, fmt.status_label(self.status_combo.itemData(i)))
        self.status_combo.setToolTip(_("A new meeting is a draft: only the secretariat sees it until it is scheduled.") if self.creating else "")
        self.delete_button.setText(_("Delete"))
        self.delete_button.setToolTip(_("Delete this meeting and its agenda"))
        self.revert_button.setText(_("Discard changes"))
        self.save_button.setText(_("Create meeting") if self.creating else _("Save"))

    # --- state --------------------------------------------------------------------------------
    @property
    def creating(self) -> bool:
        return self.base is None

    @property
    def meeting_id(self) -> str | None:
        return self.base["id"] if self.base else None

    def _fill_bodies(self, selected: str | None) -> None:
        self.body_combo.clear()
        bodies = sorted(self.session.list_bodies(), key=lambda b: (b.get("kind") != "council", b.get("name", "")))
        known = any(b["id"] == selected for b in bodies)
        if not known and (selected is not None or self.base is not None):
            self.body_combo.addItem("—", selected)  # keep what is stored rather than change it silently
        for b in bodies:
            self.body_combo.addItem(b.get("name", ""), b["id"])
        index = self.body_combo.findData(selected)
        self.body_combo.setCurrentIndex(max(0, index))

    def _set_field(self, key: str, meeting: dict[str, Any]) -> None:
        value = meeting.get(key)
        if key == "title":
            self.title_edit.setText(value or "")
        elif key == "body_id":
            self._fill_bodies(value)
        elif key == "status":
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(value or "draft")))
        elif key == "starts_at":
            self.starts_edit.setDateTime(fmt.to_qdatetime(value) or QDateTime.currentDateTime())
        elif key == "ends_at":
            ends = fmt.to_qdatetime(value)
            self.ends_check.setChecked(ends is not None)
            self.ends_edit.setDateTime(ends or self.starts_edit.dateTime().addSecs(2 * 3600))
            self.ends_edit.setEnabled(ends is not None)
        elif key == "location":
            self.location_edit.setText(value or "")
        elif key == "description":
            self.description_edit.setPlainText(value or "")

    def load(self, meeting: dict[str, Any]) -> None:
        """Show a saved meeting; what was typed before is replaced (the caller checked)."""
        self._loading = True
        try:
            self.base = dict(meeting)
            for key in MEETING_FIELDS:
                self._set_field(key, meeting)
        finally:
            self._loading = False
        self._clear_marks()
        self.error.clear()
        self.saved_note.clear()
        self.remote_note.clear()
        self.status_combo.setEnabled(True)
        self.delete_button.setVisible(True)
        self.delete_button.setEnabled(True)
        self.retranslate()
        self._update_buttons()

    def new(self) -> None:
        """An empty form for a new meeting: tomorrow at 08:00 for two hours, in the council."""
        self._loading = True
        try:
            self.base = None
            self.title_edit.clear()
            self._fill_bodies(None)
            self.status_combo.setCurrentIndex(self.status_combo.findData(MeetingStatus.DRAFT.value))
            start = QDateTime(QDateTime.currentDateTime().date().addDays(1), QTime(8, 0))
            self.starts_edit.setDateTime(start)
            self.ends_check.setChecked(True)
            self.ends_edit.setEnabled(True)
            self.ends_edit.setDateTime(start.addSecs(2 * 3600))
            self.location_edit.clear()
            self.description_edit.clear()
        finally:
            self._loading = False
        self._clear_marks()
        self.error.clear()
        self.saved_note.clear()
        self.remote_note.clear()
        self.status_combo.setEnabled(False)  # every new meeting starts as a draft
        self.delete_button.setVisible(False)
        self.retranslate()
        self._update_buttons()
        self.title_edit.setFocus()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text(),
            "body_id": self.body_combo.currentData(),
            "status": self.status_combo.currentData(),
            "starts_at": fmt.from_qdatetime(self.starts_edit.dateTime()).isoformat(),
            "ends_at": fmt.from_qdatetime(self.ends_edit.dateTime()).isoformat() if self.ends_check.isChecked() else None,
            "location": self.location_edit.text(),
            "description": self.description_edit.toPlainText(),
        }

    def changed_fields(self) -> dict[str, Any]:
        """The fields whose value differs from the meeting as it was loaded."""
        if self.base is None:
            return self.values()
        changed = {}
        for key, value in self.values().items():
            old = self.base.get(key)
            if key in ("starts_at", "ends_at"):
                same = _minute(old) == _minute(value)
            elif key in ("title", "location", "description"):
                same = (old or "").strip() == (value or "").strip()
            else:
                same = old == value
            if not same:
                changed[key] = value
        return changed

    def is_dirty(self) -> bool:
        return bool(self.changed_fields()) if self.base is not None else True

    def has_unsaved_input(self) -> bool:
        """Something typed that Save has not stored (a new form counts once anything is typed)."""
        if self.base is not None:
            return self.is_dirty()
        return any(w.text().strip() for w in (self.title_edit, self.location_edit)) or bool(self.description_edit.toPlainText().strip())

    def unsaved_title(self) -> str:
        return self.title_edit.text().strip() or (self.base or {}).get("title", "") or _("New meeting")

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        sender = self.sender()
        if isinstance(sender, QWidget) and sender.property("invalid"):
            self._mark(sender, False)
        self._update_buttons()

    def _ends_toggled(self, on: bool) -> None:
        self.ends_edit.setEnabled(on)
        self._edited()

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(self.creating or dirty)
        self.revert_button.setVisible(not self.creating)
        self.revert_button.setEnabled(dirty)

    # --- errors -------------------------------------------------------------------------------
    def _widget_for(self, err: ChamberError) -> QWidget | None:
        if isinstance(err, EndsBeforeStartError):
            return self.ends_edit
        key = _FIELD_BY_LABEL.get(err.params.get("field", ""))
        return {
            "title": self.title_edit, "location": self.location_edit, "description": self.description_edit,
            "starts_at": self.starts_edit, "ends_at": self.ends_edit, "status": self.status_combo,
        }.get(key or "")

    def _mark(self, widget: QWidget, invalid: bool) -> None:
        widget.setProperty("invalid", invalid)
        repolish(widget)

    def _clear_marks(self) -> None:
        for w in (self.title_edit, self.location_edit, self.description_edit, self.starts_edit, self.ends_edit, self.status_combo):
            if w.property("invalid"):
                self._mark(w, False)

    def show_error(self, err: BaseException) -> None:
        self.error.show_message(lambda err=err: error_text(err), "error")
        if isinstance(err, ChamberError):
            widget = self._widget_for(err)
            if widget is not None:
                self._mark(widget, True)
                widget.setFocus()

    # --- actions ------------------------------------------------------------------------------
    def save(self) -> None:
        self._clear_marks()
        was_creating = self.creating
        try:
            if was_creating:
                fields = self.values()
                fields.pop("status", None)
                new_id = self.session.create_meeting(fields, origin=self)
            else:
                fields = self.changed_fields()
                if not fields:
                    return
                self.session.update_meeting(self.base["id"], fields, origin=self)
        except ChamberError as err:
            log.info("meeting not saved: %s", err)
            self.show_error(err)
            return
        meeting_id = new_id if was_creating else self.base["id"]
        self.load(self.session.get_meeting(meeting_id))
        self._note_saved()
        (self.created if was_creating else self.saved).emit(meeting_id)

    def _note_saved(self) -> None:
        online = self.session.state == ConnectionState.ONLINE
        self.saved_note.show_message(lambda: _("Saved.") if online else _("Saved on this device; it will be sent when the server is back."), "success")
        self._saved_timer.start()

    def ask_delete(self) -> None:
        if self.base is None:
            return
        meeting_id, title = self.base["id"], self.base.get("title", "")
        confirm(
            self, _("Delete meeting"),
            _("Delete the meeting “%(title)s” with its agenda? Delegates will no longer see it.") % {"title": title},
            yes=_("Delete meeting"), on_yes=lambda: self._delete(meeting_id),
        )

    def _delete(self, meeting_id: str) -> None:
        try:
            self.session.delete_meeting(meeting_id, origin=self)
        except ChamberError as err:
            self.show_error(err)
            return
        self.deleted.emit(meeting_id)

    # --- someone else changed it --------------------------------------------------------------
    def remote_changed(self, meeting: dict[str, Any]) -> None:
        """The meeting changed elsewhere: reload if nothing is being edited, else keep the edits."""
        if self.base is None or meeting["id"] != self.base["id"]:
            return
        if not self.is_dirty():
            self.load(meeting)
            return
        if all(meeting.get(k) == self.base.get(k) for k in MEETING_FIELDS):
            self.base = dict(meeting)  # only the version moved (our own change came back)
            return
        # Take the new values of the fields the user has not touched; keep the ones being edited.
        mine = self.changed_fields()
        self._loading = True
        try:
            self.base = dict(meeting)
            for key in MEETING_FIELDS:
                if key not in mine:
                    self._set_field(key, meeting)
        finally:
            self._loading = False
        self._update_buttons()
        self._show_remote_note()

    def _show_remote_note(self) -> None:
        self.remote_note.show_message(
            lambda: _("Someone else changed this meeting while you were editing it. Your edits are kept; Save sends only the fields you changed."),
            "info", action=lambda: _("Discard my edits and reload"),
        )

    def remote_deleted(self) -> None:
        self.error.show_message(lambda: _("Someone else deleted this meeting. Your edits cannot be saved."), "warning")
        self.save_button.setEnabled(False)
        self.delete_button.setEnabled(False)

    def discard_edits(self) -> None:
        if self.base is None:
            return
        try:
            self.load(self.session.get_meeting(self.base["id"]))
        except ChamberError as err:
            self.show_error(err)
