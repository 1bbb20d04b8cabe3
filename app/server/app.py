"""create_app(ctx): the FastAPI application of one chamber server."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import API_VERSION, __version__
from app.server import errors
from app.server.ballot_lane import BallotLane
from app.server.broadcaster import Broadcaster
from app.server.context import ServerContext
from app.server.fast_send import CaptureSend
from app.server.limits import JsonLimits
from app.server.ratelimit import FailureLimiter
from app.server.routes import annotations, attendance, audit, auth, directory, documents, events, faces, health, invitations, live, meetings, pairing
from app.services.pairing import PendingPairings

PREFIX = f"/api/v{API_VERSION}"


def create_app(ctx: ServerContext) -> FastAPI:
    broadcaster = Broadcaster()
    ballot_lane = BallotLane(ctx)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        broadcaster.attach(asyncio.get_running_loop())
        ctx.db.add_listener(broadcaster.publish)
        vote_clock = asyncio.create_task(live.close_votes_on_time(ctx))
        ballot_lane.start()
        try:
            yield
        finally:
            vote_clock.cancel()
            await ballot_lane.stop()
            ctx.db.remove_listener(broadcaster.publish)

    app = FastAPI(title="Chamber", version=__version__, lifespan=lifespan, docs_url=f"{PREFIX}/docs", openapi_url=f"{PREFIX}/openapi.json")
    app.state.ctx = ctx
    app.state.broadcaster = broadcaster
    app.state.ballot_lane = ballot_lane
    app.state.token_touched = {}
    app.state.recheck_token_s = events.RECHECK_TOKEN_S
    app.state.login_failures = FailureLimiter()
    # Ten pairing attempts per address in five minutes: a person mistypes a few times, a guesser
    # needs millions (and each code burns after three).
    app.state.pairing_attempts = FailureLimiter(max_failures=10, window_s=300.0)
    app.state.pending_pairings = PendingPairings()
    errors.install(app)
    app.add_middleware(JsonLimits)
    app.add_middleware(CaptureSend)
    for module in (health, auth, pairing, meetings, directory, invitations, documents, annotations, attendance, faces, live, audit, events):
        app.include_router(module.router, prefix=PREFIX)
    return app
