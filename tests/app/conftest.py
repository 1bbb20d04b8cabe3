"""Fixtures for the unit tests of app/: a migrated database on the `db_url` of tests/conftest.py
(SQLite, and PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set), a small council of bodies,
people and actors, and a way to read a whole database back to prove that nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from app.domain.roles import Actor, Role
from app.services import directory, meetings
from app.storage.db import Database, sqlite_url
from app.storage.models import Base


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An empty database brought to the newest schema."""
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@dataclass(frozen=True)
class Council:
    """Two committees of one council, a delegate in each, and one actor per role."""

    council_id: str
    economic_id: str
    social_id: str
    admin: Actor
    secretariat: Actor
    chair: Actor
    kiosk: Actor
    guest: Actor
    delegate_economic: Actor  # member of the council and of the economic committee
    delegate_social: Actor  # member of the council and of the social committee
    delegate_without_person: Actor

    def meeting(self, db: Database, *, title: str = "Kỳ họp", body_id: str | None = None, status: str | None = None, **fields: Any) -> dict[str, Any]:
        """Create a meeting as the secretariat (and publish it when `status` is given)."""
        with db.write() as session:
            m = meetings.create_meeting(session, self.secretariat, {"title": title, "starts_at": "2026-12-01T08:00:00+07:00", "body_id": body_id, **fields})
            if status is not None:
                m = meetings.update_meeting(session, self.secretariat, m["id"], {"status": status})
        return m


def make_council(db: Database) -> Council:
    with db.write() as session:
        council = directory.add_body(session, name="Hội đồng nhân dân phường", kind="council")
        economic = directory.add_body(session, name="Ban Kinh tế - Ngân sách", kind="committee", parent_id=council.id)
        social = directory.add_body(session, name="Ban Văn hóa - Xã hội", kind="committee", parent_id=council.id)
        an = directory.add_person(session, full_name="Hoàng Đức Thắng")
        lan = directory.add_person(session, full_name="Vũ Thị Lan")
        for body, person in ((council, an), (economic, an), (council, lan), (social, lan)):
            directory.add_membership(session, body_id=body.id, person_id=person.id)
        ids = council.id, economic.id, social.id, an.id, lan.id

    def actor(name: str, role: Role, person_id: str | None = None) -> Actor:
        return Actor(account_id=None, username=name, role=role, person_id=person_id)

    return Council(
        council_id=ids[0],
        economic_id=ids[1],
        social_id=ids[2],
        admin=actor("admin", Role.ADMIN),
        secretariat=actor("thuky", Role.SECRETARIAT),
        chair=actor("chutoa", Role.CHAIR),
        kiosk=actor("kiosk", Role.KIOSK),
        guest=actor("khach", Role.GUEST),
        delegate_economic=actor("daibieu", Role.DELEGATE, ids[3]),
        delegate_social=actor("daibieu2", Role.DELEGATE, ids[4]),
        delegate_without_person=actor("daibieu3", Role.DELEGATE),
    )


@pytest.fixture
def council(db: Database) -> Council:
    return make_council(db)


@pytest.fixture
def council_factory():
    """council_factory(directory) → (a new SQLite database there, its council): for tests that
    run many independent cases on SQLite only."""

    def make(directory: Path) -> tuple[Database, Council]:
        database = Database(sqlite_url(directory / "council.db"))
        database.upgrade()
        return database, make_council(database)

    return make


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: two dumps are equal iff nothing changed."""
    out: dict[str, list[tuple]] = {}
    with db.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table)).all()
            out[table.name] = sorted((tuple(repr(v) for v in row) for row in rows))
    return out


@pytest.fixture
def snapshot_db():
    """snapshot_db(db) → every row of every table (compare two to prove nothing was written)."""
    return dump
