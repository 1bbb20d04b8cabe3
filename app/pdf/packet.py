"""The meeting packet: one PDF with a cover page (title, time, place and the agenda, with the page
where each document starts), then every document the reader may see in agenda order, with
bookmarks for each agenda item and each document.

Building takes seconds for a big meeting, so callers run it off the event loop; a packet is cached
under a key made of everything in it, so thirty delegates asking the same morning cost one build.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pymupdf

from app.domain.clock import aware
from app.domain.invitations import local_time
from app.i18n import N_, translate

log = logging.getLogger(__name__)

FORMAT = 1  # raise when the layout changes, so cached packets are rebuilt
KEEP_CACHED = 64
PAGE = pymupdf.paper_rect("a4")
MARGIN = 56

CSS = """
body { font-family: serif; font-size: 11.5pt; line-height: 1.35; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 10pt 0; }
h2 { font-size: 13pt; margin: 16pt 0 6pt 0; }
p { margin: 0 0 4pt 0; }
.meta { font-size: 11pt; }
.item { margin: 6pt 0 2pt 0; font-weight: bold; }
.presenter { font-weight: normal; font-style: italic; color: #444; }
.doc { margin: 0 0 2pt 0; font-size: 10pt; color: #222; }
.page { color: #555; }
"""

T_TIME = N_("Time")
T_PLACE = N_("Place")
T_AGENDA = N_("Agenda")
T_GENERAL = N_("General documents")
T_PAGE = N_("page %(page)s")
T_PRESENTER = N_("presented by %(name)s")
T_NO_DOCUMENTS = N_("No documents are attached to this meeting yet.")


def _t(message: str, lang: str, **params: Any) -> str:
    text = translate(message, lang)
    return text % params if params else text


def _e(text: Any) -> str:
    return html.escape(str(text or ""))


def _when(meeting: dict[str, Any]) -> str:
    """"08:00 – 11:30, 01/12/2026" (Vietnam time, as invitations write it)."""
    starts = aware(datetime.fromisoformat(meeting["starts_at"])) if meeting.get("starts_at") else None
    ends = aware(datetime.fromisoformat(meeting["ends_at"])) if meeting.get("ends_at") else None
    if starts is None:
        return ""
    start_text = local_time(starts)
    if ends is None:
        return start_text
    end_text = local_time(ends)
    if end_text[7:] == start_text[7:]:  # same day: "08:00 – 11:30, 01/12/2026"
        return f"{start_text[:5]} – {end_text}"
    return f"{start_text} – {end_text}"


def _groups(agenda: list[dict[str, Any]], documents: list[tuple[dict[str, Any], Path]]) -> tuple[list, dict[str, list]]:
    """Documents without an agenda item (or whose item is gone) first, then per agenda item."""
    known = {item["id"] for item in agenda}
    general = [(d, p) for d, p in documents if d.get("agenda_item_id") not in known]
    by_item: dict[str, list] = {}
    for d, p in documents:
        if d.get("agenda_item_id") in known:
            by_item.setdefault(d["agenda_item_id"], []).append((d, p))
    return general, by_item


def _cover_html(meeting: dict[str, Any], agenda: list[dict[str, Any]], general: list, by_item: dict[str, list], starts: dict[str, int], lang: str) -> str:
    def doc_line(d: dict[str, Any]) -> str:
        page = starts.get(d["id"])
        where = f" <span class='page'>({_e(_t(T_PAGE, lang, page=page))})</span>" if page else ""
        return f"<p class='doc' style='margin-left:{{indent}}pt'>– {_e(d['title'])}{where}</p>"

    parts = [f"<h1>{_e(meeting['title'])}</h1>"]
    when = _when(meeting)
    if when:
        parts.append(f"<p class='meta'><b>{_e(_t(T_TIME, lang))}:</b> {_e(when)}</p>")
    if meeting.get("location"):
        parts.append(f"<p class='meta'><b>{_e(_t(T_PLACE, lang))}:</b> {_e(meeting['location'])}</p>")
    if general:
        parts.append(f"<h2>{_e(_t(T_GENERAL, lang))}</h2>")
        parts += [doc_line(d).format(indent=12) for d, _ in general]
    if agenda:
        parts.append(f"<h2>{_e(_t(T_AGENDA, lang))}</h2>")
    for item in agenda:
        indent = 18 * item.get("depth", 0)
        presenter = f" <span class='presenter'>({_e(_t(T_PRESENTER, lang, name=item['presenter']))})</span>" if item.get("presenter") else ""
        parts.append(f"<p class='item' style='margin-left:{indent}pt'>{_e(item.get('number', ''))}. {_e(item['title'])}{presenter}</p>")
        parts += [doc_line(d).format(indent=indent + 14) for d, _ in by_item.get(item["id"], [])]
    if not general and not by_item:
        parts.append(f"<p>{_e(_t(T_NO_DOCUMENTS, lang))}</p>")
    return "<body>" + "".join(parts) + "</body>"


def _render_cover(markup: str) -> pymupdf.Document:
    story = pymupdf.Story(html=markup, user_css=CSS)
    where = pymupdf.Rect(PAGE.x0 + MARGIN, PAGE.y0 + MARGIN, PAGE.x1 - MARGIN, PAGE.y1 - MARGIN)
    return story.write_with_links(lambda rect_num, filled: (PAGE, where, None))


def build_packet(meeting: dict[str, Any], agenda: list[dict[str, Any]], documents: list[tuple[dict[str, Any], Path]], *, lang: str) -> pymupdf.Document:
    """The packet as an open PyMuPDF document (the caller saves and closes it)."""
    general, by_item = _groups(agenda, documents)
    ordered_docs = general + [pair for item in agenda for pair in by_item.get(item["id"], [])]
    sources: list[tuple[dict[str, Any], pymupdf.Document]] = []
    for d, path in ordered_docs:
        try:
            sources.append((d, pymupdf.open(path)))
        except (RuntimeError, ValueError, OSError) as exc:  # vetted on upload; only a changed disk gets here
            log.error("packet: cannot open %s (%s): %s", d["id"], path, exc)
    # The cover lists the page where each document starts, which depends on the cover's own length.
    cover_pages, starts, cover = 1, {}, None
    for _ in range(4):
        page = cover_pages + 1
        starts = {}
        for d, src in sources:
            starts[d["id"]] = page
            page += src.page_count
        cover = _render_cover(_cover_html(meeting, agenda, general, by_item, starts, lang))
        if cover.page_count == cover_pages:
            break
        cover_pages = cover.page_count
    packet = cover
    for _, src in sources:
        packet.insert_pdf(src)
        src.close()
    packet.set_toc(_toc(meeting, agenda, general, by_item, starts, lang))
    packet.set_metadata({"title": meeting["title"], "creator": "Chamber", "producer": "Chamber"})
    return packet


def _toc(meeting: dict[str, Any], agenda: list[dict[str, Any]], general: list, by_item: dict[str, list], starts: dict[str, int], lang: str) -> list[list]:
    toc: list[list] = [[1, meeting["title"], 1]]
    present = [(d, p) for d, p in general if d["id"] in starts]
    if present:
        toc.append([1, _t(T_GENERAL, lang), starts[present[0][0]["id"]]])
        toc += [[2, d["title"], starts[d["id"]]] for d, _ in present]
    for item in agenda:
        level = item.get("depth", 0) + 1
        docs = [(d, p) for d, p in by_item.get(item["id"], []) if d["id"] in starts]
        toc.append([level, f"{item.get('number', '')}. {item['title']}", starts[docs[0][0]["id"]] if docs else 1])
        toc += [[level + 1, d["title"], starts[d["id"]]] for d, _ in docs]
    return toc


def packet_key(meeting: dict[str, Any], agenda: list[dict[str, Any]], documents: list[tuple[dict[str, Any], Path]], *, lang: str) -> str:
    keep = ("id", "title", "content_hash", "agenda_item_id", "number", "depth", "presenter")
    summary = {
        "format": FORMAT,
        "lang": lang,
        "meeting": {k: meeting.get(k) for k in ("id", "title", "starts_at", "ends_at", "location")},
        "agenda": [{k: i.get(k) for k in keep} for i in agenda],
        "documents": [{k: d.get(k) for k in keep} for d, _ in documents],
    }
    return hashlib.sha256(json.dumps(summary, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def packet_file(meeting: dict[str, Any], agenda: list[dict[str, Any]], documents: list[tuple[dict[str, Any], Path]], *, lang: str, cache_dir: Path) -> Path:
    """The packet as a file in `cache_dir`, built unless an identical one is there already."""
    key = packet_key(meeting, agenda, documents, lang=lang)
    target = cache_dir / f"{key}.pdf"
    with _lock_for(key):  # the same packet asked for by many at once is built once
        if target.exists():
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f"{key}.{uuid.uuid4().hex}.part"
        packet = build_packet(meeting, agenda, documents, lang=lang)
        try:
            packet.save(tmp, garbage=1, deflate=True)
        finally:
            packet.close()
        os.replace(tmp, target)
    _prune(cache_dir)
    return target


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        if len(_locks) > 256:
            for old in [k for k, lock in _locks.items() if not lock.locked()]:
                del _locks[old]
        return _locks.setdefault(key, threading.Lock())


def _prune(cache_dir: Path) -> None:
    files = sorted(cache_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_CACHED:]:
        old.unlink(missing_ok=True)
