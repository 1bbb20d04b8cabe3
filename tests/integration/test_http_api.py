"""The REST API of the real server over HTTPS: health, login, errors as JSON in Vietnamese and
English, exactly-once operations, meetings and agendas — on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD
from app.services.accounts import MAX_FAILED_LOGINS
from app.storage.models import AuditEntry, Event, Meeting

START = "2026-12-05T08:00:00+07:00"


@pytest.fixture
def ctx(demo):  # noqa: ANN001, ANN201
    """The context of the module's demo server (its database, certificate, id)."""
    return demo[1]


def count(ctx, model) -> int:  # noqa: ANN001
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_health_answers_without_login(api, ctx) -> None:  # noqa: ANN001
    response = api.call("GET", "/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["api"], body["server_id"]) == ("ok", 1, ctx.server_id)
    assert body["fingerprint"] == ctx.certificate.fingerprint


def test_login_and_me_work_when_password_is_right(chamber) -> None:  # noqa: ANN001
    rest = chamber.rest()
    login = rest.login("thuky")
    assert login["account"]["role"] == "secretariat"
    me = rest.call("GET", "/auth/me", token=login["token"])
    assert me.status_code == 200 and me.json()["username"] == "thuky"
    assert rest.call("POST", "/auth/logout", token=login["token"]).status_code == 204
    assert rest.call("GET", "/auth/me", token=login["token"]).status_code == 401


def test_login_fails_alike_when_password_or_user_is_wrong(api) -> None:  # noqa: ANN001
    wrong = api.call("POST", "/auth/login", json={"username": "thuky", "password": "sai-mat-khau"})
    unknown = api.call("POST", "/auth/login", json={"username": "khong-ai", "password": DEMO_PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["message"] == "Sai tên đăng nhập hoặc mật khẩu."
    assert wrong.json()["message_en"] == "Wrong user name or password."


def test_login_is_locked_after_five_failures_over_http(chamber) -> None:  # noqa: ANN001
    rest = chamber.rest()
    for _ in range(MAX_FAILED_LOGINS):
        assert rest.call("POST", "/auth/login", json={"username": "daibieu", "password": "sai"}).status_code == 401
    locked = rest.call("POST", "/auth/login", json={"username": "daibieu", "password": DEMO_PASSWORD}, headers={"Accept-Language": "en"})
    assert locked.status_code == 429, locked.text
    assert locked.json()["error"] == "too_many_attempts"
    assert "wait" in locked.json()["message"] and locked.json()["params"]["seconds"] > 0
    with chamber.ctx.db.read() as session:
        failures = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login.failed", AuditEntry.username == "daibieu"))
    assert failures == MAX_FAILED_LOGINS
    assert rest.call("POST", "/auth/login", json={"username": "thuky", "password": DEMO_PASSWORD}).status_code == 200  # others unaffected


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b'{"title": "Hop", "starts_at": ', "application/json"), (b"\xff\xfe not json", "application/json"), (b"[1, 2, 3]", "application/json"), (b"title=Hop", "application/x-www-form-urlencoded")],
    ids=["truncated", "not-utf8", "array", "form"],
)
def test_malformed_body_is_refused_with_422_json(api, content: bytes, content_type: str) -> None:  # noqa: ANN001
    token = api.token("thuky")
    response = api.call("POST", "/meetings", token=token, content=content, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_input" and body["message"] and body["message_en"]


@pytest.mark.parametrize(
    "payload",
    [{"starts_at": START}, {"title": 42, "starts_at": START}, {"title": "Họp", "starts_at": START, "owner": "me"}, {"title": "Họp", "starts_at": None}],
    ids=["missing-title", "title-not-text", "unknown-field", "null-start"],
)
def test_wrongly_shaped_meeting_is_refused_with_422_json(api, ctx, payload: dict) -> None:  # noqa: ANN001
    before = count(ctx, Meeting), count(ctx, Event)
    response = api.call("POST", "/meetings", token=api.token("thuky"), json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
    assert (count(ctx, Meeting), count(ctx, Event)) == before


def test_too_long_title_is_refused_with_clear_message_in_both_languages(api, ctx) -> None:  # noqa: ANN001
    token = api.token("thuky")
    before = count(ctx, Meeting), count(ctx, Event)
    answers = {
        lang: api.call("POST", "/meetings", token=token, json={"title": "x" * 10_000, "starts_at": START}, headers={"Accept-Language": lang})
        for lang in ("vi", "en")
    }
    assert {a.status_code for a in answers.values()} == {422}
    en, vi = answers["en"].json(), answers["vi"].json()
    assert en["message"] == en["message_en"] == vi["message_en"] == "Title is too long: 10000 characters, at most 300."
    assert en["params"] == {"field": "Title", "length": 10000, "limit": 300}
    assert "10000" in vi["message"] and "300" in vi["message"]
    assert vi["message"] != vi["message_en"], f"no Vietnamese message: {vi['message']!r}"
    assert (count(ctx, Meeting), count(ctx, Event)) == before


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("GET", "/meetings/{id}", None),
        ("PATCH", "/meetings/{id}", {"location": "Phòng 2"}),
        ("DELETE", "/meetings/{id}", None),
        ("GET", "/meetings/{id}/agenda", None),
        ("POST", "/meetings/{id}/agenda", {"title": "Mục"}),
        ("PATCH", "/agenda-items/{id}", {"title": "Mục"}),
        ("POST", "/agenda-items/{id}/move", {"parent_id": None, "position": 0}),
        ("DELETE", "/agenda-items/{id}", None),
        ("GET", "/meetings/not-a-uuid", None),
        ("GET", "/no-such-address", None),
    ],
)
def test_unknown_thing_answers_404_json(api, method: str, path: str, payload) -> None:  # noqa: ANN001
    response = api.call(method, path.format(id=uuid.uuid4()), token=api.token("thuky"), json=payload, headers={"Accept-Language": "en"})
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["error"] == "not_found"
    assert "does not exist" in body["message"] or "no such address" in body["message"]


def test_operation_is_applied_once_when_it_is_repeated(api, ctx) -> None:  # noqa: ANN001
    token = api.token("thuky")
    op = {"X-Operation-Id": str(uuid.uuid4())}
    before = count(ctx, Meeting), count(ctx, Event)
    first = api.call("POST", "/meetings", token=token, json={"title": "Họp một lần", "starts_at": START}, headers=op)
    again = api.call("POST", "/meetings", token=token, json={"title": "Họp một lần", "starts_at": START}, headers=op)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert "x-operation-replayed" not in first.headers and again.headers["x-operation-replayed"] == "1"
    assert (count(ctx, Meeting), count(ctx, Event)) == (before[0] + 1, before[1] + 1)
    with ctx.db.read() as session:
        [event] = [e for e in session.scalars(select(Event).order_by(Event.seq.desc()).limit(1))]
    assert (event.entity_id, event.operation_id) == (first.json()["id"], op["X-Operation-Id"])


def test_delete_operation_is_applied_once_when_it_is_repeated(api, ctx) -> None:  # noqa: ANN001
    token = api.token("thuky")
    meeting = api.call("POST", "/meetings", token=token, json={"title": "Sắp xoá", "starts_at": START}).json()
    op = {"X-Operation-Id": str(uuid.uuid4())}
    events = count(ctx, Event)
    answers = [api.call("DELETE", f"/meetings/{meeting['id']}", token=token, headers=op) for _ in range(3)]
    assert [a.status_code for a in answers] == [204, 204, 204]
    assert [a.headers.get("x-operation-replayed") for a in answers] == [None, "1", "1"]
    assert count(ctx, Event) == events + 1
    assert api.call("DELETE", f"/meetings/{meeting['id']}", token=token).status_code == 404  # a new operation


def test_refused_operation_is_not_remembered_so_a_corrected_retry_applies(api, ctx) -> None:  # noqa: ANN001
    token = api.token("thuky")
    op = {"X-Operation-Id": str(uuid.uuid4())}
    assert api.call("POST", "/meetings", token=token, json={"title": "", "starts_at": START}, headers=op).status_code == 422
    fixed = api.call("POST", "/meetings", token=token, json={"title": "Đã sửa", "starts_at": START}, headers=op)
    assert fixed.status_code == 201 and "x-operation-replayed" not in fixed.headers


def test_operation_id_of_another_account_is_refused(api) -> None:  # noqa: ANN001
    op = {"X-Operation-Id": str(uuid.uuid4())}
    assert api.call("POST", "/meetings", token=api.token("thuky"), json={"title": "Họp", "starts_at": START}, headers=op).status_code == 201
    stolen = api.call("POST", "/meetings", token=api.token("admin"), json={"title": "Họp", "starts_at": START}, headers=op)
    assert stolen.status_code == 409 and stolen.json()["error"] == "conflict"


def test_meeting_and_agenda_round_trip_over_https(chamber) -> None:  # noqa: ANN001
    rest = chamber.rest()
    token = rest.token("thuky")
    op = {"X-Operation-Id": str(uuid.uuid4())}
    payload = {"title": "Kỳ họp chuyên đề", "starts_at": START, "ends_at": "2026-12-05T11:00:00+07:00"}
    m = rest.call("POST", "/meetings", token=token, json=payload, headers=op)
    assert m.status_code == 201, m.text
    again = rest.call("POST", "/meetings", token=token, json=payload, headers=op)  # the stored answer (a JSON column) comes back whole
    assert (again.status_code, again.json(), again.headers["x-operation-replayed"]) == (201, m.json(), "1")
    mid = m.json()["id"]
    opening = rest.call("POST", f"/meetings/{mid}/agenda", token=token, json={"title": "Khai mạc", "duration_minutes": 10}).json()
    report = rest.call("POST", f"/meetings/{mid}/agenda", token=token, json={"title": "Báo cáo"}).json()
    rest.call("POST", f"/meetings/{mid}/agenda", token=token, json={"title": "Thẩm tra", "parent_id": report["id"]})
    moved = rest.call("POST", f"/agenda-items/{report['id']}/move", token=token, json={"parent_id": None, "position": 0})
    assert moved.status_code == 200
    assert [(i["number"], i["title"]) for i in moved.json()] == [("1", "Báo cáo"), ("1.1", "Thẩm tra"), ("2", "Khai mạc")]
    patched = rest.call("PATCH", f"/meetings/{mid}", token=token, json={"status": "scheduled", "location": "Hội trường"})
    assert patched.json()["version"] == 2 and patched.json()["starts_at"] == "2026-12-05T01:00:00+00:00"
    assert rest.call("DELETE", f"/agenda-items/{opening['id']}", token=token).status_code == 204
    hidden = rest.call("GET", f"/meetings/{mid}/agenda", token=rest.token("daibieu"))  # a meeting of no body: not a delegate's
    assert hidden.status_code == 404 and hidden.json()["error"] == "not_found"
    listed = rest.call("GET", "/meetings", token=token).json()
    assert [x for x in listed if x["id"] == mid][0]["location"] == "Hội trường"
    assert [i["title"] for i in rest.call("GET", f"/meetings/{mid}/agenda", token=token).json()] == ["Báo cáo", "Thẩm tra"]
