"""The attendance board's dialogs: a manual check-in, check-out or excuse with its reason (quick
reasons to tap, or typed), optionally choosing the person and the member a substitute stands in
for; and the quorum rule of a body.

Like the invitation dialogs they do not act themselves: they emit `submitted(...)`, the board
calls the session, and a refusal comes back through `show_error()` with everything kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QSpinBox, QWidget

from app.domain.attendance import MAX_REASON, QUORUM_RULE_LABELS, QuorumRule
from app.i18n import N_, _
from ui.language import Translatable
from ui.views.meetings.meeting_list import fold
from ui.widgets.common import Banner, Text, button, hbox, label, repolish, vbox
from ui.widgets.icons import icon

PERSON_ROLE = Qt.ItemDataRole.UserRole
QUICK_REASONS = {
    "check_in": (N_("Not recognised by the kiosk"), N_("Arrived late"), N_("Forgot to use the kiosk")),
    "check_out": (N_("Left early"), N_("Short break"), N_("Called away")),
    "excused": (N_("On a business trip"), N_("Ill"), N_("Another meeting at the same time")),
}
TITLES = {"check_in": N_("Check in by hand"), "check_out": N_("Check out"), "excused": N_("Mark as excused")}
CONFIRM = {"check_in": N_("Check in"), "check_out": N_("Check out"), "excused": N_("Mark excused")}


def _mark(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    repolish(widget)


class RecordDialog(Translatable, QDialog):
    """One manual attendance event. With `person` given it is about that person; without, the
    user picks anyone from the directory (a substitute, a guest) and, for someone who is not a
    member, which absent member they stand in for."""

    submitted = Signal(dict)  # {"action", "person_id", "reason", "substitute_for"}

    def __init__(self, parent: QWidget | None, action: str, *, person: dict[str, Any] | None = None, persons: list[dict[str, Any]] = (),
                 members: set[str] = frozenset(), absent_members: list[dict[str, Any]] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("AttendanceRecordDialog")
        self.setModal(True)
        self.setMinimumWidth(660)
        self.action = action
        self.person = person
        self.members = set(members)
        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")

        # Choosing the person (only when none was given).
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self._filter)
        self.people = QListWidget()
        self.people.setObjectName("AttendancePeople")
        self.people.setStyleSheet("QListWidget#AttendancePeople { border: 1px solid #e1e6ec; border-radius: 6px; } "
                                  "QListWidget#AttendancePeople::item { padding: 5px 4px; border-bottom: 1px solid #eef1f4; } "
                                  "QListWidget#AttendancePeople::item:selected { background: #e3f1ef; color: #0b2d2a; }")
        self.people.setFixedHeight(180)
        for p in persons:
            item = QListWidgetItem(p["full_name"] + (f" — {p['title']}" if p.get("title") else ""))
            item.setData(PERSON_ROLE, p["id"])
            self.people.addItem(item)
        self.people.currentItemChanged.connect(lambda *_a: self._on_person())
        self.for_label = label("FieldLabel")
        self.for_combo = QComboBox()
        self.for_combo.setObjectName("SubstituteFor")
        self.for_combo.addItem("", None)
        for m in absent_members:
            self.for_combo.addItem(m["full_name"], m["person_id"])

        self.reason_label = label("FieldLabel")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("AttendanceReason")
        self.reason_edit.setFixedHeight(78)
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.textChanged.connect(lambda: _mark(self.reason_edit, False))
        self.quick_label = label("Small")
        self.quick_buttons = []
        quick = hbox(spacing=6)
        quick.addWidget(self.quick_label)
        for text in QUICK_REASONS[action]:
            b = button(variant="tool", on_click=lambda t=text: self.reason_edit.setPlainText(_(t)))
            b.setProperty("msgid", text)
            self.quick_buttons.append(b)
            quick.addWidget(b)
        quick.addStretch(1)
        self.cancel_button = button(on_click=self.reject)
        self.confirm_button = button(variant="primary", icon_name="check", on_click=self._submit)
        self.confirm_button.setObjectName("AttendanceConfirm")
        buttons = hbox(spacing=8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)

        layout = vbox(self, margins=(24, 22, 24, 20), spacing=10)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.error)
        if person is None:
            layout.addWidget(self.search)
            layout.addWidget(self.people)
            layout.addWidget(self.for_label)
            layout.addWidget(self.for_combo)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason_edit)
        layout.addLayout(quick)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        if person is None:
            self._on_person()
        self.retranslate()
        (self.search if person is None else self.reason_edit).setFocus()
        if action == "check_in" and person is not None:
            usual = QUICK_REASONS[action][0]
            self.reason_edit.setPlainText(_(usual))  # the usual case: one click
            self.reason_edit.selectAll()

    def retranslate(self) -> None:
        self.setWindowTitle(_(TITLES[self.action]))
        self.heading.setText(_(TITLES[self.action]))
        if self.person is not None:
            self.context.setText(self.person["full_name"] + (f" — {self.person['title']}" if self.person.get("title") else ""))
        else:
            self.context.setText(_("Anyone in the directory: a member, a substitute or a guest."))
        self.search.setPlaceholderText(_("Search by name"))
        self.for_label.setText(_("Stands in for (a substitute)"))
        self.for_combo.setItemText(0, _("Nobody: attends in their own right"))
        self.reason_label.setText(_("Reason (kept in the attendance record)"))
        self.reason_edit.setPlaceholderText(_("For example: the kiosk did not recognise them"))
        self.quick_label.setText(_("Quick:"))
        for b in self.quick_buttons:
            b.setText(_(b.property("msgid")))
        self.cancel_button.setText(_("Cancel"))
        self.confirm_button.setText(_(CONFIRM[self.action]))

    def _filter(self, text: str) -> None:
        query = fold(text.strip())
        for i in range(self.people.count()):
            item = self.people.item(i)
            item.setHidden(bool(query) and query not in fold(item.text()))

    def _on_person(self) -> None:
        person_id = self.chosen_person_id()
        # Only someone who is not a member can stand in for a member.
        can_stand_in = person_id is not None and person_id not in self.members and self.for_combo.count() > 1
        self.for_label.setVisible(can_stand_in)
        self.for_combo.setVisible(can_stand_in)
        if not can_stand_in:
            self.for_combo.setCurrentIndex(0)

    def chosen_person_id(self) -> str | None:
        if self.person is not None:
            return self.person["person_id"]
        item = self.people.currentItem()
        return item.data(PERSON_ROLE) if item is not None else None

    def choose(self, person_id: str) -> None:
        for i in range(self.people.count()):
            if self.people.item(i).data(PERSON_ROLE) == person_id:
                self.people.setCurrentRow(i)
                return

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def _submit(self) -> None:
        self.error.clear()
        person_id = self.chosen_person_id()
        if person_id is None:
            self.error.show_message(lambda: _("Choose the person first."), "error")
            self.search.setFocus()
            return
        if not self.reason() or len(self.reason()) > MAX_REASON:
            _mark(self.reason_edit, True)
            self.error.show_message(lambda: _("Write a short reason (at most %(limit)d characters): it goes into the record.") % {"limit": MAX_REASON}, "error")
            self.reason_edit.setFocus()
            return
        self.submitted.emit({"action": self.action, "person_id": person_id, "reason": self.reason(),
                             "substitute_for": self.for_combo.currentData() if self.for_combo.isVisible() else None})

    def show_error(self, text: Text) -> None:
        self.error.show_message(text, "error")


class QuorumDialog(Translatable, QDialog):
    """The quorum rule of the body holding the meeting (the secretariat)."""

    submitted = Signal(str, int)  # rule, count

    def __init__(self, parent: QWidget | None, body: dict[str, Any]) -> None:
        super().__init__(parent)
        self.setObjectName("QuorumDialog")
        self.setModal(True)
        self.setMinimumWidth(460)
        self.body = body
        members = len(body.get("member_ids") or [])
        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")
        self.rule_label = label("FieldLabel")
        self.rule_combo = QComboBox()
        self.rule_combo.setObjectName("QuorumRule")
        for rule in QuorumRule:
            self.rule_combo.addItem("", rule.value)
        self.rule_combo.setCurrentIndex(max(0, self.rule_combo.findData(body.get("quorum_rule") or QuorumRule.MORE_THAN_HALF.value)))
        self.count_label = label("FieldLabel")
        self.count = QSpinBox()
        self.count.setObjectName("QuorumCount")
        self.count.setRange(1, max(1, members) if members else 10_000)
        self.count.setValue(max(1, int(body.get("quorum_count") or 0) or (members // 2 + 1)))
        self.rule_combo.currentIndexChanged.connect(lambda _i: self._on_rule())
        self.cancel_button = button(on_click=self.reject)
        self.save_button = button(variant="primary", icon_name="check", on_click=lambda: self.submitted.emit(self.rule(), self.count.value()))
        self.save_button.setObjectName("QuorumSave")
        buttons = hbox(spacing=8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = vbox(self, margins=(24, 22, 24, 20), spacing=10)
        for w in (self.heading, self.context, self.error, self.rule_label, self.rule_combo, self.count_label, self.count):
            layout.addWidget(w)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        self._on_rule()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Quorum rule"))
        self.heading.setText(_("Quorum rule"))
        self.context.setText(_("%(body)s: %(members)d members. Every meeting of this body uses this rule.") % {
            "body": self.body.get("name", ""), "members": len(self.body.get("member_ids") or [])})
        self.rule_label.setText(_("A meeting can decide when present are"))
        for i in range(self.rule_combo.count()):
            self.rule_combo.setItemText(i, _(QUORUM_RULE_LABELS[QuorumRule(self.rule_combo.itemData(i))]))
        self.count_label.setText(_("Number of members"))
        self.cancel_button.setText(_("Cancel"))
        self.save_button.setText(_("Save"))

    def rule(self) -> str:
        return self.rule_combo.currentData()

    def _on_rule(self) -> None:
        at_least = self.rule() == QuorumRule.AT_LEAST
        self.count_label.setVisible(at_least)
        self.count.setVisible(at_least)

    def show_error(self, text: Text) -> None:
        self.error.show_message(text, "error")
