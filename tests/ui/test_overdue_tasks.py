"""Follow-up tasks past their deadline come back: the body's next meeting lists them under its
agenda (who, what, how late, from which meeting), the secretariat puts one on the agenda in one
click, and a delegate sees the list without the button."""

from __future__ import annotations

from datetime import timedelta

from app.domain.clock import utcnow
from app.domain.roles import Actor
from app.i18n import translate
from app.services import live
from app.storage.models import Meeting
from sqlalchemy import select
from tests.ui.conftest import WAIT


def add_tasks(server_ctx) -> tuple[str, str]:  # noqa: ANN001
    """A late and an on-time task from the council's closed session (the demo's past meeting)."""
    with server_ctx.db.write() as session:
        past = session.scalars(select(Meeting).where(Meeting.status == "closed")).first()
        body_id = past.body_id
        late = live.create_task(session, Actor.system(), past.id, {"what": "Rà soát hồ sơ chỉnh trang vỉa hè", "responsible_unit": "Phòng Quản lý đô thị",
                                                                  "deadline": (utcnow() - timedelta(days=5)).date().isoformat()})
        live.create_task(session, Actor.system(), past.id, {"what": "Báo cáo tiến độ thu ngân sách", "responsible_unit": "Phòng Tài chính",
                                                           "deadline": (utcnow() + timedelta(days=20)).date().isoformat()})
        upcoming = session.scalars(select(Meeting).where(Meeting.body_id == body_id, Meeting.status == "scheduled")).first()
    return late["id"], upcoming.id


def test_overdue_tasks_are_listed_for_the_next_meeting_and_put_on_its_agenda(open_window, server_ctx, qtbot, tmp_path) -> None:  # noqa: ANN001
    late_id, meeting_id = add_tasks(server_ctx)
    secretariat = open_window("thuky")
    secretariat.meetings.select(meeting_id)
    card = secretariat.page.overdue
    qtbot.waitUntil(lambda: card.isVisibleTo(secretariat) and [t["id"] for t in card.tasks] == [late_id], timeout=WAIT)
    assert card.title.text() == translate("%(count)d follow-up task past its deadline", "vi") % {"count": 1}
    qtbot.wait(200)  # let the layout settle before looking
    secretariat.grab().save(str(tmp_path / "overdue.png"))
    card.grab().save(str(tmp_path / "overdue_card.png"))

    before = len(secretariat.session.get_agenda(meeting_id))
    card.put_buttons[late_id].click()
    agenda = secretariat.session.get_agenda(meeting_id)
    assert len(agenda) == before + 1 and "Rà soát hồ sơ chỉnh trang vỉa hè" in agenda[-1]["title"]
    qtbot.waitUntil(lambda: not card.put_buttons[late_id].isEnabled(), timeout=WAIT)  # not twice

    delegate = open_window("daibieu")
    delegate.meetings.select(meeting_id)
    qtbot.waitUntil(lambda: [t["id"] for t in delegate.page.overdue.tasks] == [late_id], timeout=WAIT)
    assert delegate.page.overdue.put_buttons == {}  # delegates read, the secretariat acts
