"""The attendance board's table: a model of the rows of `session.attendance_board()`, a filter
(search by name, state) with sorting, and a delegate that paints the name with the position,
the state as a pill, the times, the method (face with its distance, or by hand) and the note."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain.attendance import METHOD_LABELS, STATE_LABELS, Method, State
from app.i18n import _
from ui import format as fmt
from ui.views.invitations.board_table import BoardDelegate
from ui.views.invitations.parts import paint_pill
from ui.views.meetings.meeting_list import fold
from ui.widgets.icons import pixmap

NAME, STATE, ARRIVED, LEFT, METHOD, NOTE = range(6)
COLUMNS = 6
ROW_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ORDER = {State.PRESENT: 0, State.SUBSTITUTE: 1, State.EXCUSED: 2, State.LEFT: 3, State.ABSENT: 4}
# (text, background) per state: the calm tones of the meeting statuses.
STATE_COLORS = {
    State.PRESENT: ("#0b6b4f", "#d9f3e8"),
    State.SUBSTITUTE: ("#1d4e89", "#e1ecf8"),
    State.EXCUSED: ("#8a4b08", "#fcefd4"),
    State.LEFT: ("#4b5563", "#eceff3"),
    State.ABSENT: ("#9b1c1c", "#fbe3e3"),
}
# Which rows each filter (a count tile) keeps.
FILTERS = {
    "all": lambda r: True,
    "present": lambda r: r["state"] == State.PRESENT and r["member"],
    "substitute": lambda r: r["state"] == State.SUBSTITUTE or bool(r.get("substitute_for")),
    "excused": lambda r: r["state"] == State.EXCUSED,
    "absent": lambda r: r["member"] and r["state"] in (State.ABSENT, State.LEFT),
    "guests": lambda r: not r["member"] and not r.get("substitute_for"),
}


def headers() -> list[str]:
    return [_("Name"), _("Attendance"), _("Arrived at"), _("Left at"), _("Method"), _("Note")]


def state_label(state: str) -> str:
    return _(STATE_LABELS[State(state)])


def method_text(row: dict[str, Any]) -> str:
    method = row.get("method")
    if not method:
        return ""
    text = _(METHOD_LABELS[Method(method)])
    if method == Method.FACE and row.get("distance") is not None:
        text += f" · {row['distance']:.2f}"
    return text


def note_text(row: dict[str, Any]) -> str:
    if row.get("substitute"):
        return _("Represented by %(name)s") % {"name": row["substitute"]["full_name"]}
    if row.get("substitute_for"):
        return _("Substitute for %(name)s") % {"name": row["substitute_for"]["full_name"]}
    if row["state"] == State.EXCUSED:
        return row.get("excuse_reason") or ""
    return row.get("reason") or ""


def arrived_text(row: dict[str, Any]) -> str:
    sub = row.get("substitute")
    return fmt.time_only(row.get("arrived_at") or (sub or {}).get("arrived_at"))


class AttendanceModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        if rows == self.rows:
            return
        if [r["person_id"] for r in rows] == [r["person_id"] for r in self.rows]:
            # The same people: update in place, so the selection and the scroll position stay.
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, COLUMNS - 1))
            return
        self.beginResetModel()
        self.rows = rows
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
        return None

    def text(self, row: dict[str, Any], col: int) -> str:
        if col == NAME:
            return row["full_name"]
        if col == STATE:
            return state_label(row["state"])
        if col == ARRIVED:
            return arrived_text(row)
        if col == LEFT:
            return fmt.time_only(row.get("left_at")) if row["state"] == State.LEFT else ""
        if col == METHOD:
            return method_text(row)
        if col == NOTE:
            return note_text(row)
        return ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col)
        if role == SORT_ROLE:
            if col == NAME:
                return f"{0 if row['member'] else 1} {fold(row['full_name'])}"
            if col == STATE:
                return STATE_ORDER.get(State(row["state"]), 9)
            if col in (ARRIVED, LEFT):
                return row.get("arrived_at" if col == ARRIVED else "left_at") or "~"
            return fold(self.text(row, col))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == NAME:
                return "\n".join(x for x in (row["full_name"], row.get("title") or "", row.get("unit") or "") if x)
            if col == METHOD and row.get("device"):
                return _("Recorded on %(device)s") % {"device": row["device"]}
            if col == ARRIVED and len(row.get("intervals") or []) > 1:
                return "\n".join(f"{fmt.time_only(a)} – {fmt.time_only(b) if b else '…'}" for a, b in row["intervals"])
            if col == NOTE:
                return note_text(row) or None
            if row.get("pending"):
                return _("Kept on this device; sent when the server can be reached.")
        return None

    def row_of(self, person_id: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r["person_id"] == person_id), -1)


class AttendanceFilter(QSortFilterProxyModel):
    """Search by name, position or note (with or without accents) and a filter by state."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.query = ""
        self.state = "all"
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self.query = fold(text.strip())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state(self, key: str) -> None:
        self.beginFilterChange()
        self.state = key if key in FILTERS else "all"
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 - Qt override
        row = self.sourceModel().rows[source_row]
        if not FILTERS[self.state](row):
            return False
        if not self.query:
            return True
        return self.query in fold(" ".join((row["full_name"], row.get("title") or "", row.get("unit") or "", note_text(row))))


class AttendanceDelegate(QStyledItemDelegate):
    ROW_HEIGHT = 46

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint(option, index).width(), self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
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
        if col == NAME:
            second = row.get("title") or ""
            if not row["member"]:
                second = _("Substitute") if row.get("substitute_for") else _("Guest")
            BoardDelegate._two_lines(painter, inner, row["full_name"], second, base, bold=True)
        elif col == STATE:
            pill = paint_pill(painter, inner, state_label(row["state"]), STATE_COLORS[State(row["state"])], base)
            if row.get("pending"):
                # Not yet confirmed by the server: a small clock after the pill.
                painter.drawPixmap(int(pill.right() + 6), int(inner.center().y() - 7), pixmap("clock", "#8a4b08", 14))
        elif col == METHOD:
            method = row.get("method")
            if method:
                icon_name = "camera" if method == Method.FACE else "edit-3"
                painter.drawPixmap(int(inner.left()), int(inner.center().y() - 8), pixmap(icon_name, "#5f6b7a", 16))
                BoardDelegate._text(painter, inner.adjusted(22, 0, 0, 0), method_text(row), base, color="#3d4b5c")
        elif col in (ARRIVED, LEFT):
            text = index.data(Qt.ItemDataRole.DisplayRole)
            BoardDelegate._text(painter, inner, text or "—", base, color="#1f2933" if text else "#9aa5b1")
        else:
            BoardDelegate._text(painter, inner, index.data(Qt.ItemDataRole.DisplayRole) or "", base, color="#3d4b5c")
        painter.restore()
