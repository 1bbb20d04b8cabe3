"""The attendance list for the record: a meeting's attendance board as CSV (UTF-8 with BOM, so
Excel shows Vietnamese) or as a PDF made with PyMuPDF (title, meeting, time, place, the table of
persons, totals, the quorum, page numbers), in Vietnamese or English."""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime
from typing import Any

import pymupdf

from app.domain.attendance import METHOD_LABELS, QUORUM_RULE_LABELS, STATE_LABELS, Method, QuorumRule, State
from app.domain.clock import aware, utcnow
from app.domain.invitations import VN, local_time
from app.i18n import N_, translate

PAGE = pymupdf.paper_rect("a4")
MARGIN = 48

T_TITLE = N_("ATTENDANCE LIST")
T_TIME = N_("Time")
T_PLACE = N_("Place")
T_BODY = N_("Body")
T_MADE = N_("Made on %(when)s by Chamber")
T_PAGE = N_("Page %(page)d of %(pages)d")
T_TOTALS = N_("Totals")
T_QUORUM = N_("Quorum")
T_QUORUM_REACHED = N_("%(present)d of the %(required)d members required are present: the quorum is reached.")
T_QUORUM_NOT_REACHED = N_("%(present)d of the %(required)d members required are present: the quorum is not reached.")
T_NO_QUORUM = N_("This meeting has no body, so no quorum applies.")
T_GUEST = N_("Guest")
T_MEMBER = N_("Member")
T_SUBSTITUTE = N_("Substitute")
T_SUBSTITUTE_FOR = N_("Substitute for %(name)s")
T_REPRESENTED_BY = N_("Represented by %(name)s")

COLUMNS = (
    ("number", N_("No.")), ("full_name", N_("Full name")), ("title", N_("Position")), ("kind", N_("Seat")), ("state", N_("Attendance")),
    ("arrived_at", N_("Arrived at")), ("left_at", N_("Left at")), ("method", N_("Method")), ("note", N_("Note")),
)
WIDTHS = (18, 92, 64, 50, 48, 28, 28, 48, 58)  # points of text per column: 499 between the margins less 7 of padding and border each
TOTALS = (
    ("members", N_("Members")), (State.PRESENT.value, N_("Present")), (State.SUBSTITUTE.value, N_("Substitute present")),
    (State.EXCUSED.value, N_("Excused")), (State.ABSENT.value, N_("Absent")), ("guests", N_("Guests and others present")),
)


def _t(message: str, lang: str, **params: Any) -> str:
    text = translate(message, lang)
    return text % params if params else text


def _clock(value: str | None) -> str:
    if not value:
        return ""
    return aware(datetime.fromisoformat(value)).astimezone(VN).strftime("%H:%M")


def _note(row: dict[str, Any], lang: str) -> str:
    parts = []
    if row.get("substitute"):
        parts.append(_t(T_REPRESENTED_BY, lang, name=row["substitute"]["full_name"]))
    if row.get("substitute_for"):
        parts.append(_t(T_SUBSTITUTE_FOR, lang, name=row["substitute_for"]["full_name"]))
    if row["state"] == State.EXCUSED and row.get("excuse_reason"):
        parts.append(row["excuse_reason"])
    elif row.get("reason"):
        parts.append(row["reason"])
    return "; ".join(parts)


def table(board: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the list, as text in `lang`."""
    header = [_t(label, lang) for _, label in COLUMNS]
    rows = []
    for n, row in enumerate(board["rows"], start=1):
        method = row.get("method")
        values = {
            "number": str(n),
            "full_name": row["full_name"],
            "title": row.get("title") or "",
            "kind": _t(T_MEMBER if row["member"] else T_SUBSTITUTE if row.get("substitute_for") else T_GUEST, lang),
            "state": _t(STATE_LABELS[State(row["state"])], lang),
            "arrived_at": _clock(row.get("arrived_at")),
            "left_at": _clock(row.get("left_at")),
            "method": _t(METHOD_LABELS[Method(method)], lang) if method else "",
            "note": _note(row, lang),
        }
        rows.append([values[key] for key, _ in COLUMNS])
    return header, rows


def quorum_text(board: dict[str, Any], lang: str) -> str:
    q = board["quorum"]
    if not q["applies"]:
        return _t(T_NO_QUORUM, lang)
    text = _t(T_QUORUM_REACHED if q["reached"] else T_QUORUM_NOT_REACHED, lang, present=q["present"], required=q["required"])
    rule = _t(QUORUM_RULE_LABELS[QuorumRule(q["rule"])], lang)
    if q["rule"] == QuorumRule.AT_LEAST:
        rule += f" ({q['count']})"
    return f"{text} ({rule})"


def to_csv(board: dict[str, Any], lang: str) -> bytes:
    header, rows = table(board, lang)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


CSS = """
body { font-family: serif; font-size: 10pt; line-height: 1.25; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 4pt 0; }
h2 { font-size: 12.5pt; text-align: center; margin: 0 0 10pt 0; font-weight: bold; }
p { margin: 0 0 3pt 0; }
table { border-collapse: collapse; width: 100%; margin-top: 8pt; }
th { font-size: 9pt; text-align: left; background-color: #e8eef3; border: 0.6pt solid #7d8b99; padding: 3pt; }
td { font-size: 9pt; border: 0.6pt solid #7d8b99; padding: 3pt; vertical-align: top; }
.num { text-align: right; }
.reached { color: #0b6b4f; font-weight: bold; }
.missing { color: #a61b1b; font-weight: bold; }
.small { font-size: 8.5pt; color: #555555; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value or ""))


def _html(board: dict[str, Any], lang: str, council: str) -> str:
    meeting = board["meeting"]
    starts = aware(datetime.fromisoformat(meeting["starts_at"])) if meeting.get("starts_at") else None
    parts = []
    if council:
        parts.append(f"<p style='text-align:center;font-weight:bold'>{_e(council.upper())}</p>")
    parts.append(f"<h1>{_e(_t(T_TITLE, lang))}</h1><h2>{_e(meeting['title'])}</h2>")
    if starts is not None:
        parts.append(f"<p><b>{_e(_t(T_TIME, lang))}:</b> {_e(local_time(starts))}</p>")
    if meeting.get("location"):
        parts.append(f"<p><b>{_e(_t(T_PLACE, lang))}:</b> {_e(meeting['location'])}</p>")
    if board.get("body"):
        parts.append(f"<p><b>{_e(_t(T_BODY, lang))}:</b> {_e(board['body']['name'])}</p>")
    header, rows = table(board, lang)
    parts.append("<table><tr>" + "".join(f"<th style='width:{w}pt'>{_e(h)}</th>" for h, w in zip(header, WIDTHS)) + "</tr>")
    for row in rows:
        cells = [f"<td class='num'>{_e(row[0])}</td>"] + [f"<td>{_e(v)}</td>" for v in row[1:]]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    counts = board["counts"]
    totals = " &#8226; ".join(f"{_e(_t(label, lang))}: <b>{counts.get(key, 0)}</b>" for key, label in TOTALS)
    parts.append(f"<p style='margin-top:10pt'><b>{_e(_t(T_TOTALS, lang))}:</b> {totals}</p>")
    q = board["quorum"]
    css_class = "reached" if q["reached"] else "missing" if q["applies"] else ""
    parts.append(f"<p style='margin-top:8pt'><b>{_e(_t(T_QUORUM, lang))}:</b> <span class='{css_class}'>{_e(quorum_text(board, lang))}</span></p>")
    made = utcnow().astimezone(VN).strftime("%H:%M, %d/%m/%Y")
    parts.append(f"<p class='small' style='margin-top:8pt'>{_e(_t(T_MADE, lang, when=made))}</p>")
    return "<body>" + "".join(parts) + "</body>"


def to_pdf(board: dict[str, Any], lang: str, *, council: str = "") -> bytes:
    story = pymupdf.Story(html=_html(board, lang, council), user_css=CSS)
    where = pymupdf.Rect(PAGE.x0 + MARGIN, PAGE.y0 + MARGIN, PAGE.x1 - MARGIN, PAGE.y1 - MARGIN - 14)
    doc = story.write_with_links(lambda rect_num, filled: (PAGE, where, None))
    pages = doc.page_count
    for number, page in enumerate(doc, start=1):
        footer = pymupdf.Rect(MARGIN, PAGE.y1 - MARGIN - 6, PAGE.x1 - MARGIN, PAGE.y1 - MARGIN + 14)
        text = _e(_t(T_PAGE, lang, page=number, pages=pages))
        page.insert_htmlbox(footer, f"<p style='text-align:center;font-family:serif;font-size:8.5pt;color:#555'>{text}</p>")
    doc.set_metadata({"title": f"{_t(T_TITLE, lang)} – {board['meeting']['title']}", "creator": "Chamber", "producer": "Chamber"})
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data
