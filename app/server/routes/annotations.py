"""Annotations: list a document's (those the caller may see), create, change, delete. Writes are
exactly-once with X-Operation-Id, so a device's outbox can send them again safely."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response

from app.domain.roles import Actor
from app.net.schemas_annotations import AnnotationCreate, AnnotationPatch
from app.server import operations
from app.server.deps import require
from app.services import annotations, documents

router = APIRouter()
reader = require(*documents.DOCUMENT_READERS)
OpId = Header(default=None, alias=operations.HEADER)


def _ctx(request: Request) -> Any:
    return request.app.state.ctx


@router.get("/documents/{document_id}/annotations")
def list_annotations(document_id: str, request: Request, actor: Actor = Depends(reader)) -> list:
    with _ctx(request).db.read() as session:
        return annotations.list_annotations(session, actor, document_id)


@router.post("/documents/{document_id}/annotations", status_code=201)
def create_annotation(document_id: str, body: AnnotationCreate, request: Request, actor: Actor = Depends(reader), op_id: str | None = OpId) -> Response:
    """A sync endpoint: an annotation made offline on a version replaced since is carried to the
    current version by reading both PDFs, which happens on a worker thread."""
    fields = body.model_dump(exclude_unset=True)
    store = documents.store_dir(_ctx(request).settings.data_dir)
    return operations.run(_ctx(request), actor, op_id, lambda s: annotations.create_annotation(s, actor, document_id, fields, store=store), status=201)


@router.patch("/annotations/{annotation_id}")
def update_annotation(annotation_id: str, body: AnnotationPatch, request: Request, actor: Actor = Depends(reader), op_id: str | None = OpId) -> Response:
    changes = body.model_dump(exclude_unset=True)
    base_version = changes.pop("base_version", None)
    base_document_id = changes.pop("base_document_id", None)
    return operations.run(_ctx(request), actor, op_id, lambda s: annotations.update_annotation(
        s, actor, annotation_id, changes, base_version=base_version, base_document_id=base_document_id))


@router.delete("/annotations/{annotation_id}", status_code=204)
def delete_annotation(annotation_id: str, request: Request, actor: Actor = Depends(reader), op_id: str | None = OpId) -> Response:
    return operations.run(_ctx(request), actor, op_id, lambda s: annotations.delete_annotation(s, actor, annotation_id), status=204)
