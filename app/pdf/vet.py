"""Vetting: decide once, on upload, whether a file is a PDF every reader can show.

The work runs in a child process with a memory limit (RLIMIT_AS), a CPU limit (RLIMIT_CPU) and a
wall-clock limit (the child is killed when it expires), so a file that crashes MuPDF, hangs it or
eats the memory costs that child only. The children are forked from a small server process that
has already imported PyMuPDF (multiprocessing "forkserver" with a preload, see vet_forkserver), so
each file pays a fork, not a fresh interpreter (~0.7 s of imports). Where there is no forkserver (Windows) they
are spawned, and only the wall-clock limit applies.

`vet_file` never raises for a bad file: it returns a `VetResult` whose `reason` is the message id
of a `DocumentRefusedError` subclass (`result.error()` gives the error itself).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from app.pdf import errors
from app.pdf.errors import DocumentRefusedError, VettingCancelledError, mb_text

MAX_PAGES = 5000
MAX_FILE_BYTES = 300 * 2**20
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MB = 1024
# The PDF header may follow some junk, but must start within the first kilobyte (as readers allow).
HEADER_WINDOW = 1024

Progress = Callable[[float], None]


@dataclass(frozen=True)
class VetResult:
    ok: bool
    pages: int = 0
    reason: str | None = None  # message id of the DocumentRefusedError subclass (English)
    params: dict[str, Any] = field(default_factory=dict)
    text_chars: int = 0
    outline_entries: int = 0
    seconds: float = 0.0
    thumbnail: bytes = b""  # PNG of page 1
    repaired: bool = False  # MuPDF had to repair the file (fine when every page renders)
    title: str = ""  # the PDF's own title, if it has one
    error_class: type[DocumentRefusedError] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def refused(cls, err: DocumentRefusedError, *, seconds: float = 0.0) -> "VetResult":
        return cls(ok=False, reason=err.message, params=dict(err.params), seconds=seconds, error_class=type(err))

    def error(self) -> DocumentRefusedError | None:
        """The refusal as a typed error (None when the file is fine)."""
        if self.ok:
            return None
        cls = self.error_class or DocumentRefusedError
        return cls(self.reason, **self.params)

    def raise_if_refused(self) -> "VetResult":
        err = self.error()
        if err is not None:
            raise err
        return self


# --- checks that need no child --------------------------------------------------------------
def precheck(path: Path, *, max_bytes: int = MAX_FILE_BYTES, header: bool = True) -> DocumentRefusedError | None:
    """What can be told from the file system and the first kilobyte (`header`: it must be a PDF's)."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return errors.DocumentNotFoundOnDiskError()
        with path.open("rb") as fh:
            head = fh.read(HEADER_WINDOW)
    except FileNotFoundError:
        return errors.DocumentNotFoundOnDiskError()
    except OSError:
        return errors.DocumentNotFoundOnDiskError()
    if size == 0:
        return errors.EmptyFileError()
    if size > max_bytes:
        return errors.DocumentTooLargeError(size_mb=mb_text(size), limit_mb=mb_text(max_bytes))
    if header and b"%PDF-" not in head:
        return errors.NotAPdfError()  # HTML, a JPEG, a Word file … renamed .pdf
    return None


# --- the child ------------------------------------------------------------------------------
_ctx_lock = threading.Lock()
_ctx: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    global _ctx
    with _ctx_lock:
        if _ctx is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["app.pdf.vet_forkserver"])
            else:  # pragma: no cover - Windows
                ctx = multiprocessing.get_context("spawn")
            _ctx = ctx
        return _ctx


def _from_child(result: dict[str, Any], *, memory_mb: int) -> DocumentRefusedError | None:
    if result.get("ok"):
        return None
    code = result.get("code")
    if code == "password":
        return errors.PasswordProtectedError()
    if code == "empty":
        return errors.EmptyFileError()
    if code == "too_many_pages":
        return errors.TooManyPagesError(pages=result.get("pages", 0), limit=MAX_PAGES)
    if code == "memory":
        return errors.TooMuchMemoryError(limit_mb=memory_mb)
    if code == "no_pages":
        return errors.NoPagesError()
    if code == "damaged_page":
        return errors.DamagedPageError(page=result.get("page", 0))
    return errors.DamagedPdfError()


def _from_exit(exitcode: int | None, *, timeout_s: float, memory_mb: int) -> DocumentRefusedError:
    """A child that died without a result: killed by its CPU limit, the kernel, or a crash."""
    if exitcode == -signal.SIGXCPU:
        return errors.TookTooLongError(seconds=_seconds(timeout_s))
    if exitcode == -signal.SIGKILL:  # not us (we return before killing): the kernel's OOM killer
        return errors.TooMuchMemoryError(limit_mb=memory_mb)
    return errors.DamagedPdfError()  # SIGSEGV, SIGBUS, SIGABRT, or an error escaping the child


def _seconds(timeout_s: float) -> int | float:
    return int(timeout_s) if float(timeout_s).is_integer() else round(timeout_s, 1)


def vet_file(
    path: str | os.PathLike[str],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> VetResult:
    """Vet one file in a child process. Never raises for a bad file (see `VetResult.error`);
    raises VettingCancelledError when `cancel` is set while it runs."""
    started = time.monotonic()
    path = Path(path)
    refused = precheck(path, max_bytes=max_bytes)
    if refused is not None:
        return VetResult.refused(refused, seconds=time.monotonic() - started)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    limits = {"memory_mb": memory_mb, "cpu_s": timeout_s + 1, "max_pages": MAX_PAGES}
    proc = ctx.Process(target=_child_entry, args=(sender, str(path.resolve()), limits), daemon=True, name="chamber-vet")
    result: dict[str, Any] | None = None
    timed_out = False
    started_child = False
    try:
        proc.start()
        started_child = True
        sender.close()
        deadline = started + timeout_s
        child_done = False
        while result is None:
            if cancel is not None and cancel.is_set():
                raise VettingCancelledError()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready = multiprocessing.connection.wait([receiver, proc.sentinel], timeout=min(remaining, 0.2))
            if receiver in ready or (child_done and receiver.poll()):
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    break  # the child died; its exit code says how
                if message[0] == "progress" and progress is not None:
                    progress(message[1] / max(message[2], 1))
                elif message[0] == "result":
                    result = message[1]
            elif proc.sentinel in ready:
                if child_done and not receiver.poll():
                    break
                child_done = True  # read what it sent before it ended, then stop
    finally:
        if started_child:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
        sender.close()
        receiver.close()
    seconds = time.monotonic() - started
    if timed_out:
        return VetResult.refused(errors.TookTooLongError(seconds=_seconds(timeout_s)), seconds=seconds)
    if result is None:
        return VetResult.refused(_from_exit(proc.exitcode, timeout_s=timeout_s, memory_mb=memory_mb), seconds=seconds)
    err = _from_child(result, memory_mb=memory_mb)
    if err is not None:
        return VetResult.refused(err, seconds=seconds)
    return VetResult(
        ok=True,
        pages=result["pages"],
        text_chars=result["text_chars"],
        outline_entries=result["outline_entries"],
        seconds=seconds,
        thumbnail=result["thumbnail"],
        repaired=result["repaired"],
        title=result["title"],
    )


def _child_entry(conn: Any, path: str, limits: dict[str, Any]) -> None:
    from app.pdf.vet_worker import run

    run(conn, path, limits)


def vet_files(paths: Iterable[str | os.PathLike[str]], *, workers: int | None = None, **options: Any) -> list[VetResult]:
    """Vet several files in parallel (one child each, at most `workers` at a time: the cores)."""
    paths = list(paths)
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chamber-vet") as pool:
        return list(pool.map(lambda p: vet_file(p, **options), paths))
