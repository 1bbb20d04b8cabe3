"""AgendaEditor: the numbered agenda of one meeting as a tree (1, 2, 2.1 …) with presenters and
planned minutes. Editors add, edit, delete and reorder items by drag and drop or with the move
buttons (Alt+arrow keys); everyone else reads it."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain.agenda import descendants
from app.domain.meetings import FIELD_LABELS
from app.errors import ChamberError
from app.i18n import _, ngettext
from ui import format as fmt
from ui.feedback import confirm, error_text
from ui.language import Translatable
from ui.views.meetings import agenda_moves as moves
from ui.views.meetings.agenda_dialog import AgendaItemDialog
from ui.widgets.common import Banner, button, hbox, label, vbox
from ui.widgets.icons import icon_size

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = 4


def drop_position(rect: QRect, pos: QPoint) -> str:
    """Above, below or on an item, with the margins Qt uses to draw its drop indicator."""
    margin = max(2, min(int(rect.height() / 5.5), 12))
    if pos.y() - rect.top() < margin:
        return moves.ABOVE
    if rect.bottom() - pos.y() < margin:
        return moves.BELOW
    return moves.ON


class AgendaTree(QTreeWidget):
    """The tree; a drop is turned into `move_requested(item_id, target_id, where)`, and the
    view redraws from the session's answer instead of letting Qt move rows on its own."""

    move_requested = Signal(str, object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AgendaTree")
        self.setColumnCount(COLUMNS)
        self.setRootIsDecorated(True)
        self.setIndentation(22)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(icon_size(16))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 96)
        header.resizeSection(2, 210)
        header.resizeSection(3, 86)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def set_editable(self, editable: bool) -> None:
        self.setDragEnabled(editable)
        self.setAcceptDrops(editable)
        self.setDropIndicatorShown(editable)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove if editable else QAbstractItemView.DragDropMode.NoDragDrop)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        moving = self.currentItem()
        if moving is None:
            event.ignore()
            return
        pos = event.position().toPoint()
        target = self.itemAt(pos)
        if target is None:
            target_id, where = None, moves.END
        else:
            target_id, where = target.data(0, ID_ROLE), drop_position(self.visualItemRect(target), pos)
        # IgnoreAction: Qt must not remove the dragged row itself; the refresh redraws the agenda.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        self.move_requested.emit(moving.data(0, ID_ROLE), target_id, where)


class AgendaEditor(Translatable, QWidget):
    changed = Signal()  # the agenda was changed here (the page updates the total, the list …)

    def __init__(self, session, parent: QWidget | None = None) -> None:  # noqa: ANN001 - ChamberSession
        super().__init__(parent)
        self.session = session
        self.meeting: dict[str, Any] | None = None
        self.items: list[dict[str, Any]] = []
        self.editable = session.can_edit
        self.dialog: AgendaItemDialog | None = None
        self._collapsed: set[str] = set()

        self.title = label("SectionTitle")
        self.total = label("Muted")
        self.error = Banner("error", closable=True)
        self.tree = AgendaTree()
        self.tree.set_editable(self.editable)
        self.tree.move_requested.connect(self.on_drop)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_a: self.edit_selected())
        self.tree.itemCollapsed.connect(lambda it: self._collapsed.add(it.data(0, ID_ROLE)))
        self.tree.itemExpanded.connect(lambda it: self._collapsed.discard(it.data(0, ID_ROLE)))
        self.empty = label("Muted", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.add_button = button(variant="tool", icon_name="plus", on_click=self.add_item)
        self.add_sub_button = button(variant="tool", icon_name="indent", on_click=self.add_sub_item)
        self.edit_button = button(variant="tool", icon_name="edit", on_click=self.edit_selected)
        self.delete_button = button(variant="tool", icon_name="trash", on_click=self.delete_selected)
        self.up_button = button(variant="tool", icon_name="arrow-up", on_click=lambda: self.move_selected(moves.move_up))
        self.down_button = button(variant="tool", icon_name="arrow-down", on_click=lambda: self.move_selected(moves.move_down))
        self.indent_button = button(variant="tool", icon_name="indent", on_click=lambda: self.move_selected(moves.indent))
        self.outdent_button = button(variant="tool", icon_name="outdent", on_click=lambda: self.move_selected(moves.outdent))
        for name in ("add", "add_sub", "edit", "delete", "up", "down", "indent", "outdent"):
            getattr(self, f"{name}_button").setObjectName(f"agenda_{name}")

        top = hbox(spacing=10)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.total)
        toolbar = hbox(spacing=6)
        for b in (self.add_button, self.add_sub_button, self.edit_button, self.delete_button):
            toolbar.addWidget(b)
        toolbar.addStretch(1)
        for b in (self.up_button, self.down_button, self.outdent_button, self.indent_button):
            toolbar.addWidget(b)
        self.toolbar = QWidget()
        self.toolbar.setLayout(toolbar)
        self.toolbar.setVisible(self.editable)

        layout = vbox(self, spacing=10)
        layout.addLayout(top)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.error)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)

        if self.editable:
            self._shortcut("Alt+Up", lambda: self.move_selected(moves.move_up))
            self._shortcut("Alt+Down", lambda: self.move_selected(moves.move_down))
            self._shortcut("Alt+Right", lambda: self.move_selected(moves.indent))
            self._shortcut("Alt+Left", lambda: self.move_selected(moves.outdent))
            self._shortcut(QKeySequence.StandardKey.Delete, self.delete_selected)
            self._shortcut("F2", self.edit_selected)
            self._shortcut("Insert", self.add_item)
        self.retranslate()

    def _shortcut(self, keys, slot) -> None:  # noqa: ANN001
        shortcut = QShortcut(QKeySequence(keys), self.tree)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(slot)

    def retranslate(self) -> None:
        self.title.setText(_("Agenda"))
        self.tree.setHeaderLabels([_("No."), _("Item"), _("Presenter"), _("Minutes")])
        self.add_button.setText(_("Add item"))
        self.add_sub_button.setText(_("Add sub-item"))
        self.edit_button.setText(_("Edit"))
        self.delete_button.setText(_("Delete"))
        self.up_button.setToolTip(_("Move up (Alt+↑)"))
        self.down_button.setToolTip(_("Move down (Alt+↓)"))
        self.indent_button.setToolTip(_("Make it a sub-item of the item above (Alt+→)"))
        self.outdent_button.setToolTip(_("Move it out of its parent item (Alt+←)"))
        for b in (self.up_button, self.down_button, self.indent_button, self.outdent_button):
            b.setAccessibleName(b.toolTip())
        self.add_sub_button.setToolTip(_("Add a sub-item under the selected item"))
        self._update_total()
        self._update_empty()

    # --- showing ------------------------------------------------------------------------------
    def set_meeting(self, meeting: dict[str, Any] | None) -> None:
        changed_meeting = (meeting or {}).get("id") != (self.meeting or {}).get("id")
        self.meeting = meeting
        if changed_meeting:
            self._collapsed.clear()
            self.error.clear()
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        selected = select or self.selected_id()
        self.items = self.session.get_agenda(self.meeting["id"]) if self.meeting else []
        scroll = self.tree.verticalScrollBar().value()
        self.tree.clear()
        nodes: dict[str, QTreeWidgetItem] = {}
        for it in self.items:
            parent = nodes.get(it.get("parent_id"))
            node = QTreeWidgetItem(parent) if parent is not None else QTreeWidgetItem(self.tree)
            node.setData(0, ID_ROLE, it["id"])
            node.setText(0, it.get("number", ""))
            node.setText(1, it.get("title", ""))
            node.setText(2, it.get("presenter", ""))
            minutes = int(it.get("duration_minutes") or 0)
            node.setText(3, str(minutes) if minutes else "–")
            node.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            node.setToolTip(1, it.get("notes") or it.get("title", ""))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if self.editable:
                flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
            node.setFlags(flags)
            if it.get("depth", 0) == 0:
                font = node.font(1)
                font.setBold(True)
                node.setFont(0, font)
                node.setFont(1, font)
            nodes[it["id"]] = node
        for item_id, node in nodes.items():
            node.setExpanded(item_id not in self._collapsed)
        if selected in nodes:
            self.tree.setCurrentItem(nodes[selected])
        self.tree.verticalScrollBar().setValue(scroll)
        self._update_total()
        self._update_empty()
        self._update_buttons()

    def _update_total(self) -> None:
        total = moves.total_minutes(self.items)
        text = _("Planned: %(time)s") % {"time": fmt.minutes(total)}
        start, end = fmt.parse((self.meeting or {}).get("starts_at")), fmt.parse((self.meeting or {}).get("ends_at"))
        if start and end and end > start:
            length = int((end - start).total_seconds() // 60)
            text += " · " + _("meeting time %(time)s") % {"time": fmt.minutes(length)}
            if total > length:
                text += " · " + _("longer than the meeting")
        self.total.setText(text)
        self.total.setObjectName("ErrorText" if start and end and total > (end - start).total_seconds() // 60 else "Muted")
        self.total.style().unpolish(self.total)
        self.total.style().polish(self.total)

    def _update_empty(self) -> None:
        empty = not self.items
        self.empty.setVisible(empty and self.meeting is not None)
        self.tree.setVisible(not empty)
        self.empty.setText(_("No agenda items yet. Add the first item with “Add item”.") if self.editable else _("The agenda has not been published yet."))

    def _update_buttons(self) -> None:
        item_id = self.selected_id()
        has = item_id is not None
        self.add_button.setEnabled(self.meeting is not None)
        for b in (self.add_sub_button, self.edit_button, self.delete_button):
            b.setEnabled(has)
        self.up_button.setEnabled(has and moves.move_up(self.items, item_id) is not None)
        self.down_button.setEnabled(has and moves.move_down(self.items, item_id) is not None)
        self.indent_button.setEnabled(has and moves.indent(self.items, item_id) is not None)
        self.outdent_button.setEnabled(has and moves.outdent(self.items, item_id) is not None)

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None and item.isSelected() else None

    def select(self, item_id: str) -> None:
        for node in self._all_nodes():
            if node.data(0, ID_ROLE) == item_id:
                self.tree.setCurrentItem(node)
                return

    def _all_nodes(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            node = stack.pop(0)
            out.append(node)
            stack[0:0] = [node.child(i) for i in range(node.childCount())]
        return out

    def _item(self, item_id: str | None) -> dict[str, Any] | None:
        return next((i for i in self.items if i["id"] == item_id), None)

    # --- commands -----------------------------------------------------------------------------
    def _run(self, action, *, select: str | None = None) -> bool:  # noqa: ANN001
        """Call one session command; show its refusal above the tree. True when it was accepted."""
        try:
            result = action()
        except ChamberError as err:
            log.info("agenda command refused: %s", err)
            self.error.show_message(lambda err=err: error_text(err), "error")
            return False
        self.error.clear()
        self.refresh(select=select or (result if isinstance(result, str) else None))
        self.changed.emit()
        return True

    def _open_dialog(self, *, item: dict[str, Any] | None = None, parent_item: dict[str, Any] | None = None) -> AgendaItemDialog:
        if self.dialog is not None:
            self.dialog.close()
        dialog = AgendaItemDialog(self.window(), item=item, parent_item=parent_item)
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: AgendaItemDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _submit_from(self, dialog: AgendaItemDialog, action) -> None:  # noqa: ANN001
        try:
            new_id = action(dialog.fields())
        except ChamberError as err:
            log.info("agenda item refused: %s", err)
            dialog.show_error(lambda err=err: error_text(err), title_invalid=err.params.get("field") == FIELD_LABELS["item_title"])
            return
        dialog.accept()
        self.refresh(select=new_id if isinstance(new_id, str) else None)
        self.changed.emit()

    def add_item(self) -> AgendaItemDialog | None:
        if not self.editable or self.meeting is None:
            return None
        mid = self.meeting["id"]
        dialog = self._open_dialog()
        dialog.submitted.connect(lambda _f, d=dialog: self._submit_from(d, lambda f: self.session.add_agenda_item(mid, f, origin=self)))
        return dialog

    def add_sub_item(self) -> AgendaItemDialog | None:
        parent = self._item(self.selected_id())
        if not self.editable or self.meeting is None or parent is None:
            return None
        mid = self.meeting["id"]
        dialog = self._open_dialog(parent_item=parent)
        dialog.submitted.connect(
            lambda _f, d=dialog: self._submit_from(d, lambda f: self.session.add_agenda_item(mid, f, parent_id=parent["id"], origin=self))
        )
        return dialog

    def edit_selected(self) -> AgendaItemDialog | None:
        item = self._item(self.selected_id())
        if not self.editable or self.meeting is None or item is None:
            return None
        mid = self.meeting["id"]
        dialog = self._open_dialog(item=item)
        dialog.submitted.connect(
            lambda _f, d=dialog: self._submit_from(d, lambda f: self.session.update_agenda_item(mid, item["id"], f, origin=self) or item["id"])
        )
        return dialog

    def delete_selected(self) -> None:
        item = self._item(self.selected_id())
        if not self.editable or self.meeting is None or item is None:
            return
        subs = len(descendants(self.items, item["id"]))
        text = _("Delete agenda item %(number)s “%(title)s”?") % {"number": item.get("number", ""), "title": item.get("title", "")}
        if subs:
            text += "\n\n" + ngettext("Its %(count)d sub-item will be deleted too.", "Its %(count)d sub-items will be deleted too.", subs) % {"count": subs}
        mid = self.meeting["id"]
        confirm(self, _("Delete agenda item"), text, yes=_("Delete"), on_yes=lambda: self._run(lambda: self.session.delete_agenda_item(mid, item["id"], origin=self)))

    def move(self, item_id: str, target: tuple[str | None, int] | None) -> bool:
        if not self.editable or self.meeting is None or target is None:
            return False
        parent_id, position = target
        mid = self.meeting["id"]
        return self._run(lambda: self.session.move_agenda_item(mid, item_id, parent_id=parent_id, position=position, origin=self), select=item_id)

    def move_selected(self, how) -> bool:  # noqa: ANN001 - one of agenda_moves' functions
        item_id = self.selected_id()
        if item_id is None:
            return False
        return self.move(item_id, how(self.items, item_id))

    def on_drop(self, item_id: str, target_id: str | None, where: str) -> None:
        self.move(item_id, moves.drop_target(self.items, item_id, target_id, where))
