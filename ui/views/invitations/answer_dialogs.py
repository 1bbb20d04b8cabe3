"""The delegate's two small answer dialogs: decline (with a reason) and send a substitute (a
colleague from the council, or someone else by name and e-mail).

Like the agenda item dialog, they do not answer themselves: they emit `submitted(...)`, the inbox
calls the session, and a refusal comes back through `show_error()` with everything kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QDialog, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QRadioButton, QWidget

from app.domain.invitations import MAX_REASON
from app.i18n import N_, _
from ui.language import Translatable
from ui.views.meetings.meeting_list import fold
from ui.widgets.common import Banner, Text, button, hbox, label, repolish, vbox
from ui.widgets.icons import icon

PERSON_ROLE = Qt.ItemDataRole.UserRole
# Quick reasons a delegate taps instead of typing (they can still edit the text).
QUICK_REASONS = (N_("On a business trip"), N_("Ill"), N_("Family matters"), N_("Another meeting at the same time"))


def _mark(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    repolish(widget)


class DeclineDialog(Translatable, QDialog):
    submitted = Signal(str)  # the reason

    def __init__(self, parent: QWidget | None, meeting: dict[str, Any], *, reason: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("DeclineDialog")
        self.setModal(True)
        self.setMinimumWidth(520)
        self.meeting = meeting
        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")
        self.reason_label = label("FieldLabel")
        self.reason_edit = QPlainTextEdit(reason)
        self.reason_edit.setObjectName("DeclineReason")
        self.reason_edit.setFixedHeight(96)
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.textChanged.connect(lambda: _mark(self.reason_edit, False))
        self.quick_label = label("Small")
        self.quick_buttons = []
        quick = hbox(spacing=6)
        quick.addWidget(self.quick_label)
        for text in QUICK_REASONS:
            b = button(variant="tool", on_click=lambda t=text: self.reason_edit.setPlainText(_(t)))
            b.setProperty("msgid", text)
            self.quick_buttons.append(b)
            quick.addWidget(b)
        quick.addStretch(1)
        self.cancel_button = button(on_click=self.reject)
        self.decline_button = button(variant="danger", icon_name="x", on_click=self._submit)
        self.decline_button.setObjectName("DeclineConfirm")
        buttons = hbox(spacing=8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.decline_button)
        layout = vbox(self, margins=(24, 22, 24, 20), spacing=10)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.error)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason_edit)
        layout.addLayout(quick)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        self.retranslate()
        self.reason_edit.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Decline the invitation"))
        self.heading.setText(_("Decline the invitation"))
        self.context.setText(self.meeting.get("title", ""))
        self.reason_label.setText(_("Reason (the secretariat and the chair see it)"))
        self.reason_edit.setPlaceholderText(_("For example: on a business trip to the province"))
        self.quick_label.setText(_("Quick:"))
        for b in self.quick_buttons:
            b.setText(_(b.property("msgid")))
        self.cancel_button.setText(_("Cancel"))
        self.decline_button.setText(_("Decline"))

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def _submit(self) -> None:
        self.error.clear()
        if not self.reason():
            _mark(self.reason_edit, True)
            self.error.show_message(lambda: _("Write a short reason for the secretariat."), "error")
            self.reason_edit.setFocus()
            return
        if len(self.reason()) > MAX_REASON:
            _mark(self.reason_edit, True)
            self.error.show_message(lambda: _("The reason is too long: at most %(limit)s characters.") % {"limit": MAX_REASON}, "error")
            return
        self.submitted.emit(self.reason())

    def show_error(self, text: Text) -> None:
        self.error.show_message(text, "error")


class SubstituteDialog(Translatable, QDialog):
    submitted = Signal(dict)  # {"substitute_person_id"} or {"substitute_name", "substitute_email"}, and "reason"

    def __init__(self, parent: QWidget | None, meeting: dict[str, Any], persons: list[dict[str, Any]]) -> None:
        super().__init__(parent)
        self.setObjectName("SubstituteDialog")
        self.setModal(True)
        self.setMinimumSize(560, 560)
        self.meeting = meeting
        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")
        self.colleague_radio = QRadioButton()
        self.colleague_radio.setObjectName("SubstituteColleague")
        self.other_radio = QRadioButton()
        self.other_radio.setObjectName("SubstituteOther")
        group = QButtonGroup(self)
        group.addButton(self.colleague_radio)
        group.addButton(self.other_radio)
        self.colleague_radio.setChecked(True)
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self._filter)
        self.people = QListWidget()
        self.people.setObjectName("SubstitutePeople")
        self.people.setStyleSheet("QListWidget#SubstitutePeople { border: 1px solid #e1e6ec; border-radius: 6px; } "
                                  "QListWidget#SubstitutePeople::item { padding: 6px 4px; border-bottom: 1px solid #eef1f4; } "
                                  "QListWidget#SubstitutePeople::item:selected { background: #e3f1ef; color: #0b2d2a; }")
        for p in persons:
            item = QListWidgetItem(f"{p.get('full_name', '')}" + (f" — {p['title']}" if p.get("title") else ""))
            item.setData(PERSON_ROLE, p)
            self.people.addItem(item)
        self.people.itemSelectionChanged.connect(lambda: self.colleague_radio.setChecked(True))
        self.name_label = label("FieldLabel")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("SubstituteName")
        self.email_label = label("FieldLabel")
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("SubstituteEmail")
        for edit in (self.name_edit, self.email_edit):
            edit.textEdited.connect(lambda _t: self.other_radio.setChecked(True))
            edit.textEdited.connect(lambda _t, e=edit: _mark(e, False))
        self.reason_label = label("FieldLabel")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("SubstituteReason")
        self.cancel_button = button(on_click=self.reject)
        self.send_button = button(variant="primary", icon_name="users", on_click=self._submit)
        self.send_button.setObjectName("SubstituteConfirm")

        other = hbox(spacing=10)
        name_col = vbox(spacing=4)
        name_col.addWidget(self.name_label)
        name_col.addWidget(self.name_edit)
        email_col = vbox(spacing=4)
        email_col.addWidget(self.email_label)
        email_col.addWidget(self.email_edit)
        other.addLayout(name_col, 1)
        other.addLayout(email_col, 1)
        buttons = hbox(spacing=8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.send_button)
        layout = vbox(self, margins=(24, 22, 24, 20), spacing=8)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.error)
        layout.addWidget(self.colleague_radio)
        layout.addWidget(self.search)
        layout.addWidget(self.people, 1)
        layout.addSpacing(6)
        layout.addWidget(self.other_radio)
        layout.addLayout(other)
        layout.addSpacing(6)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason_edit)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Send a substitute"))
        self.heading.setText(_("Send a substitute"))
        self.context.setText(_("Who attends %(meeting)s in your place? The secretariat approves the substitute, who is then invited.") % {
            "meeting": self.meeting.get("title", "")})
        self.colleague_radio.setText(_("A colleague from the council"))
        self.search.setPlaceholderText(_("Search by name"))
        self.other_radio.setText(_("Someone else"))
        self.name_label.setText(_("Full name"))
        self.email_label.setText(_("E-mail address (for the invitation)"))
        self.email_edit.setPlaceholderText(_("optional"))
        self.reason_label.setText(_("Reason (optional)"))
        self.cancel_button.setText(_("Cancel"))
        self.send_button.setText(_("Send a substitute"))

    def _filter(self, text: str) -> None:
        query = fold(text.strip())
        for i in range(self.people.count()):
            item = self.people.item(i)
            item.setHidden(bool(query) and query not in fold(item.text()))

    def choose(self, person_id: str) -> None:
        for i in range(self.people.count()):
            item = self.people.item(i)
            if item.data(PERSON_ROLE)["id"] == person_id:
                self.people.setCurrentItem(item)
                return

    def answer(self) -> dict[str, Any] | None:
        reason = self.reason_edit.text().strip()
        if self.colleague_radio.isChecked():
            item = self.people.currentItem()
            if item is None or not item.isSelected():
                return None
            return {"substitute_person_id": item.data(PERSON_ROLE)["id"], "reason": reason}
        name = self.name_edit.text().strip()
        if not name:
            return None
        return {"substitute_name": name, "substitute_email": self.email_edit.text().strip() or None, "reason": reason}

    def _submit(self) -> None:
        self.error.clear()
        answer = self.answer()
        if answer is None:
            if self.other_radio.isChecked():
                _mark(self.name_edit, True)
                self.name_edit.setFocus()
            self.error.show_message(lambda: _("Choose a colleague, or type the name of someone else."), "error")
            return
        self.submitted.emit(answer)

    def show_error(self, text: Text, *, email_invalid: bool = False) -> None:
        self.error.show_message(text, "error")
        if email_invalid:
            _mark(self.email_edit, True)
