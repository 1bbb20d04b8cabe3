"""InvitationBoard: the secretariat's tracking of one meeting's invitations.

Counts on top (who was invited, e-mailed, read, answered, saw the latest change), substitutes
waiting for a decision, and the table of invitees with search, an answer filter and sorting.
Sending, reminding, exporting and the usage report start here. Everything shown comes from the
session's cache and follows the change events; only the mail status and the export use the
network, through the TaskRunner.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QFileDialog, QFrame, QHeaderView, QLineEdit, QMenu, QTableView, QWidget

from app.domain.meetings import MeetingStatus
from app.errors import ChamberError, NotFoundError
from app.i18n import _, ngettext
from app.sync.engine import ConnectionState
from ui.bridge import ChangeBatch
from ui.feedback import confirm, error_text
from ui.language import Translatable
from ui.views.invitations.board_table import (
    ANSWER,
    DELIVERY,
    NAME,
    READ,
    REASON,
    ROW_ROLE,
    SUBSTITUTE,
    BoardDelegate,
    InvitationFilter,
    InvitationModel,
)
from ui.views.invitations.parts import TILES_STYLE, AnswerBar, CountTile
from ui.views.invitations.send_dialog import SendInvitationsDialog
from ui.views.invitations.usage_report import UsageReportDialog
from ui.widgets.common import Banner, button, card, hbox, icon_label, label, vbox
from ui.widgets.icons import icon
from ui.widgets.spinner import Spinner

log = logging.getLogger(__name__)

# key in invitation_board()["counts"], colour of the number, the filter a click applies
TILES = (
    ("invited", "#14324f", "all"),
    ("emailed", "#14324f", "all"),
    ("read", "#14324f", "all"),
    ("accepted", "#0b6b4f", "accepted"),
    ("declined", "#9b1c1c", "declined"),
    ("substitute", "#8a4b08", "substitute"),
    ("none", "#4b5563", "none"),
    ("email_failed", "#14324f", "failed"),
    ("seen_latest_change", "#14324f", "unseen"),
)
MAIL_TILES = ("emailed", "email_failed")
FILTER_KEYS = ("all", "none", "accepted", "declined", "substitute", "waiting", "unread", "unseen", "failed")


def tile_caption(key: str) -> str:
    return {
        "invited": _("Invited"), "emailed": _("E-mail sent"), "read": _("Read"), "accepted": _("Accepted"),
        "declined": _("Declined"), "substitute": _("Substitute"), "none": _("No answer"),
        "email_failed": _("E-mail failed"), "seen_latest_change": _("Saw the latest change"),
    }[key]


def filter_label(key: str) -> str:
    return {
        "all": _("All answers"), "none": _("No answer"), "accepted": _("Accepted"), "declined": _("Declined"),
        "substitute": _("Sending a substitute"), "waiting": _("Substitute waiting for approval"),
        "unread": _("Not read yet"), "unseen": _("Has not seen the latest change"), "failed": _("E-mail failed"),
    }[key]


def export_file_name(title: str, fmt: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|]+", " ", title).strip()[:80] or "invitations"
    return f"{stem}.{fmt}"


class InvitationBoard(Translatable, QWidget):
    counts_changed = Signal(int)  # how many are invited (the page's tab shows it)

    def __init__(self, session, tasks, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession, TaskRunner
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.meeting_id: str | None = None
        self.meeting: dict[str, Any] | None = None
        self.counts: dict[str, int] = {}
        self.send_dialog: SendInvitationsDialog | None = None
        self.report_dialog: UsageReportDialog | None = None
        self.export_dialog: QFileDialog | None = None
        self.mail: dict[str, Any] | None = None
        self.approve_buttons: dict[str, QWidget] = {}
        self.reject_buttons: dict[str, QWidget] = {}
        self.setStyleSheet(TILES_STYLE)

        # --- actions: the page shows them in its header, where the form's buttons are
        self.spinner = Spinner(size=16)
        self.report_button = button(variant="tool", icon_name="clipboard", on_click=self.open_usage_report)
        self.export_button = button(variant="tool", icon_name="file-text")
        self.export_menu = QMenu(self.export_button)
        self.export_xlsx = self.export_menu.addAction("", lambda: self.choose_export_file("xlsx"))
        self.export_csv = self.export_menu.addAction("", lambda: self.choose_export_file("csv"))
        self.export_button.setMenu(self.export_menu)
        self.remind_button = button(variant="tool", icon_name="clock", on_click=self.remind)
        self.send_button = button(variant="primary", icon_name="plus", on_click=self.open_send_dialog)
        for name in ("report", "export", "remind", "send"):
            getattr(self, f"{name}_button").setObjectName(f"invitations_{name}")
        self.actions = QWidget()
        actions = hbox(self.actions, spacing=8)
        actions.addWidget(self.spinner)
        for b in (self.report_button, self.export_button, self.remind_button, self.send_button):
            actions.addWidget(b)

        # --- banners
        self.mail_banner = Banner("info")
        self.pending_banner = Banner("info")
        self.notice = Banner("success", closable=True)

        # --- counts
        self.strip = card(object_name="TileStrip")
        self.tiles: dict[str, CountTile] = {}
        tiles_row = hbox(spacing=0)
        for n, (key, color, filter_key) in enumerate(TILES):
            tile = CountTile(key, color)
            tile.setProperty("first", n == 0)
            tile.clicked.connect(lambda f=filter_key: self.set_filter(f))
            self.tiles[key] = tile
            tiles_row.addWidget(tile, 1)
        self.answer_bar = AnswerBar()
        strip_layout = vbox(self.strip, margins=(0, 4, 0, 10), spacing=6)
        strip_layout.addLayout(tiles_row)
        bar_row = hbox(margins=(12, 0, 12, 0))
        bar_row.addWidget(self.answer_bar)
        strip_layout.addLayout(bar_row)

        # --- substitutes waiting for a decision
        self.decisions = card()
        self.decisions.setObjectName("Decisions")
        self.decisions.setStyleSheet("QFrame#Decisions { background: #fffaf0; border: 1px solid #f0cf8e; border-radius: 10px; } QFrame#Decisions QLabel { background: transparent; }")
        self.decisions_title = label("SectionTitle")
        self.decisions_rows = QWidget()
        self.decisions_layout = vbox(self.decisions_rows, spacing=6)
        decisions_layout = vbox(self.decisions, margins=(16, 12, 16, 12), spacing=8)
        head = hbox(spacing=8)
        head.addWidget(icon_label("users", "#8a4b08", 18))
        head.addWidget(self.decisions_title, 1)
        decisions_layout.addLayout(head)
        decisions_layout.addWidget(self.decisions_rows)
        self.decisions.setVisible(False)

        # --- the table
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("AnswerFilter")
        for key in FILTER_KEYS:
            self.filter_combo.addItem("", key)
        self.shown = label("Muted")
        self.model = InvitationModel(self)
        self.proxy = InvitationFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("InvitationTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(BoardDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setMouseTracking(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(BoardDelegate.ROW_HEIGHT)
        self.table.setFrameShape(QFrame.Shape.NoFrame)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.setMinimumHeight(190)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        for col, width in ((NAME, 192), (DELIVERY, 128), (READ, 120), (ANSWER, 158), (REASON, 120), (SUBSTITUTE, 168)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.search.textChanged.connect(self._on_search)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._on_filter())

        self.table_card = card()
        table_layout = vbox(self.table_card, margins=(16, 14, 16, 8), spacing=10)
        filters = hbox(spacing=10)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.filter_combo, 2)
        filters.addWidget(self.shown)
        table_layout.addLayout(filters)
        table_layout.addWidget(self.table, 1)

        # --- nothing sent yet
        self.empty = card()
        empty_layout = vbox(self.empty, margins=(24, 36, 24, 36), spacing=10)
        empty_layout.addWidget(icon_label("inbox", "#9aa8b6", 44), 0, Qt.AlignmentFlag.AlignHCenter)
        self.empty_title = label("EmptyTitle")
        self.empty_text = label("Muted", wrap=True)
        for w in (self.empty_title, self.empty_text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty_layout.addWidget(w)
        self.empty_send = button(variant="primary", icon_name="plus", on_click=self.open_send_dialog)
        self.empty_send.setObjectName("invitations_send_first")
        empty_layout.addWidget(self.empty_send, 0, Qt.AlignmentFlag.AlignHCenter)

        layout = vbox(self, spacing=12)
        layout.addWidget(self.mail_banner)
        layout.addWidget(self.pending_banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.strip)
        layout.addWidget(self.decisions)
        layout.addWidget(self.table_card, 1)
        layout.addWidget(self.empty)
        layout.addStretch(0)
        self.retranslate()

    def retranslate(self) -> None:
        self.report_button.setText(_("Usage report"))
        self.report_button.setToolTip(_("Invitations per month, answer rate and the saving against SMS"))
        self.export_button.setText(_("Export"))
        self.export_xlsx.setText(_("Excel workbook (.xlsx)…"))
        self.export_csv.setText(_("CSV file (.csv)…"))
        self.remind_button.setText(_("Remind now"))
        self.send_button.setText(_("Send invitations…"))
        self.empty_send.setText(_("Send invitations…"))
        self.empty_title.setText(_("No invitations sent yet"))
        self.empty_text.setText(
            _("Invite the council, a committee, individual delegates or guests. This board then shows who has received, read and answered the invitation.")
        )
        self.search.setPlaceholderText(_("Search by name, e-mail or reason"))
        for i in range(self.filter_combo.count()):
            self.filter_combo.setItemText(i, filter_label(self.filter_combo.itemData(i)))
        for key, tile in self.tiles.items():
            tile.caption.setText(tile_caption(key))
        self.tiles["seen_latest_change"].setToolTip(_("Opened the invitation since the meeting's time or place last changed"))
        self.tiles["emailed"].setToolTip(_("E-mails handed over to the mail server"))
        self.model.retranslate()
        self._show_counts()
        self._show_mail()
        self._update_pending()
        self._fill_decisions()

    # --- what is shown ------------------------------------------------------------------------
    def set_meeting(self, meeting_id: str | None) -> None:
        changed = meeting_id != self.meeting_id
        self.meeting_id = meeting_id
        if changed:
            self.notice.clear()
            self.search.clear()
            self.filter_combo.setCurrentIndex(0)
        self.refresh()
        if meeting_id is not None:
            self.load_mail_status()

    def refresh(self) -> None:
        board = None
        if self.meeting_id is not None:
            try:
                board = self.session.invitation_board(self.meeting_id)
            except NotFoundError:
                board = None
        self.meeting = board["meeting"] if board else None
        self.counts = board["counts"] if board else {}
        self.model.set_rows(board["invitations"] if board else [], board["sequence"] if board else 0)
        has_rows = bool(self.model.rows)
        self.strip.setVisible(has_rows)
        self.table_card.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self._show_counts()
        self._fill_decisions()
        self._update_pending()
        self._update_buttons()
        self.counts_changed.emit(self.counts.get("invited", 0))

    def _show_counts(self) -> None:
        c = self.counts
        invited = c.get("invited", 0)
        for key, tile in self.tiles.items():
            value = c.get(key, 0)
            if key == "seen_latest_change":
                tile.set_value(f"{value}/{invited}" if invited else "0")
            else:
                tile.set_value(value, alert=key == "email_failed" and value > 0, muted=key in ("email_failed", "declined", "substitute") and value == 0)
        self.answer_bar.set_parts([
            (c.get("accepted", 0), "#2f9e75"), (c.get("substitute", 0), "#e0a43a"), (c.get("declined", 0), "#d55b5b"), (c.get("none", 0), "#dfe4ea"),
        ])
        answered = invited - c.get("none", 0)
        self.answer_bar.setToolTip(_("%(answered)d of %(invited)d have answered") % {"answered": answered, "invited": invited})
        shown = self.proxy.rowCount()
        self.shown.setText(_("%(shown)d of %(total)d") % {"shown": shown, "total": len(self.model.rows)} if shown != len(self.model.rows) else "")

    def _fill_decisions(self) -> None:
        while self.decisions_layout.count():
            item = self.decisions_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
            elif item.layout() is not None:
                self._drop_layout(item.layout())
        self.approve_buttons.clear()
        self.reject_buttons.clear()
        waiting = [r for r in self.model.rows if r.get("substitute_status") == "proposed"]
        self.decisions.setVisible(bool(waiting))
        if not waiting:
            return
        self.decisions_title.setText(
            ngettext("%(count)d substitute is waiting for your approval", "%(count)d substitutes are waiting for your approval", len(waiting)) % {"count": len(waiting)}
        )
        for inv in waiting:
            row = QWidget()
            line = hbox(row, spacing=8)
            who = _("%(delegate)s proposes %(substitute)s to attend in their place") % {
                "delegate": f"<b>{html.escape(inv.get('name', ''))}</b>", "substitute": f"<b>{html.escape(inv.get('substitute_name') or '')}</b>",
            }
            if inv.get("response_reason"):
                who += " — " + html.escape(inv["response_reason"])
            text = label("", who, wrap=True)
            text.setTextFormat(Qt.TextFormat.RichText)
            line.addWidget(text, 1)
            approve = button(_("Approve"), variant="primary", icon_name="check", on_click=lambda i=inv["id"]: self.decide(i, True))
            reject = button(_("Reject"), variant="danger", icon_name="x", on_click=lambda i=inv["id"]: self.decide(i, False))
            approve.setObjectName(f"approve_{inv['id']}")
            reject.setObjectName(f"reject_{inv['id']}")
            self.approve_buttons[inv["id"]] = approve
            self.reject_buttons[inv["id"]] = reject
            line.addWidget(approve, 0, Qt.AlignmentFlag.AlignVCenter)
            line.addWidget(reject, 0, Qt.AlignmentFlag.AlignVCenter)
            self.decisions_layout.addWidget(row)

    @staticmethod
    def _drop_layout(layout) -> None:  # noqa: ANN001
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _update_buttons(self) -> None:
        over = (self.meeting or {}).get("status") in (MeetingStatus.CLOSED.value, MeetingStatus.CANCELLED.value)
        has = self.meeting is not None
        waiting = self.counts.get("none", 0)
        for b in (self.send_button, self.empty_send):
            b.setEnabled(has and not over)
            b.setToolTip(_("This meeting is closed or cancelled; invitations can no longer be sent.") if over else "")
        self.remind_button.setEnabled(has and not over and waiting > 0)
        self.remind_button.setToolTip(
            _("Everyone has answered.") if has and not waiting and self.model.rows else
            ngettext("Remind the %(count)d person who has not answered yet", "Remind the %(count)d people who have not answered yet", waiting) % {"count": waiting}
        )
        self.export_button.setEnabled(has and bool(self.model.rows) and not self.tasks.is_running(self._export_key))

    def _update_pending(self) -> None:
        """Invitations queued on this device and not yet accepted by the server."""
        if self.meeting_id is None:
            self.pending_banner.clear()
            return
        waiting = [op for op in self.session.pending_operations() if op.get("kind") == "invitations" and op.get("meeting_id") == self.meeting_id]
        if not waiting:
            self.pending_banner.clear()
        elif self.session.state == ConnectionState.ONLINE:
            self.pending_banner.show_message(lambda: _("Sending to the server… the board fills in as the server confirms each invitation."), "info")
        else:
            self.pending_banner.show_message(
                lambda: _("The server cannot be reached: the invitations are kept on this device and sent as soon as it is back."), "warning"
            )

    # --- live updates -------------------------------------------------------------------------
    def apply_changes(self, batch: ChangeBatch) -> None:
        if self.meeting_id is None:
            return
        if batch.touches("invitation") or batch.touches("meeting", self.meeting_id):
            self.refresh()
        elif batch.touches("outbox") or batch.touches("connection"):
            self._update_pending()
        if batch.touches("connection") and self.session.state == ConnectionState.ONLINE and self.mail is None:
            self.load_mail_status()

    # --- mail status (network) ----------------------------------------------------------------
    def load_mail_status(self) -> None:
        session = self.session
        self.tasks.run(session.mail_status, on_done=self._mail_loaded, on_error=self._mail_failed, key=f"mail-status-{id(self)}")

    def _mail_loaded(self, status: dict[str, Any]) -> None:
        self.mail = status
        self._show_mail()

    def _mail_failed(self, error: BaseException) -> None:
        log.info("mail status not available: %s", error)
        self.mail = None
        self._show_mail()

    def _show_mail(self) -> None:
        status = self.mail
        # Without e-mail on the server everything is delivered in the app: no e-mail columns then.
        mail_off = status is not None and not status.get("enabled")
        self.table.setColumnHidden(DELIVERY, mail_off)
        for key in MAIL_TILES:
            self.tiles[key].setVisible(not mail_off)
        if status is None:
            self.mail_banner.clear()
        elif not status.get("enabled"):
            self.mail_banner.show_message(lambda: _("E-mail is not configured on the server: invitations are delivered in the app only."), "info")
        elif status.get("last_error"):
            err = status["last_error"]

            def text() -> str:
                reason = ChamberError(err.get("message") or ChamberError.message, **(err.get("params") or {})).user_message()
                return _("The mail server reported a problem: %(reason)s The e-mails waiting (%(queued)d) are tried again automatically.") % {
                    "reason": reason, "queued": status.get("queued", 0)}

            self.mail_banner.show_message(text, "warning")
        else:
            self.mail_banner.clear()

    # --- actions ------------------------------------------------------------------------------
    def set_filter(self, key: str) -> None:
        index = self.filter_combo.findData(key)
        if index >= 0:
            self.filter_combo.setCurrentIndex(index)

    def _on_search(self, text: str) -> None:
        self.proxy.set_query(text)
        self._show_counts()

    def _on_filter(self) -> None:
        self.proxy.set_answer(self.filter_combo.currentData())
        self._show_counts()

    def open_send_dialog(self) -> SendInvitationsDialog | None:
        if self.meeting is None:
            return None
        if self.send_dialog is not None:
            self.send_dialog.raise_()
            return self.send_dialog
        invited = {r.get("person_id") for r in self.model.rows if r.get("person_id")}
        dialog = SendInvitationsDialog(self.window(), self.session, self.tasks, self.meeting, invited_person_ids=invited, mail=self.mail)
        dialog.sent.connect(self._on_sent)
        dialog.finished.connect(lambda _r, d=dialog: self._send_dialog_closed(d))
        self.send_dialog = dialog
        dialog.open()
        return dialog

    def _send_dialog_closed(self, dialog: SendInvitationsDialog) -> None:
        if self.send_dialog is dialog:
            self.send_dialog = None
        dialog.deleteLater()

    def _on_sent(self, people: int) -> None:
        if people:
            self.notice.show_message(lambda: ngettext("Invitations to %(count)d person are on their way.", "Invitations to %(count)d people are on their way.", people) % {"count": people}, "success")
        else:
            self.notice.show_message(lambda: _("The invitations are on their way."), "success")
        self._update_pending()
        self.load_mail_status()

    def remind(self) -> None:
        if self.meeting is None:
            return
        waiting = self.counts.get("none", 0)
        if not waiting:
            return
        meeting_id = self.meeting_id
        text = ngettext(
            "%(count)d person has not answered the invitation yet. Remind them now? They see the reminder in the app, and by e-mail if they have an address.",
            "%(count)d people have not answered the invitation yet. Remind them now? They see the reminder in the app, and by e-mail if they have an address.",
            waiting,
        ) % {"count": waiting}
        confirm(self, _("Remind now"), text, yes=_("Send reminder"), danger=False, on_yes=lambda: self._remind(meeting_id, waiting))

    def _remind(self, meeting_id: str, waiting: int) -> None:
        try:
            self.session.remind_now(meeting_id)
        except ChamberError as err:
            self.notice.show_message(lambda e=err: error_text(e), "error")
            return
        self.notice.show_message(lambda: ngettext("A reminder goes to %(count)d person.", "A reminder goes to %(count)d people.", waiting) % {"count": waiting}, "success")

    def selected_invitation(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        inv = index.data(ROW_ROLE) if index.isValid() else None
        if inv is None or inv.get("substitute_status") != "proposed":
            return
        menu = QMenu(self.table)
        menu.addAction(icon("check", "#0b6b4f", 16), _("Approve the substitute %(name)s") % {"name": inv.get("substitute_name", "")}, lambda: self.decide(inv["id"], True))
        menu.addAction(icon("x", "#b42318", 16), _("Reject the substitute"), lambda: self.decide(inv["id"], False))
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def decide(self, invitation_id: str, approve: bool) -> None:
        inv = next((r for r in self.model.rows if r["id"] == invitation_id), None)
        try:
            self.session.decide_substitute(invitation_id, approve=approve)
        except ChamberError as err:
            self.notice.show_message(lambda e=err: error_text(e), "error")
            return
        name = (inv or {}).get("substitute_name", "")
        if approve:
            self.notice.show_message(lambda: _("%(name)s is approved and will be invited.") % {"name": name}, "success")
        else:
            self.notice.show_message(lambda: _("The substitute %(name)s was rejected.") % {"name": name}, "success")
        self.refresh()

    # --- export (network + file, off the GUI thread) ------------------------------------------
    @property
    def _export_key(self) -> str:
        return f"export-{id(self)}"

    def choose_export_file(self, fmt: str) -> QFileDialog | None:
        if self.meeting is None:
            return None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        dialog = QFileDialog(self, _("Export the invitations"), folder)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix(fmt)
        dialog.setNameFilter(_("Excel workbook (*.xlsx)") if fmt == "xlsx" else _("CSV file (*.csv)"))
        dialog.selectFile(export_file_name(self.meeting.get("title", ""), fmt))
        dialog.fileSelected.connect(lambda path: self.export_to(path, fmt))
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: str | Path, fmt: str = "xlsx") -> None:
        """Download the board as `fmt` and write it to `path`, off the GUI thread."""
        if self.meeting_id is None:
            return
        session, meeting_id, target = self.session, self.meeting_id, Path(path)

        def work() -> Path:
            data = session.export_invitations(meeting_id, fmt)
            target.write_bytes(data)
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

    # --- usage report -------------------------------------------------------------------------
    def open_usage_report(self) -> UsageReportDialog:
        if self.report_dialog is not None:
            self.report_dialog.raise_()
            return self.report_dialog
        dialog = UsageReportDialog(self.window(), self.session, self.tasks)
        dialog.finished.connect(lambda _r, d=dialog: self._report_closed(d))
        self.report_dialog = dialog
        dialog.open()
        return dialog

    def _report_closed(self, dialog: UsageReportDialog) -> None:
        if self.report_dialog is dialog:
            self.report_dialog = None
        dialog.deleteLater()
