"""app/sync/session.py applies the server's agenda rules offline: what the server would refuse
(a cycle, a fourth level, a sub-tree pushed too deep) is refused on the device at once, and nothing
is queued for the server."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from app.domain.agenda import AgendaCycleError, AgendaTooDeepError
from app.net.tls import ensure_certificate
from app.sync.profile import Profile, pin_local
from app.sync.session import ChamberSession


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[ChamberSession]:
    """A secretary's session that never connected (its sync engine is not started)."""
    pem = ensure_certificate(tmp_path / "cert").pem
    profile = Profile(tmp_path / "device")
    paired = pin_local(profile, host="127.0.0.1", port=9, pem=pem, server_id="server-1", name="Chamber")
    session = ChamberSession(profile, paired, username="thuky", account={"username": "thuky", "role": "secretariat"}, token=None)
    yield session
    session.close()


def test_offline_agenda_allows_three_levels_and_refuses_a_fourth(offline: ChamberSession) -> None:
    mid = offline.create_meeting({"title": "Họp", "starts_at": "2026-12-05T08:00:00+07:00"})
    one = offline.add_agenda_item(mid, {"title": "Cấp 1"})
    two = offline.add_agenda_item(mid, {"title": "Cấp 2"}, parent_id=one)
    three = offline.add_agenda_item(mid, {"title": "Cấp 3"}, parent_id=two)
    queued = len(offline.pending_operations())
    with pytest.raises(AgendaTooDeepError):
        offline.add_agenda_item(mid, {"title": "Cấp 4"}, parent_id=three)
    assert [i["number"] for i in offline.get_agenda(mid)] == ["1", "1.1", "1.1.1"]
    assert len(offline.pending_operations()) == queued


def test_offline_move_is_refused_when_sub_items_would_be_too_deep_or_cyclic(offline: ChamberSession) -> None:
    mid = offline.create_meeting({"title": "Họp", "starts_at": "2026-12-05T08:00:00+07:00"})
    a, b = offline.add_agenda_item(mid, {"title": "A"}), offline.add_agenda_item(mid, {"title": "B"})
    b1 = offline.add_agenda_item(mid, {"title": "B1"}, parent_id=b)
    a1 = offline.add_agenda_item(mid, {"title": "A1"}, parent_id=a)
    offline.add_agenda_item(mid, {"title": "A1.1"}, parent_id=a1)
    queued = len(offline.pending_operations())
    with pytest.raises(AgendaTooDeepError):
        offline.move_agenda_item(mid, a, parent_id=b1, position=0)
    with pytest.raises(AgendaCycleError):
        offline.move_agenda_item(mid, a, parent_id=a1, position=0)
    assert len(offline.pending_operations()) == queued
    offline.move_agenda_item(mid, a1, parent_id=b, position=0)
    assert [(i["number"], i["title"]) for i in offline.get_agenda(mid)] == [("1", "A"), ("2", "B"), ("2.1", "A1"), ("2.1.1", "A1.1"), ("2.2", "B1")]
