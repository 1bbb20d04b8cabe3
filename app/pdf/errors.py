"""Why a document is refused: one typed error per reason. The messages are short reasons ("damaged
PDF (page 3)") because they are shown after a label: "refused: …" on the command line, "The
document was refused: …" in a window, and the 422 answer of an upload."""

from __future__ import annotations

from app.errors import ChamberError, InvalidInputError
from app.i18n import N_


def mb_text(n: int) -> str:
    """A size in MB as the messages show it: "312" or "4.5"."""
    return f"{n / 2**20:.0f}" if n >= 10 * 2**20 else f"{n / 2**20:.1f}"


class DocumentRefusedError(InvalidInputError):
    """The file cannot become a meeting document. The server answers 422 with the reason."""

    code = "document_refused"
    message = N_("document refused")


class DocumentNotFoundOnDiskError(DocumentRefusedError):
    message = N_("not found")


class NotAPdfError(DocumentRefusedError):
    message = N_("not a PDF")


class EmptyFileError(NotAPdfError):
    message = N_("not a PDF (the file is empty)")


class PasswordProtectedError(DocumentRefusedError):
    message = N_("password protected")


class DocumentTooLargeError(DocumentRefusedError):
    status = 413
    message = N_("too large (%(size_mb)s MB; at most %(limit_mb)s MB)")


class TooManyPagesError(DocumentRefusedError):
    message = N_("too large (%(pages)s pages; at most %(limit)s)")


class TooMuchMemoryError(DocumentRefusedError):
    message = N_("too large (needs more than %(limit_mb)s MB of memory to display)")


class DamagedPdfError(DocumentRefusedError):
    message = N_("damaged PDF")


class NoPagesError(DamagedPdfError):
    message = N_("damaged PDF (no pages)")


class DamagedPageError(DamagedPdfError):
    message = N_("damaged PDF (page %(page)s)")


class TookTooLongError(DocumentRefusedError):
    message = N_("took too long (more than %(seconds)s s)")


class ConverterMissingError(DocumentRefusedError):
    message = N_("LibreOffice is not installed on the server; upload a PDF")


class ConversionFailedError(DocumentRefusedError):
    message = N_("could not be converted to PDF; save it as PDF and upload that")


class VettingCancelledError(ChamberError):
    status = 499
    code = "cancelled"
    message = N_("Checking the document was cancelled.")
