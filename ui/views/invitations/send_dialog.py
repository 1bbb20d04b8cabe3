"""SendInvitationsDialog: choose who is invited, write the text, check the preview, send once.

Step 1 (compose): the council or committees, individual delegates (searchable), guests with an
e-mail address only; the language and the subject and text with their {placeholders}. Step 2
(preview): the server renders every invitation exactly as it will send it (network, off the GUI
thread). Send queues the sending in the outbox once; errors stay in the dialog, nothing typed is lost.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from app.domain import invitations as rules
from app.errors import ChamberError, InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import _, ngettext
from ui.feedback import error_text
from ui.language import Translatable
from ui.views.invitations.send_parts import (
    CHIP_STYLE,
    LANGUAGES,
    PERSON_ROLE,
    PLACEHOLDER_HELP,
    PREVIEW_ROLE,
    GuestEmailMissingError,
    GuestRow,
    RecipientDelegate,
    by_given_name,
)
from ui.views.meetings.meeting_list import fold
from ui.widgets.common import Banner, button, card, hbox, label, repolish, vbox
from ui.widgets.icons import icon
from ui.widgets.spinner import Spinner

log = logging.getLogger(__name__)


class SendInvitationsDialog(Translatable, QDialog):
    sent = Signal(int)  # the number of new invitees in the preview (0 when sent without one)

    def __init__(self, parent: QWidget | None, session, tasks, meeting: dict[str, Any], *,  # noqa: ANN001 - ChamberSession, TaskRunner
                 invited_person_ids: set[str] | None = None, mail: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SendInvitationsDialog")
        self.setModal(True)
        self.setStyleSheet(CHIP_STYLE)
        self.session = session
        self.tasks = tasks
        self.meeting = meeting
        self.invited = set(invited_person_ids or ())
        self.mail = mail
        self.language = "vi"
        self.previews: list[dict[str, Any]] = []
        self.request: dict[str, Any] | None = None
        self.preview_failed: BaseException | None = None
        self._sending = False
        self._target: QLineEdit | QPlainTextEdit | None = None
        self.setMinimumSize(980, 690)

        self.heading = label("PageTitle", wrap=True)
        self.context = label("Muted", wrap=True)
        self.error = Banner("error")
        self.pages = QStackedWidget()
        self.compose = self._build_compose()
        self.preview = self._build_preview()
        self.pages.addWidget(self.compose)
        self.pages.addWidget(self.preview)

        self.cancel_button = button(on_click=self.reject)
        self.back_button = button(icon_name="chevron-left", on_click=self.back)
        self.preview_button = button(variant="primary", on_click=self.show_preview)
        self.preview_button.setObjectName("PreviewButton")
        self.preview_button.setDefault(True)
        self.send_button = button(variant="primary", on_click=self.send)
        self.send_button.setObjectName("SendButton")
        buttons = hbox(spacing=8)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.send_button)

        layout = vbox(self, margins=(24, 20, 24, 18), spacing=10)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.error)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

        self._set_language("vi", fill=True)
        own_body = meeting.get("body_id")
        if own_body in self.body_checks:
            self.body_checks[own_body].setChecked(True)  # usually the meeting's own council or committee
        self.retranslate()
        self._show_page(self.compose)

    # --- building -----------------------------------------------------------------------------
    def _build_compose(self) -> QWidget:
        page = QWidget()
        # Who: bodies, individuals, guests.
        self.who_title = label("SectionTitle")
        self.bodies_label = label("FieldLabel")
        self.body_checks: dict[str, QCheckBox] = {}
        bodies_box = vbox(spacing=4)
        bodies = sorted(self.session.list_bodies(), key=lambda b: (b.get("kind") != "council", b.get("name", "")))
        for b in bodies:
            check = QCheckBox(b.get("name", "") if b.get("kind") == "council" else f"   {b.get('name', '')}")
            check.setObjectName(f"body_{b['id']}")
            check.toggled.connect(lambda _on: self._update_summary())
            self.body_checks[b["id"]] = check
            bodies_box.addWidget(check)
        self.people_label = label("FieldLabel")
        self.people_count = label("Small")
        self.person_search = QLineEdit()
        self.person_search.setObjectName("SearchBox")
        self.person_search.setClearButtonEnabled(True)
        self.person_search.addAction(icon("search", "#7b8794", 16), QLineEdit.ActionPosition.LeadingPosition)
        self.person_search.textChanged.connect(self._filter_people)
        self.person_list = QListWidget()
        self.person_list.setObjectName("PersonList")
        self.person_list.setMinimumHeight(150)
        for p in sorted(self.session.list_persons(), key=lambda p: by_given_name(p.get("full_name", ""))):
            item = QListWidgetItem()
            item.setData(PERSON_ROLE, p)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.person_list.addItem(item)
        self.person_list.itemChanged.connect(lambda _item: self._update_summary())
        self.guests_label = label("FieldLabel")
        self.guest_rows: list[GuestRow] = []
        self.guests_box = vbox(spacing=6)
        self.add_guest_button = button(variant="link", icon_name="plus", icon_color="#0f766e", on_click=self.add_guest)
        self.add_guest_button.setObjectName("AddGuest")

        who = vbox(spacing=6)
        who.addWidget(self.who_title)
        who.addWidget(self.bodies_label)
        who.addLayout(bodies_box)
        who.addSpacing(6)
        people_head = hbox(spacing=6)
        people_head.addWidget(self.people_label, 1)
        people_head.addWidget(self.people_count)
        who.addLayout(people_head)
        who.addWidget(self.person_search)
        who.addWidget(self.person_list, 1)
        who.addSpacing(6)
        who.addWidget(self.guests_label)
        who.addLayout(self.guests_box)
        who.addWidget(self.add_guest_button, 0, Qt.AlignmentFlag.AlignLeft)

        # What: language, subject, text, placeholders.
        self.text_title = label("SectionTitle")
        self.language_label = label("FieldLabel")
        self.language_switch = QWidget()
        self.language_switch.setObjectName("LanguageSwitch")  # the look of the header's switch
        switch_row = hbox(self.language_switch, spacing=0)
        self.language_group = QButtonGroup(self)
        self.language_buttons: dict[str, QPushButton] = {}
        for n, (code, name) in enumerate(LANGUAGES):
            b = QPushButton(name)
            b.setObjectName(f"template_{code}")
            b.setCheckable(True)
            b.setProperty("segment", "first" if n == 0 else "last")
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(lambda _c=False, c=code: self._set_language(c))
            self.language_group.addButton(b)
            self.language_buttons[code] = b
            switch_row.addWidget(b)
        self.reset_button = button(variant="link", on_click=self.use_standard_text)
        self.subject_label = label("FieldLabel")
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("TemplateSubject")
        self.body_label = label("FieldLabel")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("TemplateBody")
        self.body_edit.setTabChangesFocus(True)
        for edit in (self.subject_edit, self.body_edit):
            edit.installEventFilter(self)
        self.subject_edit.textEdited.connect(lambda _t: self._mark(self.subject_edit, False))
        self.body_edit.textChanged.connect(lambda: self._mark(self.body_edit, False))
        self.chips_label = label("Small")
        self.chips: dict[str, QPushButton] = {}
        chips = QGridLayout()
        chips.setHorizontalSpacing(6)
        chips.setVerticalSpacing(6)
        chips.addWidget(self.chips_label, 0, 0)
        for n, name in enumerate(rules.PLACEHOLDERS):
            chip = QPushButton("{" + name + "}")
            chip.setProperty("variant", "chip")
            chip.setObjectName(f"chip_{name}")
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text keeps its cursor
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.clicked.connect(lambda _c=False, n=name: self.insert_placeholder(n))
            self.chips[name] = chip
            chips.addWidget(chip, n // 4, 1 + n % 4)
        chips.setColumnStretch(5, 1)

        what = vbox(spacing=6)
        what.addWidget(self.text_title)
        lang_row = hbox(spacing=10)
        lang_row.addWidget(self.language_label)
        lang_row.addWidget(self.language_switch)
        lang_row.addStretch(1)
        lang_row.addWidget(self.reset_button)
        what.addLayout(lang_row)
        what.addWidget(self.subject_label)
        what.addWidget(self.subject_edit)
        what.addWidget(self.body_label)
        what.addWidget(self.body_edit, 1)
        what.addLayout(chips)

        left = card()
        left.setMinimumWidth(330)
        vbox(left, margins=(18, 14, 18, 14)).addLayout(who)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setWidget(left)
        left_scroll.setMinimumWidth(350)
        right = card()
        vbox(right, margins=(18, 14, 18, 14)).addLayout(what)
        row = hbox(page, spacing=14)
        row.addWidget(left_scroll, 5)
        row.addWidget(right, 6)
        return page

    def _build_preview(self) -> QWidget:
        page = QWidget()
        self.preview_title = label("SectionTitle")
        self.preview_counts = label("Muted", wrap=True)
        self.preview_note = Banner("info")
        self.preview_problem = Banner("warning")
        self.busy = QWidget()
        busy_row = hbox(self.busy, spacing=10)
        self.busy_spinner = Spinner(size=20)
        self.busy_text = label("Muted")
        busy_row.addStretch(1)
        busy_row.addWidget(self.busy_spinner)
        busy_row.addWidget(self.busy_text)
        busy_row.addStretch(1)
        self.recipients = QListWidget()
        self.recipients.setObjectName("RecipientList")
        self.recipients.setItemDelegate(RecipientDelegate(self.recipients))
        self.recipients.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recipients.currentRowChanged.connect(self._show_rendered)
        self.rendered = card()
        self.rendered_to = label("Small", wrap=True, selectable=True)
        self.rendered_subject = label("SectionTitle", wrap=True, selectable=True)
        self.rendered_body = QPlainTextEdit()
        self.rendered_body.setObjectName("PreviewBody")
        self.rendered_body.setReadOnly(True)
        rendered = vbox(self.rendered, margins=(18, 14, 18, 10), spacing=6)
        rendered.addWidget(self.rendered_to)
        rendered.addWidget(self.rendered_subject)
        divider = QWidget()
        divider.setObjectName("Divider")
        divider.setFixedHeight(1)
        divider.setStyleSheet("background: #e6eaef;")
        rendered.addWidget(divider)
        rendered.addWidget(self.rendered_body, 1)
        self.preview_split = QSplitter()
        self.preview_split.setChildrenCollapsible(False)
        self.preview_split.addWidget(self.recipients)
        self.preview_split.addWidget(self.rendered)
        self.preview_split.setSizes([300, 560])
        layout = vbox(page, spacing=10)
        head = hbox(spacing=10)
        head.addWidget(self.preview_title)
        head.addWidget(self.preview_counts, 1)
        layout.addLayout(head)
        layout.addWidget(self.preview_note)
        layout.addWidget(self.preview_problem)
        layout.addWidget(self.busy)
        layout.addWidget(self.preview_split, 1)
        return page

    # --- texts --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Send invitations"))
        self.heading.setText(_("Send invitations"))
        self.context.setText(self.meeting.get("title", ""))
        self.who_title.setText(_("Who is invited"))
        self.bodies_label.setText(_("Council and committees (all their members)"))
        self.people_label.setText(_("Individual delegates"))
        self.person_search.setPlaceholderText(_("Search by name"))
        self.guests_label.setText(_("Guests (invited by e-mail)"))
        self.add_guest_button.setText(_("Add a guest"))
        for row in self.guest_rows:
            row.retranslate()
        self._label_people()
        self.text_title.setText(_("Invitation text"))
        self.language_label.setText(_("Language"))
        self.reset_button.setText(_("Use the standard text"))
        self.reset_button.setToolTip(_("Put back the standard subject and text for the chosen language"))
        self.subject_label.setText(_("Subject"))
        self.body_label.setText(_("Text"))
        self.chips_label.setText(_("Insert:"))
        for name, chip in self.chips.items():
            chip.setToolTip(_(PLACEHOLDER_HELP[name]))
        self.cancel_button.setText(_("Cancel"))
        self.back_button.setText(_("Back to editing"))
        self.preview_button.setText(_("Preview"))
        self.preview_title.setText(_("Check before sending"))
        self.busy_text.setText(_("Preparing the preview…"))
        self._update_summary()
        if self.previews:
            self._fill_recipients()
        else:
            self._show_preview_state()

    def _label_people(self) -> None:
        for i in range(self.person_list.count()):
            item = self.person_list.item(i)
            p = item.data(PERSON_ROLE)
            text = p.get("full_name", "")
            if p.get("title"):
                text += f" — {p['title']}"
            if p["id"] in self.invited:
                text += " · " + _("already invited")
                item.setForeground(QColor("#7b8794"))
            item.setText(text)

    def _update_summary(self) -> None:
        chosen = len(self.chosen_person_ids())
        self.people_count.setText(ngettext("%(count)d chosen", "%(count)d chosen", chosen) % {"count": chosen} if chosen else "")

    # --- choosing -----------------------------------------------------------------------------
    def chosen_body_ids(self) -> list[str]:
        return [body_id for body_id, check in self.body_checks.items() if check.isChecked()]

    def chosen_person_ids(self) -> list[str]:
        items = (self.person_list.item(i) for i in range(self.person_list.count()))
        return [it.data(PERSON_ROLE)["id"] for it in items if it.checkState() == Qt.CheckState.Checked]

    def choose_person(self, person_id: str, chosen: bool = True) -> None:
        for i in range(self.person_list.count()):
            item = self.person_list.item(i)
            if item.data(PERSON_ROLE)["id"] == person_id:
                item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)

    def _filter_people(self, text: str) -> None:
        query = fold(text.strip())
        for i in range(self.person_list.count()):
            item = self.person_list.item(i)
            p = item.data(PERSON_ROLE)
            item.setHidden(bool(query) and query not in fold(f"{p.get('full_name', '')} {p.get('title', '')} {p.get('unit', '')}"))

    def add_guest(self, name: str = "", email: str = "") -> GuestRow:
        row = GuestRow()
        row.name_edit.setText(name)
        row.email_edit.setText(email)
        row.name_edit.setCursorPosition(0)
        row.email_edit.setCursorPosition(0)
        row.removed.connect(self.remove_guest)
        self.guest_rows.append(row)
        self.guests_box.addWidget(row)
        if not name:
            row.name_edit.setFocus()
        return row

    def remove_guest(self, row: GuestRow) -> None:
        if row in self.guest_rows:
            self.guest_rows.remove(row)
        row.setParent(None)
        row.deleteLater()

    # --- the text -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject_edit, self.body_edit):
            self._target = watched
        return super().eventFilter(watched, event)

    def insert_placeholder(self, name: str, into: QLineEdit | QPlainTextEdit | None = None) -> None:
        """Insert `{name}` at the cursor of the subject or the text (the one used last)."""
        target = into or self._target or self.body_edit
        text = "{" + name + "}"
        if isinstance(target, QLineEdit):
            target.insert(text)
        else:
            cursor = target.textCursor()
            cursor.insertText(text)
            target.setTextCursor(cursor)
        target.setFocus()
        self._mark(target, False)

    def _set_language(self, code: str, *, fill: bool = False) -> None:
        previous = rules.DEFAULT_TEMPLATES.get(self.language, {})
        untouched = self.subject_edit.text() == previous.get("subject") and self.body_edit.toPlainText() == previous.get("body")
        self.language = code
        for c, b in self.language_buttons.items():
            b.setChecked(c == code)
        if fill or untouched:
            self.use_standard_text()

    def use_standard_text(self) -> None:
        template = rules.DEFAULT_TEMPLATES.get(self.language, rules.DEFAULT_TEMPLATES["vi"])
        self.subject_edit.setText(template["subject"])
        self.body_edit.setPlainText(template["body"])
        self.body_edit.moveCursor(QTextCursor.MoveOperation.Start)
        self._mark(self.subject_edit, False)
        self._mark(self.body_edit, False)

    @staticmethod
    def _mark(widget: QWidget, invalid: bool) -> None:
        if bool(widget.property("invalid")) != invalid:
            widget.setProperty("invalid", invalid)
            repolish(widget)

    # --- checking -----------------------------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        """The request as entered, checked with the same rules as the server (raises ChamberError)."""
        guests = []
        for row in self.guest_rows:
            name, email = row.values()
            if not name and not email:
                continue
            if not email:
                row.mark(True)
                row.email_edit.setFocus()
                raise GuestEmailMissingError(name=name)
            try:
                guests.append({"name": name, "email": rules.check_email(email)})
            except ChamberError:
                row.mark(True)
                row.email_edit.setFocus()
                raise
        subject, body = self.subject_edit.text(), self.body_edit.toPlainText()
        for edit, text in ((self.subject_edit, subject), (self.body_edit, body)):
            try:
                rules.check_template(text)
            except ChamberError:
                self._mark(edit, True)
                edit.setFocus()
                raise
        request = {"body_ids": self.chosen_body_ids(), "person_ids": self.chosen_person_ids(), "guests": guests,
                   "subject": subject, "body": body, "language": self.language}
        if not (request["body_ids"] or request["person_ids"] or request["guests"]):
            raise rules.NoInviteesError()
        return request

    # --- steps --------------------------------------------------------------------------------
    def _show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        on_preview = page is self.preview
        self.back_button.setVisible(on_preview)
        self.preview_button.setVisible(not on_preview)
        self.send_button.setVisible(on_preview)
        (self.send_button if on_preview else self.preview_button).setDefault(True)

    def show_preview(self) -> None:
        self.error.clear()
        try:
            request = self.collect()
        except ChamberError as err:
            log.info("invitations not ready: %s", err)
            self.error.show_message(lambda e=err: error_text(e), "error")
            return
        self.request = request
        self.previews = []
        self.preview_failed = None
        self.recipients.clear()
        self._show_page(self.preview)
        self._show_preview_state(busy=True)
        session, meeting_id = self.session, self.meeting["id"]
        self.tasks.run(lambda: session.preview_invitations(meeting_id, **request), on_done=self._previewed, on_error=self._preview_error,
                       key=f"preview-{id(self)}")

    @property
    def previewing(self) -> bool:
        return self.tasks.is_running(f"preview-{id(self)}")

    def _previewed(self, previews: list[dict[str, Any]]) -> None:
        # Members first, by given name as a council lists them; then guests.
        self.previews = sorted(previews, key=lambda p: (p.get("kind") == "guest", by_given_name(p.get("name", ""))))
        self._fill_recipients()

    def _preview_error(self, error: BaseException) -> None:
        if isinstance(error, (InvalidInputError, NotFoundError, PermissionDeniedError)):
            # Something in the request itself: back to where it can be fixed.
            self._show_page(self.compose)
            self.error.show_message(lambda: error_text(error), "error")
            return
        self.preview_failed = error
        self._show_preview_state()

    def _fill_recipients(self) -> None:
        row = self.recipients.currentRow()
        self.recipients.clear()
        for p in self.previews:
            already = p.get("person_id") in self.invited
            note = p.get("email") or _("no e-mail: in the app only")
            if p.get("kind") == "guest":
                note = _("Guest") + " · " + note
            if already:
                note = _("already invited: not sent again")
            item = QListWidgetItem(p.get("name", ""))
            item.setData(PREVIEW_ROLE, (p, note, already))
            item.setToolTip(f"{p.get('name', '')}\n{note}")
            self.recipients.addItem(item)
        self._show_preview_state()
        if self.previews:
            self.recipients.setCurrentRow(row if 0 <= row < len(self.previews) else 0)

    def new_invitees(self) -> list[dict[str, Any]]:
        return [p for p in self.previews if p.get("person_id") not in self.invited]

    def _show_preview_state(self, *, busy: bool | None = None) -> None:
        busy = self.previewing if busy is None else busy
        self.busy.setVisible(busy)
        if busy:
            self.busy_spinner.start()
        else:
            self.busy_spinner.stop()
        self.preview_split.setVisible(not busy and bool(self.previews))
        notes = []
        guests = any(p.get("kind") == "guest" for p in self.previews) or bool((self.request or {}).get("guests"))
        unreachable_guests = False
        if self.mail is not None and not self.mail.get("enabled"):
            notes.append(_("E-mail is not configured on the server: invitations are delivered in the app only."))
            if guests:
                unreachable_guests = True
                notes.append(_("Guests have no account in the app, so they will not receive it."))
        if self.meeting.get("status") == "draft":
            notes.append(_("The meeting is still a draft: sending the invitations schedules it, and the invitees see it from then on."))
        if notes:
            self.preview_note.show_message(" ".join(notes), "warning" if unreachable_guests else "info")
        else:
            self.preview_note.clear()
        if self.preview_failed is not None:
            err = self.preview_failed
            self.preview_problem.show_message(
                lambda: _("The preview needs the server: %(reason)s You can still send: the invitations leave this device as soon as the server can be reached.") % {
                    "reason": error_text(err)}, "warning")
        else:
            self.preview_problem.clear()
        new = self.new_invitees()
        with_email = sum(1 for p in new if p.get("email"))
        already = len(self.previews) - len(new)
        if busy or self.preview_failed is not None:
            self.preview_counts.setText("")
        else:
            text = ngettext("%(count)d person", "%(count)d people", len(new)) % {"count": len(new)}
            text += ", " + ngettext("%(count)d with e-mail", "%(count)d with e-mail", with_email) % {"count": with_email}
            if already:
                text += " · " + ngettext("%(count)d already invited (not sent again)", "%(count)d already invited (not sent again)", already) % {"count": already}
            self.preview_counts.setText(text)
        if self.preview_failed is not None:
            self.send_button.setText(_("Send without preview"))
        elif new:
            self.send_button.setText(ngettext("Send to %(count)d person", "Send to %(count)d people", len(new)) % {"count": len(new)})
        else:
            self.send_button.setText(_("Send"))
        ready = not busy and not self._sending and (bool(new) or self.preview_failed is not None)
        self.send_button.setEnabled(ready)
        if not busy and self.previews and not new:
            self.preview_problem.show_message(lambda: _("Everyone chosen is already invited to this meeting."), "info")

    def _show_rendered(self, row: int) -> None:
        if row < 0 or row >= len(self.previews):
            self.rendered_to.clear()
            self.rendered_subject.clear()
            self.rendered_body.clear()
            return
        p = self.previews[row]
        to = f"{p.get('name', '')} <{p['email']}>" if p.get("email") else p.get("name", "")
        self.rendered_to.setText(_("To: %(to)s") % {"to": to})
        self.rendered_subject.setText(p.get("subject", ""))
        self.rendered_body.setPlainText(p.get("body", ""))

    def back(self) -> None:
        self.tasks.forget(f"preview-{id(self)}")
        self._show_page(self.compose)

    def send(self) -> None:
        """Queue the invitations once; the button stays disabled unless the session refused them."""
        if self._sending or self.request is None:
            return
        self._sending = True
        self.send_button.setEnabled(False)
        try:
            self.session.send_invitations(self.meeting["id"], **self.request)
        except ChamberError as err:
            log.info("invitations refused: %s", err)
            self._sending = False
            self._show_page(self.compose)
            self.error.show_message(lambda e=err: error_text(e), "error")
            return
        self.sent.emit(len(self.new_invitees()))
        self.accept()
