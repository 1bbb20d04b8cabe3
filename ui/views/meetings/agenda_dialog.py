"""AgendaItemDialog: the small form to add or edit one agenda item (title, presenter, minutes, notes).

The dialog does not save anything itself: it emits `submitted(fields)` and its owner calls the
session; a refused input comes back through `show_error()` and the dialog stays open with
everything the user typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QGridLayout, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from app.domain.meetings import MAX_DURATION_MINUTES
from app.i18n import _
from ui.language import Translatable
from ui.widgets.common import Banner, Text, button, hbox, label, repolish, vbox


class AgendaItemDialog(Translatable, QDialog):
    submitted = Signal(dict)

    def __init__(self, parent: QWidget | None = None, *, item: dict[str, Any] | None = None, parent_item: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AgendaItemDialog")
        self.item = item
        self.parent_item = parent_item
        self.setModal(True)
        self.setMinimumWidth(520)

        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")
        self.title_label = label("FieldLabel")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("ItemTitle")
        self.presenter_label = label("FieldLabel")
        self.presenter_edit = QLineEdit()
        self.presenter_edit.setObjectName("ItemPresenter")
        self.duration_label = label("FieldLabel")
        self.duration_edit = QSpinBox()
        self.duration_edit.setObjectName("ItemDuration")
        self.duration_edit.setRange(0, MAX_DURATION_MINUTES)
        self.duration_edit.setSingleStep(5)
        self.notes_label = label("FieldLabel")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("ItemNotes")
        self.notes_edit.setFixedHeight(90)
        self.notes_edit.setTabChangesFocus(True)
        self.cancel_button = button(on_click=self.reject)
        self.save_button = button(variant="primary", on_click=self._submit)
        self.save_button.setObjectName("ItemSave")
        self.save_button.setDefault(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.title_label, 0, 0, 1, 2)
        grid.addWidget(self.title_edit, 1, 0, 1, 2)
        grid.addWidget(self.presenter_label, 2, 0)
        grid.addWidget(self.duration_label, 2, 1)
        grid.addWidget(self.presenter_edit, 3, 0)
        grid.addWidget(self.duration_edit, 3, 1)
        grid.addWidget(self.notes_label, 4, 0, 1, 2)
        grid.addWidget(self.notes_edit, 5, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        buttons = hbox(spacing=8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = vbox(self, margins=(24, 22, 24, 20), spacing=12)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.error)
        layout.addLayout(grid)
        layout.addLayout(buttons)

        if item is not None:
            self.title_edit.setText(item.get("title", ""))
            self.presenter_edit.setText(item.get("presenter", ""))
            self.duration_edit.setValue(int(item.get("duration_minutes") or 0))
            self.notes_edit.setPlainText(item.get("notes", ""))
        self.title_edit.textEdited.connect(lambda _t: self._mark(False))
        self.retranslate()
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        if self.item is not None:
            self.setWindowTitle(_("Edit agenda item"))
            self.heading.setText(_("Edit agenda item %(number)s") % {"number": self.item.get("number", "")})
        elif self.parent_item is not None:
            self.setWindowTitle(_("New sub-item"))
            self.heading.setText(_("New sub-item"))
        else:
            self.setWindowTitle(_("New agenda item"))
            self.heading.setText(_("New agenda item"))
        if self.parent_item is not None and self.item is None:
            self.context.setText(_("Under %(number)s. %(title)s") % {"number": self.parent_item.get("number", ""), "title": self.parent_item.get("title", "")})
        self.context.setVisible(self.parent_item is not None and self.item is None)
        self.title_label.setText(_("Title"))
        self.title_edit.setPlaceholderText(_("What the council will discuss or decide"))
        self.presenter_label.setText(_("Presenter"))
        self.presenter_edit.setPlaceholderText(_("Who presents it"))
        self.duration_label.setText(_("Planned minutes"))
        self.duration_edit.setSuffix(" " + _("min"))
        self.notes_label.setText(_("Notes"))
        self.cancel_button.setText(_("Cancel"))
        self.save_button.setText(_("Save item") if self.item is not None else _("Add item"))

    def fields(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text(),
            "presenter": self.presenter_edit.text(),
            "duration_minutes": self.duration_edit.value(),
            "notes": self.notes_edit.toPlainText(),
        }

    def _submit(self) -> None:
        self.error.clear()
        self.submitted.emit(self.fields())

    def _mark(self, invalid: bool) -> None:
        self.title_edit.setProperty("invalid", invalid)
        repolish(self.title_edit)

    def show_error(self, text: Text, *, title_invalid: bool = False) -> None:
        self.error.show_message(text, "error")
        self._mark(title_invalid)
