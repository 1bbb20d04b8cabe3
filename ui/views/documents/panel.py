"""DocumentsPanel: the documents of one meeting.

Everyone sees the list (title, agenda item, pages, size, confidential badge, whether the file is on
this device) and opens a document in the reader, downloading it first with a progress bar, or
downloads them all for reading offline. Editors also add files: "Add documents…" or dropped on the
panel; each file is uploaded in turn with its own line, and a refused file says why there while
the others go on. All network work runs on the TaskRunner; worker progress comes back through a
queued signal (rows.Relay).
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QHeaderView, QProgressBar, QTreeWidget, QTreeWidgetItem, QWidget

from app.errors import NotFoundError
from app.i18n import _
from app.pdf.errors import DocumentRefusedError
from ui.bridge import ChangeBatch
from ui.feedback import error_text
from ui.language import Translatable
from ui.views.documents.rows import STYLE, OfflineCell, Relay, TitleCell, TransferRow, size_text
from ui.views.reader import open_reader, preload
from ui.widgets.common import Banner, button, card, hbox, icon_label, label, repolish, vbox
from ui.widgets.spinner import Spinner

log = logging.getLogger(__name__)

TITLE, ITEM, PAGES, SIZE, OFFLINE, OPEN = range(6)
ROW_HEIGHT = 54
ALL = "*all"  # the relay key of "download all"
FILE_FILTER = "*.pdf *.docx *.xlsx"


def _is_refusal(error: BaseException) -> bool:
    return isinstance(error, DocumentRefusedError) or getattr(error, "code", "") == "document_refused"


class DocumentsPanel(Translatable, QWidget):
    count_changed = Signal(int)
    reader_opened = Signal(object)  # ReaderWindow

    def __init__(self, session, tasks, *, with_header: bool = False, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.editable = session.can_edit
        self.meeting_id: str | None = None
        self.documents: list[dict[str, Any]] = []
        self.downloading: dict[str, float] = {}
        self.cells: dict[str, OfflineCell] = {}
        self.open_buttons: dict[str, QWidget] = {}
        self.transfers: list[TransferRow] = []
        self.queue: deque[tuple[TransferRow, Path, str]] = deque()
        self.uploading: TransferRow | None = None
        self.readers: list[QWidget] = []
        self.file_dialog: QFileDialog | None = None
        self._preloaded = False
        self.relay = Relay(self)
        self.relay.moved.connect(self._on_progress)
        self.setObjectName("DocumentsPanel")
        self.setStyleSheet(STYLE)

        # --- actions (editors: on the page's tab line; everyone else: in the card's header)
        self.spinner = Spinner(size=16)
        self.download_all_button = button(variant="tool", icon_name="arrow-down", on_click=self.download_all)
        self.download_all_button.setObjectName("documents_download_all")
        self.add_button = button(variant="primary", icon_name="plus", on_click=self.choose_files) if self.editable else None
        self.actions = QWidget()
        actions = hbox(self.actions, spacing=8)
        actions.addWidget(self.spinner)
        actions.addWidget(self.download_all_button)
        if self.add_button is not None:
            self.add_button.setObjectName("documents_add")
            actions.addWidget(self.add_button)

        layout = vbox(self, spacing=10)
        self.title = label("SectionTitle")
        if with_header:
            head = hbox(spacing=10)
            head.addWidget(self.title, 1)
            head.addWidget(self.actions)
            layout.addLayout(head)

        self.notice = Banner("error", closable=True)
        layout.addWidget(self.notice)

        # "Download all" progress.
        self.all_row = QWidget()
        all_layout = hbox(self.all_row, spacing=10)
        self.all_text = label("Small")
        self.all_bar = QProgressBar()
        self.all_bar.setRange(0, 1000)
        self.all_bar.setTextVisible(False)
        all_layout.addWidget(self.all_text)
        all_layout.addWidget(self.all_bar, 1)
        self.all_row.setVisible(False)
        layout.addWidget(self.all_row)

        # Files being added.
        self.transfer_box = QWidget()
        self.transfer_layout = vbox(self.transfer_box, spacing=6)
        self.transfer_box.setVisible(False)
        layout.addWidget(self.transfer_box)

        # The list.
        self.tree = QTreeWidget()
        self.tree.setObjectName("DocumentList")
        self.tree.setColumnCount(6)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Interactive)
        for col, width in ((ITEM, 190), (PAGES, 62), (SIZE, 96), (OFFLINE, 136), (OPEN, 60)):
            if col != ITEM:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.tree.setColumnWidth(col, width)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self.open_document(item.data(TITLE, Qt.ItemDataRole.UserRole)))
        self.tree.itemActivated.connect(lambda item, _col: self.open_document(item.data(TITLE, Qt.ItemDataRole.UserRole)))
        self.empty = label("Muted", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(60)
        if with_header:
            layout.addWidget(self.tree)
            layout.addWidget(self.empty)
        else:
            list_card = card()
            list_layout = vbox(list_card, margins=(16, 12, 16, 12), spacing=8)
            list_layout.addWidget(self.tree)
            list_layout.addWidget(self.empty)
            layout.addWidget(list_card)

        # Editors: where files may be dropped (the whole panel accepts them).
        self.drop_zone = card(object_name="DropZone")
        drop_layout = hbox(self.drop_zone, margins=(16, 14, 16, 14), spacing=10)
        drop_layout.addStretch(1)
        drop_layout.addWidget(icon_label("arrow-up", "#5f6b7a", 18))
        self.drop_text = label("Muted")
        drop_layout.addWidget(self.drop_text)
        drop_layout.addStretch(1)
        self.drop_zone.setVisible(self.editable)
        layout.addWidget(self.drop_zone)
        layout.addStretch(1)
        self.setAcceptDrops(self.editable)
        self.retranslate()

    # --- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Documents (%(count)d)") % {"count": len(self.documents)} if self.documents else _("Documents"))
        self.tree.setHeaderLabels([_("Document"), _("Agenda item"), _("Pages"), _("Size"), _("On this device"), ""])
        self.download_all_button.setToolTip(_("Download every document of the meeting so it can be read without the network."))
        if self.add_button is not None:
            self.add_button.setText(_("Add documents…"))
            self.add_button.setToolTip(_("PDF, Word (DOCX) or Excel (XLSX) files; Word and Excel are converted to PDF on the server."))
        self.drop_text.setText(_("Drop PDF, Word or Excel files here to add them to the meeting."))
        self.empty.setText(
            _("No documents yet. Add PDF, Word or Excel files with “Add documents…” or drop them here.") if self.editable
            else _("No documents have been shared for this meeting yet.")
        )
        for row in self.transfers:
            row.retranslate()
        if self.all_row.isVisible():
            self.all_text.setText(_("Downloading all documents…"))
        self._populate()

    # --- the list -----------------------------------------------------------------------------
    def set_meeting(self, meeting_id: str | None) -> None:
        if meeting_id != self.meeting_id:
            self.notice.clear()
            self._clear_finished_transfers()
        self.meeting_id = meeting_id
        self.refresh()

    def refresh(self) -> None:
        self.documents = self.session.list_documents(self.meeting_id) if self.meeting_id else []
        self._populate()
        self.count_changed.emit(len(self.documents))

    def _agenda(self) -> dict[str, dict[str, Any]]:
        if not self.meeting_id:
            return {}
        try:
            return {i["id"]: i for i in self.session.get_agenda(self.meeting_id)}
        except NotFoundError:
            return {}

    def _populate(self) -> None:
        selected = self.selected_id()
        self.tree.clear()
        self.cells.clear()
        self.open_buttons.clear()
        agenda = self._agenda()
        all_here = bool(self.documents)
        for doc in self.documents:
            item = QTreeWidgetItem()
            item.setData(TITLE, Qt.ItemDataRole.UserRole, doc["id"])
            item.setSizeHint(TITLE, QSize(0, ROW_HEIGHT))
            agenda_item = agenda.get(doc.get("agenda_item_id") or "")
            if agenda_item is not None:
                text = f"{agenda_item.get('number', '')}. {agenda_item.get('title', '')}".strip(". ")
                item.setText(ITEM, text)
                item.setToolTip(ITEM, text)
            else:
                item.setText(ITEM, "—")
                item.setForeground(ITEM, Qt.GlobalColor.gray)
            pages = doc.get("pages")
            item.setText(PAGES, str(pages) if pages else "—")
            item.setText(SIZE, size_text(doc.get("size_bytes")))
            for col in (PAGES, SIZE):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
            self.tree.setItemWidget(item, TITLE, TitleCell(doc))
            cell = OfflineCell()
            here = self.session.document_file(doc) is not None
            all_here = all_here and here
            cell.show_state(here, self.downloading.get(doc["id"]))
            self.cells[doc["id"]] = cell
            self.tree.setItemWidget(item, OFFLINE, cell)
            holder = QWidget()
            open_button = button(_("Open"), variant="link", on_click=lambda d=doc["id"]: self.open_document(d))
            open_button.setObjectName(f"open_{doc['id']}")
            hbox(holder, margins=(0, 0, 8, 0)).addWidget(open_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.open_buttons[doc["id"]] = open_button
            self.tree.setItemWidget(item, OPEN, holder)
            if doc["id"] == selected:
                self.tree.setCurrentItem(item)
        has_docs = bool(self.documents)
        self.tree.setVisible(has_docs)
        self.empty.setVisible(not has_docs)
        header_height = self.tree.header().sizeHint().height()
        self.tree.setFixedHeight(header_height + len(self.documents) * (ROW_HEIGHT + 1) + 4)
        self.title.setText(_("Documents (%(count)d)") % {"count": len(self.documents)} if has_docs else _("Documents"))
        busy = self.tasks.is_running("documents-download-all")
        self.download_all_button.setEnabled(has_docs and not all_here and not busy)
        self.download_all_button.setText(_("All documents are on this device") if has_docs and all_here else _("Download all for offline reading"))
        self._sync_spinner()

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(TITLE, Qt.ItemDataRole.UserRole) if item is not None else None

    def row_texts(self) -> list[dict[str, str]]:
        """What each row shows (tests, screenshots)."""
        rows = []
        for n in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(n)
            doc_id = item.data(TITLE, Qt.ItemDataRole.UserRole)
            title = self.tree.itemWidget(item, TITLE)
            rows.append({"id": doc_id, "title": title.title.text(), "file": title.file.text(), "item": item.text(ITEM), "pages": item.text(PAGES),
                         "size": item.text(SIZE), "offline": self.cells[doc_id].text.text(), "confidential": title.badge.text()})
        return rows

    # --- opening ------------------------------------------------------------------------------
    def open_document(self, document_id: str | None) -> None:
        if not document_id:
            return
        try:
            document = self.session.get_document(document_id)
        except NotFoundError as err:
            self.notice.show_message(lambda e=err: error_text(e), "error")
            self.refresh()
            return
        path = self.session.document_file(document)
        if path is not None:
            self._open(document, path)
            return
        key = f"document-download:{document_id}"
        if self.tasks.is_running(key):
            return
        self.downloading[document_id] = 0.0
        self._show_cell(document_id)
        session, relay = self.session, self.relay
        self.tasks.run(lambda: (document_id, session.download_document(document_id, lambda f: relay.report(document_id, f))),
                       on_done=self._on_downloaded, on_error=lambda err, d=document_id: self._on_download_failed(d, err), key=key)
        self._sync_spinner()

    def _on_downloaded(self, result: tuple[str, Path]) -> None:
        document_id, path = result
        self.downloading.pop(document_id, None)
        self._show_cell(document_id)
        self._sync_spinner()
        try:
            document = self.session.get_document(document_id)
        except NotFoundError:
            self.refresh()
            return
        self._open(document, path)

    def _on_download_failed(self, document_id: str, error: BaseException) -> None:
        self.downloading.pop(document_id, None)
        self._show_cell(document_id)
        self._sync_spinner()
        self.notice.show_message(lambda: _("The document could not be downloaded: %(reason)s") % {"reason": error_text(error)}, "error")

    def _open(self, document: dict[str, Any], path: Path) -> None:
        title = document.get("title") or document.get("file_name") or ""
        window = open_reader(path, title, parent=self.window(), tasks=self.tasks, session=self.session, document=document)
        self.readers = [r for r in self.readers if _valid(r)] + [window]
        self._show_cell(document["id"])
        self.reader_opened.emit(window)

    def _show_cell(self, document_id: str) -> None:
        cell = self.cells.get(document_id)
        if cell is None:
            return
        try:
            here = self.session.document_file(document_id) is not None
        except NotFoundError:
            here = False
        cell.show_state(here, self.downloading.get(document_id))

    # --- download all -------------------------------------------------------------------------
    def download_all(self) -> None:
        if not self.meeting_id or self.tasks.is_running("documents-download-all"):
            return
        meeting_id, session, relay = self.meeting_id, self.session, self.relay
        self.notice.clear()
        self.all_text.setText(_("Downloading all documents…"))
        self.all_bar.setValue(0)
        self.all_row.setVisible(True)
        self.download_all_button.setEnabled(False)
        self.tasks.run(lambda: session.predownload(meeting_id, lambda f: relay.report(ALL, f)),
                       on_done=self._on_all_downloaded, on_error=self._on_all_failed, key="documents-download-all")
        self._sync_spinner()

    def _on_all_downloaded(self, paths: list[Path]) -> None:
        self.all_row.setVisible(False)
        self.notice.show_message(lambda: _("All documents are on this device: they open without the network."), "success")
        self.refresh()

    def _on_all_failed(self, error: BaseException) -> None:
        self.all_row.setVisible(False)
        self.notice.show_message(lambda: _("Not every document could be downloaded: %(reason)s") % {"reason": error_text(error)}, "error")
        self.refresh()

    def _on_progress(self, key: str, fraction: float) -> None:
        if key == ALL:
            self.all_bar.setValue(int(fraction * 1000))
        elif key in self.downloading:
            self.downloading[key] = fraction
            self._show_cell(key)
        elif self.uploading is not None and key == self.uploading.operation_id:
            self.uploading.set_progress(fraction)

    def _sync_spinner(self) -> None:
        busy = bool(self.downloading) or self.uploading is not None or self.tasks.is_running("documents-download-all")
        if busy and not self.spinner.running:
            self.spinner.start()
        elif not busy and self.spinner.running:
            self.spinner.stop()

    # --- adding (editors) ---------------------------------------------------------------------
    def choose_files(self) -> QFileDialog | None:
        if not self.editable or not self.meeting_id:
            return None
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self, _("Add documents"), start, f"{_('Documents')} ({FILE_FILTER});;{_('All files')} (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda files: self.upload([Path(f) for f in files]))
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def upload(self, paths: list[Path | str] | Path | str) -> list[TransferRow]:
        """Queue files to add to the meeting; each gets its line, uploaded one after the other."""
        if isinstance(paths, (str, Path)):
            paths = [paths]
        if not self.editable or not self.meeting_id:
            return []
        self._clear_finished_transfers()
        rows = []
        for path in paths:
            path = Path(path)
            row = TransferRow(path.name)
            row.operation_id = str(uuid.uuid4())  # a retry of the same line attaches the file once
            row.closed.connect(lambda r=row: self._remove_transfer(r))
            row.retry.connect(lambda r=row, p=path: self._retry(r, p))
            self.transfers.append(row)
            self.transfer_layout.addWidget(row)
            self.queue.append((row, path, self.meeting_id))
            rows.append(row)
        self.transfer_box.setVisible(bool(self.transfers))
        self._next_upload()
        return rows

    def _retry(self, row: TransferRow, path: Path) -> None:
        if self.meeting_id is None:
            return
        row.set_waiting()
        self.queue.append((row, path, self.meeting_id))
        self._next_upload()

    def _next_upload(self) -> None:
        if self.uploading is not None or not self.queue:
            self._sync_spinner()
            return
        row, path, meeting_id = self.queue.popleft()
        self.uploading = row
        row.set_progress(0.0)
        session, relay, op = self.session, self.relay, row.operation_id
        self.tasks.run(lambda: session.upload_document(meeting_id, path, progress=lambda f: relay.report(op, f), operation_id=op),
                       on_done=self._on_uploaded, on_error=self._on_upload_failed)
        self._sync_spinner()

    def _on_uploaded(self, document: dict[str, Any]) -> None:
        row, self.uploading = self.uploading, None
        if row is not None and _valid(row):
            row.set_done(document.get("title") or document.get("file_name") or "")
        self.refresh()
        self._next_upload()

    def _on_upload_failed(self, error: BaseException) -> None:
        row, self.uploading = self.uploading, None
        if row is not None and _valid(row):
            row.set_failed(error, refused=_is_refusal(error))
        self._next_upload()

    def _remove_transfer(self, row: TransferRow) -> None:
        if row in self.transfers and row.state in ("done", "refused", "failed"):
            self.transfers.remove(row)
            row.deleteLater()
        self.transfer_box.setVisible(bool(self.transfers))

    def _clear_finished_transfers(self) -> None:
        """Lines of files added successfully go when the next files come; refusals stay until closed."""
        for row in [r for r in self.transfers if r.state == "done"]:
            self._remove_transfer(row)

    # --- drag and drop ------------------------------------------------------------------------
    def _dropped_files(self, event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and Path(u.toLocalFile()).is_file()]

    def _set_drop_active(self, active: bool) -> None:
        self.drop_zone.setProperty("active", active)
        repolish(self.drop_zone)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self.editable and self.meeting_id and self._dropped_files(event):
            event.acceptProposedAction()
            self._set_drop_active(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802 - Qt override
        self._set_drop_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self._set_drop_active(False)
        files = self._dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.upload(files)

    # --- showing, live updates ----------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._preloaded:
            self._preloaded = True
            preload(self.tasks)  # the PDF engine is ready before the first "Open"

    def apply_changes(self, batch: ChangeBatch) -> None:
        if self.meeting_id is None:
            return
        if batch.touches("document") or batch.touches("agenda", self.meeting_id) or batch.touches("meeting", self.meeting_id):
            self.refresh()


def _valid(widget: QWidget) -> bool:
    import shiboken6  # noqa: PLC0415

    return shiboken6.isValid(widget)
