"""app/pdf/search.py: a query without diacritics finds Vietnamese text with them, phrases across
words and lines, hit rectangles on the printed characters (rotated pages too), real documents."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from app.pdf.render import PageRenderer
from app.pdf.search import TextIndex, compile_query, fold, iter_search, search


def test_folding_drops_diacritics_and_case() -> None:
    assert fold("Hợp đồng số 12") == "hop dong so 12"
    assert fold("HỢP ĐỒNG") == fold("hợp đồng") == fold("Hop Dong") == "hop dong"
    assert fold("Nghị định") == "nghi dinh"
    assert fold("ﬁnal") == "final"  # a ligature as PDFs print it
    assert fold("o\u031b\u0323") == "o"  # decomposed: o + horn + dot below
    assert compile_query("   ") is None


def test_with_or_without_diacritics_the_same_hits(make_pdf) -> None:
    path = make_pdf([["Điều 1. Hợp đồng số 12 được ký ngày 3/5/2026.", "Các bên thực hiện hợp đồng theo luật."]])
    index = TextIndex.open(path)
    plain, upper, exact = (search(index, q) for q in ("hop dong", "HỢP ĐỒNG", "hợp đồng"))
    assert len(plain) == 2
    assert [h.rects for h in plain] == [h.rects for h in upper] == [h.rects for h in exact]
    assert [h.text for h in plain] == ["Hợp đồng", "hợp đồng"]
    assert search(index, "dieu 1")[0].text == "Điều 1"  # "Đ" folds to "d"
    assert search(index, "hợp đồng số 12")[0].text == "Hợp đồng số 12"
    assert search(index, "hop dong so 13") == []


def test_hit_rectangles_lie_on_the_printed_words(make_pdf) -> None:
    path = make_pdf([["Tờ trình dự toán ngân sách năm 2026"]])
    index = TextIndex.open(path)
    (hit,) = search(index, "ngan sach")
    page = pymupdf.open(path)[0]
    (rect,) = hit.rects
    x0, y0, x1, y1 = rect
    assert 0 <= x0 < x1 <= page.rect.width and 0 <= y0 < y1 <= page.rect.height
    assert abs(y1 - y0) < 30  # one line of 16 pt text
    words = {w[4]: pymupdf.Rect(w[:4]) for w in page.get_text("words")}
    union = words["ngân"] | words["sách"]
    assert pymupdf.Rect(rect).intersect(union).get_area() > 0.8 * union.get_area()


def test_a_phrase_across_a_line_break_gets_one_rectangle_per_line(make_pdf) -> None:
    path = make_pdf([["Hội đồng nhân dân thông qua nghị quyết về hợp", "đồng lao động và bảo hiểm xã hội."]])
    (hit,) = search(TextIndex.open(path), "hop dong lao dong")
    assert len(hit.rects) == 2
    assert hit.rects[0][1] < hit.rects[1][1]  # top line first
    assert hit.text.replace("\n", " ") == "hợp đồng lao động"


def test_hits_on_rotated_pages_are_where_the_text_is_shown(good: Path) -> None:
    path = good / "kho_giay_hon_hop_xoay.pdf"
    renderer = PageRenderer(path)
    index = TextIndex(renderer.document, lock=renderer.lock)
    try:
        hits = search(index, "kho")
        assert {h.page for h in hits} == set(range(renderer.page_count))
        for hit in hits:
            image = renderer.render(hit.page, dpi=72)
            x0, y0, x1, y1 = (round(v) for v in hit.rects[0])
            assert 0 <= x0 < x1 <= image.width and 0 <= y0 < y1 <= image.height
            ink = sum(1 for y in range(y0, y1) for x in range(x0, x1) if image.samples[y * image.stride + 3 * x] < 128)
            assert ink > 20, f"no text under the hit on page {hit.page + 1}"
    finally:
        renderer.close()


def test_a_real_decree_finds_its_words(good: Path) -> None:
    index = TextIndex.open(good / "vn_nghi_dinh_145_2020_ND-CP.pdf")
    hits = search(index, "cham dut hop dong lao dong")
    assert hits and hits[0].page == 0
    assert "CHẤM DỨT HỢP ĐỒNG LAO ĐỘNG" in [h.text for h in hits]
    assert search(index, "nghi dinh")[0].text == "Nghịđịnh"  # the PDF lost the space


def test_a_real_budget_proposal_finds_a_known_word(good: Path) -> None:
    index = TextIndex.open(good / "to_trinh_ngan_sach_2026.pdf")
    hits = search(index, "ngân sách")
    assert len(hits) > 20
    assert hits == sorted(hits, key=lambda h: (h.page, h.start))
    assert all(h.text.lower().startswith("ngân") for h in hits)


def test_search_goes_from_the_current_page_and_can_be_cancelled(good: Path) -> None:
    index = TextIndex.open(good / "to_trinh_ngan_sach_2026.pdf")
    steps = iter_search(index, "ngan sach", start=30, slice_s=0)
    first = next(steps)
    assert first[0][0] == 30
    pages = [page for batch in [first, *steps] for page, _hits in batch]
    assert pages == [*range(30, 40), *range(0, 30)]
    cancelled = list(iter_search(index, "ngan sach", cancelled=lambda: True))
    assert cancelled == []


@pytest.mark.parametrize("query", ["", "   ", "\u0301"])
def test_an_empty_query_finds_nothing(good: Path, query: str) -> None:
    assert search(TextIndex.open(good / "vn_nghi_dinh_145_2020_ND-CP.pdf"), query) == []
