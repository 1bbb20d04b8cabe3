"""The role × endpoint matrix of the real server: every endpoint declares the roles it needs,
refuses a caller without a valid token (401), refuses every other role (403) and lets each
declared role through — walked from the FastAPI routes, so a new endpoint cannot slip past."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from sqlalchemy import select
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app.demo import DEMO_PASSWORD
from app.domain.roles import Actor, Role
from app.net.tls import client_ssl_context
from app.server.app import PREFIX
from app.services import accounts, agenda, annotations, documents, invitations, meetings
from app.services.invitations import NotYourInvitationError
from app.storage.models import Account, Body, Membership


class Upload:
    """A multipart upload sample: a small real PDF in the `file` field, plus form fields."""

    def __init__(self, **fields: str) -> None:
        self.fields = fields

    def request(self) -> dict[str, Any]:
        return {"files": {"file": ("mau.pdf", tiny_pdf(), "application/pdf")}, "data": self.fields}


class PhotoUpload(Upload):
    """An enrolment upload: one small PNG in the `photos` field (no face in it: a per-photo refusal, still a 200)."""

    def request(self) -> dict[str, Any]:
        import cv2
        import numpy as np

        ok, png = cv2.imencode(".png", np.full((64, 64, 3), 200, np.uint8))
        return {"files": [("photos", ("mau.png", png.tobytes(), "image/png"))]}


def tiny_pdf(text: str = "Tài liệu mẫu") -> bytes:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_htmlbox(pymupdf.Rect(50, 50, 500, 200), f"<p>{text}</p>")
    return doc.tobytes()


class Targeted:
    """A JSON sample naming targets, e.g. {"person_id": "{person_id}"}, filled from fresh_targets."""

    def __init__(self, **body: Any) -> None:
        self.body = body

    def request(self, targets: dict[str, str] | None = None) -> dict[str, Any]:
        fill = targets or {}
        return {"json": {k: v.format(**fill) if isinstance(v, str) and fill else v for k, v in self.body.items()}}


def request_body(sample: Any, targets: dict[str, str] | None = None) -> dict[str, Any]:
    """The request keywords of a sample: a multipart upload or a JSON body."""
    if isinstance(sample, Targeted):
        return sample.request(targets)
    return sample.request() if isinstance(sample, Upload) else {"json": sample}


# Endpoints anyone may call: the health check, the login itself, and pairing a new device (it
# has no account yet; the one-time code and a per-address limit guard it).
PUBLIC = {("GET", "/health"), ("POST", "/auth/login"), ("POST", "/pairing/start"), ("POST", "/pairing/finish")}

DEMO_ACCOUNTS = {"admin": Role.ADMIN, "thuky": Role.SECRETARIAT, "chutoa": Role.CHAIR, "daibieu": Role.DELEGATE, "daibieu2": Role.DELEGATE, "kiosk": Role.KIOSK, "khach": Role.GUEST}

# One valid request per endpoint. A new endpoint fails test_every_endpoint_has_a_sample_request
# until it gets one here (and thereby a row in the matrix). Path parameters come from fresh_targets.
SAMPLES: dict[tuple[str, str], Any] = {
    ("POST", "/auth/logout"): None,
    ("GET", "/auth/me"): None,
    ("GET", "/devices"): None,
    ("DELETE", "/devices/{token_id}"): None,
    ("GET", "/accounts"): None,
    # The caller's own password set to the same one: its other devices are signed out, this one stays.
    ("POST", "/auth/password"): {"current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD},
    ("POST", "/accounts/{account_id}/password"): {"new_password": "Mật khẩu mới của tài khoản thử"},
    ("PUT", "/accounts/{account_id}/disabled"): {"disabled": True},
    ("POST", "/pairing/codes"): {"minutes": 5},
    ("GET", "/meetings"): None,
    ("POST", "/meetings"): {"title": "Phiên họp kiểm tra quyền", "starts_at": "2026-12-10T08:00:00+07:00"},
    ("GET", "/meetings/{meeting_id}"): None,
    ("PATCH", "/meetings/{meeting_id}"): {"location": "Phòng họp 3"},
    ("DELETE", "/meetings/{meeting_id}"): None,
    ("GET", "/meetings/{meeting_id}/agenda"): None,
    ("POST", "/meetings/{meeting_id}/agenda"): {"title": "Mục mới"},
    ("PATCH", "/agenda-items/{item_id}"): {"presenter": "Thư ký"},
    ("POST", "/agenda-items/{item_id}/move"): {"parent_id": None, "position": 0},
    ("DELETE", "/agenda-items/{item_id}"): None,
    ("GET", "/bodies"): None,
    ("GET", "/persons"): None,
    ("PATCH", "/persons/{person_id}"): {"seat": "7"},
    ("GET", "/sync/snapshot"): None,
    ("GET", "/meetings/{meeting_id}/invitations"): None,
    ("GET", "/meetings/{meeting_id}/invitations/export"): None,
    ("POST", "/meetings/{meeting_id}/invitations/preview"): {"guests": [{"name": "Khách mời", "email": "khach@example.vn"}]},
    ("POST", "/meetings/{meeting_id}/invitations"): {"guests": [{"name": "Khách mời", "email": "khach@example.vn"}]},
    ("POST", "/meetings/{meeting_id}/invitations/remind"): None,
    ("GET", "/invitations/mine"): None,
    ("POST", "/invitations/{invitation_id}/read"): None,
    ("POST", "/invitations/{invitation_id}/response"): {"response": "accepted"},
    ("POST", "/invitations/{invitation_id}/substitute"): {"approve": True},
    ("GET", "/invitation-templates/{meeting_kind}/{lang}"): None,
    ("PUT", "/invitation-templates/{meeting_kind}/{lang}"): {"subject": "Giấy mời: {meeting}", "body": "Kính gửi {name}, mời dự {meeting} lúc {time} tại {place}."},
    ("GET", "/mail/status"): None,
    ("GET", "/reports/usage"): None,
    ("POST", "/meetings/{meeting_id}/documents"): Upload(title="Tờ trình mẫu"),
    ("GET", "/meetings/{meeting_id}/documents"): None,
    ("GET", "/meetings/{meeting_id}/packet"): None,
    ("GET", "/documents/{document_id}"): None,
    ("GET", "/documents/{document_id}/content"): None,
    ("GET", "/documents/{document_id}/versions"): None,
    ("PUT", "/documents/{document_id}/content"): Upload(),
    ("PATCH", "/documents/{document_id}"): {"title": "Tờ trình (sửa)"},
    ("DELETE", "/documents/{document_id}"): None,
    ("GET", "/meetings/{meeting_id}/attendance"): None,
    ("POST", "/meetings/{meeting_id}/attendance"): Targeted(person_id="{person_id}", action="check_in", method="manual", reason="Kiểm tra quyền"),
    ("GET", "/meetings/{meeting_id}/attendance.csv"): None,
    ("GET", "/meetings/{meeting_id}/attendance.pdf"): None,
    ("PUT", "/bodies/{body_id}/quorum"): {"rule": "two_thirds"},
    ("GET", "/face-consents"): None,
    ("POST", "/persons/{person_id}/face-consent"): {"text_version": "2026-01"},
    ("DELETE", "/persons/{person_id}/face-consent"): None,
    ("POST", "/persons/{person_id}/face-enrolment"): PhotoUpload(),
    ("GET", "/persons/{person_id}/face-data"): None,
    ("DELETE", "/persons/{person_id}/face-data"): None,
    ("GET", "/faces/gallery"): None,
    ("GET", "/meetings/{meeting_id}/live"): None,
    ("POST", "/meetings/{meeting_id}/live/commands"): {"command": "next"},
    ("POST", "/meetings/{meeting_id}/speakers"): {"kind": "speak"},
    ("POST", "/speakers/{request_id}/withdraw"): None,
    ("POST", "/meetings/{meeting_id}/votes"): {"question": "Biểu quyết mẫu", "rule": "absolute"},
    ("GET", "/votes/{vote_id}"): None,
    ("POST", "/votes/{vote_id}/ballots"): {"choice": "for"},
    ("POST", "/votes/{vote_id}/close"): None,
    ("PUT", "/meetings/{meeting_id}/conclusions/{item_id}"): {"text": "Thống nhất thông qua"},
    ("GET", "/meetings/{meeting_id}/tasks"): None,
    ("POST", "/meetings/{meeting_id}/tasks"): {"what": "Rà soát danh mục", "responsible_unit": "UBND phường", "deadline": "2027-01-15"},
    ("PATCH", "/tasks/{task_id}"): {"progress": 40},
    ("GET", "/meetings/{meeting_id}/minutes"): None,
    ("GET", "/meetings/{meeting_id}/minutes/text"): None,
    ("PUT", "/meetings/{meeting_id}/minutes"): {"text": "# Biên bản\n\nNội dung đã sửa."},
    ("POST", "/meetings/{meeting_id}/minutes/approve"): {},
    ("POST", "/meetings/{meeting_id}/proxies"): Targeted(proxy_person_id="{proxy_person_id}"),
    ("GET", "/meetings/{meeting_id}/proxies"): None,
    ("POST", "/proxies/{proxy_id}/decide"): {"approve": True},
    ("GET", "/meetings/{meeting_id}/overdue-tasks"): None,
    ("GET", "/documents/{document_id}/annotations"): None,
    ("POST", "/documents/{document_id}/annotations"): {"kind": "note", "page": 0, "rects": [[60, 60, 76, 76]], "note": "Ghi chú mẫu"},
    ("PATCH", "/annotations/{annotation_id}"): {"note": "Ghi chú (sửa)", "base_version": 1},
    ("DELETE", "/annotations/{annotation_id}"): None,
    ("GET", "/audit"): None,
    ("GET", "/audit/export"): None,
}

# A declared role may still be refused by the object it touches: an invitation addressed to
# someone else (a kiosk or guest account has no person, so no invitation is ever theirs).
NOT_THEIRS = {NotYourInvitationError.message}


def _dependencies(dependant) -> list:  # noqa: ANN001
    found = [dependant]
    for sub in dependant.dependencies:
        found += _dependencies(sub)
    return found


def declared_roles(route: APIRoute | APIWebSocketRoute) -> frozenset[Role] | None:
    """The roles named by the endpoint's `require(...)` dependency (or, for the event stream, its
    own `roles` declaration); None when it declares none."""
    declared = [d.call.roles for d in _dependencies(route.dependant) if d.call is not None and hasattr(d.call, "roles")]
    if not declared and hasattr(route.endpoint, "roles"):
        declared = [route.endpoint.roles]
    assert len(declared) <= 1, f"{route.path} declares roles twice"
    return frozenset(declared[0]) if declared else None


@pytest.fixture
def app(demo) -> FastAPI:  # noqa: ANN001
    """The FastAPI application of the module's running demo server (`runner.app`)."""
    return demo[0].app


def api_routes(app: FastAPI) -> list[tuple[str, APIRoute | APIWebSocketRoute]]:
    """(full path, route) for every route of the app, through the routers it includes."""
    out = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, (APIRoute, APIWebSocketRoute)):
            assert context.path.startswith(PREFIX), context.path
            out.append((context.path, route))
    return out


def endpoints(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, path without the /api/v1 prefix, route) for every HTTP endpoint."""
    return [(m, path[len(PREFIX):], route) for path, route in api_routes(app) if isinstance(route, APIRoute) for m in sorted(route.methods)]


def test_every_endpoint_declares_its_roles(app: FastAPI) -> None:
    routes = api_routes(app)
    assert len(routes) >= 20
    undeclared = []
    for path, route in routes:
        methods = sorted(getattr(route, "methods", None) or ["WEBSOCKET"])
        public = all((m, path[len(PREFIX):]) in PUBLIC for m in methods)
        if public:
            assert declared_roles(route) is None, f"{path} is public and declares roles"
        elif declared_roles(route) is None:
            undeclared.append(f"{'/'.join(methods)} {path}")
    assert undeclared == [], "endpoints without a role declaration (use Depends(require(...))): " + ", ".join(undeclared)


def test_every_endpoint_has_a_sample_request(app: FastAPI) -> None:
    guarded = {(m, p) for m, p, _ in endpoints(app) if (m, p) not in PUBLIC}
    assert guarded == set(SAMPLES), f"add to SAMPLES: {sorted(guarded - set(SAMPLES))}; remove: {sorted(set(SAMPLES) - guarded)}"


def test_every_role_appears_in_demo_accounts() -> None:
    assert set(DEMO_ACCOUNTS.values()) == set(Role)


def fresh_targets(server_ctx, username: str) -> dict[str, str]:  # noqa: ANN001
    """For one call to change: a published meeting of the whole council with two agenda items,
    and an invitation to it (the caller's own when they are a person) with a proposed substitute."""
    system = Actor.system()
    with server_ctx.db.write() as session:
        council = session.scalar(select(Body).where(Body.kind == "council"))
        person_id = session.scalar(select(Account.person_id).where(Account.username == username))
        invitee = person_id or session.scalar(select(Membership.person_id).where(Membership.body_id == council.id).limit(1))
        m = meetings.create_meeting(session, system, {"title": "Phiên họp đích", "starts_at": "2026-12-10T08:00:00+07:00", "body_id": council.id})
        meetings.update_meeting(session, system, m["id"], {"status": "scheduled"})
        agenda.add_agenda_item(session, system, m["id"], {"title": "Mục 1"})
        item = agenda.add_agenda_item(session, system, m["id"], {"title": "Mục 2"})
        [invitation] = invitations.send_invitations(session, system, m["id"], person_ids=[invitee])["invitations"]
        invitations.respond(session, system, invitation["id"], response="substitute", substitute_name="Người thay")
        document = documents.attach_document(session, system, documents.store_dir(server_ctx.settings.data_dir), meeting_id=m["id"],
                                             agenda_item_id=item["id"], file_name="to_trinh.pdf", data=tiny_pdf(), pages=1)
        # The caller's own annotation when they may annotate (only its author changes it).
        account = session.scalar(select(Account).where(Account.username == username))
        author = Actor(account.id, username, Role(account.role), account.person_id) if Role(account.role) in documents.DOCUMENT_READERS else system
        note = annotations.create_annotation(session, author, document["id"], {"kind": "note", "page": 0, "rects": [[40, 40, 56, 56]], "note": "Ghi chú"})
    with server_ctx.db.write() as session:
        live_ids = live_targets(session, username, m["id"])
    return {**live_ids, "meeting_id": m["id"], "item_id": item["id"], "invitation_id": invitation["id"], "document_id": document["id"], "meeting_kind": "regular", "lang": "vi",
            "annotation_id": note["id"]}


def live_targets(session, username: str, meeting_id: str) -> dict[str, str]:  # noqa: ANN001
    """The fresh meeting opened by its chair, with a named vote open, a request to speak (the
    caller's own when they are a person) and a follow-up task."""
    from app.services import live

    system = Actor.system()
    live.run_command(session, system, meeting_id, {"command": "open"})
    vote = live.open_vote(session, system, meeting_id, {"question": "Thông qua mục 1"})
    account = session.scalar(select(Account).where(Account.username == username))
    speaker_id = account.person_id if account.person_id and Role(account.role) in live.PARTICIPANTS else vote["eligible"][0]
    request = live.ask_to_speak(session, Actor(None, "system", Role.DELEGATE, speaker_id), meeting_id)
    task = live.create_task(session, system, meeting_id, {"what": "Báo cáo tiến độ", "responsible_unit": "Văn phòng"})
    # A proxy named by one member for another, and a member other than the caller to name.
    from app.services import proxies

    others = [p for p in vote["eligible"] if p != account.person_id]
    named = proxies.name_proxy(session, Actor(None, "system", Role.DELEGATE, others[0]), meeting_id, {"proxy_person_id": others[1]})
    return {"vote_id": vote["id"], "request_id": request["id"], "task_id": task["id"], "proxy_id": named["id"], "proxy_person_id": others[1]}


def spare_account(server_ctx) -> str:  # noqa: ANN001
    """An account of its own for the calls that reset or disable one (never a demo account, whose
    tokens the matrix uses)."""
    with server_ctx.db.write() as session:
        existing = session.scalar(select(Account.id).where(Account.username == "tai.khoan.thu"))
        return existing or accounts.create_account(session, Actor.system(), username="tai.khoan.thu", password="Mật khẩu của tài khoản thử", role="delegate")["id"]


def attendance_targets(server_ctx) -> dict[str, str]:  # noqa: ANN001
    """A council member (with a face-data consent in force, so it can be withdrawn) and the council."""
    from app.services import consent

    with server_ctx.db.write() as session:
        council = session.scalar(select(Body).where(Body.kind == "council"))
        person_id = session.scalar(select(Membership.person_id).where(Membership.body_id == council.id).limit(1))
        consent.give(session, Actor.system(), person_id, text_version="2026-01")
    return {"person_id": person_id, "body_id": council.id}


def test_every_endpoint_refuses_a_caller_without_token(demo, api) -> None:  # noqa: ANN001
    placeholder = str(uuid.uuid4())
    for method, path, _ in endpoints(demo[0].app):
        if (method, path) in PUBLIC:
            continue
        url = path.format(meeting_id=placeholder, item_id=placeholder, token_id=placeholder, invitation_id=placeholder, document_id=placeholder, meeting_kind="regular", lang="vi", vote_id=placeholder, request_id=placeholder, task_id=placeholder,
                          annotation_id=placeholder, person_id=placeholder, body_id=placeholder, proxy_id=placeholder, account_id=placeholder)
        for token in (None, "not-a-token"):
            response = api.call(method, url, token=token, **request_body(SAMPLES[(method, path)]))
            assert response.status_code == 401, f"{method} {path} with token {token!r}: {response.status_code} {response.text}"
            body = response.json()
            assert body["error"] in ("not_authenticated", "session_expired") and body["message"] and body["message_en"]
            assert response.headers["www-authenticate"] == "Bearer"


def test_every_endpoint_refuses_a_revoked_token(demo, api) -> None:  # noqa: ANN001
    login = api.login("admin")
    assert api.call("DELETE", f"/devices/{login['token_id']}", token=login["token"]).status_code == 204
    placeholder = str(uuid.uuid4())
    for method, path, _ in endpoints(demo[0].app):
        if (method, path) in PUBLIC:
            continue
        url = path.format(meeting_id=placeholder, item_id=placeholder, token_id=login["token_id"], invitation_id=placeholder, document_id=placeholder, meeting_kind="regular", lang="vi", vote_id=placeholder, request_id=placeholder, task_id=placeholder,
                         annotation_id=placeholder, person_id=placeholder, body_id=placeholder, proxy_id=placeholder, account_id=placeholder)
        response = api.call(method, url, token=login["token"], **request_body(SAMPLES[(method, path)]), headers={"Accept-Language": "en"})
        assert response.status_code == 401, f"{method} {path}: {response.status_code} {response.text}"
        assert response.json()["error"] == "session_expired"
        assert response.json()["message"] == "Your session has ended. Please log in again."


@pytest.mark.slow
def test_role_matrix_allows_declared_roles_and_forbids_the_others(demo, api) -> None:  # noqa: ANN001
    server, server_ctx = demo
    tokens = {username: api.token(username) for username in DEMO_ACCOUNTS}
    with server_ctx.db.read() as session:
        has_person = {a.username: a.person_id is not None for a in session.scalars(select(Account))}
    checked = 0
    for method, path, route in endpoints(server.app):
        if (method, path) in PUBLIC:
            continue
        allowed = declared_roles(route)
        for username, role in DEMO_ACCOUNTS.items():
            token = tokens[username]
            targets = fresh_targets(server_ctx, username)
            targets.update(attendance_targets(server_ctx))
            if "{account_id}" in path:
                targets["account_id"] = spare_account(server_ctx)
            if "{token_id}" in path or path == "/auth/logout":
                own = api.login(username)  # a throwaway device: this call revokes it
                token, targets["token_id"] = own["token"], own["token_id"]
            response = api.call(method, path.format(**targets), token=token, **request_body(SAMPLES[(method, path)], targets))
            where = f"{method} {path} as {username} ({role}): {response.status_code} {response.text[:200]}"
            if role in allowed and response.status_code == 403 and not has_person[username]:
                assert response.json()["message_id"] in NOT_THEIRS, where  # refused by the object, not the role
            elif role in allowed:
                assert response.status_code < 400, where
            else:
                assert response.status_code == 403, where
                assert response.json()["error"] == "permission_denied", where
            checked += 1
    assert checked == len(SAMPLES) * len(DEMO_ACCOUNTS)


def test_event_stream_lets_every_declared_role_connect(demo, api) -> None:  # noqa: ANN001
    server, server_ctx = demo
    [(path, route)] = [(p, r) for p, r in api_routes(server.app) if isinstance(r, APIWebSocketRoute)]
    allowed = declared_roles(route)
    url = server.url.replace("https://", "wss://") + path + "?after=0"
    for username, role in DEMO_ACCOUNTS.items():
        headers = {"Authorization": f"Bearer {api.token(username)}"}
        if role in allowed:
            with connect(url, ssl=client_ssl_context(server_ctx.certificate.pem), additional_headers=headers, open_timeout=5) as ws:
                kinds = [json.loads(ws.recv(timeout=5))["type"]]
                while kinds[-1] != "synced":  # read the backlog, so the close handshake is not stuck behind it
                    kinds.append(json.loads(ws.recv(timeout=5))["type"])
                assert kinds[0] == "hello" and set(kinds[1:-1]) <= {"event"}
        else:
            with pytest.raises(InvalidStatus) as refused:
                connect(url, ssl=client_ssl_context(server_ctx.certificate.pem), additional_headers=headers, open_timeout=5)
            assert refused.value.response.status_code == 403
