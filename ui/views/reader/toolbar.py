"""ReaderToolbar: the row above the pages — side panel toggles, page x / N with a go-to field,
zoom, fit width / fit page, one page or continuous, the annotation tools (select, highlight,
underline, ink, note; their colour; bookmark this page; export with annotations), and the search
box with its hit count. The annotation tools show only when the reader has a session to keep them."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QIntValidator, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QLineEdit, QMenu, QPushButton, QSizePolicy, QWidget

from app.i18n import N_, _
from ui.language import Translatable
from ui.widgets.icons import icon
from ui.widgets.common import hbox

# The annotation colours: strong enough for a pen line, light enough once a highlighter lays them
# under print (annotation_layer.py), distinct on paper and on screen.
COLOURS = (
    ("#FFD43B", N_("Yellow")),
    ("#51CF66", N_("Green")),
    ("#339AF0", N_("Blue")),
    ("#F06595", N_("Pink")),
    ("#E03131", N_("Red")),
)
# Each tool keeps its own colour: a yellow highlighter, a red underline, a blue pen.
TOOL_COLOURS = {"highlight": "#FFD43B", "underline": "#E03131", "ink": "#339AF0", "note": "#FFD43B"}
# tool, icon, tooltip
TOOLS = (
    ("select", "mouse-pointer", N_("Select and read (Esc)")),
    ("highlight", "highlighter", N_("Highlight: drag over the text")),
    ("underline", "underline", N_("Underline: drag over the text")),
    ("ink", "edit-3", N_("Draw with a pen or the mouse")),
    ("note", "message-square", N_("Sticky note: click where it goes")),
)

STYLE = """
QFrame#ReaderToolbar { background: #ffffff; border-bottom: 1px solid #dfe4ea; }
QFrame#ReaderToolbar QLabel { background: transparent; }
QPushButton[variant="rtool"] {
    background: transparent; border: 1px solid transparent; border-radius: 6px;
    padding: 6px; min-width: 22px; min-height: 22px;
}
QPushButton[variant="rtool"]:hover { background: #eef2f5; border-color: #dfe4ea; }
QPushButton[variant="rtool"]:pressed { background: #e3e8ee; }
QPushButton[variant="rtool"]:checked { background: #dcefec; border-color: #a9d6cf; }
QPushButton[variant="rtool"][segment="first"] { border-top-right-radius: 0; border-bottom-right-radius: 0; }
QPushButton[variant="rtool"][segment="last"] { border-top-left-radius: 0; border-bottom-left-radius: 0; }
QFrame#ToolSeparator { background: #e1e6ec; min-width: 1px; max-width: 1px; margin: 6px 4px; }
QLineEdit#PageField { padding: 5px 4px; min-width: 44px; max-width: 52px; }
QLabel#PageTotal { color: #4a5666; padding-right: 2px; }
QLabel#ZoomLabel { color: #1f2933; min-width: 44px; font-weight: bold; }
QLineEdit#ReaderSearch { padding: 6px 8px; border-radius: 8px; background: #f6f8fa; min-width: 200px; }
QLineEdit#ReaderSearch:focus { background: #ffffff; }
QLabel#HitCount { color: #4a5666; min-width: 64px; font-size: 9pt; }
QLabel#HitCount[none="true"] { color: #a61b1b; }
QPushButton#ColourButton::menu-indicator { image: none; width: 0; }
"""


def colour_dot(colour: str, size: int = 18, ratio: float = 2.0) -> QIcon:
    """A round swatch of `colour` with a thin darker edge (the colour button, its menu)."""
    pm = QPixmap(int(size * ratio), int(size * ratio))
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    painter.setPen(fill.darker(140))
    painter.setBrush(fill)
    inset = 2.5 * ratio
    painter.drawEllipse(int(inset), int(inset), int(pm.width() - 2 * inset), int(pm.height() - 2 * inset))
    painter.end()
    pm.setDevicePixelRatio(ratio)
    return QIcon(pm)


def tool_button(icon_name: str, *, checkable: bool = False, object_name: str = "") -> QPushButton:
    btn = QPushButton()
    btn.setProperty("variant", "rtool")
    btn.setIcon(icon(icon_name, "#334155", 18, checked="#0f5c55"))
    btn.setIconSize(QSize(18, 18))
    btn.setCheckable(checkable)
    btn.setCursor(Qt.CursorShape.PointingHandCursor)
    btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys keep going to the pages
    if object_name:
        btn.setObjectName(object_name)
    return btn


def separator() -> QFrame:
    line = QFrame()
    line.setObjectName("ToolSeparator")
    line.setFixedWidth(1)
    return line


class SearchField(QLineEdit):
    """The search box: Enter finds the next hit, Shift+Enter the previous one, Escape leaves."""

    next_requested = Signal()
    previous_requested = Signal()
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class ReaderToolbar(Translatable, QFrame):
    page_entered = Signal(int)  # 0-based
    tool_chosen = Signal(str)  # one of TOOLS
    colour_chosen = Signal(str)  # "#rrggbb"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReaderToolbar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.page_count = 0

        self.thumbnails_button = tool_button("sidebar", checkable=True, object_name="ThumbnailsToggle")
        self.outline_button = tool_button("list", checkable=True, object_name="OutlineToggle")
        self.previous_button = tool_button("chevron-up", object_name="PreviousPage")
        self.next_button = tool_button("chevron-down", object_name="NextPage")
        self.page_field = QLineEdit()
        self.page_field.setObjectName("PageField")
        self.page_field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_field.setValidator(QIntValidator(1, 1, self.page_field))
        self.page_field.returnPressed.connect(self._on_page_entered)
        self.page_total = QLabel()
        self.page_total.setObjectName("PageTotal")
        self.zoom_out_button = tool_button("zoom-out", object_name="ZoomOut")
        self.zoom_label = QLabel("100%")
        self.zoom_label.setObjectName("ZoomLabel")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = tool_button("zoom-in", object_name="ZoomIn")
        self.fit_width_button = tool_button("fit-width", checkable=True, object_name="FitWidth")
        self.fit_page_button = tool_button("fit-page", checkable=True, object_name="FitPage")
        self.single_button = tool_button("page-single", checkable=True, object_name="SinglePage")
        self.continuous_button = tool_button("page-continuous", checkable=True, object_name="Continuous")
        self.single_button.setProperty("segment", "first")
        self.continuous_button.setProperty("segment", "last")
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_group.addButton(self.single_button)
        self.mode_group.addButton(self.continuous_button)
        self.continuous_button.setChecked(True)

        # Annotation tools.
        self.tool_buttons: dict[str, QPushButton] = {}
        self.tool_group = QButtonGroup(self)
        self.tool_group.setExclusive(True)
        for n, (tool, icon_name, _tip) in enumerate(TOOLS):
            btn = tool_button(icon_name, checkable=True, object_name=f"Tool_{tool}")
            btn.clicked.connect(lambda _checked=False, t=tool: self._on_tool_clicked(t))
            self.tool_group.addButton(btn)
            self.tool_buttons[tool] = btn
        self.tool_buttons["select"].setChecked(True)
        self.colours = dict(TOOL_COLOURS)
        self.colour_button = tool_button("edit-3", object_name="ColourButton")
        self.colour_menu = QMenu(self.colour_button)
        self.colour_actions = []
        for colour, _name in COLOURS:
            action = self.colour_menu.addAction(colour_dot(colour), "")
            action.setData(colour)
            action.triggered.connect(lambda _checked=False, c=colour: self.choose_colour(c))
            self.colour_actions.append(action)
        self.colour_button.setMenu(self.colour_menu)
        self.bookmark_button = tool_button("bookmark", checkable=True, object_name="BookmarkPage")
        self.export_button = tool_button("download", object_name="ExportAnnotated")
        self.annotation_widgets: list[QWidget] = [separator(), *self.tool_buttons.values(), self.colour_button, separator(),
                                                  self.bookmark_button, self.export_button]

        self.search = SearchField()
        self.search.setObjectName("ReaderSearch")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "#5f6b7a", 18), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.setMaximumWidth(320)
        self.hit_count = QLabel()
        self.hit_count.setObjectName("HitCount")
        self.hit_count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.previous_hit_button = tool_button("chevron-up", object_name="PreviousHit")
        self.next_hit_button = tool_button("chevron-down", object_name="NextHit")

        row = hbox(self, margins=(10, 6, 10, 6), spacing=2)
        for widget in (self.thumbnails_button, self.outline_button, separator(), self.previous_button, self.page_field, self.page_total,
                       self.next_button, separator(), self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_width_button,
                       self.fit_page_button, separator(), self.single_button, self.continuous_button, *self.annotation_widgets):
            row.addWidget(widget)
        row.addStretch(1)
        row.addSpacing(8)
        for widget in (self.search, self.hit_count, self.previous_hit_button, self.next_hit_button):
            row.addWidget(widget)
        self.set_hits_enabled(False)
        self.set_annotations_shown(False)
        self._show_colour()
        self.retranslate()

    def retranslate(self) -> None:
        self.thumbnails_button.setToolTip(_("Page thumbnails"))
        self.outline_button.setToolTip(_("Outline"))
        self.previous_button.setToolTip(_("Previous page (Page Up)"))
        self.next_button.setToolTip(_("Next page (Page Down)"))
        self.page_field.setToolTip(_("Go to page (Ctrl+G)"))
        self.zoom_out_button.setToolTip(_("Zoom out (Ctrl+−)"))
        self.zoom_in_button.setToolTip(_("Zoom in (Ctrl++)"))
        self.fit_width_button.setToolTip(_("Fit width (Ctrl+0)"))
        self.fit_page_button.setToolTip(_("Fit page"))
        self.single_button.setToolTip(_("One page at a time"))
        self.continuous_button.setToolTip(_("Continuous scrolling"))
        self.search.setPlaceholderText(_("Search in the document"))
        self.search.setToolTip(_("Search (Ctrl+F); Enter: next result, Shift+Enter: previous"))
        self.previous_hit_button.setToolTip(_("Previous result (Shift+F3)"))
        self.next_hit_button.setToolTip(_("Next result (F3)"))
        self.page_total.setText(_("/ %(count)s") % {"count": self.page_count} if self.page_count else "")
        for tool, _icon_name, tip in TOOLS:
            self.tool_buttons[tool].setToolTip(_(tip))
        self.colour_button.setToolTip(_("Colour of new annotations"))
        for action, (_colour, name) in zip(self.colour_actions, COLOURS):
            action.setText(_(name))
        self.set_bookmarked(self.bookmark_button.isChecked())
        self.export_button.setToolTip(_("Export with annotations…"))

    # --- state shown --------------------------------------------------------------------------
    def set_page_count(self, count: int) -> None:
        self.page_count = count
        self.page_field.validator().setRange(1, max(1, count))
        self.retranslate()

    def set_page(self, page: int) -> None:
        if not self.page_field.hasFocus():
            self.page_field.setText(str(page + 1))
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < self.page_count)

    def set_zoom(self, zoom: float, fit: str | None) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        self.fit_width_button.setChecked(fit == "width")
        self.fit_page_button.setChecked(fit == "page")

    def set_annotations_shown(self, shown: bool) -> None:
        for widget in self.annotation_widgets:
            widget.setVisible(shown)

    def set_tool(self, tool: str) -> None:
        self.tool_buttons[tool].setChecked(True)
        self._show_colour()

    def _on_tool_clicked(self, tool: str) -> None:
        self._show_colour()
        self.tool_chosen.emit(tool)

    @property
    def tool(self) -> str:
        return next(t for t, btn in self.tool_buttons.items() if btn.isChecked())

    @property
    def colour(self) -> str:
        """The colour of the current tool (the highlighter's while selecting)."""
        return self.colours.get(self.tool, self.colours["highlight"])

    def choose_colour(self, colour: str) -> None:
        self.colours[self.tool if self.tool in self.colours else "highlight"] = colour
        self._show_colour()
        self.colour_chosen.emit(colour)

    def _show_colour(self) -> None:
        # Selecting: the selected annotation's colour is changed in its editor, not here.
        self.colour_button.setEnabled(self.tool in self.colours)
        self.colour_button.setIcon(colour_dot(self.colour if self.tool in self.colours else "#c3cad3"))
        for action in self.colour_actions:
            action.setCheckable(True)
            action.setChecked(action.data() == self.colour)

    def set_bookmarked(self, bookmarked: bool) -> None:
        self.bookmark_button.setChecked(bookmarked)
        self.bookmark_button.setToolTip(_("Remove the bookmark of this page") if bookmarked else _("Bookmark this page"))

    def set_hits_enabled(self, enabled: bool) -> None:
        self.previous_hit_button.setEnabled(enabled)
        self.next_hit_button.setEnabled(enabled)

    def _on_page_entered(self) -> None:
        text = self.page_field.text().strip()
        if text.isdigit():
            self.page_entered.emit(int(text) - 1)
