"""UsageReportDialog: invitations per month, the answer rate, e-mails sent, and what the same
work would have cost by SMS, with the assumptions behind the estimate. Loaded from the server
off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QDialog, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from app.i18n import _
from ui.feedback import error_text
from ui.language import Translatable
from ui.views.invitations import present
from ui.widgets.common import Banner, button, card, hbox, label, vbox
from ui.widgets.spinner import Spinner

COLUMNS = ("month", "invitations", "answer_rate", "emailed", "sms_saved", "saving_vnd")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def column_titles() -> list[str]:
    return [_("Month"), _("Invitations"), _("Answered"), _("E-mailed"), _("SMS saved"), _("Saving")]


class UsageReportDialog(Translatable, QDialog):
    def __init__(self, parent: QWidget | None, session, tasks) -> None:  # noqa: ANN001 - ChamberSession, TaskRunner
        super().__init__(parent)
        self.setObjectName("UsageReportDialog")
        self.setModal(True)
        self.setMinimumWidth(820)
        self.session = session
        self.tasks = tasks
        self.report: dict[str, Any] | None = None
        self.failure: BaseException | None = None

        self.heading = label("PageTitle")
        self.intro = label("Muted", wrap=True)
        self.error = Banner("error")
        self.spinner = Spinner(size=20)
        self.loading = label("Muted")
        busy = hbox(spacing=10)
        busy.addWidget(self.spinner)
        busy.addWidget(self.loading, 1)
        self.busy = busy

        # Totals: three figures side by side.
        self.totals: dict[str, tuple[Any, Any]] = {}
        totals_row = hbox(spacing=12)
        for key in ("total_invitations", "answer_rate", "estimated_saving_vnd"):
            box = card()
            number = label("")
            number.setStyleSheet("font-size: 18pt; font-weight: bold; color: #0f766e;" if key == "estimated_saving_vnd" else "font-size: 18pt; font-weight: bold; color: #14324f;")
            caption = label("Muted", wrap=True)
            lay = vbox(box, margins=(16, 10, 16, 10), spacing=2)
            lay.addWidget(number)
            lay.addWidget(caption)
            self.totals[key] = (number, caption)
            totals_row.addWidget(box, 1)
        self.totals_row = totals_row

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("UsageTable")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setStyleSheet("QTableWidget#UsageTable::item { border-bottom: 1px solid #eef1f4; padding: 0 8px; }")
        self.table.setFrameShape(QTableWidget.Shape.NoFrame)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table_card = card()
        table_layout = vbox(table_card, margins=(12, 10, 12, 10))
        table_layout.addWidget(self.table)
        self.assumptions = label("Small", wrap=True)
        self.close_button = button(variant="primary", on_click=self.accept)

        layout = vbox(self, margins=(24, 20, 24, 18), spacing=12)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.error)
        layout.addLayout(busy)
        layout.addLayout(totals_row)
        layout.addWidget(table_card)
        layout.addWidget(self.assumptions)
        buttons = hbox()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.retranslate()
        self.load()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Usage report"))
        self.heading.setText(_("Invitations: usage report"))
        self.intro.setText(_("Every invitation sent through Chamber, per month, and what sending them by SMS would have cost."))
        self.loading.setText(_("Loading the report from the server…"))
        self.close_button.setText(_("Close"))
        self.table.setHorizontalHeaderLabels(column_titles())
        self.table.horizontalHeaderItem(0).setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col in range(1, len(COLUMNS)):
            self.table.horizontalHeaderItem(col).setTextAlignment(RIGHT)
        self._show()

    def load(self) -> None:
        self.failure = None
        self.spinner.start()
        self.tasks.run(self.session.usage_report, on_done=self._loaded, on_error=self._failed, key=f"usage-{id(self)}")
        self._show()

    @property
    def loaded(self) -> bool:
        return self.report is not None

    def _loaded(self, report: dict[str, Any]) -> None:
        self.report = report
        self.spinner.stop()
        self._show()

    def _failed(self, error: BaseException) -> None:
        self.failure = error
        self.spinner.stop()
        self._show()

    def _show(self) -> None:
        busy = self.spinner.running
        self.loading.setVisible(busy)
        if self.failure is not None:
            err = self.failure
            self.error.show_message(lambda: _("The report could not be loaded: %(reason)s") % {"reason": error_text(err)}, "error")
        else:
            self.error.clear()
        r = self.report
        for number, _caption in self.totals.values():
            number.parentWidget().setVisible(r is not None)
        if r is None:
            self.table.setRowCount(0)
            self.assumptions.clear()
            return
        values = {
            "total_invitations": (present.number(r.get("total_invitations", 0)), _("invitations in total")),
            "answer_rate": (present.percent(r.get("answer_rate", 0.0)), _("answered in the app or by e-mail")),
            "estimated_saving_vnd": (present.money(r.get("estimated_saving_vnd", 0)), _("estimated saving against SMS")),
        }
        for key, (number, caption) in self.totals.items():
            number.setText(values[key][0])
            caption.setText(values[key][1])
        months = list(reversed(r.get("months", [])))  # the latest month first
        self.table.setRowCount(len(months) + 1)
        for row, m in enumerate(months):
            by_body = "\n".join(f"{name}: {present.number(n)}" for name, n in sorted((m.get("by_body") or {}).items()))
            cells = (present.month(m["month"]), present.number(m["invitations"]), present.percent(m.get("answer_rate", 0.0)),
                     present.number(m.get("emailed", 0)), present.number(m.get("sms_saved", 0)), present.money(m.get("saving_vnd", 0)))
            self._fill_row(row, cells, tooltip=by_body)
        total = len(months)
        emailed = sum(m.get("emailed", 0) for m in months)
        sms = sum(m.get("sms_saved", 0) for m in months)
        cells = (_("Total"), present.number(r.get("total_invitations", 0)), present.percent(r.get("answer_rate", 0.0)), present.number(emailed),
                 present.number(sms), present.money(r.get("estimated_saving_vnd", 0)))
        self._fill_row(total, cells, bold=True)
        # As tall as its rows (a year at most, then it scrolls).
        rows_height = sum(self.table.rowHeight(r) for r in range(min(self.table.rowCount(), 13)))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + rows_height + 4)
        self.table.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if self.table.rowCount() > 13 else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QTimer.singleShot(0, self._fit)
        per = r.get("sms_per_invitation", 0)
        per_text = present.number(per) if float(per).is_integer() else f"{per}".replace(".", "," if present.number(1000) == "1.000" else ".")
        self.assumptions.setText(
            _("How the saving is estimated: each invitation would otherwise take %(per)s SMS (the invitation, a reminder and a change notice) at %(cost)s per SMS. "
              "E-mail and the app cost nothing per message.") % {"per": per_text, "cost": present.money(r.get("sms_cost_vnd", 0))}
        )

    def _fit(self) -> None:
        """As tall as the content once the wrapped texts have their height (no empty band)."""
        layout = self.layout()
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        self.resize(self.width(), max(height, layout.totalMinimumSize().height()))

    def _fill_row(self, row: int, cells: tuple[str, ...], *, bold: bool = False, tooltip: str = "") -> None:
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col:
                item.setTextAlignment(RIGHT)
            if bold:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            if tooltip:
                item.setToolTip(tooltip)
            self.table.setItem(row, col, item)
