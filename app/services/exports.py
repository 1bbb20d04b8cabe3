"""The invitation board as a spreadsheet: CSV (UTF-8 with BOM, so Excel shows Vietnamese) or XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

from app.domain.invitations import EMAIL_STATE_LABELS, RESPONSE_LABELS, Response
from app.i18n import N_, translate

COLUMNS = (
    ("name", N_("Name")), ("email", N_("E-mail")), ("kind", N_("Kind")), ("email_state", N_("E-mail delivery")), ("delivered_at", N_("Delivered")),
    ("read_at", N_("Read")), ("response", N_("Answer")), ("response_reason", N_("Reason")), ("substitute_name", N_("Substitute")),
    ("substitute_status", N_("Substitute status")), ("seen_change", N_("Saw the latest change")),
)


def board_rows(board: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    header = [translate(label, lang) for _, label in COLUMNS]
    rows = []
    for inv in board["invitations"]:
        if inv["cancelled_at"]:
            continue
        row = []
        for key, _ in COLUMNS:
            if key == "response":
                value = translate(RESPONSE_LABELS[Response(inv["response"])], lang)
            elif key == "email_state":
                value = translate(EMAIL_STATE_LABELS.get(inv["email_state"], inv["email_state"]), lang)
            elif key == "seen_change":
                value = translate(N_("yes"), lang) if inv["sequence_seen"] >= board["sequence"] else translate(N_("no"), lang)
            else:
                value = inv.get(key) or ""
            row.append(value)
        rows.append(row)
    return header, rows


def to_csv(board: dict[str, Any], lang: str) -> bytes:
    header, rows = board_rows(board, lang)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(board: dict[str, Any], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = board_rows(board, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = translate(N_("Invitations"), lang)[:31]
    ws.append([board["meeting"]["title"]])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column, width in zip("ABCDEFGHIJK", (28, 30, 12, 26, 22, 22, 20, 30, 24, 16, 14)):
        ws.column_dimensions[column].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
