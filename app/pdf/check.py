"""Checking any file a user may attach: Word and Excel files are converted first (when LibreOffice
is installed), then vetted like a PDF. Never raises for a bad file: the result says why."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from app.errors import ChamberError
from app.pdf import vet
from app.pdf.convert import is_office_file, office_to_pdf
from app.pdf.errors import DamagedPdfError, DocumentRefusedError

log = logging.getLogger(__name__)


def check_file(path: str | os.PathLike[str], *, timeout_s: float = vet.DEFAULT_TIMEOUT_S, memory_mb: int = vet.DEFAULT_MEMORY_MB) -> vet.VetResult:
    path = Path(path)
    try:
        if not is_office_file(path.name):
            return vet.vet_file(path, timeout_s=timeout_s, memory_mb=memory_mb)
        refused = vet.precheck(path, header=False)
        if refused is not None:
            return vet.VetResult.refused(refused)
        work_dir = Path(tempfile.mkdtemp(prefix="chamber-check-"))
        try:
            return vet.vet_file(office_to_pdf(path, work_dir), timeout_s=timeout_s, memory_mb=memory_mb)
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
    except DocumentRefusedError as err:
        return vet.VetResult.refused(err)
    except (ChamberError, OSError, RuntimeError) as exc:  # the checker's own trouble, reported per file
        log.error("could not check %s: %s", path, exc)
        return vet.VetResult.refused(DamagedPdfError())
