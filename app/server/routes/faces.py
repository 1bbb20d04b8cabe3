"""Face data: enrol a person from photos (secretariat, admin), see and delete a person's face data,
and the gallery of encodings a kiosk downloads to match locally (kiosk only). Consent records
themselves are in routes/attendance.py."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.domain.roles import Actor
from app.config import CONFIG_FILE
from app.faces.crypto import EncodingCipher
from app.faces.settings import FaceSettings, load_face_settings
from app.server import operations
from app.server.deps import language, require
from app.services import faces
from app.services.faces import MAX_PHOTO_BYTES, MAX_PHOTOS, PhotoCountError, PhotoUpload

router = APIRouter()
enroller = require(*faces.ENROLLERS)
kiosk = require(*faces.GALLERY_READERS)
PHOTO_FIELD = "photos"
OpId = Header(default=None, alias=operations.HEADER)


def _ctx(request: Request):  # noqa: ANN202
    return request.app.state.ctx


def _settings(request: Request) -> FaceSettings:
    """The `[faces]` table of DATA/server.toml (read once per server process)."""
    settings = getattr(request.app.state, "face_settings", None)
    if settings is None:
        path = _ctx(request).settings.data_dir / CONFIG_FILE
        settings = request.app.state.face_settings = load_face_settings(path if path.exists() else None)
    return settings


def _cipher(request: Request) -> EncodingCipher:
    cipher = getattr(request.app.state, "face_cipher", None)
    if cipher is None:
        cipher = request.app.state.face_cipher = EncodingCipher.for_data_dir(_ctx(request).settings.data_dir)
    return cipher


@router.post("/persons/{person_id}/face-enrolment")
async def enrol(person_id: str, request: Request, actor: Actor = Depends(enroller), lang: str = Depends(language)) -> dict:
    """Multipart form with 1–5 files in `photos`; answers one result per photo (accepted or why not)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_PHOTOS * MAX_PHOTO_BYTES + 2**20:
        raise PhotoCountError(limit=MAX_PHOTOS)
    try:
        form = await request.form(max_files=MAX_PHOTOS, max_fields=20)
    except Exception:  # starlette refuses a form with more files than max_files
        raise PhotoCountError(limit=MAX_PHOTOS) from None
    try:
        photos = [PhotoUpload(f.filename or f"{i + 1}", await f.read()) for i, f in enumerate(form.getlist(PHOTO_FIELD)) if isinstance(f, UploadFile)]
    finally:
        await form.close()
    ctx = _ctx(request)
    return await run_in_threadpool(faces.enrol, ctx.db, actor, person_id, photos, cipher=_cipher(request), settings=_settings(request), lang=lang)


@router.get("/persons/{person_id}/face-data")
def face_data(person_id: str, request: Request, actor: Actor = Depends(enroller)) -> dict:
    with _ctx(request).db.write() as session:  # a write: the view is audited
        return faces.status(session, actor, person_id)


@router.delete("/persons/{person_id}/face-data")
def erase(person_id: str, request: Request, actor: Actor = Depends(enroller), op_id: str | None = OpId) -> Response:
    """Withdrawal of consent: the person's face data are deleted for real and the consent ends."""
    ctx = _ctx(request)
    response = operations.run(ctx, actor, op_id, lambda s: faces.withdraw(s, actor, person_id))
    faces.scrub(ctx.db)
    return response


@router.get("/faces/gallery")
def gallery(request: Request, actor: Actor = Depends(kiosk)) -> list:
    with _ctx(request).db.write() as session:  # a write: the download is audited
        return faces.gallery(session, actor, _cipher(request), device=request.headers.get("user-agent", "")[:200])
