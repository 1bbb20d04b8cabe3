"""Proxy votes through the real server: an absent delegate names a present colleague, the
secretariat approves, the absent seat joins the next vote and the proxy casts its ballot (counted
once, changeable); without an approved proxy, or for someone else's seat, the ballot is refused
with 403; in a secret vote the seat is recorded as having voted, never how."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.roles import Actor
from app.services import attendance
from app.storage.models import Account, SecretBallot, VoteParticipant
from tests.integration.conftest import Chamber
from tests.live.conftest import session_meeting


def test_an_approved_proxy_casts_the_absent_delegates_ballot(chamber: Chamber) -> None:
    meeting = session_meeting(chamber.ctx)["id"]
    rest = chamber.rest()
    chair, secretary, proxy, absent = rest.token("chutoa"), rest.token("thuky"), rest.token("daibieu"), rest.token("daibieu2")
    with chamber.ctx.db.write() as session:
        people = dict(session.execute(select(Account.username, Account.person_id).where(Account.username.in_(["chutoa", "daibieu", "daibieu2"]))).all())
        for username in ("chutoa", "daibieu"):  # daibieu2 stays away
            attendance.record(session, Actor.system(), meeting, {"person_id": people[username], "action": "check_in", "reason": "Điểm danh tại bàn thư ký"})

    def call(method: str, path: str, token: str, body: dict | None = None, expect: int = 200):  # noqa: ANN202
        response = rest.call(method, path, token=token, json=body)
        assert (response.status_code < 300 if expect == 200 else response.status_code == expect), response.text
        return response.json()

    named = call("POST", f"/meetings/{meeting}/proxies", absent, {"proxy_person_id": people["daibieu"]})
    assert named["state"] == "requested" and named["principal_id"] == people["daibieu2"]
    call("POST", f"/meetings/{meeting}/proxies", absent, {"proxy_person_id": people["daibieu2"]}, expect=422)  # not oneself
    call("POST", f"/proxies/{named['id']}/decide", proxy, {"approve": True}, expect=403)  # the secretariat decides
    call("POST", f"/meetings/{meeting}/live/commands", chair, {"command": "open"})
    early = call("POST", f"/meetings/{meeting}/votes", chair, {"question": "Thông qua chương trình?"})
    assert people["daibieu2"] not in early["eligible"]  # absent and no approved proxy yet
    refused = call("POST", f"/votes/{early['id']}/ballots", proxy, {"choice": "for", "on_behalf_of": people["daibieu2"]}, expect=403)
    assert refused["message_en"] == "You have no approved proxy to vote for this delegate."
    call("POST", f"/votes/{early['id']}/close", chair)

    assert call("POST", f"/proxies/{named['id']}/decide", secretary, {"approve": True})["state"] == "approved"
    assert [p["proxy_name"] for p in call("GET", f"/meetings/{meeting}/proxies", absent)] == [named["proxy_name"]]
    vote = call("POST", f"/meetings/{meeting}/votes", chair, {"question": "Thông qua báo cáo?"})
    assert sorted(vote["eligible"]) == sorted([people["chutoa"], people["daibieu"], people["daibieu2"]])
    call("POST", f"/votes/{vote['id']}/ballots", proxy, {"choice": "for"})
    call("POST", f"/votes/{vote['id']}/ballots", proxy, {"choice": "for", "on_behalf_of": people["daibieu2"]})
    call("POST", f"/votes/{vote['id']}/ballots", proxy, {"choice": "against", "on_behalf_of": people["daibieu2"]})  # changed, still one ballot
    call("POST", f"/votes/{vote['id']}/ballots", chair, {"choice": "for", "on_behalf_of": people["daibieu2"]}, expect=403)  # not the chair's proxy
    details = call("GET", f"/votes/{vote['id']}", chair)
    assert details["cast"] == 2 and details["counts"] == {"for": 1, "against": 1, "abstain": 0}
    assert {b["person_id"]: b["choice"] for b in details["ballots"]} == {people["daibieu"]: "for", people["daibieu2"]: "against"}

    secret = call("POST", f"/meetings/{meeting}/votes", chair, {"question": "Bầu trưởng ban?", "secret": True})
    call("POST", f"/votes/{secret['id']}/ballots", proxy, {"choice": "for", "receipt": "r" * 32})
    call("POST", f"/votes/{secret['id']}/ballots", proxy, {"choice": "against", "receipt": "s" * 32, "on_behalf_of": people["daibieu2"]})
    closed = call("POST", f"/votes/{secret['id']}/close", chair)
    assert closed["result"]["cast"] == 2
    with chamber.ctx.db.read() as session:
        voters = set(session.scalars(select(VoteParticipant.person_id).where(VoteParticipant.vote_id == secret["id"])))
        assert voters == {people["daibieu"], people["daibieu2"]}  # who voted: the seat, not the proxy twice
        assert sorted(session.scalars(select(SecretBallot.choice).where(SecretBallot.vote_id == secret["id"]))) == ["against", "for"]
