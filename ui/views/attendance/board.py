"""AttendanceBoard: who is here for one meeting, live, for the secretariat and the chair.

On top the quorum (present / required, green when reached) and the counts (present,
substitutes, excused, absent, guests; a click filters the table); then the table of persons with
their state, arrival and leave times and how they were checked in. Manual check-in, check-out and
excuses go through a reason dialog; the lists for the record are exported as PDF or CSV.

Everything shown comes from `session.attendance_board()` (the cache plus this device's unsent
events) and follows the change events within a second; only the export uses the network,
through the TaskRunner.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QFrame, QHeaderView, QLineEdit, QMenu, QTableView, QWidget

from app.domain.attendance import QUORUM_KEEPERS, QUORUM_RULE_LABELS, QuorumRule, State
from app.domain.consent import KEEPERS as FACE_KEEPERS
from app.errors import ChamberError, NotFoundError
from app.i18n import _, ngettext
from app.sync.engine import ConnectionState
from ui.bridge import ChangeBatch
from ui.feedback import error_text
from ui.language import Translatable
from ui.views.attendance.dialogs import QuorumDialog, RecordDialog
from ui.views.attendance.table import ARRIVED, LEFT, METHOD, NAME, NOTE, ROW_ROLE, STATE, AttendanceDelegate, AttendanceFilter, AttendanceModel
from ui.views.invitations.parts import TILES_STYLE, CountTile
from ui.widgets.common import Banner, button, card, hbox, icon_label, label, vbox
from ui.widgets.icons import icon
from ui.widgets.spinner import Spinner

log = logging.getLogger(__name__)

# key in the board's counts, colour of the number, the filter a click applies
TILES = (
    ("present", "#0b6b4f", "present"),
    ("substitute", "#1d4e89", "substitute"),
    ("excused", "#8a4b08", "excused"),
    ("absent", "#9b1c1c", "absent"),
    ("guests", "#14324f", "guests"),
)
QUORUM_STYLE = """
QFrame#QuorumCard { border-radius: 10px; border: 1px solid #e1e6ec; background: #f4f6f8; }
QFrame#QuorumCard[state="reached"] { background: #e3f4ee; border-color: #9fd8c2; }
QFrame#QuorumCard[state="missing"] { background: #fdecec; border-color: #f1b4b4; }
QFrame#QuorumCard QLabel { background: transparent; }
QLabel#QuorumNumber { font-size: 24pt; font-weight: bold; color: #3f4a5a; }
QFrame#QuorumCard[state="reached"] QLabel#QuorumNumber, QFrame#QuorumCard[state="reached"] QLabel#QuorumVerdict { color: #0b6b4f; }
QFrame#QuorumCard[state="missing"] QLabel#QuorumNumber, QFrame#QuorumCard[state="missing"] QLabel#QuorumVerdict { color: #a61b1b; }
QLabel#QuorumVerdict { font-size: 11pt; font-weight: bold; color: #3f4a5a; }
QLabel#QuorumRule { color: #5f6b7a; font-size: 9pt; }
"""


def tile_caption(key: str) -> str:
    return {"present": _("Present"), "substitute": _("Substitutes"), "excused": _("Excused"), "absent": _("Absent"), "guests": _("Guests")}[key]


def export_file_name(title: str, fmt: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|]+", " ", title).strip()[:70] or "attendance"
    return f"{_('Attendance')} - {stem}.{fmt}"


class AttendanceBoard(Translatable, QWidget):
    counts_changed = Signal(int, int)  # present (in person or by substitute), members: the page's tab shows it

    def __init__(self, session, tasks, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession, TaskRunner
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.meeting_id: str | None = None
        self.board: dict[str, Any] | None = None
        self.dialog: RecordDialog | QuorumDialog | None = None
        self.export_dialog: QFileDialog | None = None
        self.setStyleSheet(TILES_STYLE + QUORUM_STYLE)

        # --- actions: the page shows them in its header, on the tabs' line
        self.spinner = Spinner(size=16)
        self.quorum_button = button(variant="link", on_click=self.open_quorum_dialog)
        self.export_button = button(variant="tool", icon_name="file-text")
        self.export_menu = QMenu(self.export_button)
        self.export_pdf = self.export_menu.addAction("", lambda: self.choose_export_file("pdf"))
        self.export_csv = self.export_menu.addAction("", lambda: self.choose_export_file("csv"))
        self.export_button.setMenu(self.export_menu)
        self.checkin_button = button(variant="primary", icon_name="plus", on_click=lambda: self.open_record_dialog("check_in"))
        for name in ("quorum", "export", "checkin"):
            getattr(self, f"{name}_button").setObjectName(f"attendance_{name}")
        self.quorum_button.setVisible(session.role in QUORUM_KEEPERS)
        self.export_button.setVisible(session.can_export_attendance)
        self.checkin_button.setVisible(session.can_record_attendance)
        self.actions = QWidget()
        actions = hbox(self.actions, spacing=8)
        actions.addWidget(self.spinner)
        for b in (self.export_button, self.checkin_button):
            actions.addWidget(b)

        # --- banners
        self.pending_banner = Banner("info")
        self.notice = Banner("success", closable=True)

        # --- quorum and counts
        self.quorum_card = QFrame()
        self.quorum_card.setObjectName("QuorumCard")
        self.quorum_number = label("QuorumNumber")
        self.quorum_verdict = label("QuorumVerdict", wrap=True)
        self.quorum_rule = label("QuorumRule", wrap=True)
        quorum_text = vbox(spacing=2)
        quorum_text.addStretch(1)
        quorum_text.addWidget(self.quorum_verdict)
        quorum_text.addWidget(self.quorum_rule)
        quorum_text.addWidget(self.quorum_button, 0, Qt.AlignmentFlag.AlignLeft)
        quorum_text.addStretch(1)
        quorum_row = hbox(self.quorum_card, margins=(18, 10, 18, 10), spacing=16)
        quorum_row.addWidget(self.quorum_number, 0, Qt.AlignmentFlag.AlignVCenter)
        quorum_row.addLayout(quorum_text, 1)
        self.quorum_card.setMinimumWidth(300)
        self.quorum_card.setMinimumHeight(104)
        # A wrapped label in a row gets one line's height unless told: room for two.
        self.quorum_verdict.setMinimumHeight(2 * self.quorum_verdict.fontMetrics().lineSpacing() + 6)
        self.quorum_verdict.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.strip = card(object_name="TileStrip")
        self.tiles: dict[str, CountTile] = {}
        tiles_row = hbox(self.strip, margins=(0, 4, 0, 4), spacing=0)
        for n, (key, color, filter_key) in enumerate(TILES):
            tile = CountTile(key, color)
            tile.setProperty("first", n == 0)
            tile.clicked.connect(lambda f=filter_key: self.set_filter(f))
            self.tiles[key] = tile
            tiles_row.addWidget(tile, 1)
        top = hbox(spacing=12)
        top.addWidget(self.quorum_card, 1)
        top.addWidget(self.strip, 1)

        # --- the table
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_note = label("Muted")
        self.select_hint = label("Muted")
        self.show_all = button(variant="link", on_click=lambda: self.set_filter("all"))
        self.row_checkin = button(variant="tool", icon_name="check", on_click=lambda: self._act_on_selected("check_in"))
        self.row_checkout = button(variant="tool", icon_name="log-out", on_click=lambda: self._act_on_selected("check_out"))
        self.row_excuse = button(variant="tool", icon_name="clipboard", on_click=lambda: self._act_on_selected("excused"))
        self.row_unexcuse = button(variant="tool", icon_name="x", on_click=lambda: self._act_on_selected("unexcused"))
        for name in ("checkin", "checkout", "excuse", "unexcuse"):
            getattr(self, f"row_{name}").setObjectName(f"attendance_row_{name}")
        self.model = AttendanceModel(self)
        self.proxy = AttendanceFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("AttendanceTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(AttendanceDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setMouseTracking(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(AttendanceDelegate.ROW_HEIGHT)
        self.table.setFrameShape(QFrame.Shape.NoFrame)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _i: self._act_on_selected(None))
        self.table.setMinimumHeight(260)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(56)
        for col, width in ((NAME, 200), (STATE, 140), (ARRIVED, 90), (LEFT, 76), (METHOD, 158), (NOTE, 150)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.search.textChanged.connect(self._on_search)

        self.table_card = card()
        table_layout = vbox(self.table_card, margins=(16, 14, 16, 8), spacing=10)
        tools = hbox(spacing=8)
        tools.addWidget(self.search, 3)
        tools.addWidget(self.filter_note)
        tools.addWidget(self.show_all)
        tools.addStretch(1)
        tools.addWidget(self.select_hint)
        for b in (self.row_checkin, self.row_checkout, self.row_excuse, self.row_unexcuse):
            tools.addWidget(b)
        table_layout.addLayout(tools)
        table_layout.addWidget(self.table, 1)

        # --- nobody to list (a meeting without a body, before anyone checks in)
        self.empty = card()
        empty_layout = vbox(self.empty, margins=(24, 36, 24, 36), spacing=10)
        empty_layout.addWidget(icon_label("users", "#9aa8b6", 44), 0, Qt.AlignmentFlag.AlignHCenter)
        self.empty_title = label("EmptyTitle")
        self.empty_text = label("Muted", wrap=True)
        for w in (self.empty_title, self.empty_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty_layout.addWidget(w)

        layout = vbox(self, spacing=12)
        layout.addWidget(self.pending_banner)
        layout.addWidget(self.notice)
        layout.addLayout(top)
        layout.addWidget(self.table_card, 1)
        layout.addWidget(self.empty)
        self.retranslate()

    def retranslate(self) -> None:
        self.quorum_button.setText(_("Quorum rule…"))
        self.export_button.setText(_("Export"))
        self.export_pdf.setText(_("Attendance list (.pdf)…"))
        self.export_csv.setText(_("CSV file (.csv)…"))
        self.checkin_button.setText(_("Check in…"))
        self.checkin_button.setToolTip(_("Check in anyone by hand: a member, a substitute or a guest"))
        self.row_checkin.setText(_("Check in"))
        self.row_checkout.setText(_("Check out"))
        self.row_excuse.setText(_("Excuse"))
        self.row_unexcuse.setText(_("Withdraw excuse"))
        self.show_all.setText(_("Show everyone"))
        self.select_hint.setText(_("Choose a person to check them in or out."))
        self.search.setPlaceholderText(_("Search by name, position or note"))
        self.empty_title.setText(_("Nobody to list yet"))
        self.empty_text.setText(_("This meeting has no body, so there is no list of members. People appear here as they check in."))
        for key, tile in self.tiles.items():
            tile.caption.setText(tile_caption(key))
        self.tiles["absent"].setToolTip(_("Members not here now, including those who left"))
        self.tiles["guests"].setToolTip(_("Present, but not members and not standing in for one"))
        self.model.retranslate()
        self._show()

    # --- what is shown ------------------------------------------------------------------------
    def set_meeting(self, meeting_id: str | None) -> None:
        if meeting_id != self.meeting_id:
            self.notice.clear()
            self.search.clear()
            self.proxy.set_state("all")
        self.meeting_id = meeting_id
        self.refresh()

    def refresh(self) -> None:
        board = None
        if self.meeting_id is not None:
            try:
                board = self.session.attendance_board(self.meeting_id)
            except NotFoundError:
                board = None
        self.board = board
        self.model.set_rows(board["rows"] if board else [])
        self._show()
        q = (board or {}).get("quorum") or {}
        self.counts_changed.emit(q.get("present", 0), q.get("members", 0))

    def _show(self) -> None:
        board = self.board
        has_rows = bool(self.model.rows)
        self.table_card.setVisible(has_rows)
        self.empty.setVisible(board is not None and not has_rows)
        counts = (board or {}).get("counts") or {}
        for key, tile in self.tiles.items():
            value = counts.get(key, 0)
            tile.set_value(value, muted=value == 0 and key != "present")
        self._show_quorum()
        self._show_filter()
        self._update_pending()
        self._update_buttons()

    def _show_quorum(self) -> None:
        q = (self.board or {}).get("quorum")
        if not q or not q.get("applies"):
            self.quorum_card.setProperty("state", "none")
            self.quorum_number.setText("—")
            self.quorum_verdict.setText(_("No quorum applies"))
            self.quorum_rule.setText(_("This meeting has no body, so no quorum applies."))
            self.quorum_card.setToolTip("")
        else:
            reached = q["reached"]
            self.quorum_card.setProperty("state", "reached" if reached else "missing")
            self.quorum_number.setText(f"{q['present']} / {q['required']}")
            missing = q["required"] - q["present"]
            self.quorum_verdict.setText(_("Quorum reached") if reached else ngettext(
                "Quorum not reached: %(count)d more member needed", "Quorum not reached: %(count)d more members needed", missing) % {"count": missing})
            rule = _(QUORUM_RULE_LABELS[QuorumRule(q["rule"])])
            if q["rule"] == QuorumRule.AT_LEAST:
                rule = f"{rule} ({q['count']})"
            self.quorum_rule.setText(rule)
            self.quorum_card.setToolTip(_("%(rule)s · %(members)d members · present in person or by substitute") % {"rule": rule, "members": q["members"]})
        self.quorum_card.style().unpolish(self.quorum_card)
        self.quorum_card.style().polish(self.quorum_card)
        for w in (self.quorum_number, self.quorum_verdict):
            w.style().unpolish(w)
            w.style().polish(w)

    def _show_filter(self) -> None:
        filtered = self.proxy.state != "all"
        shown, total = self.proxy.rowCount(), len(self.model.rows)
        self.filter_note.setText(_("%(shown)d of %(total)d") % {"shown": shown, "total": total} if shown != total else "")
        self.show_all.setVisible(filtered)

    def _update_pending(self) -> None:
        pending = (self.board or {}).get("pending", 0)
        if not pending:
            self.pending_banner.clear()
        elif self.session.state == ConnectionState.ONLINE:
            self.pending_banner.show_message(lambda: _("Sending to the server…"), "info")
        else:
            self.pending_banner.show_message(lambda: ngettext(
                "The server cannot be reached: %(count)d attendance record is kept on this device and sent as soon as it is back.",
                "The server cannot be reached: %(count)d attendance records are kept on this device and sent as soon as it is back.", pending) % {"count": pending},
                "warning")

    def selected_row(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _update_buttons(self) -> None:
        row = self.selected_row()
        can_record, can_excuse = self.session.can_record_attendance, self.session.can_excuse
        state = row["state"] if row else None
        # Only what applies to the chosen person is offered (the row stays narrow).
        self.row_checkin.setVisible(can_record and row is not None and state != State.PRESENT)
        self.row_checkout.setVisible(can_record and state == State.PRESENT)
        self.row_excuse.setVisible(can_excuse and row is not None and row["member"] and state in (State.ABSENT, State.LEFT))
        self.row_unexcuse.setVisible(can_excuse and state == State.EXCUSED)
        self.select_hint.setVisible(row is None and (can_record or can_excuse))
        self.export_button.setEnabled(self.board is not None and not self.tasks.is_running(self._export_key))
        self.quorum_button.setEnabled(bool(self.board and self.board.get("body")))
        self.checkin_button.setEnabled(self.board is not None)

    # --- live updates -------------------------------------------------------------------------
    def apply_changes(self, batch: ChangeBatch) -> None:
        if self.meeting_id is None:
            return
        if (batch.touches("attendance", self.meeting_id) or batch.touches("meeting", self.meeting_id) or batch.touches("body")
                or batch.touches("outbox") or batch.touches("directory")):
            self.refresh()
        elif batch.touches("connection"):
            self._update_pending()

    # --- filter -------------------------------------------------------------------------------
    def set_filter(self, key: str) -> None:
        self.proxy.set_state(key)
        self._show_filter()

    def _on_search(self, text: str) -> None:
        self.proxy.set_query(text)
        self._show_filter()

    # --- recording ------------------------------------------------------------------------------
    def _act_on_selected(self, action: str | None) -> None:
        row = self.selected_row()
        if row is None:
            return
        if action is None:  # a double click: the obvious next step for that person
            action = "check_out" if row["state"] == State.PRESENT else "check_in"
            if not self.session.can_record_attendance:
                return
        if action == "unexcused":
            self.record({"action": "unexcused", "person_id": row["person_id"], "reason": ""}, row["full_name"])
            return
        self.open_record_dialog(action, row)

    def open_record_dialog(self, action: str, row: dict[str, Any] | None = None) -> RecordDialog | None:
        if self.board is None:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog if isinstance(self.dialog, RecordDialog) else None
        members = {r["person_id"] for r in self.model.rows if r["member"]}
        absent = [r for r in self.model.rows if r["member"] and r["state"] in (State.ABSENT, State.LEFT, State.EXCUSED)]
        dialog = RecordDialog(self.window(), action, person=row, persons=self.session.list_persons(), members=members, absent_members=absent)
        dialog.submitted.connect(lambda values, d=dialog: self._submitted(d, values))
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _submitted(self, dialog: RecordDialog, values: dict[str, Any]) -> None:
        name = next((p["full_name"] for p in self.session.list_persons() if p["id"] == values["person_id"]), "")
        try:
            self._record(values)
        except ChamberError as err:
            dialog.show_error(lambda e=err: error_text(e))
            return
        dialog.accept()
        self._done(values["action"], name)

    def record(self, values: dict[str, Any], name: str = "") -> bool:
        """One attendance event from the board itself (no dialog): shown at once, sent when online."""
        try:
            self._record(values)
        except ChamberError as err:
            self.notice.show_message(lambda e=err: error_text(e), "error")
            return False
        self._done(values["action"], name)
        return True

    def _record(self, values: dict[str, Any]) -> None:
        meeting_id, person_id, reason, action = self.meeting_id, values["person_id"], values.get("reason", ""), values["action"]
        if action == "check_in":
            self.session.check_in(meeting_id, person_id, reason=reason, substitute_for=values.get("substitute_for"), origin=self)
        elif action == "check_out":
            self.session.check_out(meeting_id, person_id, reason=reason, origin=self)
        elif action == "excused":
            self.session.mark_excused(meeting_id, person_id, reason, origin=self)
        else:
            self.session.withdraw_excuse(meeting_id, person_id, origin=self)
        self.refresh()

    def _done(self, action: str, name: str) -> None:
        text = {
            "check_in": lambda: _("%(name)s is checked in.") % {"name": name},
            "check_out": lambda: _("%(name)s is checked out.") % {"name": name},
            "excused": lambda: _("%(name)s is excused from this meeting.") % {"name": name},
            "unexcused": lambda: _("The excuse of %(name)s is withdrawn.") % {"name": name},
        }[action]
        self.notice.show_message(text, "success")

    def _dialog_closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        row = index.data(ROW_ROLE) if index.isValid() else None
        if row is None:
            return
        self.table.setCurrentIndex(index)
        menu = QMenu(self.table)
        for b, action in ((self.row_checkin, "check_in"), (self.row_checkout, "check_out"), (self.row_excuse, "excused"), (self.row_unexcuse, "unexcused")):
            if not b.isHidden():
                menu.addAction(b.icon(), b.text(), lambda a=action: self._act_on_selected(a))
        if self.session.role in FACE_KEEPERS:
            menu.addSeparator()
            menu.addAction(icon("camera"), _("Face check-in data…"), lambda r=row: self.open_face_dialog(r))
        if not menu.isEmpty():
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def open_face_dialog(self, row: dict[str, Any]):  # noqa: ANN201 - EnrolDialog
        """Consent, enrolment photos and deletion of one person's face data (secretariat, admin)."""
        from ui.views.faces.enrol_dialog import EnrolDialog

        dialog = EnrolDialog(self.session, self.tasks, {"id": row["person_id"], "full_name": row.get("full_name", "")}, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    # --- quorum rule --------------------------------------------------------------------------
    def open_quorum_dialog(self) -> QuorumDialog | None:
        body_ref = (self.board or {}).get("body")
        body = next((b for b in self.session.list_bodies() if body_ref and b["id"] == body_ref["id"]), None)
        if body is None or self.dialog is not None:
            return None
        dialog = QuorumDialog(self.window(), body)
        dialog.submitted.connect(lambda rule, count, d=dialog: self._save_quorum(d, body["id"], rule, count))
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save_quorum(self, dialog: QuorumDialog, body_id: str, rule: str, count: int) -> None:
        try:
            self.session.set_quorum_rule(body_id, rule, count if rule == QuorumRule.AT_LEAST else None)
        except ChamberError as err:
            dialog.show_error(lambda e=err: error_text(e))
            return
        dialog.accept()
        self.refresh()
        self.notice.show_message(lambda: _("The quorum rule is saved; every meeting of this body uses it."), "success")

    # --- export (network + file, off the GUI thread) ------------------------------------------
    @property
    def _export_key(self) -> str:
        return f"attendance-export-{id(self)}"

    def choose_export_file(self, fmt: str) -> QFileDialog | None:
        if self.board is None:
            return None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        dialog = QFileDialog(self, _("Export the attendance list"), folder)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix(fmt)
        dialog.setNameFilter(_("PDF document (*.pdf)") if fmt == "pdf" else _("CSV file (*.csv)"))
        dialog.selectFile(export_file_name(self.board["meeting"].get("title", ""), fmt))
        dialog.fileSelected.connect(lambda path: self.export_to(path, fmt))
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: str | Path, fmt: str = "pdf") -> None:
        """Fetch the list as `fmt` from the server and write it to `path`, off the GUI thread."""
        if self.meeting_id is None:
            return
        session, meeting_id, target = self.session, self.meeting_id, Path(path)

        def work() -> Path:
            target.write_bytes(session.export_attendance(meeting_id, fmt))
            return target

        self.spinner.start()
        self.tasks.run(work, on_done=self._exported, on_error=self._export_failed, key=self._export_key)
        self._update_buttons()

    def _exported(self, path: Path) -> None:
        self.spinner.stop()
        self._update_buttons()
        self.notice.show_message(lambda: _("Saved to %(path)s") % {"path": str(path)}, "success")

    def _export_failed(self, error: BaseException) -> None:
        self.spinner.stop()
        self._update_buttons()
        if isinstance(error, OSError):
            self.notice.show_message(lambda: _("The file could not be written: %(reason)s") % {"reason": error.strerror or str(error)}, "error")
        else:
            self.notice.show_message(lambda: _("The export failed: %(reason)s") % {"reason": error_text(error)}, "error")
