"""ChangePasswordDialog: the user's own password (ChamberSession.change_password). The current
password, the new one twice, and a live hint of its strength (app/domain/passwords.py). The
change runs off the GUI thread; an error keeps every field as typed. Afterwards it says how many
other devices were signed out (this one stays signed in)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFrame, QLineEdit, QWidget

from app.domain import passwords
from app.errors import ChamberError
from app.i18n import _, ngettext
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.widgets.common import Banner, button, hbox, label, repolish, vbox
from ui.widgets.spinner import Spinner

SCORE_COLORS = ("#b42318", "#b42318", "#b54708", "#0b6b4f", "#0b6b4f")


class StrengthMeter(QWidget):
    """Four segments filled up to the password's score, in a colour from red to green."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = 0
        row = hbox(self, spacing=4)
        self.segments = []
        for _n in range(4):
            segment = QFrame()
            segment.setFixedHeight(6)
            row.addWidget(segment, 1)
            self.segments.append(segment)
        self.set_score(0, filled=False)

    def set_score(self, score: int, *, filled: bool = True) -> None:
        self.score = score
        lit = max(1, score) if filled else 0
        for n, segment in enumerate(self.segments):
            color = SCORE_COLORS[score] if n < lit else "#dde3ea"
            segment.setStyleSheet(f"background: {color}; border-radius: 3px;")


class ChangePasswordDialog(Translatable, QDialog):
    changed = Signal(int)  # the number of other devices signed out

    def __init__(self, session: Any, tasks: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("ChangePasswordDialog")
        self.session = session
        self.tasks = tasks
        self.signed_out: int | None = None
        self._error: BaseException | None = None
        self.title = label("SectionTitle", wrap=True)
        self.intro = label("Muted", wrap=True)
        self.error = Banner("error")
        self.done_banner = Banner("success")
        self.current_label, self.current = label("FieldLabel"), QLineEdit()
        self.new_label, self.new = label("FieldLabel"), QLineEdit()
        self.repeat_label, self.repeat = label("FieldLabel"), QLineEdit()
        for name, edit in (("CurrentPassword", self.current), ("NewPassword", self.new), ("RepeatPassword", self.repeat)):
            edit.setObjectName(name)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textEdited.connect(lambda _t, e=edit: self._mark(e, False))
            edit.returnPressed.connect(self.submit)
        self.new.textChanged.connect(self._show_strength)
        self.meter = StrengthMeter()
        self.strength = label("Small", wrap=True)
        self.strength.setObjectName("StrengthLabel")
        self.hints = label("Small", wrap=True)
        self.hints.setObjectName("StrengthHints")
        self.spinner = Spinner()
        self.cancel_button = button(on_click=self.reject)
        self.submit_button = button(variant="primary", icon_name="lock", on_click=self.submit)
        self.submit_button.setObjectName("ChangePasswordButton")
        self.close_button = button(variant="primary", on_click=self.accept)
        self.close_button.setVisible(False)

        self.form = QWidget()
        fields = vbox(self.form, spacing=6)
        for lbl, edit in ((self.current_label, self.current), (self.new_label, self.new)):
            fields.addWidget(lbl)
            fields.addWidget(edit)
            fields.addSpacing(4)
        fields.addWidget(self.meter)
        fields.addWidget(self.strength)
        fields.addWidget(self.hints)
        fields.addSpacing(4)
        fields.addWidget(self.repeat_label)
        fields.addWidget(self.repeat)
        buttons = hbox(spacing=10)
        buttons.addWidget(self.spinner)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.close_button)
        layout = vbox(self, margins=(24, 20, 24, 20), spacing=10)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.error)
        layout.addWidget(self.done_banner)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.retranslate()
        self.current.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Change password — Chamber"))
        self.title.setText(_("Change your password"))
        self.intro.setText(_("Your other devices will be signed out; this one stays signed in."))
        self.current_label.setText(_("Current password"))
        self.new_label.setText(_("New password"))
        self.repeat_label.setText(_("New password again"))
        self.cancel_button.setText(_("Cancel"))
        self.submit_button.setText(_("Change password"))
        self.close_button.setText(_("Close"))
        self._show_strength()
        if self._error is not None:
            self.error.show_message(error_text(self._error), "error")
        if self.signed_out is not None:
            self.done_banner.show_message(self._done_text(), "success")

    # --- while typing -------------------------------------------------------------------------
    def _show_strength(self) -> None:
        typed = self.new.text()
        result = passwords.strength(typed, username=self.session.username, words=(self.session.display_name,))
        self.meter.set_score(result.score, filled=bool(typed))
        self.strength.setText(_("Strength: %(label)s") % {"label": result.label} if typed else
                              _("At least %(min)s characters. A short sentence of %(length)s characters or more is best.")
                              % {"min": passwords.MIN_LENGTH, "length": passwords.ENCOURAGED_LENGTH})
        self.hints.setText("\n".join(result.hints) if typed else "")
        self.hints.setVisible(bool(typed and result.hints))

    def _mark(self, edit: QLineEdit, invalid: bool) -> None:
        if bool(edit.property("invalid")) != invalid:
            edit.setProperty("invalid", invalid)
            repolish(edit)

    # --- the change ---------------------------------------------------------------------------
    def submit(self) -> None:
        if self.signed_out is not None or self.tasks.is_running(self._key):
            return
        current, new, repeated = self.current.text(), self.new.text(), self.repeat.text()
        try:  # the same rules as the server, before anything is sent
            passwords.check_password_change(current, new, repeated, username=self.session.username)
        except ChamberError as err:
            self._show_error(err, self._field_of(err))
            return
        self._set_busy(True)
        self.tasks.run(lambda: self.session.change_password(current, new, repeated), on_done=self._changed, on_error=self._failed, key=self._key)

    @property
    def _key(self) -> str:
        return f"change-password-{id(self)}"

    def _set_busy(self, busy: bool) -> None:
        (self.spinner.start if busy else self.spinner.stop)()
        for widget in (self.current, self.new, self.repeat, self.submit_button, self.cancel_button):
            widget.setEnabled(not busy)

    def _show_error(self, error: BaseException, field: QLineEdit | None = None) -> None:
        self._error = error
        self.error.show_message(error_text(error), "error")
        if field is not None:
            self._mark(field, True)
            field.setFocus()
            field.selectAll()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._show_error(error, self._field_of(error))

    def _field_of(self, error: BaseException) -> QLineEdit | None:
        """The field to correct (errors from the server arrive as their code)."""
        code = getattr(error, "code", "")
        if code in ("current_password_missing", "wrong_current_password", "too_many_attempts"):
            return self.current
        if code == passwords.PasswordMismatchError.code:
            return self.repeat
        return self.new if code.startswith("password_") else None

    def _done_text(self) -> str:
        count = self.signed_out or 0
        if not count:
            return _("Your password has been changed. No other device was signed in.")
        return ngettext("Your password has been changed. %(count)d other device was signed out and must log in with the new password.",
                        "Your password has been changed. %(count)d other devices were signed out and must log in with the new password.",
                        count) % {"count": count}

    def _changed(self, signed_out: int) -> None:
        self._set_busy(False)
        self.signed_out = signed_out
        self._error = None
        self.error.clear()
        for edit in (self.current, self.new, self.repeat):
            edit.clear()  # nothing secret stays in the widgets
        self.form.setVisible(False)
        self.intro.setVisible(False)
        self.done_banner.show_message(self._done_text(), "success")
        self.cancel_button.setVisible(False)
        self.submit_button.setVisible(False)
        self.close_button.setVisible(True)
        self.close_button.setFocus()
        # No empty space where the form was (the message wraps: its height depends on the width).
        layout = self.layout()
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.totalMinimumSize().height()
        self.resize(self.width(), max(height, layout.totalMinimumSize().height()))
        self.changed.emit(signed_out)
