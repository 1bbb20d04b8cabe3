"""ReaderWindow: a delegate reads one meeting document. A title bar, the toolbar, thumbnails, the
outline or the annotations on the left, the pages on the right; search with highlighted results.
Opened with a session and the document's record, it keeps annotations (annotation_controller.py);
with a bare file it only reads.

The file is opened off the GUI thread (TaskRunner); pages are rendered by the document's own
worker thread (ui/views/reader/document.py), so the window stays responsive on a 400-page
report and shows its first page within a few tens of milliseconds.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QWidget

from app.domain.annotations import ANNOTATORS
from app.i18n import _, ngettext
from app.pdf.render import PageRenderer
from app.pdf.search import SearchHit, fold
from ui.feedback import error_text
from ui.language import Translatable, install_language_support
from ui.tasks import TaskRunner
from ui.views.reader.annotation_controller import ReaderAnnotations
from ui.views.reader.document import ReaderDocument
from ui.views.reader.follow import ChairFollower
from ui.widgets.icons import pixmap
from ui.views.reader.side_panel import SidePanel
from ui.views.reader.toolbar import ReaderToolbar
from ui.widgets.common import Banner, ElidedLabel, button, hbox, repolish, vbox
from ui.widgets.page_view import PageView
from ui.widgets.spinner import Spinner

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 300  # typing pauses this long before a search starts
MIN_QUERY = 2  # characters (a shorter one is searched on Enter only)

TITLE_STYLE = """
QWidget#ReaderTitleBar { background: #14324f; }
QWidget#ReaderTitleBar QLabel { color: #ffffff; background: transparent; }
QLabel#ReaderTitle { font-size: 11.5pt; font-weight: bold; }
QLabel#ReaderPages { color: #b9c7d6; font-size: 9pt; }
QLabel#ReaderFollowing { color: #7ee2a8; font-weight: bold; }
"""


class ReaderWindow(Translatable, QMainWindow):
    document_opened = Signal()
    page_changed = Signal(int)  # 0-based

    def __init__(self, path: Path, *, title: str, tasks: TaskRunner | None = None, parent: QWidget | None = None,
                 session: Any = None, document: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        install_language_support()
        self.setObjectName("ReaderWindow")
        self.path = Path(path) if isinstance(path, str) else path  # a Path, or a confidential SealedFile
        self.title = title
        self.tasks = tasks or TaskRunner(self)
        self.document: ReaderDocument | None = None
        self.error: BaseException | None = None
        self.hits: list[SearchHit] = []
        self.hit_index: int | None = None
        self._query = ""
        self._search_no = 0
        self._searching = False
        self._closed = False

        # Title bar: the document and its length.
        self.title_bar = QWidget()
        self.title_bar.setObjectName("ReaderTitleBar")
        self.title_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title_bar.setStyleSheet(TITLE_STYLE)
        doc_icon = QLabel()
        doc_icon.setPixmap(pixmap("file-text", "#ffffff", 18))
        doc_icon.setFixedSize(18, 18)
        self.title_label = ElidedLabel("ReaderTitle")
        self.pages_label = ElidedLabel("ReaderPages")
        self.spinner = Spinner(size=16, color="#ffffff")
        # Following the chair: the page the chair shows (ui/views/reader/follow.py).
        self.following_label = QLabel()
        self.following_label.setObjectName("ReaderFollowing")
        self.following_label.setVisible(False)
        self.back_to_chair = button(variant="primary", icon_name="chevron-right", on_click=lambda: self.follower.back() if self.follower else None)
        self.back_to_chair.setObjectName("BackToChair")
        self.back_to_chair.setVisible(False)
        bar = hbox(self.title_bar, margins=(16, 9, 16, 9), spacing=10)
        bar.addWidget(doc_icon)
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.following_label)
        bar.addWidget(self.back_to_chair)
        bar.addWidget(self.spinner)
        bar.addWidget(self.pages_label)

        self.toolbar = ReaderToolbar()
        self.banner = Banner("error")
        self.notice = Banner("info", closable=True)  # what the annotation tools have to say
        self.side = SidePanel()
        self.view = PageView()
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.side)
        self.splitter.addWidget(self.view)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self.side.width(), 1000])

        central = QWidget()
        central.setObjectName("Page")
        layout = vbox(central, spacing=0)
        layout.addWidget(self.title_bar)
        layout.addWidget(self.toolbar)
        banner_holder = QWidget()
        holder_layout = vbox(banner_holder, margins=(16, 10, 16, 10), spacing=6)
        holder_layout.addWidget(self.banner)
        holder_layout.addWidget(self.notice)
        self.notice.close_button.clicked.connect(self._sync_banner_holder)
        banner_holder.setVisible(False)
        self.banner_holder = banner_holder
        layout.addWidget(banner_holder)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.resize(1280, 800)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._start_search)
        self.annotations: ReaderAnnotations | None = None
        if session is not None and document is not None and session.role in ANNOTATORS:  # a kiosk or a guest only reads
            self.annotations = ReaderAnnotations(self, session, document, notify=self.show_notice)
        self.follower: ChairFollower | None = None
        if session is not None and document is not None and document.get("meeting_id"):
            self.follower = ChairFollower(session, document, self.view.go_to_page, self)
            self.follower.changed.connect(self._sync_following)
        self._connect()
        self._set_enabled(False)
        self.retranslate()
        self._open()

    # --- wiring -------------------------------------------------------------------------------
    def _connect(self) -> None:
        tb = self.toolbar
        tb.thumbnails_button.clicked.connect(lambda: self._toggle_panel("thumbnails"))
        tb.outline_button.clicked.connect(lambda: self._toggle_panel("outline"))
        tb.previous_button.clicked.connect(self.view.previous_page)
        tb.next_button.clicked.connect(self.view.next_page)
        tb.page_entered.connect(self._on_page_entered)
        tb.zoom_out_button.clicked.connect(self.view.zoom_out)
        tb.zoom_in_button.clicked.connect(self.view.zoom_in)
        tb.fit_width_button.clicked.connect(self.view.fit_width)
        tb.fit_page_button.clicked.connect(self.view.fit_page)
        tb.single_button.clicked.connect(lambda: self.view.set_continuous(False))
        tb.continuous_button.clicked.connect(lambda: self.view.set_continuous(True))
        tb.search.textChanged.connect(self._on_query_edited)
        tb.search.next_requested.connect(self._on_search_enter)
        tb.search.previous_requested.connect(self.previous_hit)
        tb.search.escaped.connect(self._leave_search)
        tb.next_hit_button.clicked.connect(self.next_hit)
        tb.previous_hit_button.clicked.connect(self.previous_hit)
        self.side.page_chosen.connect(self._on_page_chosen)
        self.side.tab_changed.connect(lambda _key: self._sync_panel_buttons())
        self.view.current_page_changed.connect(self._on_current_page)
        self.view.zoom_changed.connect(lambda _z: self._sync_zoom())
        self.view.layout_changed.connect(self._sync_zoom)

        def shortcut(keys: QKeySequence | str, slot) -> None:  # noqa: ANN001
            QShortcut(QKeySequence(keys), self, activated=slot)

        shortcut(QKeySequence.StandardKey.Find, self.focus_search)
        shortcut("Ctrl+G", self.focus_page_field)
        shortcut("F3", self.next_hit)
        shortcut("Shift+F3", self.previous_hit)
        shortcut("Ctrl++", self.view.zoom_in)
        shortcut("Ctrl+=", self.view.zoom_in)
        shortcut("Ctrl+-", self.view.zoom_out)
        shortcut("Ctrl+0", self.view.fit_width)

    def retranslate(self) -> None:
        self.setWindowTitle(_("%(title)s — Chamber") % {"title": self.title})
        self.title_label.setText(self.title)
        self.view.failed_text = _("Page %(page)s cannot be displayed.")
        if self.document is not None:
            count = self.document.page_count
            self.pages_label.setText(ngettext("%(count)s page", "%(count)s pages", count) % {"count": count})
        elif self.error is None:
            self.pages_label.setText(_("Opening…"))
        else:
            self.pages_label.setText("")
        if self.error is not None:
            self.banner.show_message(lambda: error_text(self.error))
        self.following_label.setText("● " + _("Following the chair"))
        self.back_to_chair.setText(_("Back to the chair"))
        self._update_hit_count()
        self.view.viewport().update()

    # --- opening ------------------------------------------------------------------------------
    def _open(self) -> None:
        self.spinner.start()
        path = self.path
        self.tasks.run(lambda: PageRenderer(path), on_done=self._on_opened, on_error=self._on_open_failed, key=f"reader-open-{id(self)}")

    def _on_opened(self, renderer: PageRenderer) -> None:
        self.spinner.stop()
        if self._closed:
            renderer.close()
            return
        self.document = ReaderDocument(renderer, self, device_pixel_ratio=self.devicePixelRatioF())
        self.document.search_found.connect(self._on_search_found)
        self.document.search_finished.connect(self._on_search_finished)
        self.view.set_source(self.document)
        self.side.thumbnails.set_source(self.document)
        self.side.set_outline(self.document.outline())
        self.toolbar.set_page_count(self.document.page_count)
        self._set_enabled(True)
        self._on_current_page(self.view.current_page)
        self._sync_zoom()
        self._sync_panel_buttons()
        self.retranslate()
        self.view.setFocus()
        if self.annotations is not None:
            self.annotations.start(self.document)
        if self.follower is not None:
            self.follower.start()
        self.document_opened.emit()
        if self.toolbar.search.text().strip():
            self._start_search()

    def _on_open_failed(self, error: BaseException) -> None:
        self.spinner.stop()
        self.error = error
        self.banner.set_kind("error")
        self.banner_holder.setVisible(True)
        self.retranslate()

    def show_notice(self, text: Callable[[], str], kind: str = "info") -> None:
        self.notice.show_message(text, kind)
        self._sync_banner_holder()

    def _sync_banner_holder(self) -> None:
        self.banner_holder.setVisible(not self.banner.isHidden() or not self.notice.isHidden())

    @property
    def ready(self) -> bool:
        return self.document is not None

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.toolbar, self.side, self.view):
            widget.setEnabled(enabled)

    # --- pages --------------------------------------------------------------------------------
    def go_to_page(self, page: int) -> None:
        self.view.go_to_page(page)

    def _on_page_entered(self, page: int) -> None:
        self.view.go_to_page(page)
        self.view.setFocus()

    def _on_page_chosen(self, page: int) -> None:
        self.view.go_to_page(page)
        self.view.setFocus()

    def _on_current_page(self, page: int) -> None:
        self.toolbar.set_page(page)
        if not self.side.isHidden() and self.side.tab == "thumbnails":
            self.side.thumbnails.set_current(page)
        if self.follower is not None:
            self.follower.page_changed(page)
        self.page_changed.emit(page)

    def _sync_following(self) -> None:
        follower = self.follower
        active = follower is not None and follower.active
        self.following_label.setVisible(active and follower.following)
        self.back_to_chair.setVisible(active and not follower.following)

    def _sync_zoom(self) -> None:
        self.toolbar.set_zoom(self.view.zoom, self.view.fit)

    def focus_page_field(self) -> None:
        self.toolbar.page_field.setFocus()
        self.toolbar.page_field.selectAll()

    # --- side panel -----------------------------------------------------------------------------
    def _toggle_panel(self, tab: str) -> None:
        if not self.side.isHidden() and self.side.tab == tab:
            self.side.setVisible(False)
        else:
            self.side.show_tab(tab)
            self.side.setVisible(True)
            if tab == "thumbnails":
                self.side.thumbnails.set_current(self.view.current_page)
        self._sync_panel_buttons()

    def _sync_panel_buttons(self) -> None:
        shown = not self.side.isHidden()
        self.toolbar.thumbnails_button.setChecked(shown and self.side.tab == "thumbnails")
        self.toolbar.outline_button.setChecked(shown and self.side.tab == "outline")

    def show_panel(self, tab: str | None) -> None:
        """"thumbnails", "outline" or None (hidden)."""
        if tab is None:
            self.side.setVisible(False)
        else:
            self.side.show_tab(tab)
            self.side.setVisible(True)
        self._sync_panel_buttons()

    # --- search -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.toolbar.search.setFocus()
        self.toolbar.search.selectAll()

    def search(self, text: str) -> None:
        """Search now for `text` (as if typed and Enter pressed)."""
        self.toolbar.search.setText(text)
        self._start_search()

    def _on_query_edited(self, text: str) -> None:
        if len(fold(text).strip()) >= MIN_QUERY or not text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()

    def _on_search_enter(self) -> None:
        if fold(self.toolbar.search.text()).split() != fold(self._query).split() or self._search_timer.isActive():
            self._start_search()
        else:
            self.next_hit()

    def _start_search(self) -> None:
        self._search_timer.stop()
        query = self.toolbar.search.text()
        self._query = query
        self.hits = []
        self.hit_index = None
        self.view.set_hits({})
        self.view.set_current_hit(None)
        self.side.thumbnails.set_marks({})
        if self.document is None:
            return
        if not fold(query).split():
            self.document.cancel_search()
            self._searching = False
            self._update_hit_count()
            return
        self._searching = True
        self._search_no = self.document.search(query, start=self.view.current_page)
        self._update_hit_count()

    def _on_search_found(self, number: int, batch: list[tuple[int, list[SearchHit]]]) -> None:
        if number != self._search_no:
            return
        current = self.hits[self.hit_index] if self.hit_index is not None else None
        new = [hit for _page, hits in batch for hit in hits]
        if not new:
            self._update_hit_count()
            return
        self.hits.extend(new)
        self.hits.sort(key=lambda h: (h.page, h.start))
        if current is None:
            current = new[0]  # the first one from where the reader is: go there
            self.hit_index = self.hits.index(current)
            self._show_current_hit()
        else:
            self.hit_index = self.hits.index(current)
        by_page: dict[int, list] = {}
        for hit in self.hits:
            by_page.setdefault(hit.page, []).extend(hit.rects)
        self.view.set_hits(by_page)
        counts: dict[int, int] = {}
        for hit in self.hits:
            counts[hit.page] = counts.get(hit.page, 0) + 1
        self.side.thumbnails.set_marks(counts)
        self._update_hit_count()

    def _on_search_finished(self, number: int, _total: int) -> None:
        if number == self._search_no:
            self._searching = False
            self._update_hit_count()

    def next_hit(self) -> None:
        self._step_hit(1)

    def previous_hit(self) -> None:
        self._step_hit(-1)

    def _step_hit(self, step: int) -> None:
        if not self.hits:
            return
        self.hit_index = 0 if self.hit_index is None else (self.hit_index + step) % len(self.hits)
        self._show_current_hit()
        self._update_hit_count()

    def _show_current_hit(self) -> None:
        hit = self.hits[self.hit_index]
        self.view.set_current_hit(hit.page, hit.rects)

    def _leave_search(self) -> None:
        self.toolbar.search.clear()
        self.view.setFocus()

    def _update_hit_count(self) -> None:
        label = self.toolbar.hit_count
        none = False
        if not self._query.strip() or self.document is None:
            text = ""
        elif self.hits:
            text = _("%(current)s of %(count)s") % {"current": (self.hit_index or 0) + 1, "count": len(self.hits)}
            if self._searching:
                text += "…"
        elif self._searching:
            text = _("Searching…")
        else:
            text = _("No results")
            none = True
        label.setText(text)
        if label.property("none") != none:
            label.setProperty("none", none)
            repolish(label)
        self.toolbar.set_hits_enabled(len(self.hits) > 0)

    # --- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._closed = True
            self._search_timer.stop()
            if self.annotations is not None:
                self.annotations.close()
            if self.follower is not None:
                self.follower.close()
            if self.document is not None:
                self.document.close()
        super().closeEvent(event)
