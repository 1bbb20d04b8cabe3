"""Vetting in a child process with limits, on the real corpus: every good PDF passes with the page
count of its manifest, every broken one opens or is refused with a sensible reason, within the
time limit, and nothing that happens to a child (crash, hang, memory blow-up) reaches the caller."""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from pathlib import Path

import pymupdf
import pytest

from app.pdf import errors
from app.pdf.check import check_file
from app.pdf.convert import find_converter
from app.pdf.vet import VetResult, vet_file, vet_files

BROKEN_TIMEOUT_S = 8.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_every_good_pdf_passes_with_its_manifest_page_count(good) -> None:  # noqa: ANN001
    folder, manifest = good
    files = sorted(p for p in folder.rglob("*.pdf"))
    assert len(files) == 60
    started = time.monotonic()
    results = vet_files(files)
    failures = []
    for path, result in zip(files, results):
        row = manifest[path.relative_to(folder).as_posix()]
        if not result.ok:
            failures.append(f"{path.name}: refused ({result.reason % result.params if result.params else result.reason})")
        elif str(result.pages) != row["pages"]:
            failures.append(f"{path.name}: {result.pages} pages, manifest says {row['pages']}")
        assert result.seconds < 30, path.name
        assert result.thumbnail.startswith(b"\x89PNG"), path.name
    assert failures == []
    by_name = {p.name: r for p, r in zip(files, results)}
    assert by_name["pdfjs_freeculture.pdf"].outline_entries == 58  # the manifest's 58-entry outline
    assert by_name["bao_cao_kinh_te_xa_hoi_400_trang.pdf"].text_chars > 100_000
    assert by_name["cong_van_scan.pdf"].text_chars == 0  # scanned: no text layer, still fine
    print(f"\n60 good files vetted in {time.monotonic() - started:.1f} s")


def expected(row: dict[str, str], name: str) -> set[type[errors.DocumentRefusedError] | None]:
    """What the manifest allows for a broken file: None = it may open; else the refusals that fit."""
    pages = row["pages"]
    damaged = {errors.DamagedPdfError, errors.NoPagesError, errors.DamagedPageError, errors.NotAPdfError}
    if "password" in pages:
        return {errors.PasswordProtectedError}
    if "render timeout" in pages:
        return {errors.TookTooLongError}
    if name in ("html_named_pdf.pdf", "jpeg_named_pdf.pdf"):
        return {errors.NotAPdfError}
    if pages.startswith("error: EmptyFileError"):
        return {errors.EmptyFileError}
    if pages.startswith("error:") or pages.split(" ")[0] == "0":
        return damaged
    if "page error" in pages:
        return {None, errors.DamagedPageError}  # MuPDF raises on a page; drawn smaller it may pass
    return {None} | damaged  # opens, perhaps after repair; if a page is beyond repair it is refused


def test_every_broken_pdf_opens_or_is_refused_with_a_reason_within_the_limit(broken) -> None:  # noqa: ANN001
    folder, manifest = broken
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == 62
    rss_before = rss_mb()
    results = vet_files(files, timeout_s=BROKEN_TIMEOUT_S)
    problems = []
    for path, result in zip(files, results):
        row = manifest[path.name]
        allowed = expected(row, path.name)
        got = None if result.ok else result.error_class
        if got not in allowed:
            problems.append(f"{path.name} ({row['pages']}): got {got.__name__ if got else 'ok'}, expected {sorted(a.__name__ if a else 'ok' for a in allowed)}")
        if result.ok and row["pages"].split(" ")[0].isdigit():
            assert str(result.pages) == row["pages"].split(" ")[0].split(";")[0], path.name
        if not result.ok:
            assert result.reason and result.error().user_message("en"), path.name
        assert result.seconds < BROKEN_TIMEOUT_S + 3, f"{path.name} took {result.seconds:.1f} s"
    assert problems == [], "\n".join(problems)
    by_name = {p.name: r for p, r in zip(files, results)}
    assert by_name["pages_tree_loop.pdf"].error().user_message("en") == "damaged PDF (page 1)"
    assert by_name["password_chamber.pdf"].error().user_message("en") == "password protected"
    assert by_name["html_named_pdf.pdf"].error().user_message("en") == "not a PDF"
    # The caller is unaffected: same process, no memory taken over from the children.
    assert rss_mb() - rss_before < 150


def test_a_hang_is_refused_as_took_too_long_when_the_time_is_up(broken) -> None:  # noqa: ANN001
    folder, _ = broken
    started = time.monotonic()
    result = vet_file(folder / "content_operator_flood.pdf", timeout_s=2)
    assert time.monotonic() - started < 4
    assert result.error_class is errors.TookTooLongError
    assert result.error().user_message("en") == "took too long (more than 2 s)"


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="finds the vetting child through /proc")
@pytest.mark.parametrize(("sig", "refusal"), [(signal.SIGSEGV, errors.DamagedPdfError), (signal.SIGXCPU, errors.TookTooLongError)])
def test_a_child_killed_by_a_signal_is_a_refusal_and_the_caller_goes_on(broken, good, sig, refusal) -> None:  # noqa: ANN001
    """A segfault (or the CPU limit's SIGXCPU) in the child: the caller gets a reason, nothing else."""
    from multiprocessing import forkserver

    vet_file(good[0] / "producers" / "minimal-document.pdf")  # the fork server is running
    server_pid = forkserver._forkserver._forkserver_pid
    before = set(_children_of(server_pid))
    killed: list[int] = []

    def kill_the_child() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not killed:
            for pid in set(_children_of(server_pid)) - before:
                os.kill(pid, sig)
                killed.append(pid)
            time.sleep(0.02)

    killer = threading.Thread(target=kill_the_child)
    killer.start()
    result = vet_file(broken[0] / "content_operator_flood.pdf", timeout_s=20)  # would hang for minutes
    killer.join()
    assert killed
    assert result.error_class is refusal
    assert result.seconds < 10
    assert vet_file(good[0] / "to_trinh_ngan_sach_2026.pdf").ok  # and the next file is vetted as usual


def shading_bomb(path: Path, samples: int = 33_000_000) -> Path:
    """A one-page PDF whose shading function declares 33 million samples (~400 MB once loaded)."""
    doc = pymupdf.open()
    page = doc.new_page()
    fn = doc.get_new_xref()
    doc.update_object(fn, f"<< /FunctionType 0 /Domain [0 1] /Range [0 1 0 1 0 1] /Size [{samples}] /BitsPerSample 8 >>")
    doc.update_stream(fn, b"\x00\x80\xff" * 16)
    shading = doc.get_new_xref()
    doc.update_object(shading, f"<< /ShadingType 2 /ColorSpace /DeviceRGB /Coords [0 0 595 0] /Function {fn} 0 R >>")
    doc.xref_set_key(page.xref, "Resources", f"<< /Shading << /Sh0 {shading} 0 R >> >>")
    contents = doc.get_new_xref()
    doc.update_object(contents, "<<>>")
    doc.update_stream(contents, b"/Sh0 sh")
    doc.xref_set_key(page.xref, "Contents", f"{contents} 0 R")
    doc.save(path)
    return path


def test_a_memory_blow_up_is_refused_as_too_large(tmp_path: Path) -> None:
    bomb = shading_bomb(tmp_path / "shading_bomb.pdf")
    assert bomb.stat().st_size < 10_000
    rss_before = rss_mb()
    result = vet_file(bomb, memory_mb=300)
    assert result.error_class is errors.TooMuchMemoryError
    assert result.error().user_message("en") == "too large (needs more than 300 MB of memory to display)"
    assert rss_mb() - rss_before < 50  # the child's memory, not ours


def test_too_many_pages_and_too_big_files_are_refused(tmp_path: Path) -> None:
    many = pymupdf.open()
    for _ in range(5001):
        many.new_page(width=100, height=100)
    many.save(tmp_path / "5001.pdf")
    result = vet_file(tmp_path / "5001.pdf")
    assert result.error_class is errors.TooManyPagesError
    assert result.error().user_message("en") == "too large (5001 pages; at most 5000)"
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * 200)
    result = vet_file(big, max_bytes=100)
    assert result.error_class is errors.DocumentTooLargeError


def test_cancelling_stops_the_child_at_once(broken) -> None:  # noqa: ANN001
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(errors.VettingCancelledError):
        vet_file(broken[0] / "content_operator_flood.pdf", timeout_s=20, cancel=cancel)
    assert time.monotonic() - started < 2


def test_progress_is_reported_while_pages_render(good) -> None:  # noqa: ANN001
    seen: list[float] = []
    result = vet_file(good[0] / "bao_cao_kinh_te_xa_hoi_400_trang.pdf", progress=seen.append)
    assert result.ok and result.pages == 400
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


def test_missing_file_and_refusal_as_typed_error(tmp_path: Path) -> None:
    result = vet_file(tmp_path / "missing.pdf")
    assert not result.ok and isinstance(result.error(), errors.DocumentNotFoundOnDiskError)
    assert result.error().status == 422 and result.error().code == "document_refused"
    with pytest.raises(errors.DocumentNotFoundOnDiskError):
        result.raise_if_refused()
    assert VetResult(ok=True, pages=1).error() is None


@pytest.mark.skipif(find_converter() is not None, reason="LibreOffice is installed here")
def test_word_file_without_libreoffice_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    docx = tmp_path / "to_trinh.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = check_file(docx)
    assert result.error_class is errors.ConverterMissingError
    assert result.error().user_message("en") == "LibreOffice is not installed on the server; upload a PDF"
