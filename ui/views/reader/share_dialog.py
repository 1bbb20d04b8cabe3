"""ShareDialog: who sees one of my annotations — only me (private, the default), named people
(chosen from the directory, ChamberSession.list_persons()), or everyone in the meeting.

It does not share anything itself: `chosen(visibility, person_ids)` goes to the reader, which
calls ChamberSession.update_annotation; a refusal comes back through `show_error()`.
"""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QDialog, QLineEdit, QListWidget, QListWidgetItem, QRadioButton, QWidget

from app.i18n import _, ngettext
from ui.language import Translatable
from ui.views.invitations.send_parts import by_given_name
from ui.views.meetings.meeting_list import fold
from ui.views.reader.annotation_texts import title_text
from ui.widgets.common import Banner, Text, button, hbox, label, vbox
from ui.widgets.icons import icon

PERSON_ROLE = Qt.ItemDataRole.UserRole
STYLE = """
QListWidget#SharePeople { border: 1px solid #e1e6ec; border-radius: 6px; background: #ffffff; }
QListWidget#SharePeople::item { padding: 5px 4px; border-bottom: 1px solid #eef1f4; }
QListWidget#SharePeople:disabled { background: #f6f8fa; }
QLabel#ShareHint { color: #5f6b7a; font-size: 9pt; padding-left: 26px; }
"""


class ShareDialog(Translatable, QDialog):
    chosen = Signal(str, list)  # visibility, person ids (for "people")

    def __init__(self, parent: QWidget | None, annotation: dict[str, Any], persons: Iterable[dict[str, Any]], *, me: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShareDialog")
        self.setModal(True)
        self.setMinimumSize(460, 520)
        self.setStyleSheet(STYLE)
        self.annotation = annotation
        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")
        self.radios: dict[str, QRadioButton] = {}
        self.hints: dict[str, Any] = {}
        group = QButtonGroup(self)
        for key in ("private", "people", "meeting"):
            radio = QRadioButton()
            radio.setObjectName(f"Share_{key}")
            radio.toggled.connect(lambda _on: self._sync())
            group.addButton(radio)
            self.radios[key] = radio
            self.hints[key] = label("ShareHint", wrap=True)
        self.search = QLineEdit()
        self.search.setObjectName("SearchBox")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self._filter)
        self.people = QListWidget()
        self.people.setObjectName("SharePeople")
        chosen = set(annotation.get("shared_with") or ())
        for p in sorted((p for p in persons if p.get("id") != me), key=lambda p: by_given_name(p.get("full_name", ""))):
            item = QListWidgetItem(p.get("full_name", "") + (f" — {p['title']}" if p.get("title") else ""))
            item.setData(PERSON_ROLE, p["id"])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if p["id"] in chosen else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.people.itemChanged.connect(self._on_person_checked)
        self.count = label("Small")
        self.cancel_button = button(on_click=self.reject)
        self.share_button = button(variant="primary", icon_name="share-2", on_click=self._submit)
        self.share_button.setObjectName("ShareConfirm")
        buttons = hbox(spacing=8)
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.share_button)
        layout = vbox(self, margins=(24, 22, 24, 20), spacing=6)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.error)
        layout.addSpacing(4)
        for key in ("private", "meeting", "people"):
            layout.addWidget(self.radios[key])
            layout.addWidget(self.hints[key])
        layout.addWidget(self.search)
        layout.addWidget(self.people, 1)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self.radios[annotation.get("visibility") or "private"].setChecked(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Share the annotation"))
        self.heading.setText(_("Who sees this annotation?"))
        self.context.setText(title_text(self.annotation))
        self.radios["private"].setText(_("Only me"))
        self.hints["private"].setText(_("On all your devices; nobody else sees it."))
        self.radios["meeting"].setText(_("Everyone in the meeting"))
        self.hints["meeting"].setText(_("Every participant who can read this document sees it, read-only."))
        self.radios["people"].setText(_("Named people"))
        self.hints["people"].setText(_("Only the people you tick below see it, read-only."))
        self.search.setPlaceholderText(_("Find a person"))
        self.cancel_button.setText(_("Cancel"))
        self.share_button.setText(_("Save sharing"))
        self._sync()

    # --- state --------------------------------------------------------------------------------
    @property
    def visibility(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())

    def person_ids(self) -> list[str]:
        return [self.people.item(i).data(PERSON_ROLE) for i in range(self.people.count())
                if self.people.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, person_id: str, checked: bool = True) -> None:
        for i in range(self.people.count()):
            item = self.people.item(i)
            if item.data(PERSON_ROLE) == person_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _on_person_checked(self, _item: QListWidgetItem) -> None:
        if self.person_ids() and not self.radios["people"].isChecked():
            self.radios["people"].setChecked(True)
        self._sync()

    def _sync(self) -> None:
        people = self.visibility == "people"
        self.search.setEnabled(people)
        self.people.setEnabled(people)
        count = len(self.person_ids())
        self.count.setText(ngettext("%(count)s person chosen", "%(count)s people chosen", count) % {"count": count} if people else "")
        self.share_button.setEnabled(not people or count > 0)

    def _filter(self, text: str) -> None:
        needle = fold(text.strip())
        for i in range(self.people.count()):
            item = self.people.item(i)
            item.setHidden(bool(needle) and needle not in fold(item.text()))

    def _submit(self) -> None:
        self.error.clear()
        visibility = self.visibility
        self.chosen.emit(visibility, self.person_ids() if visibility == "people" else [])

    def show_error(self, text: Text) -> None:
        self.error.show_message(text, "error")
