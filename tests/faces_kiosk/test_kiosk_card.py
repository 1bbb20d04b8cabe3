"""The kiosk's welcome card (pytest-qt, offscreen, real server): name, title and seat from the
directory the kiosk keeps offline; initials in a circle, or the person's photo once the chamber
keeps photos (a small JPEG that comes with the kiosk's sealed gallery)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.domain.roles import Actor, Role
from app.errors import ChamberError
from app.faces import EncodingCipher, FaceSettings
from app.i18n import _
from app.services import consent, faces
from app.storage.models import Account
from app.sync.faces import KioskGallery
from app.sync.kiosk import KioskOutcome
from app.sync.session import ChamberSession
from ui.views.kiosk import KioskWindow
from ui.widgets.avatar import initials

WAIT = 60_000


def test_initials_of_vietnamese_and_short_names() -> None:
    assert initials("Nguyễn Văn An") == "NA"
    assert initials("đặng thị ánh") == "ĐÁ"
    assert initials("Madonna") == "M" and initials("  ") == "?"


def _thuky(ctx) -> Actor:  # noqa: ANN001
    with ctx.db.read() as session:
        a = session.scalar(select(Account).where(Account.username == "thuky"))
        return Actor(a.id, a.username, Role(a.role), a.person_id)


def test_welcome_card_shows_name_title_seat_and_initials_or_the_kept_photo(qtbot, tasks, server, server_ctx, make_profile, faces_dir, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    session = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = KioskWindow(session, tasks, camera=str(tmp_path / "no-camera"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.gallery is not None and window.gallery_fresh and bool(session.list_persons()), timeout=WAIT)
    person = next(p for p in session.list_persons() if p.get("seat") and p.get("title"))  # the demo gives the council's delegates seats
    assert person["email"] is None  # the kiosk's directory has no contact details

    window.outcome = KioskOutcome("checked_in", person=person, at=datetime.now(timezone.utc).isoformat())
    window._show_card()
    assert window.card_title.text() == person["full_name"]
    assert person["title"] in window.card_text.text()
    assert window.card_seat.isVisible() and window.card_seat.text() == _("Seat %(seat)s") % {"seat": person["seat"]}
    assert window.card_avatar.isVisible() and window.card_avatar.property("photo") is False  # no photos kept: initials
    window.grab().save(str(tmp_path / "kiosk-card-initials.png"))

    # The chamber keeps photos: enrolling brings the gallery again, with a small photo for the card.
    actor = _thuky(server_ctx)
    with server_ctx.db.write() as s:
        consent.give(s, actor, person["id"], text_version="2026-01")
    photo = faces_dir / "scarlett/1.jpg"
    result = faces.enrol(server_ctx.db, actor, person["id"], [faces.PhotoUpload(photo.name, photo.read_bytes())],
                         cipher=EncodingCipher.for_data_dir(server_ctx.settings.data_dir), settings=FaceSettings(keep_photos=True))
    assert result["enrolled"] == 1, result
    qtbot.waitUntil(lambda: window.gallery_store.photo(person["id"]) is not None, timeout=WAIT)
    assert len(window.gallery_store.photo(person["id"])) < 60_000  # a card-sized JPEG, not the photo as uploaded
    window._show_card()
    assert window.card_avatar.property("photo") is True
    window.grab().save(str(tmp_path / "kiosk-card-photo.png"))
    assert KioskGallery(session).load() is not None  # the sealed copy carries it offline

    with server_ctx.db.write() as s:
        faces.withdraw(s, actor, person["id"])
    qtbot.waitUntil(lambda: window.gallery_store.photo(person["id"]) is None, timeout=WAIT)
    window.close()


def test_the_secretariat_sets_a_seat_and_the_kiosk_shows_it(qtbot, tasks, server, make_profile, tmp_path) -> None:  # noqa: ANN001
    profile, paired = make_profile()
    kiosk = ChamberSession.login(profile, paired, "kiosk", DEMO_PASSWORD)
    window = KioskWindow(kiosk, tasks, camera=str(tmp_path / "no-camera"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(kiosk.list_persons()) and kiosk.engine.idle(), timeout=WAIT)
    person = next(p for p in kiosk.list_persons() if p.get("seat") != "A-12")

    office = ChamberSession.login(*make_profile(), "thuky", DEMO_PASSWORD)
    try:
        answer = office.api.request("PATCH", f"/persons/{person['id']}", json={"seat": "  A-12 "}, operation_id=str(uuid.uuid4()))
        assert answer["seat"] == "A-12"
        with pytest.raises(ChamberError) as refused:
            office.api.request("PATCH", f"/persons/{person['id']}", json={"seat": "x" * 41})
        assert refused.value.code == "seat_too_long"
    finally:
        office.close()
    # The kiosk's offline directory follows the change event (no contact details come with it).
    qtbot.waitUntil(lambda: next(p for p in kiosk.list_persons() if p["id"] == person["id"]).get("seat") == "A-12", timeout=WAIT)
    updated = next(p for p in kiosk.list_persons() if p["id"] == person["id"])
    assert updated["email"] is None and updated["full_name"] == person["full_name"]
    window.outcome = KioskOutcome("already", person=updated, at=datetime.now(timezone.utc).isoformat())
    window._show_card()
    assert window.card_seat.text() == _("Seat %(seat)s") % {"seat": "A-12"} and window.card_title.text() == person["full_name"]
    window.close()
