"""Tests for app/services/meetings.py on a real database: create, update, delete, the validation
errors a secretary can meet, and the promise that a refused change writes nothing (no row, no event,
no audit entry)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain import meetings as rules
from app.errors import ConflictError, PermissionDeniedError
from app.services import agenda, meetings
from app.services.events import events_after
from app.storage.db import Database
from app.storage.models import AgendaItem, Meeting

START = "2026-12-01T08:00:00+07:00"


def create(db: Database, council, fields: dict) -> dict:
    with db.write() as session:
        return meetings.create_meeting(session, council.secretariat, fields)


def update(db: Database, council, meeting_id: str, fields: dict) -> dict:
    with db.write() as session:
        return meetings.update_meeting(session, council.secretariat, meeting_id, fields)


def test_create_meeting_starts_as_draft_with_utc_times(db: Database, council) -> None:
    m = create(db, council, {"title": "  Kỳ họp thứ 12  ", "starts_at": START, "ends_at": "2026-12-01T11:30:00+07:00", "body_id": council.council_id, "location": "Hội trường"})
    assert m["title"] == "Kỳ họp thứ 12"
    assert m["status"] == "draft"
    assert m["starts_at"] == "2026-12-01T01:00:00+00:00"
    assert m["ends_at"] == "2026-12-01T04:30:00+00:00"
    assert m["version"] == 1
    with db.read() as session:
        assert meetings.get_meeting(session, council.secretariat, m["id"]) == m


def test_create_meeting_keeps_id_when_client_chose_it(db: Database, council) -> None:
    chosen = "6f1c2a43-1d7e-4f0e-9d7c-2b0f4a6b8e11"
    assert create(db, council, {"id": chosen, "title": "Họp", "starts_at": START})["id"] == chosen


def test_create_meeting_is_refused_when_id_already_exists(db: Database, council, snapshot_db) -> None:
    m = create(db, council, {"title": "Họp", "starts_at": START})
    before = snapshot_db(db)
    with pytest.raises(ConflictError):
        create(db, council, {"id": m["id"], "title": "Họp khác", "starts_at": START})
    assert snapshot_db(db) == before


def test_update_meeting_changes_only_given_fields_and_bumps_version(db: Database, council) -> None:
    m = create(db, council, {"title": "Họp", "starts_at": START, "location": "Phòng 1", "description": "Mô tả"})
    changed = update(db, council, m["id"], {"location": "Phòng 2", "status": "scheduled"})
    assert (changed["location"], changed["status"], changed["version"]) == ("Phòng 2", "scheduled", 2)
    assert (changed["title"], changed["description"], changed["starts_at"]) == (m["title"], m["description"], m["starts_at"])


def test_update_meeting_clears_end_when_given_empty(db: Database, council) -> None:
    m = create(db, council, {"title": "Họp", "starts_at": START, "ends_at": "2026-12-01T10:00:00+07:00"})
    assert update(db, council, m["id"], {"ends_at": None})["ends_at"] is None


def test_delete_meeting_removes_it_and_its_agenda(db: Database, council) -> None:
    m = create(db, council, {"title": "Họp", "starts_at": START})
    with db.write() as session:
        first = agenda.add_agenda_item(session, council.secretariat, m["id"], {"title": "Khai mạc"})
        agenda.add_agenda_item(session, council.secretariat, m["id"], {"title": "Thẩm tra", "parent_id": first["id"]})
    with db.write() as session:
        meetings.delete_meeting(session, council.secretariat, m["id"])
    with db.read() as session:
        assert session.get(Meeting, m["id"]) is None
        assert session.scalar(select(func.count()).select_from(AgendaItem)) == 0
        with pytest.raises(meetings.MeetingNotFoundError):
            meetings.get_meeting(session, council.secretariat, m["id"])
        assert events_after(session, 0)[-1]["action"] == "deleted"


def test_delete_meeting_is_refused_when_already_deleted(db: Database, council) -> None:
    m = create(db, council, {"title": "Họp", "starts_at": START})
    with db.write() as session:
        meetings.delete_meeting(session, council.secretariat, m["id"])
    with pytest.raises(meetings.MeetingNotFoundError), db.write() as session:
        meetings.delete_meeting(session, council.secretariat, m["id"])


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": "", "starts_at": START}, rules.RequiredFieldError),
        ({"title": "   ", "starts_at": START}, rules.RequiredFieldError),
        ({"starts_at": START}, rules.RequiredFieldError),
        ({"title": "Họp"}, rules.RequiredFieldError),
        ({"title": "x" * 10_000, "starts_at": START}, rules.TextTooLongError),
        ({"title": "Họp", "starts_at": START, "ends_at": "2026-12-01T07:59:00+07:00"}, rules.EndsBeforeStartError),
        ({"title": "Họp", "starts_at": "ngày mai"}, rules.InvalidValueError),
        ({"title": "Họp", "starts_at": START, "status": "bogus"}, rules.InvalidValueError),
        ({"title": "Họp", "starts_at": START, "body_id": "7d1f2f57-0000-4000-8000-000000000000"}, meetings.UnknownBodyError),
        ({"title": "Họp", "starts_at": START, "body_id": 42}, meetings.UnknownBodyError),
        ({"id": "not-a-uuid", "title": "Họp", "starts_at": START}, meetings.InvalidIdError),
        ({"title": "Họp", "starts_at": START, "owner": "me"}, rules.InvalidValueError),
        ({"title": 12, "starts_at": START}, rules.InvalidValueError),
    ],
    ids=["empty-title", "blank-title", "no-title", "no-start", "10000-char-title", "end-before-start", "bad-time", "bad-status", "unknown-body", "body-not-text", "bad-uuid", "unknown-field", "title-not-text"],
)
def test_create_meeting_writes_nothing_when_input_is_invalid(db: Database, council, snapshot_db, fields: dict, error: type) -> None:
    create(db, council, {"title": "Họp trước", "starts_at": START})
    before = snapshot_db(db)
    with pytest.raises(error) as refused:
        create(db, council, fields)
    assert snapshot_db(db) == before
    assert refused.value.status == 422
    assert refused.value.user_message("en") and refused.value.user_message("vi")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": ""}, rules.RequiredFieldError),
        ({"title": "x" * 10_000}, rules.TextTooLongError),
        ({"ends_at": "2026-11-30T08:00:00+07:00"}, rules.EndsBeforeStartError),
        ({"starts_at": "2026-12-02T08:00:00+07:00"}, rules.EndsBeforeStartError),
        ({"status": "bogus"}, rules.InvalidValueError),
        ({"body_id": "7d1f2f57-0000-4000-8000-000000000000"}, meetings.UnknownBodyError),
        ({"location": "p" * 301}, rules.TextTooLongError),
        ({"id": "6f1c2a43-1d7e-4f0e-9d7c-2b0f4a6b8e11"}, rules.InvalidValueError),
    ],
    ids=["empty-title", "10000-char-title", "end-before-start", "start-after-end", "bad-status", "unknown-body", "long-location", "id-not-editable"],
)
def test_update_meeting_writes_nothing_when_input_is_invalid(db: Database, council, snapshot_db, fields: dict, error: type) -> None:
    m = create(db, council, {"title": "Họp", "starts_at": START, "ends_at": "2026-12-01T11:00:00+07:00"})
    before = snapshot_db(db)
    with pytest.raises(error):
        update(db, council, m["id"], fields)
    assert snapshot_db(db) == before


def test_too_long_title_message_names_field_length_and_limit(db: Database, council) -> None:
    with pytest.raises(rules.TextTooLongError) as refused:
        create(db, council, {"title": "x" * 10_000, "starts_at": START})
    assert refused.value.params == {"field": "Title", "length": 10_000, "limit": rules.LIMITS["title"]}
    assert refused.value.user_message("en") == "Title is too long: 10000 characters, at most 300."


@pytest.mark.parametrize("meeting_id", ["not-a-uuid", "7d1f2f57-0000-4000-8000-000000000000", "x" * 500])
def test_update_meeting_is_refused_when_meeting_is_unknown(db: Database, council, meeting_id: str) -> None:
    with pytest.raises(meetings.MeetingNotFoundError):
        update(db, council, meeting_id, {"title": "Họp"})


@pytest.mark.parametrize("role", ["chair", "delegate_economic", "kiosk", "guest"])
def test_meeting_commands_are_refused_when_actor_is_not_an_editor(db: Database, council, snapshot_db, role: str) -> None:
    m = council.meeting(db, body_id=council.economic_id, status="scheduled")
    actor = getattr(council, role)
    before = snapshot_db(db)
    for command in (
        lambda s: meetings.create_meeting(s, actor, {"title": "Họp", "starts_at": START}),
        lambda s: meetings.update_meeting(s, actor, m["id"], {"title": "Họp"}),
        lambda s: meetings.delete_meeting(s, actor, m["id"]),
    ):
        with pytest.raises(PermissionDeniedError), db.write() as session:
            command(session)
    assert snapshot_db(db) == before


def test_admin_may_edit_meetings(db: Database, council) -> None:
    with db.write() as session:
        m = meetings.create_meeting(session, council.admin, {"title": "Họp", "starts_at": START})
        assert meetings.update_meeting(session, council.admin, m["id"], {"title": "Họp 2"})["title"] == "Họp 2"


def test_meeting_times_are_utc_on_the_wire_whatever_the_database_time_zone(db_url: str) -> None:
    """A PostgreSQL server set to Vietnam time must not turn "+00:00" into "+07:00" on the way back."""
    if db_url.startswith("postgresql"):
        db_url += "?options=-c%20timezone%3DAsia/Ho_Chi_Minh"
    db = Database(db_url)
    try:
        db.upgrade()
        from app.domain.roles import Actor

        with db.write() as session:
            created = meetings.create_meeting(session, Actor.system(), {"title": "Họp", "starts_at": START})
        with db.read() as session:
            read_back = meetings.get_meeting(session, Actor.system(), created["id"])
            event = events_after(session, 0)[0]
        assert read_back == created
        assert read_back["starts_at"] == "2026-12-01T01:00:00+00:00"
        assert event["at"].endswith("+00:00")
    finally:
        db.dispose()
