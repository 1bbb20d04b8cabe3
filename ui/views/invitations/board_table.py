"""The tracking board's table: a model of the invitations of one meeting, a filter (search and
answer) with sorting, and a delegate that paints names with their e-mail, delivery, when it was
read (and whether after the latest change of time or place), answer and substitute pills."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.i18n import _
from ui import format as fmt
from ui.views.invitations import present
from ui.views.invitations.parts import paint_pill
from ui.views.meetings.meeting_list import fold
from ui.widgets.icons import pixmap

NAME, DELIVERY, READ, ANSWER, REASON, SUBSTITUTE = range(6)
COLUMNS = 6
ROW_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ANSWER_ORDER = {"none": 0, "substitute": 1, "declined": 2, "accepted": 3}

# Filters of the answer combo: key → test on a row.
FILTERS = {
    "all": lambda inv: True,
    "none": lambda inv: inv["response"] == "none",
    "accepted": lambda inv: inv["response"] == "accepted",
    "declined": lambda inv: inv["response"] == "declined",
    "substitute": lambda inv: inv["response"] == "substitute",
    "waiting": lambda inv: inv.get("substitute_status") == "proposed",
    "unread": lambda inv: not inv.get("read_at"),
    "failed": lambda inv: inv.get("email_state") == "failed",
    "unseen": None,  # needs the meeting's sequence: InvitationFilter
}


def headers() -> list[str]:
    return [_("Name"), _("Delivery"), _("Read"), _("Answer"), _("Reason"), _("Substitute")]


def short_time(value: str | None) -> str:
    dt = fmt.parse(value)
    return dt.strftime("%d/%m %H:%M") if dt else ""


class InvitationModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.sequence = 0

    def set_rows(self, rows: list[dict[str, Any]], sequence: int) -> None:
        live = [r for r in rows if not r.get("cancelled_at")]
        if live == self.rows and sequence == self.sequence:
            return
        if [r["id"] for r in live] == [r["id"] for r in self.rows]:
            # The same people: update in place, so the selection and the scroll position stay.
            self.rows, self.sequence = live, sequence
            if live:
                self.dataChanged.emit(self.index(0, 0), self.index(len(live) - 1, COLUMNS - 1))
            return
        self.beginResetModel()
        self.rows, self.sequence = live, sequence
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMNS - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, COLUMNS - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802 - Qt override
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return headers()[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == READ:
            return _("When the invitee opened the invitation, and whether they have seen the latest change of time or place")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        inv = self.rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return inv
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(inv, col)
        if role == SORT_ROLE:
            if col == NAME:
                return fold(inv.get("name", ""))
            if col == READ:
                return inv.get("read_at") or ""
            if col == ANSWER:
                return ANSWER_ORDER.get(inv["response"], 0)
            return fold(self.text(inv, col))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == NAME:
                return "\n".join(x for x in (inv.get("name", ""), inv.get("email") or _("No e-mail address"), present.kind_label(inv.get("kind", ""))) if x)
            if col == DELIVERY:
                return present.delivery_tooltip(inv)
            if col == READ and inv.get("read_at"):
                text = _("Opened on %(when)s") % {"when": fmt.date_time(inv["read_at"])}
                if self.sequence:
                    seen = present.saw_latest_change(inv, self.sequence)
                    text += "\n" + (_("Has seen the latest change of time or place") if seen else _("Has not seen the latest change of time or place yet"))
                return text
            if col == ANSWER and inv.get("responded_at"):
                return _("Answered on %(when)s") % {"when": fmt.date_time(inv["responded_at"])}
            if col in (REASON, SUBSTITUTE):
                return self.text(inv, col) or None
        return None

    def text(self, inv: dict[str, Any], col: int) -> str:
        if col == NAME:
            return inv.get("name", "")
        if col == DELIVERY:
            return present.delivery_label(inv.get("email_state") or "none")
        if col == READ:
            return short_time(inv.get("read_at"))
        if col == ANSWER:
            return present.response_label(inv["response"])
        if col == REASON:
            return inv.get("response_reason") or ""
        if col == SUBSTITUTE:
            if not inv.get("substitute_name") or inv.get("substitute_status") in (None, "", "none"):
                return ""
            return f"{inv['substitute_name']} · {present.substitute_label(inv['substitute_status'])}"
        return ""

    def row_of(self, invitation_id: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r["id"] == invitation_id), -1)


class InvitationFilter(QSortFilterProxyModel):
    """Search (name, e-mail, reason, substitute; with or without accents) and an answer filter."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.query = ""
        self.answer = "all"
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self.query = fold(text.strip())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_answer(self, key: str) -> None:
        self.beginFilterChange()
        self.answer = key if key in FILTERS else "all"
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 - Qt override
        model = self.sourceModel()
        inv = model.rows[source_row]
        if self.answer == "unseen":
            if present.saw_latest_change(inv, model.sequence):
                return False
        elif not FILTERS[self.answer](inv):
            return False
        if not self.query:
            return True
        haystack = " ".join(str(inv.get(k) or "") for k in ("name", "email", "response_reason", "substitute_name"))
        return self.query in fold(haystack)


class BoardDelegate(QStyledItemDelegate):
    ROW_HEIGHT = 46

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint(option, index).width(), self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        inv = index.data(ROW_ROLE)
        col = index.column()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.fillRect(rect, QColor("#e3f1ef") if selected else QColor("#f5f8fa") if hover else QColor("#ffffff"))
        painter.setPen(QColor("#eef1f4"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        inner = rect.adjusted(10, 0, -8, 0)
        base = QFont(option.font)
        sequence = index.model().sourceModel().sequence if hasattr(index.model(), "sourceModel") else 0
        if col == NAME:
            self._two_lines(painter, inner, inv.get("name", ""), self._name_note(inv), base, bold=True)
        elif col == DELIVERY:
            state = inv.get("email_state") or "none"
            color = present.DELIVERY_COLORS.get(state, "#5f6b7a")
            icon_name = {"none": "monitor", "queued": "clock", "sent": "check", "failed": "alert"}.get(state, "monitor")
            painter.drawPixmap(int(inner.left()), int(inner.center().y() - 8), pixmap(icon_name, color, 16))
            self._text(painter, inner.adjusted(22, 0, 0, 0), present.delivery_label(state), base, color=color)
        elif col == READ:
            text = short_time(inv.get("read_at"))
            if text and sequence:
                # The meeting's time or place changed since the invitation was sent: did they see it?
                seen = present.saw_latest_change(inv, sequence)
                note = "✓ " + _("saw the change") if seen else _("before the change")
                self._two_lines(painter, inner, text, note, base, second_color="#0b6b4f" if seen else "#8a4b08")
            else:
                self._text(painter, inner, text or "—", base, color="#1f2933" if text else "#9aa5b1")
        elif col == ANSWER:
            paint_pill(painter, inner, present.response_label(inv["response"]), present.response_colors(inv["response"]), base)
        elif col == REASON:
            self._text(painter, inner, inv.get("response_reason") or "", base, color="#3d4b5c")
        elif col == SUBSTITUTE:
            status = inv.get("substitute_status") or "none"
            if inv.get("substitute_name") and status != "none":
                fm = QFontMetrics(base)
                top = QRectF(inner.left(), inner.center().y() - fm.height() - 1, inner.width(), fm.height())
                self._text(painter, top, inv["substitute_name"], base)
                bottom = QRectF(inner.left(), inner.center().y() + 1, inner.width(), fm.height() + 4)
                paint_pill(painter, bottom, present.substitute_label(status), present.SUBSTITUTE_COLORS.get(status, ("#4b5563", "#eceff3")), base)
        painter.restore()

    @staticmethod
    def _name_note(inv: dict[str, Any]) -> str:
        note = inv.get("email") or _("No e-mail address")
        kind = present.kind_label(inv.get("kind", ""))
        return f"{kind} · {note}" if kind else note

    @staticmethod
    def _text(painter: QPainter, rect: QRectF, text: str, font: QFont, *, color: str = "#1f2933") -> None:
        fm = QFontMetrics(font)
        painter.setFont(font)
        painter.setPen(QColor(color))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, fm.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width())))

    @staticmethod
    def _two_lines(painter: QPainter, rect: QRectF, first: str, second: str, font: QFont, *, bold: bool = False, second_color: str = "#6b7785") -> None:
        top_font = QFont(font)
        top_font.setBold(bold)
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.86)
        fm_top, fm_small = QFontMetrics(top_font), QFontMetrics(small)
        height = fm_top.height() + fm_small.height() + 1
        y = rect.center().y() - height / 2
        painter.setFont(top_font)
        painter.setPen(QColor("#10263d"))
        painter.drawText(QRectF(rect.left(), y, rect.width(), fm_top.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm_top.elidedText(first, Qt.TextElideMode.ElideRight, int(rect.width())))
        painter.setFont(small)
        painter.setPen(QColor(second_color))
        painter.drawText(QRectF(rect.left(), y + fm_top.height() + 1, rect.width(), fm_small.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm_small.elidedText(second, Qt.TextElideMode.ElideRight, int(rect.width())))
