"""MeetingSummary: one meeting as delegates, the chair and guests read it (no editing)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.i18n import _
from ui import format as fmt
from ui.language import Translatable
from ui.widgets.common import StatusPill, hbox, icon_label, label, vbox


class MeetingSummary(Translatable, QWidget):
    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.session = session
        self.meeting: dict[str, Any] | None = None
        self.title = label("PageTitle", wrap=True, selectable=True)
        self.title.setObjectName("PageTitle")
        self.pill = StatusPill()
        self.when = label("", wrap=True)
        self.where = label("", wrap=True)
        self.body = label("", wrap=True)
        self.description_title = label("FieldLabel")
        self.description = label("Muted", wrap=True, selectable=True)

        head = hbox(spacing=12)
        head.addWidget(self.title, 1)
        head.addWidget(self.pill, 0, Qt.AlignmentFlag.AlignTop)
        layout = vbox(self, spacing=10)
        layout.addLayout(head)
        for icon_name, widget in (("calendar", self.when), ("map-pin", self.where), ("users", self.body)):
            row = hbox(spacing=10)
            row.addWidget(icon_label(icon_name, "#0f766e", 18), 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(widget, 1)
            layout.addLayout(row)
        layout.addSpacing(4)
        layout.addWidget(self.description_title)
        layout.addWidget(self.description)
        self.retranslate()

    def show_meeting(self, meeting: dict[str, Any]) -> None:
        self.meeting = meeting
        self.retranslate()

    def retranslate(self) -> None:
        m = self.meeting or {}
        self.title.setText(m.get("title", ""))
        self.pill.set_status(m.get("status", "draft"))
        self.pill.setVisible(bool(m))
        self.when.setText(fmt.when(m) if m else "")
        self.where.setText(m.get("location") or _("No location set"))
        bodies = {b["id"]: b.get("name", "") for b in self.session.list_bodies()}
        self.body.setText(bodies.get(m.get("body_id"), ""))
        self.description_title.setText(_("About this meeting"))
        self.description.setText(m.get("description", ""))
        self.description_title.setVisible(bool(m.get("description")))
        self.description.setVisible(bool(m.get("description")))
