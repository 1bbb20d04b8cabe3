"""Word and Excel files become PDF through LibreOffice (`soffice --headless --convert-to pdf`),
in a subprocess with a time limit, before they are vetted like any PDF."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from app.pdf.errors import ConversionFailedError, ConverterMissingError

OFFICE_SUFFIXES = frozenset({".docx", ".xlsx", ".doc", ".xls", ".odt", ".ods"})
CONVERT_TIMEOUT_S = 120.0


def is_office_file(file_name: str) -> bool:
    return Path(file_name).suffix.lower() in OFFICE_SUFFIXES


def find_converter() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_to_pdf(source: Path, out_dir: Path, *, timeout_s: float = CONVERT_TIMEOUT_S) -> Path:
    """Convert `source` into `out_dir`; returns the PDF's path. Raises a DocumentRefusedError."""
    program = find_converter()
    if program is None:
        raise ConverterMissingError()
    out_dir.mkdir(parents=True, exist_ok=True)
    # A profile of its own: a second LibreOffice (or a user's desktop one) must not lock it.
    with tempfile.TemporaryDirectory(prefix="chamber-lo-", dir=out_dir) as profile:
        cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(source)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionFailedError() from None
    produced = out_dir / (source.stem + ".pdf")
    if proc.returncode != 0 or not produced.exists():
        raise ConversionFailedError()
    return produced


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait(5)
