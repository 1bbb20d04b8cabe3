"""AuditLogWindow (administrators): who did what, when and from which device — filtered by dates,
user, kind of action and text, newest first, a page at a time ("Load more"), and exported as CSV.

Everything comes from the server (ChamberSession.audit_log / export_audit) on the TaskRunner; the
export's progress comes back through a queued signal. Actions read in plain words (ACTION_LABELS),
an action this client does not know yet in its raw name."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.attendance import METHOD_LABELS
from app.domain.audit import DEFAULT_LIMIT
from app.i18n import N_, _, translate
from ui import format as fmt
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.widgets.common import button, hbox, label, repolish, vbox

PAGE = DEFAULT_LIMIT
DEFAULT_DAYS = 30  # the window opens on the last month

ACTION_LABELS = {
    "login": N_("Logged in"),
    "login.failed": N_("Failed login"),
    "account.create": N_("Created an account"),
    "device.revoke": N_("Ended a device's session"),
    "meeting.create": N_("Created a meeting"),
    "meeting.update": N_("Changed a meeting"),
    "meeting.delete": N_("Deleted a meeting"),
    "agenda.add": N_("Added an agenda item"),
    "agenda.update": N_("Changed an agenda item"),
    "agenda.move": N_("Moved an agenda item"),
    "agenda.delete": N_("Deleted an agenda item"),
    "document.upload": N_("Uploaded a document"),
    "document.replace": N_("Uploaded a new version of a document"),
    "document.update": N_("Changed a document's details"),
    "document.delete": N_("Deleted a document"),
    "document.downloaded": N_("Downloaded a document"),
    "document.packet_downloaded": N_("Downloaded the meeting packet"),
    "attendance.checkin": N_("Checked in"),
    "attendance.checkout": N_("Checked out"),
    "attendance.excuse": N_("Marked as excused"),
    "attendance.correct": N_("Took back an excuse"),
    "attendance.viewed": N_("Viewed the attendance board"),
    "attendance.exported": N_("Exported the attendance list"),
    "vote.open": N_("Opened a vote"),
    "vote.close": N_("Closed a vote"),
    "vote.ballot": N_("Cast a ballot"),
    "proxy.name": N_("Named a proxy"),
    "proxy.decide": N_("Decided on a proxy"),
    "minutes.save": N_("Saved the minutes"),
    "minutes.approve": N_("Approved the minutes"),
    "face_data.enrolled": N_("Enrolled face data"),
    "face_data.enrolment_refused": N_("Face photo refused"),
    "face_data.viewed": N_("Viewed face data"),
    "face_data.erased": N_("Erased face data"),
    "face_gallery.downloaded": N_("Downloaded the face gallery"),
    "face_consent.given": N_("Recorded consent to face check-in"),
    "face_consent.withdrawn": N_("Recorded withdrawal of face consent"),
    "template.save": N_("Saved an invitation template"),
    "invitations.send": N_("Sent invitations"),
    "invitations.remind": N_("Sent reminders"),
    "invitation.respond": N_("Answered an invitation"),
    "invitation.substitute": N_("Decided on a substitute"),
    "audit.viewed": N_("Viewed the audit log"),
    "audit.exported": N_("Exported the audit log"),
}
# The "kind" filter: an action prefix each.
KINDS = (("", N_("All actions")), ("login", N_("Logins")), ("attendance", N_("Attendance")), ("vote", N_("Votes")), ("proxy", N_("Proxies")),
         ("document", N_("Documents")), ("minutes", N_("Minutes")), ("face", N_("Face data")), ("meeting", N_("Meetings")), ("agenda", N_("Agenda")),
         ("invitation", N_("Invitations")), ("account", N_("Accounts")), ("device", N_("Devices")), ("audit", N_("Audit log")))
# Detail keys in plain words (others as they are named).
DETAIL_LABELS = {"method": N_("Method"), "secret": N_("Secret"), "choice": N_("Choice"), "changed": N_("Changed"), "version": N_("Version"),
                 "confidential": N_("Confidential"), "format": N_("Format"), "on_behalf_of": N_("On behalf of"), "state": N_("State"),
                 "why": N_("Why"), "filters": N_("Filters"), "fields": N_("Fields"), "role": N_("Role")}
# Detail keys not worth a column's width (ids are in the CSV export).
HIDDEN_DETAIL = {"meeting_id", "person_id", "vote_id", "document_id", "event_id", "proxy_id", "principal_id", "proxy_person_id", "document_ids"}


def action_text(entry: dict[str, Any]) -> str:
    """The action in plain words (a face check-in says so); an unknown action as it is named."""
    action = entry.get("action", "")
    detail = entry.get("detail") or {}
    if action == "attendance.checkin" and detail.get("method") == "face":
        return _("Checked in by face")
    label_ = ACTION_LABELS.get(action)
    return translate(label_) if label_ else action


def detail_text(detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    parts = []
    for key, value in detail.items():
        if key in HIDDEN_DETAIL or value in (None, "", [], {}):
            continue
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif key == "method" and value in METHOD_LABELS:
            shown = translate(METHOD_LABELS[value])
        else:
            shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
        name = translate(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key
        parts.append(f"{name}: {shown}")
    return ", ".join(parts)


def local_day_start(day: date) -> datetime:
    """Midnight of a day on this computer's clock, as an aware time (the server compares in UTC)."""
    return datetime.combine(day, time()).astimezone()


class _Progress(QObject):
    """Bytes written so far, from the export's worker thread to the GUI thread (queued)."""

    moved = Signal(int)

    def report(self, written: int) -> None:
        if shiboken6.isValid(self):
            self.moved.emit(int(written))


class AuditLogWindow(Translatable, QWidget):
    COLUMNS = 6
    loaded = Signal()  # a page arrived (or failed): tests wait for it
    exported = Signal(str)  # the path written, or "" when the export failed

    def __init__(self, session: Any, tasks: Any, *, start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("AuditLogWindow")
        self.session = session
        self.tasks = tasks
        self.entries: list[dict[str, Any]] = []
        self.next_before_id: int | None = None
        self._closed = False
        self._exporting = False

        self.title = label("SectionTitle")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-DEFAULT_DAYS))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.from_label, self.to_label = label("Muted"), label("Muted")
        self.user = QLineEdit()
        self.user.setObjectName("AuditUser")
        self.kind = QComboBox()
        self.kind.setObjectName("AuditKind")
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = QLineEdit()
        self.search.setObjectName("AuditSearch")
        self.search.setClearButtonEnabled(True)
        self.apply_button = button(variant="primary", icon_name="search", on_click=self.refresh)
        for edit in (self.user, self.search):
            edit.returnPressed.connect(self.refresh)
        self.kind.activated.connect(lambda _i: self.refresh())

        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("AuditTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(self.COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 100, 230, 280, 160)):
            self.table.setColumnWidth(column, width)

        self.summary = label("Muted")
        self.more_button = button(icon_name="chevron-down", on_click=self.load_more)
        self.more_button.setObjectName("AuditMore")
        self.export_button = button(icon_name="download", on_click=self._ask_export)
        self.export_button.setObjectName("AuditExport")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the size of the export is not known before it ends
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(140)
        self.progress.setVisible(False)
        self.message = label("Muted", wrap=True)
        self.message.setVisible(False)
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress)

        filters = hbox(spacing=8)
        filters.addWidget(self.from_label)
        filters.addWidget(self.date_from)
        filters.addWidget(self.to_label)
        filters.addWidget(self.date_to)
        filters.addSpacing(6)
        filters.addWidget(self.user, 1)
        filters.addWidget(self.kind)
        filters.addWidget(self.search, 2)
        filters.addWidget(self.apply_button)
        bottom = hbox(spacing=8)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.export_button)
        layout = vbox(self, margins=(20, 16, 20, 16), spacing=10)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.resize(1180, 680)
        self.retranslate()
        if start:
            self.refresh()

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Audit log — Chamber"))
        self.title.setText(_("Audit log: who viewed or changed what"))
        self.from_label.setText(_("From"))
        self.to_label.setText(_("to"))
        self.user.setPlaceholderText(_("User name"))
        self.search.setPlaceholderText(_("Search the target (name, title…)"))
        kind = self.kind.currentData()
        self.kind.clear()
        for prefix, text in KINDS:
            self.kind.addItem(translate(text), prefix)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.apply_button.setText(_("Show"))
        self.more_button.setText(_("Load more"))
        self.export_button.setText(_("Export CSV…"))
        self.table.setHorizontalHeaderLabels([_("Time"), _("User"), _("Action"), _("Target"), _("Device"), _("Detail")])
        self._show_rows()

    # --- loading ----------------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        """The filters on screen as ChamberSession.audit_log's keywords (local days → exact times)."""
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        return {"since": local_day_start(start), "until": local_day_start(end + timedelta(days=1)), "username": self.user.text(),
                "action": self.kind.currentData() or "", "text": self.search.text()}

    def refresh(self) -> None:
        """The first page for the filters on screen (what was shown goes)."""
        if self._closed:
            return
        wanted = self.filters()
        self.apply_button.setEnabled(False)
        self.more_button.setEnabled(False)
        self.tasks.run(lambda: self.session.audit_log(**wanted, limit=PAGE), on_done=lambda page: self._loaded(page, append=False),
                       on_error=self._failed, key=f"audit-page-{id(self)}")

    def load_more(self) -> None:
        if self._closed or self.next_before_id is None:
            return
        wanted, before = self.filters(), self.next_before_id
        self.more_button.setEnabled(False)
        self.tasks.run(lambda: self.session.audit_log(**wanted, before_id=before, limit=PAGE), on_done=lambda page: self._loaded(page, append=True),
                       on_error=self._failed, key=f"audit-page-{id(self)}")

    def _loaded(self, page: dict[str, Any], *, append: bool) -> None:
        self.entries = (self.entries if append else []) + list(page["entries"])
        self.next_before_id = page.get("next_before_id")
        self.apply_button.setEnabled(True)
        self._say("")
        self._show_rows()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.apply_button.setEnabled(True)
        self.more_button.setEnabled(self.next_before_id is not None)
        self._say(error_text(error), error=True)
        self.loaded.emit()

    def _show_rows(self) -> None:
        self.table.setRowCount(len(self.entries))
        for n, entry in enumerate(self.entries):
            moment = fmt.parse(entry.get("at"))
            cells = [moment.strftime("%d/%m/%Y %H:%M:%S") if moment else "", entry.get("username", ""), action_text(entry),
                     entry.get("target", ""), entry.get("device", ""), detail_text(entry.get("detail"))]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if column >= 3 else entry.get("action", "") if column == 2 else "")
                self.table.setItem(n, column, item)
        self.more_button.setEnabled(self.next_before_id is not None)
        self.more_button.setVisible(self.next_before_id is not None)
        self.summary.setText(_("%(count)s entries shown, newest first; times in this computer's time zone.") % {"count": len(self.entries)})

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setObjectName("ErrorText" if error else "Muted")
        repolish(self.message)
        self.message.setVisible(bool(text))

    # --- export -----------------------------------------------------------------------------------
    def _ask_export(self) -> None:
        start = self.date_from.date().toString("yyyyMMdd")
        end = self.date_to.date().toString("yyyyMMdd")
        path, _filter = QFileDialog.getSaveFileName(self, _("Export the audit log"), str(Path.home() / f"nhat-ky-{start}-{end}.csv"),
                                                    _("CSV files (*.csv)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write every entry matching the filters on screen to `path` (not only the pages shown)."""
        if self._exporting:
            return
        self._exporting = True
        wanted, relay = self.filters(), self._progress
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self._say(_("Exporting…"))

        def done(written: Path) -> None:
            self._export_ended()
            self._say(_("Saved to %(path)s.") % {"path": str(written)})
            self.exported.emit(str(written))

        def failed(error: BaseException) -> None:
            self._export_ended()
            self._say(error_text(error), error=True)
            self.exported.emit("")

        self.tasks.run(lambda: self.session.export_audit(path, progress=relay.report, **wanted), on_done=done, on_error=failed,
                       key=f"audit-export-{id(self)}")

    def _on_progress(self, written: int) -> None:
        if self._exporting:
            self._say(_("Exporting… %(size)s KB written") % {"size": f"{written / 1024:,.0f}"})

    def _export_ended(self) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)
        self.progress.setVisible(False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._closed = True
        self.tasks.forget(f"audit-page-{id(self)}")
        super().closeEvent(event)
