"""Parts of the send dialog: the guest row, the previewed recipient as a list item, the texts of
the placeholder chips, and how Vietnamese names sort."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.errors import InvalidInputError
from app.i18n import N_, _
from ui.views.meetings.meeting_list import fold
from ui.widgets.common import button, hbox, repolish

PERSON_ROLE = Qt.ItemDataRole.UserRole
PREVIEW_ROLE = Qt.ItemDataRole.UserRole + 1
PLACEHOLDER_HELP = {
    "name": N_("The invitee's full name"),
    "title": N_("The invitee's title, e.g. Đại biểu HĐND"),
    "meeting": N_("The meeting's title"),
    "time": N_("Time and date of the meeting"),
    "place": N_("Where the meeting takes place"),
    "agenda": N_("The numbered agenda"),
    "sender": N_("The office that sends the invitation"),
}
LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))  # each language named in itself
CHIP_STYLE = """
QPushButton[variant="chip"] {
    background: #eef5fc; border: 1px solid #bfd3ea; border-radius: 11px; padding: 3px 10px;
    color: #1d4e89; font-family: "DejaVu Sans Mono"; font-size: 9pt; min-height: 14px;
}
QPushButton[variant="chip"]:hover { background: #e1ecf8; border-color: #8fb3db; }
QListWidget#PersonList, QListWidget#RecipientList { border: 1px solid #e1e6ec; border-radius: 6px; }
QListWidget#PersonList::item { padding: 4px 2px; }
QPlainTextEdit#PreviewBody { background: #fbfcfd; border: none; font-size: 10pt; }
"""


def by_given_name(full_name: str) -> str:
    """Vietnamese names sort by the given name, the last word: "Nguyễn Văn An" under A."""
    return fold(full_name.split(" ")[-1] + " " + full_name)


class RecipientDelegate(QStyledItemDelegate):
    """One previewed recipient: the name, and the e-mail address (or that there is none) below."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        return QSize(option.rect.width(), 50)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        p, note, muted = index.data(PREVIEW_ROLE)
        painter.save()
        rect = QRectF(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor("#e3f1ef") if selected else QColor("#ffffff"))
        painter.setPen(QColor("#eef1f4"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        inner = rect.adjusted(12, 0, -8, 0)
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.88)
        fm_bold, fm_small = QFontMetrics(bold), QFontMetrics(small)
        y = inner.center().y() - (fm_bold.height() + fm_small.height() + 2) / 2
        painter.setFont(bold)
        painter.setPen(QColor("#9aa5b1") if muted else QColor("#10263d"))
        painter.drawText(QRectF(inner.left(), y, inner.width(), fm_bold.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm_bold.elidedText(p.get("name", ""), Qt.TextElideMode.ElideRight, int(inner.width())))
        painter.setFont(small)
        painter.setPen(QColor("#9aa5b1") if muted or not p.get("email") else QColor("#5f6b7a"))
        painter.drawText(QRectF(inner.left(), y + fm_bold.height() + 2, inner.width(), fm_small.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm_small.elidedText(note, Qt.TextElideMode.ElideRight, int(inner.width())))
        painter.restore()


class GuestEmailMissingError(InvalidInputError):
    message = N_("Type an e-mail address for the guest %(name)s: guests are invited by e-mail.")


class GuestRow(QWidget):
    """One guest: name (optional) and e-mail address, with a button to remove the row."""

    removed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("GuestName")
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("GuestEmail")
        self.remove_button = button(variant="icon", icon_name="x", on_click=lambda: self.removed.emit(self))
        row = hbox(self, spacing=6)
        row.addWidget(self.name_edit, 2)
        row.addWidget(self.email_edit, 3)
        row.addWidget(self.remove_button)
        self.email_edit.textEdited.connect(lambda _t: self.mark(False))
        self.retranslate()

    def retranslate(self) -> None:
        self.name_edit.setPlaceholderText(_("Guest's name"))
        self.email_edit.setPlaceholderText(_("E-mail address"))
        self.remove_button.setToolTip(_("Remove this guest"))

    def values(self) -> tuple[str, str]:
        return self.name_edit.text().strip(), self.email_edit.text().strip()

    def mark(self, invalid: bool) -> None:
        self.email_edit.setProperty("invalid", invalid)
        repolish(self.email_edit)


