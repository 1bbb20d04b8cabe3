"""Ballots sent over a tablet's open event stream, written to the database in groups.

When 500 delegates vote within one second, a transaction (and an HTTPS request) per ballot spends
the time on transactions and requests, not on ballots. A tablet already holds its event stream
open, so it sends its ballot there; the lane writes everything that arrived while the previous
group was being written in one transaction:

- each ballot in its own savepoint, so a refused ballot (not eligible, vote closed) undoes only
  itself and gets its own answer;
- each under its operation id, so a ballot resent (over the stream or over HTTPS) is answered
  with the first answer and never counted twice;
- the token is checked again for every ballot, so a device signed out since it connected cannot
  vote;
- the running count is announced once per vote and group, not once per ballot.

The rules themselves are `app.services.live.cast_ballot`, the same as `POST /votes/{id}/ballots`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from app.errors import ChamberError, ConflictError, PermissionDeniedError, ServerError
from app.server.errors import UnstorableValueError, storage_error
from app.server.operations import BadOperationIdError
from app.services import accounts, live
from app.storage.models import AppliedOperation

log = logging.getLogger(__name__)

# Enough to take a hall's whole vote in a few groups, small enough that one group's transaction
# stays short for everyone else who writes.
MAX_GROUP = 250


@dataclass
class Ballot:
    token: str
    operation_id: str
    vote_id: str
    body: dict[str, Any]
    lang: str = "vi"


Answer = tuple[int, dict[str, Any]]


def error_body(err: ChamberError, lang: str) -> dict[str, Any]:
    body = err.to_json(lang)
    body["message_id"] = err.message
    return body


class BallotLane:
    """Created and started on the server's event loop (the app's lifespan)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self._pending: list[tuple[Ballot, asyncio.Future[Answer]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        # What the lane has written since the server started (read by tests and benchmarks).
        self.groups_written = 0
        self.ballots_written = 0

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def submit(self, ballot: Ballot) -> Answer:
        """The answer the same ballot would get over HTTPS: (status, body or error body)."""
        if not 0 < len(ballot.operation_id) <= 64:
            return 422, error_body(BadOperationIdError(), ballot.lang)
        assert self._wake is not None, "the lane is started by the app's lifespan"
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending.append((ballot, future))
        self._wake.set()
        return await future

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                group, self._pending = self._pending[:MAX_GROUP], self._pending[MAX_GROUP:]
                try:
                    answers = await asyncio.to_thread(self.write, [ballot for ballot, _ in group])
                except Exception:  # the lane must outlive one bad group; each ballot is told
                    log.exception("ballot group failed")
                    answers = [(500, error_body(ServerError(), b.lang)) for b, _ in group]
                for (_, future), answer in zip(group, answers):
                    if not future.done():
                        future.set_result(answer)

    def write(self, ballots: list[Ballot]) -> list[Answer]:
        """One transaction for the group (runs on a worker thread)."""
        answers: list[Answer | None] = [None] * len(ballots)
        try:
            with self.ctx.db.write() as session:
                announce: dict[str, Any] = {}
                held = live.lock_votes(session, {b.vote_id for b in ballots})  # noqa: F841 - kept alive for the group
                # What every ballot needs, read for the whole group in two queries.
                actors = accounts.authenticate_many(session, [b.token for b in ballots])
                ids = [b.operation_id for b in ballots]
                done = {op.operation_id: op for op in session.scalars(select(AppliedOperation).where(AppliedOperation.operation_id.in_(ids)))}
                for i, ballot in enumerate(ballots):
                    answers[i] = self._one(session, ballot, announce, actors[ballot.token], done)
                for vote_id, actor in announce.items():
                    live.announce_ballots(session, actor, vote_id)
            self.groups_written += 1
            self.ballots_written += len(ballots)
        except OperationalError as err:
            failure = storage_error(err, "ballots over the event stream")
            return [(failure.status, error_body(failure, b.lang)) for b in ballots]
        return [a if a is not None else (500, error_body(ServerError(), b.lang)) for a, b in zip(answers, ballots)]

    def _one(self, session: Any, ballot: Ballot, announce: dict[str, Any], actor: Any, applied: dict[str, AppliedOperation]) -> Answer:
        try:
            with session.begin_nested():
                if isinstance(actor, ChamberError):
                    raise actor
                if actor.role not in live.PARTICIPANTS:
                    raise PermissionDeniedError()
                done = applied.get(ballot.operation_id)
                if done is not None:
                    if done.account_id != actor.account_id:
                        raise ConflictError()
                    return done.status_code, done.response
                body = ballot.body
                result = jsonable_encoder(
                    live.cast_ballot(session, actor, ballot.vote_id, choice=body.get("choice"), receipt=body.get("receipt"),
                                     on_behalf_of=body.get("on_behalf_of"), announce=False)
                )
                applied[ballot.operation_id] = AppliedOperation(operation_id=ballot.operation_id, account_id=actor.account_id, status_code=200, response=result)
                session.add(applied[ballot.operation_id])  # a resend in the same group is answered from it
                session.flush()
        except ChamberError as err:
            return err.status, error_body(err, ballot.lang)
        except (DataError, IntegrityError) as err:
            # A value the database cannot keep (or a duplicate operation id racing over HTTPS):
            # this ballot's savepoint is undone; the others in the group stand.
            log.info("ballot refused by the database: %s", err.orig)
            return 422, error_body(UnstorableValueError(), ballot.lang)
        announce[ballot.vote_id] = actor
        return 200, result
