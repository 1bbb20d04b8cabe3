"""TasksWindow: the follow-up tasks of a meeting, or of every meeting of its council or committee,
with who is responsible, the deadline, the progress and whether they are on time, late or done;
the chair's side updates the progress, the note and the status.

Tasks come from the device's cache (task events keep it current); "on time / late" is worked out
again here with today's date, so a task that passed its deadline overnight shows late without
waiting for a change. Updates are ChamberSession.update_task commands (through the outbox)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain import live as live_rules
from app.errors import ChamberError
from app.i18n import N_, _, translate
from ui.bridge import ChangeBatch, EventBridge
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.widgets.common import button, card, hbox, label, vbox

Timeliness = live_rules.Timeliness
COLOURS = {Timeliness.ON_TIME: "#0f7b5f", Timeliness.LATE: "#b42318", Timeliness.DONE: "#475467", Timeliness.DONE_LATE: "#b54708",
           Timeliness.CANCELLED: "#98a2b3"}
STATUS_LABELS = {live_rules.TaskStatus.OPEN: N_("In progress"), live_rules.TaskStatus.DONE: N_("Done"), live_rules.TaskStatus.CANCELLED: N_("Cancelled")}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def timeliness(task: dict[str, Any], today: date | None = None) -> Timeliness:
    return live_rules.timeliness(task.get("status", "open"), _date(task.get("deadline")), _date(task.get("done_on")), today or date.today())


class TasksWindow(Translatable, QWidget):
    COLUMNS = 6

    updated = Signal(str)  # the task whose update was queued

    def __init__(self, session: Any, tasks: Any = None, *, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("TasksWindow")
        self.session = session
        self.meeting_id = meeting_id
        self.body_id: str | None = None  # known once the meeting is in the cache (a new device syncs first)
        self.rows: list[dict[str, Any]] = []
        self._closed = False
        self.can_update = session.role in live_rules.RUNNERS
        self.bridge = EventBridge(session.bus, self)
        self.bridge.changed.connect(self._on_changes)

        self.title = label("SectionTitle", wrap=True)
        self.scope = QComboBox()
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary = label("Muted")
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("TasksTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)

        self.edit_title = label("SectionTitle")
        self.chosen = label("", wrap=True)
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix(" %")
        self.status = QComboBox()
        self.note = QLineEdit()
        self.save = button(variant="primary", on_click=self._save)
        self.message = label("Muted", wrap=True)
        self.message.setVisible(False)

        top = hbox(spacing=10)
        top.addWidget(self.title, 1)
        top.addWidget(self.scope, 0, Qt.AlignmentFlag.AlignTop)
        edit = card()
        edit_layout = vbox(edit, margins=(16, 12, 16, 12), spacing=8)
        edit_layout.addWidget(self.edit_title)
        edit_layout.addWidget(self.chosen)
        row = hbox(spacing=8)
        row.addWidget(self.progress)
        row.addWidget(self.status)
        row.addWidget(self.note, 1)
        row.addWidget(self.save)
        edit_layout.addLayout(row)
        edit_layout.addWidget(self.message)
        edit.setVisible(self.can_update)
        layout = vbox(self, margins=(20, 16, 20, 16), spacing=10)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(edit)
        self.resize(1100, 640)
        self.retranslate()

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Follow-up tasks — Chamber"))
        self._fill_scope()
        self.table.setHorizontalHeaderLabels([_("Task"), _("Responsible"), _("Deadline"), _("Progress"), _("Status"), _("Meeting")])
        self.edit_title.setText(_("Update the selected task"))
        status = self.status.currentData()
        self.status.clear()
        for value, text in STATUS_LABELS.items():
            self.status.addItem(translate(text), value.value)
        self.status.setCurrentIndex(max(0, self.status.findData(status)))
        self.note.setPlaceholderText(_("Progress note"))
        self.save.setText(_("Save the progress"))
        self.refresh()
        if self.layout() is not None:
            self.layout().activate()  # buttons take the width of their new text at once

    def _fill_scope(self) -> None:
        scope = self.scope.currentIndex()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(_("This meeting"), "meeting")
        if self.body_id:
            self.scope.addItem(_("Every meeting of this council or committee"), "body")
        self.scope.setCurrentIndex(max(0, scope))
        self.scope.blockSignals(False)

    # --- showing ----------------------------------------------------------------------------------
    def _tasks(self) -> list[dict[str, Any]]:
        if self.scope.currentData() == "body" and self.body_id:
            meetings = [m for m in self.session.list_meetings() if m.get("body_id") == self.body_id]
        else:
            meetings = [self.session.cache.get_meeting(self.meeting_id) or {"id": self.meeting_id}]
        titles = {m["id"]: m.get("title", "") for m in meetings}
        found = [{**t, "meeting_title": titles.get(t["meeting_id"], "")} for m in meetings for t in self.session.list_tasks(m["id"])]
        return sorted(found, key=lambda t: (t.get("deadline") or "9999", t.get("created_at") or "", t["id"]))

    def refresh(self) -> None:
        if self._closed:
            return
        meeting = self.session.cache.get_meeting(self.meeting_id) or {}
        if meeting.get("body_id") != self.body_id:
            self.body_id = meeting.get("body_id")
            self._fill_scope()
        self.scope.setVisible(self.scope.count() > 1)
        self.title.setText(_("Follow-up tasks: %(meeting)s") % {"meeting": meeting.get("title", "")})
        chosen = self.selected_task()
        self.rows = self._tasks()
        today = date.today()
        counts = {k: 0 for k in Timeliness}
        self.table.setRowCount(len(self.rows))
        self.table.setColumnHidden(5, self.scope.currentData() != "body")  # the meeting, when several are listed
        for n, task in enumerate(self.rows):
            state = timeliness(task, today)
            counts[state] += 1
            deadline = "/".join(reversed(task["deadline"].split("-"))) if task.get("deadline") else "—"
            cells = [task["what"], task.get("responsible_unit") or "—", deadline, f"{task.get('progress', 0)} %",
                     translate(live_rules.TIMELINESS_LABELS[state]), task.get("meeting_title", "")]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, task["id"])
                if column == 4:
                    item.setForeground(QColor(COLOURS[state]))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, column, item)
            if chosen and task["id"] == chosen["id"]:
                self.table.selectRow(n)
        self.table.resizeRowsToContents()
        self.summary.setText(_("On time: %(on_time)s · Late: %(late)s · Done: %(done)s") % {
            "on_time": counts[Timeliness.ON_TIME], "late": counts[Timeliness.LATE], "done": counts[Timeliness.DONE] + counts[Timeliness.DONE_LATE]})
        self._selected()

    def selected_task(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.rows):
            return None
        return self.rows[rows[0].row()]

    def select(self, task_id: str) -> None:
        for n, task in enumerate(self.rows):
            if task["id"] == task_id:
                self.table.selectRow(n)

    def _selected(self) -> None:
        task = self.selected_task()
        for widget in (self.progress, self.status, self.note, self.save):
            widget.setEnabled(task is not None and self.can_update)
        if task is None:
            self.chosen.setText(_("Select a task in the list."))
            return
        self.chosen.setText(task["what"])
        self.progress.setValue(int(task.get("progress") or 0))
        self.status.setCurrentIndex(max(0, self.status.findData(task.get("status", "open"))))
        if not self.note.hasFocus():
            self.note.setText(task.get("progress_note") or "")

    # --- updating ---------------------------------------------------------------------------------
    def _save(self) -> None:
        task = self.selected_task()
        if task is None:
            return
        fields = {"progress": self.progress.value(), "status": self.status.currentData(), "progress_note": self.note.text().strip()}
        try:
            self.session.update_task(task["meeting_id"], task["id"], fields)
        except ChamberError as err:
            self.message.setText(error_text(err))
            self.message.setVisible(True)
            return
        self.message.setVisible(False)
        self.updated.emit(task["id"])

    def _on_changes(self, batch: ChangeBatch) -> None:
        if not self._closed and any(batch.touches(k) for k in ("task", "meeting")):
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self.bridge.close()
        super().closeEvent(event)
