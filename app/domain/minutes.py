"""Draft minutes of a meeting from what was recorded, as pure functions: the record (a plain dict
built by app/services/minutes.py) rendered as Markdown or as a self-contained HTML page, in
Vietnamese or English. The secretary edits the draft; nobody retypes what the system already knows.

Record: meeting (title, starts_at, location), body, opened_at, closed_at, quorum, attendance rows
(name, state, arrived_at), items in order (number, title, started_at, ended_at, speakers [name,
kind, started_at, ended_at], votes [question, secret, rule, result], conclusion), tasks (what,
responsible, supporters, deadline, expected_result, status)."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any

from app.domain.live import RULE_LABELS, TIMELINESS_LABELS, MajorityRule, Timeliness, is_motion
from app.domain.roles import Role
from app.i18n import N_, translate

APPROVERS = frozenset({Role.CHAIR, Role.ADMIN})  # the chair approves the minutes; an admin can stand in

# Minutes are read in the chamber's own time (Vietnam); the server stores UTC.
LOCAL = timezone(timedelta(hours=7))

OPTION_LABELS = {"for": N_("For"), "against": N_("Against"), "abstain": N_("Abstain")}
ATTENDANCE_LABELS = {"present": N_("present"), "substitute": N_("represented by a substitute"), "excused": N_("excused"), "left": N_("left"), "absent": N_("absent")}


def _time(value: str | None, with_date: bool = False) -> str:
    if not value:
        return "—"
    dt = datetime.fromisoformat(value)
    dt = (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(LOCAL)
    return dt.strftime("%H:%M %d/%m/%Y" if with_date else "%H:%M")


def _option(option: str, lang: str) -> str:
    return translate(OPTION_LABELS[option], lang) if option in OPTION_LABELS else option


def vote_sentence(vote: dict[str, Any], lang: str) -> str:
    """"For 9 · Against 2 · Abstain 1 — adopted (simple majority of votes cast)"."""
    result = vote.get("result") or {}
    counts = " · ".join(f"{_option(o, lang)} {n}" for o, n in (result.get("counts") or {}).items())
    rule = translate(RULE_LABELS[MajorityRule(result.get("rule") or vote.get("rule") or "simple")], lang)
    if not result:
        return translate(N_("not closed"), lang)
    if is_motion(vote.get("options") or []):
        verdict = translate(N_("adopted"), lang) if result.get("adopted") else translate(N_("not adopted"), lang)
    else:
        verdict = (translate(N_("chosen: %(option)s"), lang) % {"option": result["winner"]}) if result.get("winner") else translate(N_("no decision"), lang)
    return f"{counts} — {verdict} ({rule.lower()})"


def _lines(record: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The minutes as (kind, text) lines: h1, h2, h3, p, li. Both renderers walk the same lines."""
    t = lambda msg: translate(msg, lang)  # noqa: E731
    m = record["meeting"]
    out: list[tuple[str, str]] = [("h1", t(N_("Minutes (draft)")) + ": " + m["title"])]
    if record.get("body"):
        out.append(("p", record["body"]))
    out.append(("p", t(N_("Place: %(place)s")) % {"place": m.get("location") or "—"}))
    out.append(("p", t(N_("Opened at %(opened)s, closed at %(closed)s.")) % {"opened": _time(record.get("opened_at"), True), "closed": _time(record.get("closed_at"), True)}))
    quorum = record.get("quorum")
    if quorum and quorum.get("applies"):
        state = t(N_("quorum reached")) if quorum.get("reached") else t(N_("quorum not reached"))
        out.append(("p", t(N_("At the opening: %(present)s of %(members)s members present, %(reached)s")) % {"present": quorum["present"], "members": quorum["members"], "reached": state}))

    out.append(("h2", t(N_("Attendance"))))
    for row in record.get("attendance") or []:
        arrived = (" " + t(N_("(arrived %(time)s)")) % {"time": _time(row["arrived_at"])}) if row.get("arrived_at") else ""
        out.append(("li", f"{row['name']}: {t(ATTENDANCE_LABELS.get(row['state'], row['state']))}{arrived}"))

    out.append(("h2", t(N_("Proceedings"))))
    for item in record.get("items") or []:
        out.append(("h3", f"{item['number']}. {item['title']}"))
        if item.get("started_at"):
            out.append(("p", t(N_("From %(start)s to %(end)s.")) % {"start": _time(item["started_at"]), "end": _time(item.get("ended_at"))}))
        else:
            out.append(("p", t(N_("Not taken up."))))
        for s in item.get("speakers") or []:
            kind = (" (" + t(N_("point of order")) + ")") if s.get("kind") == "point_of_order" else ""
            out.append(("li", t(N_("%(name)s spoke%(kind)s, %(start)s–%(end)s.")) % {"name": s["name"], "kind": kind, "start": _time(s.get("started_at")), "end": _time(s.get("ended_at"))}))
        for v in item.get("votes") or []:
            secret = " (" + t(N_("secret ballot")) + ")" if v.get("secret") else ""
            out.append(("li", t(N_("Vote%(secret)s: %(question)s — %(result)s")) % {"secret": secret, "question": v["question"], "result": vote_sentence(v, lang)}))
        if item.get("conclusion"):
            out.append(("p", t(N_("Conclusion: %(text)s")) % {"text": item["conclusion"]}))

    out.append(("h2", t(N_("Follow-up tasks"))))
    if not record.get("tasks"):
        out.append(("p", t(N_("None."))))
    for task in record.get("tasks") or []:
        supporters = ", ".join(task.get("supporters") or []) or "—"
        out.append(("li", t(N_("%(what)s — responsible: %(responsible)s; with: %(supporters)s; by %(deadline)s; expected: %(expected)s; %(status)s")) % {
            "what": task["what"], "responsible": task.get("responsible") or "—", "supporters": supporters,
            "deadline": task.get("deadline") or "—", "expected": task.get("expected_result") or "—",
            "status": t(TIMELINESS_LABELS[Timeliness(task["timeliness"])]).lower()}))
    return out


def to_markdown(record: dict[str, Any], lang: str = "vi") -> str:
    prefix = {"h1": "# ", "h2": "\n## ", "h3": "\n### ", "li": "- ", "p": ""}
    return "\n".join(prefix[kind] + text for kind, text in _lines(record, lang)) + "\n"


def to_html(record: dict[str, Any], lang: str = "vi") -> str:
    body = []
    in_list = False
    for kind, text in _lines(record, lang):
        if kind == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        elif kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        body.append(f"<{kind}>{html.escape(text)}</{kind}>")
    if in_list:
        body.append("</ul>")
    title = html.escape(record["meeting"]["title"])
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            "<style>body{font-family:'Noto Serif','Times New Roman',serif;max-width:46em;margin:2em auto;line-height:1.45}"
            "h1{font-size:1.4em;text-align:center}h2{font-size:1.15em;margin-top:1.4em}h3{font-size:1em}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


# --- the saved (edited) text: the Markdown the secretary wrote, as HTML for the page and the PDF ----
def _inline(text: str) -> str:
    """Escaped text with **bold** kept (the only emphasis the minutes use)."""
    parts = html.escape(text).split("**")
    return "".join(f"<b>{p}</b>" if n % 2 else p for n, p in enumerate(parts))


def markdown_body(text: str) -> str:
    """The minutes' Markdown subset — #, ##, ### headings, "- " list items, paragraphs (lines
    together until a blank line), **bold** — as HTML body elements. Anything else is plain text,
    escaped: the secretary's text can never inject markup."""
    out: list[str] = []
    paragraph: list[str] = []
    in_list = False

    def flush() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        item = line.lstrip().startswith(("- ", "* "))
        if in_list and not item:
            out.append("</ul>")
            in_list = False
        if not line.strip():
            flush()
            continue
        heading = len(line) - len(line.lstrip("#"))
        if 1 <= heading <= 3 and line[heading:heading + 1] == " ":
            flush()
            out.append(f"<h{heading}>{_inline(line[heading + 1:].strip())}</h{heading}>")
        elif item:
            flush()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(line.lstrip()[2:].strip())}</li>")
        else:
            paragraph.append(line.strip())
    flush()
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def approval_line(minutes: dict[str, Any], lang: str) -> str:
    """"Approved by … at …" for approved minutes, else ""."""
    if minutes.get("state") != "approved":
        return ""
    return translate(N_("Approved by %(name)s at %(time)s (version %(version)s)."), lang) % {
        "name": minutes.get("approved_by_name") or "—", "time": _time(minutes.get("approved_at"), True), "version": minutes.get("version")}


def text_to_html(text: str, title: str, lang: str = "vi", *, footer: str = "") -> str:
    """A saved text as a self-contained HTML page (the same look as to_html)."""
    tail = f"\n<p><i>{html.escape(footer)}</i></p>" if footer else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            "<style>body{font-family:'Noto Serif','Times New Roman',serif;max-width:46em;margin:2em auto;line-height:1.45}"
            "h1{font-size:1.4em;text-align:center}h2{font-size:1.15em;margin-top:1.4em}h3{font-size:1em}</style></head>\n<body>\n"
            + markdown_body(text) + tail + "\n</body></html>\n")
