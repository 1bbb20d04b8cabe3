"""Receiving a file upload (multipart/form-data) straight to disk, refusing it early when too big.

A declared Content-Length over the limit is refused before a byte of the body is read; an upload
without one (chunked) is cut off as soon as it passes the limit. The file goes to a temporary file
next to the document store (so a vetted file is moved, never copied); small text fields are kept.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from app.errors import InvalidInputError
from app.i18n import N_
from app.pdf.errors import DocumentTooLargeError, mb_text

FILE_FIELD = "file"
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 50
# Multipart framing (boundaries, part headers, the small fields) on top of the file itself.
ENVELOPE_BYTES = 1 * 2**20


class UploadFormError(InvalidInputError):
    message = N_("The upload is not a valid form: send the file as multipart/form-data in a field named \"file\".")


class NoFileError(InvalidInputError):
    message = N_("No file was attached.")


class UploadInterruptedError(InvalidInputError):
    message = N_("The upload was interrupted before the whole file arrived. Try again.")


@dataclass
class ReceivedUpload:
    path: Path | None = None
    file_name: str = ""
    size: int = 0
    sha256: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[-1] if values else None

    def values(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


MAX_NAME_BYTES = 180


def safe_file_name(raw: str) -> str:
    """The last component of what the browser sent (Windows paths too), without control characters."""
    name = PureWindowsPath(raw).name if "\\" in raw else Path(raw).name
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    # A name any client can save it under: at most MAX_NAME_BYTES of UTF-8 (file systems allow 255
    # bytes, and Vietnamese letters take up to 3), the extension kept.
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) <= 10 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip() + suffix) if stem.strip() else "document.pdf"


def too_large(size: int, limit: int) -> DocumentTooLargeError:
    return DocumentTooLargeError(size_mb=mb_text(size), limit_mb=mb_text(limit))


def check_declared_length(request: Request, max_bytes: int) -> None:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + ENVELOPE_BYTES:
        raise too_large(int(declared), max_bytes)


async def receive_upload(request: Request, directory: Path, *, max_bytes: int) -> ReceivedUpload:
    """Stream the request's multipart body: the `file` part to a temporary file, the rest as fields."""
    check_declared_length(request, max_bytes)
    content_type, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadFormError()
    directory.mkdir(parents=True, exist_ok=True)
    upload = ReceivedUpload()
    state: dict = {"name": "", "filename": None, "header_name": b"", "header_value": b"", "disposition": b"", "data": bytearray()}
    sink: dict[str, BinaryIO | None] = {"fh": None}
    digest = hashlib.sha256()
    problem: list[Exception] = []

    def on_part_begin() -> None:
        state.update(name="", filename=None, disposition=b"", data=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header_name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["header_value"] += data[start:end]

    def on_header_end() -> None:
        if state["header_name"].lower() == b"content-disposition":
            state["disposition"] = state["header_value"]
        state["header_name"] = b""
        state["header_value"] = b""

    def on_headers_finished() -> None:
        _, options = parse_options_header(state["disposition"])
        state["name"] = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options and state["name"] == FILE_FIELD:
            if upload.path is not None:
                problem.append(UploadFormError())  # one file per upload
                return
            state["filename"] = safe_file_name(options[b"filename"].decode("utf-8", "replace"))
            upload.file_name = state["filename"]
            upload.path = directory / f"upload-{uuid.uuid4().hex}.part"
            sink["fh"] = upload.path.open("wb")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if problem:
            return
        chunk = data[start:end]
        if state["filename"] is not None and sink["fh"] is not None:
            upload.size += len(chunk)
            if upload.size > max_bytes:
                problem.append(too_large(upload.size, max_bytes))
                return
            digest.update(chunk)
            sink["fh"].write(chunk)
        else:
            state["data"] += chunk
            if len(state["data"]) > MAX_FIELD_BYTES:
                problem.append(UploadFormError())

    def on_part_end() -> None:
        if state["filename"] is not None and sink["fh"] is not None:
            sink["fh"].close()
            sink["fh"] = None
        elif state["name"]:
            if sum(len(v) for v in upload.fields.values()) >= MAX_FIELDS:
                problem.append(UploadFormError())
                return
            upload.fields.setdefault(state["name"], []).append(bytes(state["data"]).decode("utf-8", "replace"))

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_part_end": on_part_end, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if problem:
                raise problem[0]
        parser.finalize()
        if problem:
            raise problem[0]
        if upload.path is None:
            raise NoFileError()
    except ClientDisconnect:
        _abandon(upload, sink)
        raise UploadInterruptedError() from None
    except FormParserError:
        _abandon(upload, sink)
        raise UploadFormError() from None
    except BaseException:
        _abandon(upload, sink)
        raise
    finally:
        if sink["fh"] is not None:
            sink["fh"].close()
    upload.sha256 = digest.hexdigest()
    return upload


def _abandon(upload: ReceivedUpload, sink: dict) -> None:
    if sink["fh"] is not None:
        sink["fh"].close()
        sink["fh"] = None
    upload.discard()
