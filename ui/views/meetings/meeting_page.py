"""MeetingPage: the right side of the main window, one meeting with its agenda.

Editors get the form and the agenda editor, everyone else the summary and the agenda to read.
Editors also get a second tab, the meeting's invitations (ui/views/invitations/board.py), and a
third, its documents (ui/views/documents/); everyone else finds the documents in a card below the agenda.
Editors and the chair get an "Attendance" tab: the live board (ui/views/attendance/board.py).
Change events refresh what is shown without touching what the user is typing.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QStackedLayout, QStackedWidget, QWidget

from app.errors import NotFoundError
from app.i18n import _
from ui import format as fmt
from ui.bridge import ChangeBatch
from ui.language import Translatable
from ui.views.attendance.board import AttendanceBoard
from ui.views.documents import DocumentsPanel
from ui.views.invitations.board import InvitationBoard
from ui.views.invitations.parts import SectionTabs
from ui.views.meetings.agenda_editor import AgendaEditor
from ui.views.meetings.overdue_tasks import OverdueTasksCard
from ui.views.meetings.live_actions import LiveActions
from ui.views.meetings.meeting_form import MeetingForm
from ui.views.meetings.meeting_summary import MeetingSummary
from ui.widgets.common import StatusPill, card, hbox, icon_label, label, vbox

log = logging.getLogger(__name__)


class _ShownPageLayout(QStackedLayout):
    """A stacked layout sized by the shown page only. QStackedLayout asks every page (whatever
    its size policy) for its height-for-width, so a reader's long agenda would make the chair's
    attendance tab scroll."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page is not None and page.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page.heightForWidth(width) if page is not None and page.hasHeightForWidth() else -1


class _ShownPageStack(QWidget):
    """The page's sections, one shown at a time (the QStackedWidget calls the page uses)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack = _ShownPageLayout(self)
        self.stack.setContentsMargins(0, 0, 0, 0)
        self.stack.currentChanged.connect(lambda _i: self.updateGeometry())

    def addWidget(self, widget: QWidget) -> int:  # noqa: N802 - as QStackedWidget
        return self.stack.addWidget(widget)

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 - as QStackedWidget
        self.stack.setCurrentWidget(widget)

    def currentWidget(self) -> QWidget | None:  # noqa: N802 - as QStackedWidget
        return self.stack.currentWidget()


class MeetingPage(Translatable, QWidget):
    meeting_created = Signal(str)
    meeting_deleted = Signal(str)

    def __init__(self, session, tasks, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession, TaskRunner
        super().__init__(parent)
        self.setObjectName("Page")
        self.session = session
        self.editable = session.can_edit
        self.meeting: dict[str, Any] | None = None
        self.invited = 0

        # Empty state: nothing selected yet.
        self.empty = QWidget()
        empty_layout = vbox(self.empty, spacing=10)
        empty_layout.addStretch(1)
        empty_icon = icon_label("calendar", "#9aa8b6", 48)
        empty_layout.addWidget(empty_icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.empty_title = label("EmptyTitle")
        self.empty_text = label("Muted", wrap=True)
        for w in (self.empty_title, self.empty_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty_layout.addWidget(w)
        empty_layout.addStretch(2)

        # Content: header (editors), details card, agenda card.
        self.header_title = label("PageTitle", wrap=True)
        self.header_pill = StatusPill()
        self.header_when = label("Muted")
        self.form = MeetingForm(session) if self.editable else None
        self.summary = None if self.editable else MeetingSummary(session)
        self.agenda = AgendaEditor(session)
        self.agenda_hint = label("Muted", wrap=True)
        # Editors: "Meeting | Invitations | Documents | Attendance" tabs under the header; the chair:
        # "Meeting | Attendance".
        self.attendance = AttendanceBoard(session, tasks) if session.can_export_attendance else None
        self.attendance_counts = (0, 0)
        keys = (("meeting", "invitations", "documents") if self.editable else ("meeting",)) + (("attendance",) if self.attendance else ())
        self.tabs = SectionTabs(keys) if len(keys) > 1 else None
        self.board = InvitationBoard(session, tasks) if self.editable else None
        self.documents = DocumentsPanel(session, tasks, with_header=not self.editable)
        self.document_count = 0
        self.live_actions = LiveActions(session, tasks)

        column = QWidget()
        column.setObjectName("Page")
        col = vbox(column, margins=(24, 18, 24, 18), spacing=14)
        if self.editable:
            head = vbox(spacing=6)
            title_row = hbox(spacing=10)
            title_row.addWidget(self.header_title, 1)
            title_row.addWidget(self.live_actions, 0, Qt.AlignmentFlag.AlignTop)
            head.addLayout(title_row)
            when_row = hbox(spacing=10)
            when_row.addWidget(self.header_pill)
            when_row.addWidget(self.header_when, 1)
            when_row.addWidget(self.form.actions)
            head.addLayout(when_row)
            # The board's buttons sit on the tabs' line, as the form's sit on the date's line.
            tabs_row = hbox(spacing=10)
            tabs_row.addWidget(self.tabs, 1, Qt.AlignmentFlag.AlignBottom)
            tabs_row.addWidget(self.board.actions)
            tabs_row.addWidget(self.documents.actions)
            if self.attendance is not None:
                tabs_row.addWidget(self.attendance.actions)
            head.addLayout(tabs_row)
            col.addLayout(head)
        elif self.tabs is not None:
            # The chair: the title shows above the attendance (the summary shows it on the meeting tab).
            title_row = hbox(spacing=10)
            title_row.addWidget(self.header_title, 1)
            title_row.addWidget(self.live_actions, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
            col.addLayout(title_row)
            tabs_row = hbox(spacing=10)
            tabs_row.addWidget(self.tabs, 1, Qt.AlignmentFlag.AlignBottom)
            tabs_row.addWidget(self.attendance.actions)
            col.addLayout(tabs_row)
        else:
            col.addWidget(self.live_actions, 0, Qt.AlignmentFlag.AlignRight)
        details = QWidget()
        details_layout = vbox(details, spacing=14)
        self.details_card = card()
        vbox(self.details_card, margins=(20, 16, 20, 16)).addWidget(self.form or self.summary)
        details_layout.addWidget(self.details_card)
        self.agenda_card = card()
        self.agenda_card.setMinimumHeight(280)
        agenda_layout = vbox(self.agenda_card, margins=(20, 16, 20, 16))
        agenda_layout.addWidget(self.agenda)
        details_layout.addWidget(self.agenda_card, 1)
        self.overdue = OverdueTasksCard(session)
        details_layout.addWidget(self.overdue)
        self.documents_card = None
        if not self.editable:
            self.documents_card = card()
            vbox(self.documents_card, margins=(20, 16, 20, 16)).addWidget(self.documents)
            details_layout.addWidget(self.documents_card)
        details_layout.addWidget(self.agenda_hint)
        self.sections = _ShownPageStack()
        self.sections.addWidget(details)
        self.details = details
        if self.board is not None:
            self.sections.addWidget(self.board)
            self.tabs.current_changed.connect(self.show_section)
            self.board.counts_changed.connect(self._on_invited)
            self.sections.addWidget(self.documents)
            self.documents.count_changed.connect(self._on_documents)
        if self.attendance is not None:
            self.sections.addWidget(self.attendance)
            self.attendance.counts_changed.connect(self._on_attendance)
            if self.board is None:
                self.tabs.current_changed.connect(self.show_section)
        col.addWidget(self.sections, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(column)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.scroll)
        vbox(self).addWidget(self.stack)

        if self.form is not None:
            self.form.created.connect(self._on_created)
            self.form.saved.connect(lambda _id: self._reload_header())
            self.form.deleted.connect(self._on_deleted)
        if self.tabs is not None:
            self.show_section("meeting")
        self.retranslate()

    def retranslate(self) -> None:
        self.empty_title.setText(_("No meeting selected"))
        self.empty_text.setText(
            _("Choose a meeting on the left, or create one with “New meeting”.") if self.editable else _("Choose a meeting on the left to read its agenda.")
        )
        self.agenda_hint.setText(_("Save the new meeting first; then you can add its agenda."))
        if self.tabs is not None:
            self.tabs.set_text("meeting", _("Meeting"))
            self._on_invited(self.invited)
            self._on_documents(self.document_count)
            self._on_attendance(*self.attendance_counts)
        self._reload_header()

    # --- sections (editors) -------------------------------------------------------------------
    def show_section(self, key: str) -> None:
        """"meeting" (form and agenda), "invitations" (the tracking board), "documents" or "attendance"."""
        if self.tabs is None:
            return
        sections = {"invitations": self.board, "documents": self.documents if self.editable else None, "attendance": self.attendance}
        page = sections.get(key) or self.details
        self.tabs.set_current(key if page is not self.details else "meeting")
        # Only the shown section counts for the page's height; the others may be any size.
        for widget in (self.details, *(w for w in sections.values() if w is not None)):
            vertical = QSizePolicy.Policy.Preferred if widget is page else QSizePolicy.Policy.Ignored
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, vertical)
        self.sections.setCurrentWidget(page)
        if self.form is not None:
            self.form.actions.setVisible(page is self.details)
        if self.board is not None:
            self.board.actions.setVisible(page is self.board)
            self.documents.actions.setVisible(page is self.documents)
        if self.attendance is not None:
            self.attendance.actions.setVisible(page is self.attendance)
        if not self.editable:
            self.header_title.setVisible(page is not self.details)

    @property
    def section(self) -> str:
        if self.tabs is None:
            return "meeting"
        shown = self.sections.currentWidget()
        return {self.board: "invitations", self.documents: "documents", self.attendance: "attendance"}.get(shown, "meeting") if shown is not None else "meeting"

    def _on_attendance(self, present: int, members: int) -> None:
        self.attendance_counts = (present, members)
        if self.attendance is not None:
            self.tabs.set_text("attendance", _("Attendance (%(present)d/%(members)d)") % {"present": present, "members": members} if members else _("Attendance"))

    def _on_invited(self, count: int) -> None:
        self.invited = count
        if self.board is not None:
            self.tabs.set_text("invitations", _("Invitations (%(count)d)") % {"count": count} if count else _("Invitations"))

    def _on_documents(self, count: int) -> None:
        self.document_count = count
        if self.board is not None:
            self.tabs.set_text("documents", _("Documents (%(count)d)") % {"count": count} if count else _("Documents"))

    # --- what is shown ------------------------------------------------------------------------
    def show_meeting(self, meeting_id: str | None) -> None:
        if meeting_id is None:
            self.meeting = None
            self.live_actions.set_meeting(None)
            self.stack.setCurrentWidget(self.empty)
            self.agenda.set_meeting(None)
            self.overdue.set_meeting(None)
            self.documents.set_meeting(None)
            if self.board is not None:
                self.board.set_meeting(None)
            if self.attendance is not None:
                self.attendance.set_meeting(None)
            return
        try:
            self.meeting = self.session.get_meeting(meeting_id)
        except NotFoundError:
            self.show_meeting(None)
            return
        if self.form is not None:
            self.form.load(self.meeting)
        else:
            self.summary.show_meeting(self.meeting)
        self.agenda_card.setVisible(True)
        self.agenda_hint.setVisible(False)
        self.agenda.set_meeting(self.meeting)
        self._fit_agenda()
        self.overdue.set_meeting(meeting_id)
        self.documents.set_meeting(meeting_id)
        if self.board is not None:
            self.board.set_meeting(meeting_id)
        if self.attendance is not None:
            self.attendance.set_meeting(meeting_id)
        if self.tabs is not None:
            self.tabs.setVisible(True)
            self.show_section(self.section)  # the secretariat going through meetings keeps its tab
        self._reload_header()
        self.stack.setCurrentWidget(self.scroll)
        self.scroll.verticalScrollBar().setValue(0)

    def form_is_new(self) -> bool:
        return self.form is not None and self.form.creating and self.stack.currentWidget() is self.scroll

    def show_new(self) -> None:
        if self.form is None:
            return
        self.meeting = None
        self.form.new()
        self.agenda.set_meeting(None)
        if self.board is not None:
            self.show_section("meeting")
            self.tabs.setVisible(False)  # nobody can be invited before the meeting exists
            self.board.set_meeting(None)
            if self.attendance is not None:
                self.attendance.set_meeting(None)
        self.documents.set_meeting(None)
        self.agenda_card.setVisible(False)
        self.agenda_hint.setVisible(True)
        self._reload_header()
        self.stack.setCurrentWidget(self.scroll)

    def _reload_header(self) -> None:
        if self.meeting is not None:
            try:
                self.meeting = self.session.get_meeting(self.meeting["id"])
            except NotFoundError:
                return
            self.header_title.setText(self.meeting.get("title", ""))
            self.header_pill.set_status(self.meeting.get("status", "draft"))
            self.header_pill.setVisible(True)
            self.header_when.setText(fmt.when(self.meeting))
            self.header_when.setVisible(True)
            self.live_actions.set_meeting(self.meeting)
        else:
            self.live_actions.set_meeting(None)
            self.header_title.setText(_("New meeting"))
            self.header_pill.setVisible(False)
            self.header_when.setVisible(False)

    def _on_created(self, meeting_id: str) -> None:
        self.show_meeting(meeting_id)
        self.meeting_created.emit(meeting_id)

    def _on_deleted(self, meeting_id: str) -> None:
        self.show_meeting(None)
        self.meeting_deleted.emit(meeting_id)

    # --- live updates -------------------------------------------------------------------------
    def apply_changes(self, batch: ChangeBatch) -> None:
        if self.meeting is None:
            return
        meeting_id = self.meeting["id"]
        if self.board is not None:
            self.board.apply_changes(batch)
        if self.attendance is not None:
            self.attendance.apply_changes(batch)
        self.documents.apply_changes(batch)
        self.overdue.apply_changes(batch)
        if batch.touches("meeting", meeting_id, ignore_origin=self.form):
            try:
                fresh = self.session.get_meeting(meeting_id)
            except NotFoundError:
                if self.form is not None and self.form.is_dirty():
                    self.form.remote_deleted()
                else:
                    self.show_meeting(None)
                    self.meeting_deleted.emit(meeting_id)
                return
            self.meeting = fresh
            if self.form is not None:
                self.form.remote_changed(fresh)
            else:
                self.summary.show_meeting(fresh)
            self.agenda.meeting = fresh
            self._reload_header()
            self.agenda.refresh()  # the total compares with the meeting's times
        elif batch.touches("agenda", meeting_id, ignore_origin=self.agenda):
            self.agenda.refresh()
        self._fit_agenda()

    def _fit_agenda(self) -> None:
        """Readers: the whole agenda shows, the documents card below it (the page scrolls)."""
        if self.editable:
            return
        row = max(self.agenda.tree.sizeHintForRow(0), 29)
        self.agenda_card.setMinimumHeight(min(max(280, 110 + row * len(self.agenda.items)), 900))
