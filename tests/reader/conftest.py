"""Fixtures for the PDF reader: the real PDFs of ../shared/data/pdfs/good (never copied here), PDFs
generated with PyMuPDF when a test needs a special one (a known Vietnamese sentence, an outline),
and for the window tests the themed QApplication with the language put back afterwards."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pymupdf
import pytest

from app import i18n

BIG = "bao_cao_kinh_te_xa_hoi_400_trang.pdf"
WAIT = 10_000  # ms: upper bound for anything a worker thread does


@pytest.fixture(scope="session")
def good(shared_data: Path) -> Path:
    folder = shared_data / "pdfs" / "good"
    if not (folder / BIG).exists():
        pytest.skip(f"real PDFs not found in {folder}")
    return folder


@pytest.fixture(scope="session")
def vietnamese_font() -> Path:
    """A TrueType font with every Vietnamese glyph (the one the interface uses)."""
    candidates = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True, timeout=10).stdout.strip()
        if out:
            candidates.append(Path(out))
    for path in candidates:
        if path.exists():
            return path
    pytest.skip("no DejaVu Sans font to write Vietnamese text with")


@pytest.fixture(scope="session")
def big_pdf(good: Path) -> Path:
    """The 400-page Vietnamese report (it has an outline)."""
    return good / BIG


@pytest.fixture
def make_pdf(tmp_path: Path, vietnamese_font: Path) -> Callable[..., Path]:
    """make_pdf([[line, ...] per page], toc=None, rotate=None) → a PDF of those lines in tmp_path."""
    count = 0

    def make(pages: list[list[str]], *, toc: list[list] | None = None, rotate: dict[int, int] | None = None, size: tuple[float, float] = (595, 842)) -> Path:
        nonlocal count
        count += 1
        doc = pymupdf.open()
        for n, lines in enumerate(pages):
            page = doc.new_page(width=size[0], height=size[1])
            for i, line in enumerate(lines):
                page.insert_text((72, 100 + 28 * i), line, fontsize=16, fontname="dejavu", fontfile=str(vietnamese_font))
            if rotate and n in rotate:
                page.set_rotation(rotate[n])
        if toc:
            doc.set_toc(toc)
        path = tmp_path / f"generated_{count}.pdf"
        doc.save(path)
        doc.close()
        return path

    return make


@pytest.fixture
def reader_app(qapp) -> Iterator[object]:
    """The QApplication as Chamber sets it up (theme, font, live translations), Vietnamese."""
    from ui.application import setup_application

    if not qapp.property("chamberThemed"):
        setup_application(qapp)
        qapp.setProperty("chamberThemed", True)
    i18n.set_language("vi")
    yield qapp
    i18n.set_language("vi")
