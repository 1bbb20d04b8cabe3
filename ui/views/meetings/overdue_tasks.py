"""OverdueTasksCard: under a meeting's agenda, the follow-up tasks of the same body's earlier
meetings that are past their deadline and still open — who, what, by when — so the meeting takes
them up again. The secretariat puts one on the agenda with one click. Hidden when there are none."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from app.domain.clock import utcnow
from app.errors import ChamberError
from app.i18n import _, ngettext
from ui import format as fmt
from ui.bridge import ChangeBatch
from ui.feedback import error_text
from ui.language import Translatable
from ui.widgets.common import button, hbox, label, vbox


class OverdueTasksCard(Translatable, QFrame):
    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.setObjectName("Card")
        self.session = session
        self.meeting_id: str | None = None
        self.tasks: list[dict[str, Any]] = []
        self.agenda_titles: set[str] = set()
        self.put_buttons: dict[str, Any] = {}
        layout = vbox(self, margins=(20, 16, 20, 16), spacing=8)
        self.title = label("SectionTitle")
        self.hint = label("Muted")
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.rows = QWidget()
        self.rows_layout = vbox(self.rows, spacing=6)
        self.notice = label("ErrorText")
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.notice.setVisible(False)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.rows)
        layout.addWidget(self.notice)
        self.setVisible(False)

    def set_meeting(self, meeting_id: str | None) -> None:
        self.meeting_id = meeting_id
        self.refresh()

    def apply_changes(self, batch: ChangeBatch) -> None:
        if self.meeting_id and (batch.touches("task") or batch.touches("live") or batch.touches("meeting") or batch.touches("agenda")):
            self.refresh()

    def refresh(self) -> None:
        try:
            self.tasks = self.session.overdue_tasks(self.meeting_id) if self.meeting_id else []
        except ChamberError:
            self.tasks = []
        self.agenda_titles = {i.get("title") for i in self.session.get_agenda(self.meeting_id)} if self.meeting_id else set()
        self._render()

    def _render(self) -> None:
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.put_buttons = {}
        today = utcnow().date()
        for task in self.tasks:
            row = QWidget()
            line = hbox(row, spacing=10)
            days = (today - date.fromisoformat(task["deadline"][:10])).days
            # Two plain lines, no word wrap: a wrapping label's height-for-width would upset the
            # page's layout; long text is cut at the card's edge instead (the tooltip has it all).
            texts = QWidget()
            lines = vbox(texts, spacing=2)
            what = label("TaskWhat", task["what"])
            what.setStyleSheet("font-weight: bold;")
            detail = label("Muted", _("%(who)s · due %(deadline)s (%(late)s) · from “%(meeting)s” · %(progress)s%% done") % {
                "who": task.get("responsible_unit") or "—", "deadline": fmt.date_only(task["deadline"]),
                "late": ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days},
                "meeting": task.get("meeting_title", ""), "progress": task.get("progress") or 0})
            for line_label in (what, detail):
                line_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                line_label.setToolTip(f"{task['what']}\n{detail.text()}")
                lines.addWidget(line_label)
            text = texts
            line.addWidget(text, 1)
            if self.session.can_edit:
                put = button(_("Put on the agenda"), variant="secondary", on_click=lambda t=task: self._put(t))
                put.setEnabled(self._agenda_title(task) not in self.agenda_titles)
                line.addWidget(put)
                self.put_buttons[task["id"]] = put
            self.rows_layout.addWidget(row)
        self.setVisible(bool(self.tasks))
        count = len(self.tasks)
        self.title.setText(ngettext("%(count)d follow-up task past its deadline", "%(count)d follow-up tasks past their deadline", count) % {"count": count})
        self.hint.setText(_("Open tasks from this body's earlier meetings. Take them up again in this meeting."))

    @staticmethod
    def _agenda_title(task: dict[str, Any]) -> str:
        return _("Follow-up: %(what)s (overdue)") % {"what": task["what"]}

    def _put(self, task: dict[str, Any]) -> None:
        self.notice.setVisible(False)
        try:
            self.session.put_task_on_agenda(self.meeting_id, task, self._agenda_title(task))
        except ChamberError as err:
            self.notice.setText(error_text(err))
            self.notice.setVisible(True)
            return
        self.refresh()

    def retranslate(self) -> None:
        self._render()  # from what refresh() read: the session may already be closed here
