"""The PDF reader's page rendering, against PyMuPDF itself, in one run.

- A page shown on a cache miss: our path (PageRenderer in bands, wrapped in a QImage, offscreen)
  vs a bare `page.get_pixmap(dpi, alpha=False)` of the same page at the same DPI, medians over a
  sample of pages of typical, scanned/heavy and 400-page documents. Goal ≤ 1.1×.
- The next page when it was prefetched: from "next" to its image painted. Goal ≤ 30 ms.
- The 400-page report: window created → first page painted, in a running application (theme,
  catalogue and PyMuPDF loaded). Goal < 0.2 s. The cold figures are printed too.
- Memory: a new process with the 400-page report open and 50 pages viewed. Goal ≤ 400 MB.

    uv run python benchmarks/page_render.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
GOOD = REPO.parent / "shared" / "data" / "pdfs" / "good"
BIG = GOOD / "bao_cao_kinh_te_xa_hoi_400_trang.pdf"
DPI = 150  # about "fit width" of an A4 page on a 1280-pixel screen

SAMPLES = {  # document → pages sampled (0-based)
    "typical": {"to_trinh_ngan_sach_2026.pdf": [0, 1, 5, 12], "pdfjs_tracemonkey.pdf": [0, 3, 6, 10], "vn_nghi_dinh_145_2020_ND-CP.pdf": [0, 1, 2, 3]},
    "scanned/heavy": {"cong_van_scan.pdf": [0, 3, 6], "pymupdf_test_3863.pdf": [0, 2, 5], "pdfjs_issue19971.pdf": [0, 1, 3]},
    "400-page": {BIG.name: [0, 57, 199, 311, 399]},
}


def wait(app, predicate, timeout: float = 20.0) -> None:  # noqa: ANN001 - QApplication
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the reader did not get there")
        app.processEvents()


def bench_cache_miss(rounds: int) -> list[tuple[str, float, float]]:
    import pymupdf

    from app.pdf.render import PageCache, PageRenderer
    from ui.widgets.page_view import PageImage

    rows = []
    for group, files in SAMPLES.items():
        ours_total = raw_total = 0.0
        for name, pages in files.items():
            doc = pymupdf.open(GOOD / name)
            renderer = PageRenderer(GOOD / name, cache=PageCache(0))
            for n in pages:
                doc[n].get_pixmap(dpi=DPI, alpha=False)  # both warm MuPDF's store (fonts, images)
                renderer.render(n, dpi=DPI)
                ours, raw = [], []
                for r in range(rounds):
                    for turn in ((0, 1) if r % 2 else (1, 0)):
                        if turn == 0:
                            renderer._lists.clear()  # a cache miss parses the page again, as get_pixmap does
                            t = time.perf_counter()
                            image = PageImage(renderer.render(n, dpi=DPI)).image
                            ours.append(time.perf_counter() - t)
                            assert not image.isNull()
                        else:
                            t = time.perf_counter()
                            doc[n].get_pixmap(dpi=DPI, alpha=False)
                            raw.append(time.perf_counter() - t)
                ours_total += statistics.median(ours)
                raw_total += statistics.median(raw)
            renderer.close()
            doc.close()
        rows.append((group, ours_total, raw_total))
    return rows


def bench_window(app, rounds: int) -> dict[str, float]:  # noqa: ANN001 - QApplication
    from ui.views.reader.reader_window import ReaderWindow

    firsts = []
    for _ in range(rounds):
        started = time.perf_counter()
        window = ReaderWindow(BIG, title="Báo cáo")
        window.show()
        wait(app, lambda: window.ready and window.view.is_showing(0) and 0 in window.view.painted)
        firsts.append(time.perf_counter() - started)
        window.close()
        window.deleteLater()
        app.processEvents()

    window = ReaderWindow(BIG, title="Báo cáo")
    window.show()
    view = window.view
    wait(app, lambda: window.ready and view.is_showing(0))
    nexts = []
    for _ in range(20):
        page = view.current_page
        wait(app, lambda: view.is_showing(page) and window.document.worker.pending() == 0)
        t = time.perf_counter()
        view.next_page()
        wait(app, lambda: view.is_showing(page + 1))
        view.viewport().repaint()  # painted, not only chosen
        nexts.append(time.perf_counter() - t)
        assert page + 1 in view.painted
    window.close()
    return {"first_median": statistics.median(firsts), "first_max": max(firsts), "next_median": statistics.median(nexts), "next_max": max(nexts)}


def child_memory() -> None:
    """A new process: the 400-page report open, 50 pages viewed (each shown sharp), thumbnails on."""
    from ui.application import create_application
    from ui.views.reader.reader_window import ReaderWindow

    app = create_application([])
    window = ReaderWindow(BIG, title="Báo cáo")
    window.resize(1280, 800)
    window.show_panel("thumbnails")
    window.show()
    view = window.view
    wait(app, lambda: window.ready)
    for page in range(0, 400, 8):  # 50 pages through the whole report
        view.go_to_page(page)
        wait(app, lambda: view.is_showing(page))
    wait(app, lambda: window.document.worker.pending() == 0)
    status = Path("/proc/self/status").read_text()
    fields = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile"))}
    cache = window.document.renderer.cache
    print(json.dumps({
        "rss_mb": fields["VmRSS"] / 1024, "peak_mb": fields["VmHWM"] / 1024, "anon_mb": fields["RssAnon"] / 1024, "file_mb": fields["RssFile"] / 1024,
        "cache_mb": cache.bytes_used / 2**20, "cached_pages": len(cache),
    }), flush=True)
    window.close()


def cold_first_page() -> None:
    """A new process that already runs the application: import PyMuPDF, then the first window."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    from app.i18n import _
    from ui.application import create_application

    app = create_application([])
    _("Outline")  # the catalogue, loaded by the application long before a document is opened
    main = QMainWindow()
    main.setCentralWidget(QLabel("Chamber"))
    main.show()
    app.processEvents()
    t = time.perf_counter()
    from ui.views.reader.reader_window import ReaderWindow  # imports PyMuPDF

    imported = time.perf_counter() - t
    started = time.perf_counter()
    window = ReaderWindow(BIG, title="Báo cáo")
    window.show()
    wait(app, lambda: window.ready and window.view.is_showing(0) and 0 in window.view.painted)
    print(json.dumps({"import_s": imported, "first_window_s": time.perf_counter() - started}), flush=True)
    window.close()


def run_child(flag: str) -> dict:
    out = subprocess.run([sys.executable, __file__, flag], capture_output=True, text=True, timeout=300, cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise RuntimeError(f"{flag} failed: {out.stderr[-2000:]}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        child_memory()
        return
    if args.cold_child:
        cold_first_page()
        return

    from app.i18n import _
    from ui.application import create_application

    app = create_application([])
    _("Outline")
    rows = bench_cache_miss(args.rounds)
    window = bench_window(app, args.rounds)
    cold = run_child("--cold-child")
    memory = run_child("--memory-child")

    ours_all = sum(r[1] for r in rows)
    raw_all = sum(r[2] for r in rows)
    ratio = ours_all / raw_all
    print(f"{'page shown on a cache miss, ' + str(DPI) + ' DPI':<44} {'ours ms':>9} {'raw ms':>9} {'ratio':>6}")
    for group, ours, raw in rows:
        print(f"{'  ' + group:<44} {ours * 1000:>9.1f} {raw * 1000:>9.1f} {ours / raw:>6.2f}")
    print(f"{'  all sampled pages (goal ≤ 1.1×)':<44} {ours_all * 1000:>9.1f} {raw_all * 1000:>9.1f} {ratio:>6.2f}")
    print(f"{'prefetched next page painted (goal ≤ 30 ms)':<44} {window['next_median'] * 1000:>9.1f} {'max':>9} {window['next_max'] * 1000:>6.1f}")
    print(f"{'400 pages: open → page 1 painted (< 0.2 s)':<44} {window['first_median'] * 1000:>9.1f} {'max':>9} {window['first_max'] * 1000:>6.1f}")
    print(f"{'  cold: first reader window of a process':<44} {cold['first_window_s'] * 1000:>9.1f}")
    print(f"{'  cold: importing PyMuPDF before it':<44} {cold['import_s'] * 1000:>9.1f}")
    print(f"{'RSS, 400 pages open, 50 viewed (≤ 400 MB)':<44} {memory['rss_mb']:>9.0f} {'peak':>9} {memory['peak_mb']:>6.0f}")
    print(f"{'  of which mapped files (Qt, MuPDF libraries)':<44} {memory['file_mb']:>9.0f}")
    print(f"{'  page cache':<44} {memory['cache_mb']:>9.0f} {'pages':>9} {memory['cached_pages']:>6}")
    print(json.dumps({
        "ratio_vs_raw": round(ratio, 3),
        "prefetched_ms": round(window["next_median"] * 1000, 1),
        "first_page_s": round(window["first_median"], 3),
        "rss_mb": round(memory["rss_mb"]),
        "first_page_cold_s": round(cold["first_window_s"], 3),
        "pymupdf_import_s": round(cold["import_s"], 3),
        "peak_rss_mb": round(memory["peak_mb"]),
        "dpi": DPI,
        "rounds": args.rounds,
    }))


if __name__ == "__main__":
    main()
