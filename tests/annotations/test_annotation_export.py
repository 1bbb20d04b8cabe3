"""The annotated export, checked with another renderer than the one that wrote it (PDFium, through
pypdfium2): it lists the standard annotation subtypes with their author and note, paints the
highlight where the text is (also on a rotated page), has the bookmarks in its outline, and carries
the watermark on confidential documents. From the client, offline, with mine and the shared ones
only."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pymupdf
import pytest

from app.pdf.annotate_export import export_annotated
from app.pdf.anchor import PdfText
from app.sync.engine import ConnectionState
from tests.annotations.conftest import BUDGET, SCHOOL, Chamber, build_versions, plenary, text_rects

SCALE = 2.0
SUBTYPES = {pdfium_c.FPDF_ANNOT_HIGHLIGHT: "highlight", pdfium_c.FPDF_ANNOT_UNDERLINE: "underline", pdfium_c.FPDF_ANNOT_INK: "ink",
            pdfium_c.FPDF_ANNOT_TEXT: "note", pdfium_c.FPDF_ANNOT_POPUP: "popup"}


def annots(pdf: pdfium.PdfDocument, page: int) -> list[dict[str, str]]:
    """Each annotation PDFium finds on a page: its kind, title (/T) and contents."""
    out = []
    handle = pdf[page]
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(handle)):
        annot = pdfium_c.FPDFPage_GetAnnot(handle, i)
        kind = SUBTYPES.get(pdfium_c.FPDFAnnot_GetSubtype(annot), "other")
        if kind != "popup":
            out.append({"kind": kind, "title": _string(annot, b"T"), "contents": _string(annot, b"Contents")})
        pdfium_c.FPDFPage_CloseAnnot(annot)
    return out


def _string(annot, key: bytes) -> str:  # noqa: ANN001
    size = pdfium_c.FPDFAnnot_GetStringValue(annot, key, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAnnot_GetStringValue(annot, key, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buffer.raw.decode("utf-16-le").rstrip("\x00")


def render(path: Path, page: int):  # noqa: ANN201
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()


def yellow_share(image, rect: list[float]) -> float:  # noqa: ANN001
    """The share of the pixels inside `rect` (page points as displayed) that are yellowish."""
    x0, y0, x1, y1 = (round(v * SCALE) for v in rect)
    pixels = [image.getpixel((x, y)) for x in range(x0 + 2, x1 - 2) for y in range(y0 + 2, y1 - 2)]
    return sum(1 for r, g, b in pixels if r > 180 and g > 150 and b < 120) / len(pixels)


def page_text(path: Path, page: int) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page].get_textpage().get_text_range()
    finally:
        pdf.close()


def test_pdfium_sees_every_kind_with_its_author_and_note(tmp_path: Path) -> None:
    v1, _ = build_versions(tmp_path)
    budget, school = text_rects(v1, 0, BUDGET), text_rects(v1, 1, SCHOOL)
    author = "Hoàng Đức Thắng"
    records = [
        {"id": "h", "kind": "highlight", "page": 0, "rects": budget, "text": BUDGET, "note": "Hỏi lại số liệu", "colour": "#FFE135", "author_name": author},
        {"id": "u", "kind": "underline", "page": 1, "rects": school, "text": SCHOOL, "colour": "#D32F2F", "author_name": author},
        {"id": "i", "kind": "ink", "page": 1, "ink": [[[100, 600, 0.4], [160, 640, 0.9], [220, 610, 0.6]]], "colour": "#1565C0", "author_name": author},
        {"id": "n", "kind": "note", "page": 0, "rects": [[480, 300, 496, 316]], "note": "Đề nghị giải trình", "colour": "#FFB300", "author_name": author},
        {"id": "b", "kind": "bookmark", "page": 1, "rects": [], "note": "Danh mục công trình", "author_name": author},
        {"id": "gone", "kind": "highlight", "page": 0, "rects": [[60, 400, 300, 420]], "text": "bãi xe", "placement": "unplaced", "author_name": author},
    ]
    out = export_annotated(v1, tmp_path / "exported.pdf", records, lang="vi")
    pdf = pdfium.PdfDocument(str(out))
    try:
        first, second = annots(pdf, 0), annots(pdf, 1)
        assert sorted(a["kind"] for a in first) == ["highlight", "note"]  # the unplaced one is not drawn
        assert sorted(a["kind"] for a in second) == ["ink", "underline"]
        assert {a["title"] for a in first + second} == {author}
        assert {a["kind"]: a["contents"] for a in first} == {"highlight": "Hỏi lại số liệu", "note": "Đề nghị giải trình"}
        outline = [(b.level, b.get_title(), b.get_dest().get_index()) for b in pdf.get_toc()]
        assert outline[-2:] == [(0, "Dấu trang", 1), (1, "Danh mục công trình", 1)]
    finally:
        pdf.close()
    # The highlight is painted where the text is; the original is untouched.
    assert yellow_share(render(out, 0), budget[0]) > 0.5
    assert yellow_share(render(v1, 0), budget[0]) == 0
    assert pymupdf.open(str(v1))[0].first_annot is None
    assert "Bản của" not in page_text(out, 0)  # no watermark unless asked


def test_a_highlight_on_a_rotated_page_covers_its_text_as_displayed(good: Path, tmp_path: Path) -> None:
    """Records hold unrotated page coordinates; another renderer must show the highlight over the
    words on pages turned by 90, 180 and 270 degrees."""
    source = good / "kho_giay_hon_hop_xoay.pdf"
    records, expected = [], []
    with PdfText(source) as pdf:
        for number in range(pdf.page_count):
            page = pdf.doc[number]
            words = page.get_text("words")[:2]
            text = " ".join(w[4] for w in words)
            rects = text_rects(source, number, text)
            records.append({"id": f"h{number}", "kind": "highlight", "page": number, "rects": rects, "text": text, "colour": "#FFE135", "author_name": "A"})
            shown = pymupdf.Rect(rects[0]) * page.rotation_matrix  # where the text is on the displayed page
            expected.append((number, page.rotation, list(shown)))
    out = export_annotated(source, tmp_path / "rotated.pdf", records)
    rotations = set()
    for number, rotation, shown in expected:
        rotations.add(rotation)
        assert yellow_share(render(out, number), shown) > 0.4, (number, rotation)
        assert yellow_share(render(source, number), shown) == 0
    assert rotations == {0, 90, 180, 270}


def test_the_watermark_is_in_the_page_content(good: Path, tmp_path: Path) -> None:
    source = good / "producers" / "multicolumn.pdf"
    out = export_annotated(source, tmp_path / "marked.pdf", [], watermark="Bản của Vũ Thị Lan, 24/11/2026")
    pdf = pdfium.PdfDocument(str(out))
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    for number in range(pages):
        assert "Bản của Vũ Thị Lan, 24/11/2026" in " ".join(page_text(out, number).split())
    assert "Vũ Thị Lan" not in page_text(source, 0)


@pytest.mark.slow
def test_a_delegate_exports_offline_with_the_shared_annotations_and_the_watermark(chamber: Chamber, tmp_path: Path) -> None:
    secretary, delegate, colleague = chamber.login("thuky"), chamber.login("daibieu"), chamber.login("daibieu2")
    meeting = plenary(delegate)
    v1, _ = build_versions(tmp_path)
    access = [delegate.account["person_id"], colleague.account["person_id"]]
    document = secretary.upload_document(meeting, v1, title="Tờ trình (mật)", confidential=True, access=access)
    for session in (delegate, colleague):
        assert session.engine.wait_until(lambda s=session: s.cache.get_document(document["id"]) is not None, 3)
    mine = delegate.create_annotation(document["id"], kind="highlight", page=0, rects=text_rects(v1, 0, BUDGET), text=BUDGET, note="Của tôi")
    shared = colleague.create_annotation(document["id"], kind="underline", page=1, rects=text_rects(v1, 1, SCHOOL), text=SCHOOL, visibility="meeting")
    private = colleague.create_annotation(document["id"], kind="note", page=1, rects=[[400, 500, 416, 516]], note="Riêng tôi")
    assert delegate.engine.wait_until(lambda: {a["id"] for a in delegate.annotations(document["id"])} == {mine["id"], shared["id"]}, 3)
    delegate.download_document(document["id"])

    chamber.stop()
    assert delegate.engine.wait_until(lambda: delegate.state == ConnectionState.OFFLINE, 10)
    out = delegate.export_annotated_pdf(document["id"], tmp_path / "export" / "to_trinh_ghi_chu.pdf")
    pdf = pdfium.PdfDocument(str(out))
    try:
        found = annots(pdf, 0) + annots(pdf, 1)
    finally:
        pdf.close()
    assert sorted((a["kind"], a["title"]) for a in found) == [("highlight", delegate.display_name), ("underline", colleague.display_name)]
    assert private["note"] not in {a["contents"] for a in found}
    assert f"Bản của {delegate.display_name}" in " ".join(page_text(out, 0).split())  # confidential: watermarked by default
    plain = delegate.export_annotated_pdf(document["id"], tmp_path / "export" / "plain.pdf", watermark=False)
    assert delegate.display_name not in page_text(plain, 0)
