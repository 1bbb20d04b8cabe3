"""GET /api/v1/health: is the server up, which API, which server (no login needed)."""

from fastapi import APIRouter, Request

from app import API_VERSION, __version__

router = APIRouter()


@router.get("/health")
def health(request: Request) -> dict:
    ctx = request.app.state.ctx
    return {
        "status": "ok",
        "api": API_VERSION,
        "server_id": ctx.server_id,
        "name": ctx.name,
        "version": __version__,
        "fingerprint": ctx.certificate.fingerprint,
    }
