"""`main.py documents check` as an administrator's script runs it: a real process on a mix of good,
broken and missing files; the line formats are fixed (scripts read them)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
MAIN = [sys.executable, str(REPO / "main.py"), "--lang", "en"]
OK_LINE = re.compile(r"^ok  (\d+) pages  (.+)$")
REFUSED_LINE = re.compile(r"^refused: (.+)  (.+)$")


def test_check_prints_one_line_per_file_then_json_counts(pdfs: Path, tmp_path: Path) -> None:
    files = [
        pdfs / "good" / "to_trinh_ngan_sach_2026.pdf",
        pdfs / "good" / "pdfjs_freeculture.pdf",
        pdfs / "good" / "producers" / "habibi-rotated.pdf",
        pdfs / "broken" / "password_chamber.pdf",
        pdfs / "broken" / "jpeg_named_pdf.pdf",
        pdfs / "broken" / "pages_tree_loop.pdf",
        tmp_path / "khong_co.pdf",
    ]
    out = subprocess.run([*MAIN, "documents", "check", *map(str, files)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(files) + 1
    for line, path, pages in zip(lines[:3], files[:3], (40, 352, 4)):
        assert OK_LINE.match(line).groups() == (str(pages), str(path)), line
    reasons = [REFUSED_LINE.match(line).groups() for line in lines[3:7]]
    assert reasons == [
        ("password protected", str(files[3])),
        ("not a PDF", str(files[4])),
        ("damaged PDF (page 1)", str(files[5])),
        ("not found", str(files[6])),
    ]
    summary = json.loads(lines[-1])
    assert set(summary) == {"checked", "ok", "refused", "seconds"}
    assert (summary["checked"], summary["ok"], summary["refused"]) == (7, 3, 4)
    assert 0 < summary["seconds"] < 60


def test_check_survives_any_file(tmp_path: Path) -> None:
    odd = [tmp_path, tmp_path / "empty.pdf", tmp_path / "random.pdf"]
    odd[1].write_bytes(b"")
    odd[2].write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    out = subprocess.run([*MAIN, "documents", "check", *map(str, odd)], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert all(line.startswith("refused: ") for line in out.stdout.splitlines()[:3])
    assert json.loads(out.stdout.splitlines()[-1])["refused"] == 3


def test_check_help() -> None:
    out = subprocess.run([*MAIN, "documents", "check", "--help"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0 and "usage:" in out.stdout and "refused: <reason>" in out.stdout
