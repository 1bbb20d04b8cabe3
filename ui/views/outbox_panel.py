"""OutboxPanel: the changes made on this device that the server has not accepted yet.

Waiting changes go out by themselves when the server is reachable. A refused change shows the
server's reason, with Retry (after fixing the cause) and Discard (undo it here).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from app.i18n import _
from app.sync.session import ChamberSession
from ui import format as fmt
from ui.language import Translatable
from ui.widgets.common import button, hbox, icon_label, label, vbox


def describe(op: dict[str, Any]) -> str:
    method = "MOVE" if op.get("path", "").endswith("/move") else op.get("method", "")
    texts = {
        ("meeting", "POST"): _("New meeting “%(summary)s”"),
        ("meeting", "PATCH"): _("Changes to the meeting “%(summary)s”"),
        ("meeting", "DELETE"): _("Deletion of the meeting “%(summary)s”"),
        ("agenda_item", "POST"): _("New agenda item “%(summary)s”"),
        ("agenda_item", "PATCH"): _("Changes to the agenda item “%(summary)s”"),
        ("agenda_item", "MOVE"): _("New place of the agenda item “%(summary)s”"),
        ("agenda_item", "DELETE"): _("Deletion of the agenda item “%(summary)s”"),
    }
    template = texts.get((op.get("kind"), method), _("Change “%(summary)s”"))
    return template % {"summary": op.get("summary", "")}


class OutboxPanel(Translatable, QFrame):
    closed = Signal()

    def __init__(self, session: ChamberSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("OutboxPanel")
        self.setStyleSheet("QFrame#OutboxPanel { background: #ffffff; border-bottom: 1px solid #e1e6ec; }")
        self.title = label("SectionTitle")
        self.hint = label("Muted", wrap=True)
        self.close_button = button(variant="icon", icon_name="x", on_click=self._close)
        self.rows = QWidget()
        self.rows_layout = vbox(self.rows, spacing=0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.rows)
        self.scroll = scroll
        head = hbox(spacing=8)
        head.addWidget(icon_label("inbox", "#14324f", 20))
        head.addWidget(self.title, 1)
        head.addWidget(self.close_button)
        layout = vbox(self, margins=(24, 14, 24, 14), spacing=8)
        layout.addLayout(head)
        layout.addWidget(self.hint)
        layout.addWidget(scroll)
        self.retry_buttons: dict[str, QWidget] = {}
        self.discard_buttons: dict[str, QWidget] = {}
        self.retranslate()

    def _close(self) -> None:
        self.setVisible(False)
        self.closed.emit()

    def retranslate(self) -> None:
        self.title.setText(_("Changes not yet accepted by the server"))
        self.hint.setText(
            _("Waiting changes are sent automatically when the server can be reached. A refused change shows the reason: fix it and press Retry, or Discard it to undo it on this device.")
        )
        self.refresh()

    def refresh(self) -> None:
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.retry_buttons.clear()
        self.discard_buttons.clear()
        failed = self.session.failed_operations()
        pending = self.session.pending_operations()
        for op in failed:
            self.rows_layout.addWidget(self._row(op, failed=True))
        for op in pending:
            self.rows_layout.addWidget(self._row(op, failed=False))
        if not failed and not pending:
            self.rows_layout.addWidget(label("Muted", _("Every change has reached the server.")))
        # As tall as its rows, up to a limit; beyond it, the list scrolls.
        self.rows.adjustSize()
        self.scroll.setFixedHeight(min(240, self.rows_layout.minimumSize().height() + 2))

    def _row(self, op: dict[str, Any], *, failed: bool) -> QWidget:
        row = QFrame()
        row.setObjectName("OutboxRow")
        row.setStyleSheet("QFrame#OutboxRow { border-bottom: 1px solid #eef1f4; }")
        text = vbox(spacing=2)
        text.addWidget(label("", describe(op), wrap=True))
        if failed:
            reason = label("ErrorText", ChamberSession.operation_error(op).user_message(), wrap=True)
            reason.setObjectName("ErrorText")
            text.addWidget(reason)
        else:
            text.addWidget(label("Small", _("Waiting to be sent · made %(when)s") % {"when": fmt.date_time(op.get("created_at"))}))
        layout = hbox(row, margins=(0, 8, 0, 8), spacing=10)
        layout.addWidget(icon_label("alert" if failed else "clock", "#c81e1e" if failed else "#8a4b08", 18), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        if failed:
            op_id = op["operation_id"]
            retry = button(_("Retry"), on_click=lambda: self.session.retry_operation(op_id))
            discard = button(_("Discard"), variant="danger", on_click=lambda: self.session.discard_operation(op_id))
            self.retry_buttons[op_id] = retry
            self.discard_buttons[op_id] = discard
            layout.addWidget(retry, 0, Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(discard, 0, Qt.AlignmentFlag.AlignVCenter)
        return row
