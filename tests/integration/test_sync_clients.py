"""Real clients (ChamberSession: cache, outbox, sync engine) against the real server: live changes
reach the other client quickly, offline edits converge after a server restart with nothing lost or
doubled, a refused operation ends in the failed list with the server's version restored, and a
delegate's client receives only what the delegate may see."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError
from app.storage.models import AgendaItem, Event
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession

START = "2026-12-05T08:00:00+07:00"


def converged(a: ChamberSession, b: ChamberSession, meeting_id: str) -> bool:
    try:
        return a.get_meeting(meeting_id) == b.get_meeting(meeting_id) and a.get_agenda(meeting_id) == b.get_agenda(meeting_id)
    except NotFoundError:  # not in one of the caches yet
        return False


def server_view(chamber, meeting_id: str) -> tuple[dict, list[dict]]:  # noqa: ANN001
    rest = chamber.rest()
    token = rest.token("admin")
    return rest.call("GET", f"/meetings/{meeting_id}", token=token).json(), rest.call("GET", f"/meetings/{meeting_id}/agenda", token=token).json()


def test_change_on_one_client_reaches_the_other_within_a_second(chamber) -> None:  # noqa: ANN001
    a, b = chamber.login("thuky"), chamber.login("admin")
    started = time.monotonic()
    mid = a.create_meeting({"title": "Họp khẩn", "starts_at": START})
    assert b.engine.wait_until(lambda: any(m["id"] == mid for m in b.list_meetings()), 1.0), f"after {time.monotonic() - started:.2f}s"
    item = b.add_agenda_item(mid, {"title": "Khai mạc"})
    started = time.monotonic()
    assert a.engine.wait_until(lambda: [i["id"] for i in a.get_agenda(mid)] == [item], 1.0), f"after {time.monotonic() - started:.2f}s"
    b.update_meeting(mid, {"location": "Phòng 5"})
    assert a.engine.wait_until(lambda: a.get_meeting(mid)["location"] == "Phòng 5", 1.0)
    assert a.engine.wait_until(lambda: converged(a, b, mid) and a.engine.idle() and b.engine.idle(), 5)


@pytest.mark.slow
def test_offline_edits_converge_after_server_restart_with_nothing_lost_or_doubled(chamber) -> None:  # noqa: ANN001
    a, b = chamber.login("thuky"), chamber.login("admin")
    mid = a.create_meeting({"title": "Kỳ họp thứ 13", "starts_at": START, "ends_at": "2026-12-05T11:00:00+07:00"})
    first = a.add_agenda_item(mid, {"title": "Khai mạc"})
    a.add_agenda_item(mid, {"title": "Bế mạc"})
    assert b.engine.wait_until(lambda: converged(a, b, mid) and a.engine.idle() and b.engine.idle(), 5)
    with chamber.ctx.db.read() as session:
        events_before = session.scalar(select(func.count()).select_from(Event))

    chamber.stop()
    assert a.engine.wait_until(lambda: a.state == ConnectionState.OFFLINE, 10)
    assert b.engine.wait_until(lambda: b.state == ConnectionState.OFFLINE, 10)
    # Both keep working offline, on different parts of the same meeting.
    a.update_meeting(mid, {"title": "Kỳ họp thứ 13 (bất thường)"})
    b.update_meeting(mid, {"location": "Hội trường tầng 2"})
    report = b.add_agenda_item(mid, {"title": "Báo cáo tài chính"}, position=1)
    b.add_agenda_item(mid, {"title": "Thẩm tra"}, parent_id=report)
    b.move_agenda_item(mid, first, parent_id=None, position=2)
    b.update_agenda_item(mid, report, {"presenter": "Phòng Tài chính"})
    operations = [op["operation_id"] for op in a.pending_operations() + b.pending_operations()]
    assert len(operations) == 6
    assert b.get_meeting(mid)["location"] == "Hội trường tầng 2"  # shown at once, before any server saw it
    b_offline_agenda = [(i["number"], i["title"]) for i in b.get_agenda(mid)]

    chamber.restart()
    assert a.engine.wait_until(a.engine.idle, 20) and b.engine.wait_until(b.engine.idle, 20), (a.state, b.state)
    assert a.engine.wait_until(lambda: converged(a, b, mid), 5)

    meeting, agenda = server_view(chamber, mid)
    assert (meeting["title"], meeting["location"]) == ("Kỳ họp thứ 13 (bất thường)", "Hội trường tầng 2")
    assert [(i["number"], i["title"]) for i in agenda] == b_offline_agenda == [
        ("1", "Báo cáo tài chính"), ("1.1", "Thẩm tra"), ("2", "Bế mạc"), ("3", "Khai mạc"),
    ]
    for client in (a, b):
        assert client.get_meeting(mid) == meeting
        assert client.get_agenda(mid) == agenda
        assert client.pending_operations() == [] and client.failed_operations() == []
    with chamber.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == mid)) == 4
        assert session.scalar(select(func.count()).select_from(Event)) == events_before + len(operations)
        applied = Counter(session.scalars(select(Event.operation_id).where(Event.operation_id.in_(operations))))
    assert applied == Counter({op: 1 for op in operations})


def test_refused_operation_ends_in_failed_list_and_cache_is_reconciled(server, login) -> None:  # noqa: ANN001
    admin = login("admin")
    gone = admin.create_meeting({"title": "Sẽ bị xoá", "starts_at": START})
    kept = admin.create_meeting({"title": "Giữ lại", "starts_at": START, "ends_at": "2026-12-05T11:00:00+07:00"})
    assert admin.engine.wait_until(admin.engine.idle, 5)
    secretary = login("thuky")
    assert secretary.engine.wait_until(lambda: secretary.cache.get_meeting(kept) is not None, 5)
    profile = secretary.profile
    secretary.close()

    # The secretary's laptop is closed: the app opens from its cache, offline, and she edits.
    offline = ChamberSession.resume(profile)
    try:
        offline.update_meeting(gone, {"location": "Phòng 9"})
        offline.update_meeting(kept, {"ends_at": "2026-12-05T09:00:00+07:00"})
        # Meanwhile the admin deletes one meeting and moves the other's start past her new end.
        admin.delete_meeting(gone)
        admin.update_meeting(kept, {"starts_at": "2026-12-05T10:00:00+07:00"})
        assert admin.engine.wait_until(admin.engine.idle, 5)

        offline.start()
        assert offline.engine.wait_until(lambda: offline.engine.idle() and len(offline.failed_operations()) == 2, 15), offline.failed_operations()
        failed = {op["entity_id"]: op for op in offline.failed_operations()}
        assert failed[gone]["error_message"] == "This meeting does not exist or was deleted."
        assert failed[kept]["error_message"] == "The meeting cannot end before it starts."
        assert ChamberSession.operation_error(failed[kept]).user_message("en") == "The meeting cannot end before it starts."
        # The engine marks an operation failed, then fetches the server's version: wait for that.
        assert offline.engine.wait_until(lambda: offline.cache.get_meeting(gone) is None and offline.get_meeting(kept) == admin.get_meeting(kept), 5)
        assert (offline.get_meeting(kept)["starts_at"], offline.get_meeting(kept)["ends_at"]) == ("2026-12-05T03:00:00+00:00", "2026-12-05T04:00:00+00:00")
        offline.discard_operation(failed[kept]["operation_id"])
        assert len(offline.failed_operations()) == 1
    finally:
        offline.close()


def test_delegate_client_receives_only_what_the_delegate_may_see(server, login) -> None:  # noqa: ANN001
    secretary, member, other = login("thuky"), login("daibieu"), login("daibieu2")
    economic = next(b["id"] for b in secretary.list_bodies() if b["name"] == "Ban Kinh tế - Ngân sách")
    shared = next(m for m in secretary.list_meetings() if m["status"] == "scheduled" and any(m["id"] == x["id"] for x in member.list_meetings()) and any(m["id"] == x["id"] for x in other.list_meetings()))

    draft = secretary.create_meeting({"title": "Dự thảo Ban Kinh tế", "starts_at": START, "body_id": economic})
    secretary.add_agenda_item(draft, {"title": "Thẩm tra dự toán"})
    secretary.add_agenda_item(draft, {"title": "Biểu quyết"})
    # A change both delegates may see, made after the draft: once it has arrived, so would the draft have.
    secretary.update_meeting(shared["id"], {"location": "Phòng họp A"})
    for delegate in (member, other):
        assert delegate.engine.wait_until(lambda d=delegate: d.get_meeting(shared["id"])["location"] == "Phòng họp A", 5)
        assert delegate.cache.get_meeting(draft) is None and delegate.get_agenda(draft) == []

    secretary.update_meeting(draft, {"status": "scheduled"})
    assert member.engine.wait_until(lambda: member.cache.get_meeting(draft) is not None and len(member.get_agenda(draft)) == 2, 5)
    assert [i["title"] for i in member.get_agenda(draft)] == ["Thẩm tra dự toán", "Biểu quyết"]
    secretary.add_agenda_item(draft, {"title": "Bế mạc"})
    assert member.engine.wait_until(lambda: len(member.get_agenda(draft)) == 3, 5)

    secretary.update_meeting(draft, {"status": "draft"})
    assert member.engine.wait_until(lambda: member.cache.get_meeting(draft) is None, 5)
    secretary.update_meeting(shared["id"], {"location": "Phòng họp B"})
    assert other.engine.wait_until(lambda: other.get_meeting(shared["id"])["location"] == "Phòng họp B", 5)
    assert other.cache.get_meeting(draft) is None  # never on daibieu2's tablet: not their committee
    assert member.failed_operations() == [] and not member.can_edit
