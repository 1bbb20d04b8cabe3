"""Finding annotations again in a new version of their document (app/pdf/anchor.py), on PDFs built
with PyMuPDF and on real ones from the corpus: by their text, on the same page first, then on
another page; marks without text stay on their page; what cannot be found is reported unplaced."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from app.pdf.anchor import PdfText, find_text, relocate
from tests.annotations.conftest import BUDGET, PARKING, SCHOOL, text_rects


def test_each_kind_is_carried_by_its_text(versions: tuple[Path, Path]) -> None:
    v1, v2 = versions
    budget = text_rects(v1, 0, BUDGET)
    school = text_rects(v1, 1, SCHOOL)
    note_anchor = [budget[0][2] + 10, budget[0][1], budget[0][2] + 26, budget[0][1] + 16]  # beside the budget line
    annotations = [
        {"id": "budget", "kind": "highlight", "page": 0, "rects": budget, "text": BUDGET},
        {"id": "school", "kind": "underline", "page": 1, "rects": school, "text": SCHOOL},
        {"id": "parking", "kind": "highlight", "page": 1, "rects": text_rects(v1, 1, PARKING), "text": PARKING},
        {"id": "note", "kind": "note", "page": 0, "rects": [note_anchor], "text": BUDGET, "note": "Hỏi lại số liệu"},
        {"id": "ink", "kind": "ink", "page": 2, "rects": [], "ink": [[[100, 500, 0.5], [200, 520, 0.6]]], "text": ""},
        {"id": "mark", "kind": "bookmark", "page": 1, "rects": [], "text": ""},
    ]
    placed = relocate(v1, v2, annotations)
    new_budget = text_rects(v2, 2, BUDGET)
    assert (placed["budget"].placement, placed["budget"].page, placed["budget"].rects) == ("moved", 2, new_budget)
    assert new_budget[0][1] > budget[0][1] + 30  # lower down on its new page
    assert (placed["school"].placement, placed["school"].page) == ("placed", 1)
    assert placed["school"].rects == text_rects(v2, 1, SCHOOL)
    # The parking lot is gone from the new version: listed, with where it was.
    assert (placed["parking"].placement, placed["parking"].page, placed["parking"].rects) == ("unplaced", 1, annotations[2]["rects"])
    # The note keeps its place beside its text.
    note = placed["note"]
    assert (note.placement, note.page) == ("moved", 2)
    assert abs((note.rects[0][0] - new_budget[0][2]) - 10) < 1 and abs(note.rects[0][1] - new_budget[0][1]) < 1
    # Without text: on the same page while the page exists.
    assert (placed["ink"].placement, placed["ink"].page, placed["ink"].ink) == ("placed", 2, annotations[4]["ink"])
    assert (placed["mark"].placement, placed["mark"].page) == ("placed", 1)


def test_a_page_that_is_gone_leaves_marks_without_text_unplaced(tmp_path: Path, versions: tuple[Path, Path]) -> None:
    v1, _ = versions
    short = pymupdf.open(str(v1))
    short.delete_page(2)
    short.save(str(tmp_path / "short.pdf"))
    placed = relocate(v1, tmp_path / "short.pdf", [{"id": "ink", "kind": "ink", "page": 2, "ink": [[[1, 1, 0.5]]], "text": ""}])
    assert placed["ink"].placement == "unplaced"


def test_text_without_its_diacritics_or_case_is_still_found(versions: tuple[Path, Path]) -> None:
    _, v2 = versions
    with PdfText(v2) as pdf:
        assert find_text(pdf, "xay dung TRUONG mam non hoa binh", 0, None) == (1, text_rects(v2, 1, SCHOOL))
        assert find_text(pdf, "không có ở đâu cả", 0, None) is None


def test_a_real_report_with_pages_removed(good: Path, tmp_path: Path) -> None:
    """The 400-page report of the corpus; its new version lacks the first three pages. A page's own
    footer moves three pages up; a sentence the report repeats every few pages goes to the nearest
    page that has it."""
    report = good / "bao_cao_kinh_te_xa_hoi_400_trang.pdf"
    shorter = pymupdf.open(str(report))
    shorter.delete_pages(0, 2)
    shorter.save(str(tmp_path / "report_v2.pdf"))
    footer = text_rects(report, 10, "Trang 11/400")
    body = text_rects(report, 10, "đôn đốc việc thực hiện các kết luận")
    placed = relocate(report, tmp_path / "report_v2.pdf", [
        {"id": "footer", "kind": "highlight", "page": 10, "rects": footer, "text": "Trang 11/400"},
        {"id": "body", "kind": "underline", "page": 10, "rects": body, "text": "đôn đốc việc thực hiện các kết luận"},
    ])
    assert (placed["footer"].placement, placed["footer"].page, placed["footer"].rects) == ("moved", 7, footer)
    having = [n for n, page in enumerate(shorter) if "đôn đốc việc thực hiện các kết luận" in " ".join(page.get_text().split())]
    nearest = min(having, key=lambda n: (abs(n - 10), n))
    assert nearest != 10 and placed["body"].placement == "moved"
    assert (placed["body"].page, placed["body"].rects) == (nearest, body)  # the same place on that page


def test_rotated_pages_use_unrotated_coordinates(good: Path) -> None:
    """On the corpus' rotated pages the boxes are those of the unrotated page (PyMuPDF's page
    space), the space annotations are stored and exported in."""
    path = good / "kho_giay_hon_hop_xoay.pdf"
    with PdfText(path) as pdf:
        for number in range(pdf.page_count):
            page = pdf.doc[number]
            words = page.get_text("words")
            first = " ".join(w[4] for w in words[:3])
            found = find_text(pdf, first, number, None)
            assert found is not None and found[0] == number
            assert abs(found[1][0][0] - words[0][0]) < 1 and abs(found[1][0][1] - words[0][1]) < 3, (page.rotation, found, words[0])
