"""A document with a reader's annotations written into it as standard PDF annotations, so any PDF
reader shows them: highlight → Highlight (one quad per line), underline → Underline, ink → Ink
(its strokes; the line is as wide as the pen pressed on average), note → Text (a sticky note
holding the note), bookmark → an outline entry under "Bookmarks". The author is each annotation's
title (/T), the note its contents, the Chamber id its name (/NM).

For confidential documents an optional watermark (the reader's name and the date) is drawn across
every page, into the page content, so it is printed too. The original file is never changed; the
result is written next to `target` and moved into place when complete.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterable

import pymupdf

from app.i18n import N_, translate

WATERMARK_OPACITY = 0.3
NOTE_ICON = "Note"


def rgb(colour: str | None, fallback: tuple[float, float, float] = (1.0, 0.88, 0.2)) -> tuple[float, float, float]:
    """"#RRGGBB" → PDF colour components 0..1."""
    try:
        value = (colour or "").lstrip("#")
        return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return fallback


def _stamp(annot: pymupdf.Annot, doc: pymupdf.Document, record: dict[str, Any]) -> None:
    """Author as title, note as contents, our id as the annotation's name (/NM)."""
    annot.set_info(title=record.get("author_name") or "", content=record.get("note") or "", subject=record.get("kind") or "")
    if record.get("id"):
        doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(str(record["id"])))


def _add(page: pymupdf.Page, record: dict[str, Any]) -> pymupdf.Annot | None:
    kind = record.get("kind")
    colour = rgb(record.get("colour"))
    rects = [pymupdf.Rect(r) for r in record.get("rects") or [] if len(r) == 4]
    if kind in ("highlight", "underline"):
        if not rects:
            return None
        annot = page.add_highlight_annot(rects) if kind == "highlight" else page.add_underline_annot(rects)
        annot.set_colors(stroke=colour)
    elif kind == "ink":
        strokes = [[(p[0], p[1]) for p in stroke] for stroke in record.get("ink") or [] if stroke]
        if not strokes:
            return None
        annot = page.add_ink_annot(strokes)
        pressures = [p[2] for stroke in record.get("ink") or [] for p in stroke if len(p) > 2]
        annot.set_border(width=1.0 + 2.0 * (sum(pressures) / len(pressures) if pressures else 0.5))
        annot.set_colors(stroke=colour)
    elif kind == "note":
        anchor = rects[0].tl if rects else pymupdf.Point(36, 36)
        annot = page.add_text_annot(anchor, record.get("note") or record.get("text") or "", icon=NOTE_ICON)
        annot.set_colors(stroke=colour)
    else:
        return None
    return annot


def _bookmark_title(record: dict[str, Any], lang: str | None) -> str:
    words = " ".join((record.get("note") or record.get("text") or "").split())
    if words:
        return words[:80]
    return translate(N_("Page %(page)s"), lang) % {"page": int(record.get("page") or 0) + 1}


def _watermark(doc: pymupdf.Document, text: str) -> None:
    """`text` across the middle of every page, diagonally, light and see-through."""
    stamp = pymupdf.open()
    sheet = stamp.new_page(width=700, height=60)
    sheet.insert_htmlbox(sheet.rect, f"<p style='text-align:center'>{_escape(text)}</p>",
                         css="p { font-family: sans-serif; font-size: 30pt; color: #707070; margin: 0; }", opacity=WATERMARK_OPACITY)
    for page in doc:
        box = page.rect
        # The stamp turned by 45° fills a square: the largest one centred on the page.
        side = min(box.width, box.height) * 0.9
        centre = (box.tl + box.br) / 2
        target = pymupdf.Rect(centre.x - side / 2, centre.y - side / 2, centre.x + side / 2, centre.y + side / 2)
        # page.rect is the page as shown; show_pdf_page draws in unrotated space.
        target = target * page.derotation_matrix
        page.show_pdf_page(target, stamp, 0, rotate=45 + page.rotation, overlay=True)
    stamp.close()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def export_annotated(source: Any, target: Path, annotations: Iterable[dict[str, Any]], *, watermark: str | None = None, lang: str | None = None) -> Path:
    """Write `source` (a path, or a sealed copy whose `read_bytes()` unseals it in memory) with
    `annotations` (those placed on an existing page) to `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = pymupdf.open(str(source)) if isinstance(source, (str, Path)) else pymupdf.open(stream=source.read_bytes(), filetype="pdf")
    try:
        bookmarks = []
        for record in sorted(annotations, key=lambda a: (a.get("page", 0), a.get("created_at") or "")):
            page_no = int(record.get("page") or 0)
            if record.get("placement") == "unplaced" or not 0 <= page_no < doc.page_count:
                continue
            if record.get("kind") == "bookmark":
                bookmarks.append(record)
                continue
            page = doc[page_no]  # kept in a name: an annotation lives only as long as its page object
            annot = _add(page, record)
            if annot is not None:
                _stamp(annot, doc, record)
                annot.update()
        if bookmarks:
            toc = doc.get_toc(simple=False)
            toc.append([1, translate(N_("Bookmarks"), lang), bookmarks[0]["page"] + 1])
            for record in bookmarks:
                rects = record.get("rects") or []
                entry: list[Any] = [2, _bookmark_title(record, lang), int(record["page"]) + 1]
                if rects:
                    entry.append({"kind": pymupdf.LINK_GOTO, "to": pymupdf.Point(rects[0][0], rects[0][1]) * doc[int(record["page"])].rotation_matrix})
                toc.append(entry)
            doc.set_toc(toc)
        if watermark:
            _watermark(doc, watermark)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        try:
            doc.save(str(partial), garbage=1, deflate=True)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    finally:
        doc.close()
    return target


def watermark_text(name: str, when: str, lang: str | None = None) -> str:
    return translate(N_("Copy of %(name)s, %(date)s"), lang) % {"name": name, "date": when}
