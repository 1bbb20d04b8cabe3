"""Vetting the good PDFs: what the isolation costs.

Ours: `app.pdf.vet.vet_file` — a child forked from the vetting fork server, with memory, CPU and
time limits; opens the file, renders every page at 36 dpi, extracts text and outline, makes a
thumbnail of page 1, sends the result back. Baseline, measured in the same run on the same file:
raw PyMuPDF in this process, open + render every page at 36 dpi (no isolation, no text).
Files are vetted one at a time (so each time is the file's own), raw first, then ours.

Prints a table (file, pages, seconds, ms/page, raw seconds, ratio), the parallel wall time of the
whole set (as `documents check` does it), then one line of JSON:
{"files": N, "pages": N, "ms_per_page": X, "ratio_vs_raw": R}.

    uv run python benchmarks/vetting.py [--data ../shared/data/pdfs/good] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pymupdf  # noqa: E402

from app.pdf.vet import vet_file, vet_files  # noqa: E402

DPI = 36


def raw_render(path: Path) -> int:
    doc = pymupdf.open(path)
    pages = doc.page_count
    for page in doc:
        page.get_pixmap(dpi=DPI, alpha=False)
    doc.close()
    return pages


def best_of(repeat: int, fn, *args):  # noqa: ANN001, ANN202
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "pdfs" / "good")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per file and method (default 3)")
    args = parser.parse_args()
    files = sorted(args.data.rglob("*.pdf"))
    if not files:
        print(f"no PDF under {args.data}", file=sys.stderr)
        return 1
    pymupdf.TOOLS.mupdf_display_errors(False)
    started = time.perf_counter()
    vet_file(files[0])  # starts the fork server (imports PyMuPDF once); not counted per file
    server_start = time.perf_counter() - started

    rows = []
    for path in files:
        raw_s, raw_pages = best_of(args.repeat, raw_render, path)
        ours_s, result = best_of(args.repeat, vet_file, path)
        if not result.ok:
            print(f"refused: {result.reason}  {path}", file=sys.stderr)
            continue
        assert result.pages == raw_pages, path
        rows.append((path.relative_to(args.data).as_posix(), result.pages, ours_s, raw_s))

    name_w = max(len(r[0]) for r in rows)
    print(f"{'file':<{name_w}}  {'pages':>5}  {'seconds':>8}  {'ms/page':>8}  {'raw s':>7}  {'ratio':>6}")
    for name, pages, ours_s, raw_s in rows:
        print(f"{name:<{name_w}}  {pages:>5}  {ours_s:>8.3f}  {ours_s * 1000 / pages:>8.2f}  {raw_s:>7.3f}  {ours_s / max(raw_s, 1e-6):>6.1f}")
    pages = sum(r[1] for r in rows)
    ours_total = sum(r[2] for r in rows)
    raw_total = sum(r[3] for r in rows)
    print(f"{'total':<{name_w}}  {pages:>5}  {ours_total:>8.3f}  {ours_total * 1000 / pages:>8.2f}  {raw_total:>7.3f}  {ours_total / raw_total:>6.2f}")
    started = time.perf_counter()
    vet_files(files)
    parallel = time.perf_counter() - started
    print(f"fork server start (once): {server_start:.2f} s; all {len(files)} files in parallel (cores): {parallel:.2f} s wall")
    print(json.dumps({"files": len(rows), "pages": pages, "ms_per_page": round(ours_total * 1000 / pages, 3), "ratio_vs_raw": round(ours_total / raw_total, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
