"""Minutes as a PDF: the saved (or generated) Markdown laid out by MuPDF's Story on A4 pages, with
a serif font that has every Vietnamese glyph, and "Page n of N" at the foot of each page."""

from __future__ import annotations

import html

import pymupdf

from app.domain.minutes import markdown_body
from app.i18n import N_, translate

PAGE = pymupdf.paper_rect("a4")
MARGIN = 56  # points: about 2 cm
CSS = """
body { font-family: serif; font-size: 11pt; line-height: 1.3; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 8pt 0; }
h2 { font-size: 12.5pt; margin: 12pt 0 4pt 0; }
h3 { font-size: 11pt; margin: 8pt 0 3pt 0; }
p { margin: 0 0 4pt 0; text-align: justify; }
ul { margin: 0 0 4pt 0; }
li { margin: 0 0 2pt 0; }
"""
T_PAGE = N_("Page %(page)d of %(pages)d")  # the attendance sheet's words


def to_pdf(text: str, title: str, lang: str = "vi", *, footer: str = "") -> bytes:
    markup = "<body>" + markdown_body(text) + (f"<p><i>{html.escape(footer)}</i></p>" if footer else "") + "</body>"
    story = pymupdf.Story(html=markup, user_css=CSS)
    where = pymupdf.Rect(PAGE.x0 + MARGIN, PAGE.y0 + MARGIN, PAGE.x1 - MARGIN, PAGE.y1 - MARGIN - 14)
    doc = story.write_with_links(lambda rect_num, filled: (PAGE, where, None))
    pages = doc.page_count
    for number, page in enumerate(doc, start=1):
        foot = pymupdf.Rect(MARGIN, PAGE.y1 - MARGIN - 6, PAGE.x1 - MARGIN, PAGE.y1 - MARGIN + 14)
        label = html.escape(translate(T_PAGE, lang) % {"page": number, "pages": pages})
        page.insert_htmlbox(foot, f"<p style='text-align:center;font-family:serif;font-size:8.5pt;color:#555'>{label}</p>")
    doc.set_metadata({"title": title, "creator": "Chamber", "producer": "Chamber"})
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data
