"""Documents: upload (vetted before it is stored), list, metadata, content, versions, edit, delete,
and the meeting packet. Uploads are multipart forms streamed to disk; everything else is JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from app.domain.roles import EDITORS, Actor
from app.errors import InvalidInputError
from app.i18n import N_
from app.net.schemas_documents import DocumentPatch
from app.pdf import packet
from app.server import operations, uploads
from app.server.deps import language, require
from app.services import annotations, documents
from app.storage.models import AppliedOperation

router = APIRouter()
reader = require(*documents.DOCUMENT_READERS)
editor = require(*EDITORS)
OpId = Header(default=None, alias=operations.HEADER)
TRUE = {"1", "true", "yes", "on"}
FALSE = {"", "0", "false", "no", "off"}


class BadFlagError(InvalidInputError):
    message = N_("%(field)s must be true or false.")


def _ctx(request: Request) -> Any:
    return request.app.state.ctx


def _store(request: Request) -> Path:
    return documents.store_dir(_ctx(request).settings.data_dir)


def _read(ctx: Any, fn: Any) -> Any:
    with ctx.db.read() as session:
        return fn(session)


def _applied(ctx: Any, op_id: str | None) -> bool:
    if not op_id or len(op_id) > 64:
        return False
    return _read(ctx, lambda s: s.get(AppliedOperation, op_id) is not None)


def _form(upload: uploads.ReceivedUpload) -> dict[str, Any]:
    flag = (upload.value("confidential") or "").strip().lower()
    if flag not in TRUE | FALSE:
        raise BadFlagError(field="confidential")
    access = [entry.strip() for value in upload.values("access") for entry in value.split(",") if entry.strip()]
    return {
        "agenda_item_id": (upload.value("agenda_item_id") or "").strip() or None,
        "title": upload.value("title"),
        "confidential": flag in TRUE,
        "access": access,
    }


@router.post("/meetings/{meeting_id}/documents", status_code=201)
async def upload_document(meeting_id: str, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    """Multipart form: `file`, and optionally `agenda_item_id`, `title`, `confidential`, `access` (repeated)."""
    ctx, store = _ctx(request), _store(request)
    if await run_in_threadpool(_applied, ctx, op_id):  # a retry: the first answer, without the work
        return await run_in_threadpool(operations.run, ctx, actor, op_id, lambda s: None, status=201)
    uploads.check_declared_length(request, documents.MAX_UPLOAD_BYTES)
    await run_in_threadpool(_read, ctx, lambda s: documents.check_upload(s, actor, meeting_id))
    upload = await uploads.receive_upload(request, documents.temp_dir(store), max_bytes=documents.MAX_UPLOAD_BYTES)
    prepared = None
    try:
        form = _form(upload)
        await run_in_threadpool(_read, ctx, lambda s: documents.check_upload(s, actor, meeting_id, agenda_item_id=form["agenda_item_id"], access=form["access"]))
        prepared = await run_in_threadpool(documents.prepare_upload, upload.path, upload.file_name)
        return await run_in_threadpool(
            operations.run, ctx, actor, op_id, lambda s: documents.add_document(s, actor, store, prepared, meeting_id=meeting_id, **form), status=201
        )
    finally:
        upload.discard()
        if prepared is not None:
            prepared.discard()


@router.get("/meetings/{meeting_id}/documents")
def list_documents(meeting_id: str, request: Request, actor: Actor = Depends(reader)) -> list:
    return _read(_ctx(request), lambda s: documents.list_documents(s, actor, meeting_id))


@router.get("/meetings/{meeting_id}/packet")
def meeting_packet(meeting_id: str, request: Request, actor: Actor = Depends(reader), lang: str = Depends(language)) -> Response:
    """One PDF: cover with the agenda, then every document the caller may read, with bookmarks.
    A sync endpoint, so the build runs on a worker thread, never on the event loop."""
    store = _store(request)
    with _ctx(request).db.write() as session:  # a write: the download is audited
        contents = documents.packet_contents(session, actor, store, meeting_id)
        documents.record_packet(session, actor, contents)
    path = packet.packet_file(contents.meeting, contents.agenda, contents.documents, lang=lang, cache_dir=store / "packets")
    return FileResponse(path, media_type="application/pdf", filename=f"{contents.meeting['title'][:120]}.pdf", content_disposition_type="inline",
                        headers={"ETag": f'"{path.stem}"', "Cache-Control": "private, no-cache"})


@router.get("/documents/{document_id}")
def get_document(document_id: str, request: Request, actor: Actor = Depends(reader)) -> dict:
    return _read(_ctx(request), lambda s: documents.get_document(s, actor, document_id))


@router.get("/documents/{document_id}/versions")
def document_versions(document_id: str, request: Request, actor: Actor = Depends(reader)) -> list:
    return _read(_ctx(request), lambda s: documents.document_versions(s, actor, document_id))


@router.get("/documents/{document_id}/content")
def document_content(document_id: str, request: Request, actor: Actor = Depends(reader)) -> Response:
    """The PDF; its ETag is the content hash, so a client that has those bytes gets 304."""
    store = _store(request)
    path, doc = _read(_ctx(request), lambda s: documents.document_file(s, actor, store, document_id))
    etag = f'"{doc["content_hash"]}"'
    wanted = [t.strip() for t in (request.headers.get("if-none-match") or "").split(",") if t.strip()]
    if etag in wanted or "*" in wanted:
        return Response(status_code=304, headers={"ETag": etag})
    with _ctx(request).db.write() as session:  # the device gets the bytes: audited
        documents.record_download(session, actor, doc)
    return FileResponse(path, media_type="application/pdf", filename=doc["file_name"], content_disposition_type="inline",
                        headers={"ETag": etag, "Cache-Control": "private, no-cache"})


@router.put("/documents/{document_id}/content")
async def replace_document(document_id: str, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    """A new version (multipart form with `file`): a new document id, the old one kept in history."""
    ctx, store = _ctx(request), _store(request)
    if await run_in_threadpool(_applied, ctx, op_id):
        return await run_in_threadpool(operations.run, ctx, actor, op_id, lambda s: None, status=201)
    uploads.check_declared_length(request, documents.MAX_UPLOAD_BYTES)
    await run_in_threadpool(_read, ctx, lambda s: documents.check_replace(s, actor, document_id))
    upload = await uploads.receive_upload(request, documents.temp_dir(store), max_bytes=documents.MAX_UPLOAD_BYTES)
    prepared = None
    try:
        prepared = await run_in_threadpool(documents.prepare_upload, upload.path, upload.file_name)
        # Finding the annotations in the new PDF reads it: on a worker thread, before the write.
        plan = await run_in_threadpool(annotations.plan_carry_over, ctx.db, store, document_id, prepared.path)
        return await run_in_threadpool(
            operations.run, ctx, actor, op_id, lambda s: documents.replace_document(s, actor, store, document_id, prepared, carry_plan=plan), status=201
        )
    finally:
        upload.discard()
        if prepared is not None:
            prepared.discard()


@router.patch("/documents/{document_id}")
def update_document(document_id: str, body: DocumentPatch, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    fields = body.model_dump(exclude_unset=True)
    return operations.run(_ctx(request), actor, op_id, lambda s: documents.update_document(s, actor, document_id, fields))


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: str, request: Request, actor: Actor = Depends(editor), op_id: str | None = OpId) -> Response:
    store = _store(request)
    return operations.run(_ctx(request), actor, op_id, lambda s: documents.delete_document(s, actor, store, document_id), status=204)
