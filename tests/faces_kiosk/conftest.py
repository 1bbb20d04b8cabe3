"""Fixtures for face enrolment and the kiosk: the demo chamber served from the `db_url` database
(SQLite, and PostgreSQL when CHAMBER_TEST_POSTGRES_URL is set), REST calls per demo user, and the
real photos of ../shared/data/faces read (never copied) and analysed once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from sqlalchemy import select

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD, seed
from app.domain.roles import Actor, Role
from app.net.tls import client_ssl_context
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.storage.models import Account, Person


@pytest.fixture(scope="session")
def faces_dir(shared_data: Path) -> Path:
    path = shared_data / "faces"
    if not (path / "manifest.csv").exists():
        pytest.skip(f"face photos not found at {path}")
    return path


@pytest.fixture(scope="session")
def photo_bytes(faces_dir: Path) -> Callable[[str], bytes]:
    return lambda name: (faces_dir / name).read_bytes()


class Chamber:
    """A running demo chamber: REST calls as any demo user, and its database."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.runner = ServerRunner(ctx).start()
        self.http = httpx.Client(base_url=f"{self.runner.url}/api/v1", verify=client_ssl_context(ctx.certificate.pem), timeout=60)
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.http.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD, "device_name": "pytest"})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def call(self, username: str, method: str, path: str, *, lang: str = "en", **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}", "Accept-Language": lang}
        return self.http.request(method, path, headers=headers, **kwargs)

    def actor(self, username: str) -> Actor:
        with self.ctx.db.read() as session:
            a = session.scalar(select(Account).where(Account.username == username))
            return Actor(a.id, a.username, Role(a.role), a.person_id)

    def persons(self) -> list[str]:
        with self.ctx.db.read() as session:
            return list(session.scalars(select(Person.id).order_by(Person.full_name)))

    def close(self) -> None:
        self.http.close()
        self.runner.stop()


@pytest.fixture
def chamber(db_url: str, tmp_path: Path) -> Iterator[Chamber]:
    data = tmp_path / "chamber"
    ctx = ServerContext.open(ServerSettings(data_dir=data, db_url=db_url))
    seed(ctx.db, data)
    running = Chamber(ctx)
    yield running
    running.close()
    ctx.db.dispose()


# --- camera frames from the real photos, and the kiosk's video ------------------------------------
@pytest.fixture(scope="session")
def detector():  # noqa: ANN201
    from app.faces import FaceDetector, FaceSettings

    return FaceDetector(FaceSettings())


@pytest.fixture(scope="session")
def frame_of(faces_dir: Path, detector) -> Callable[[str], Any]:  # noqa: ANN001
    """frame_of("mark/2.jpg") → a 640×480 camera frame with that face ~200 px tall (cached)."""
    from app.faces import load_image
    from app.faces.synthetic import camera_frame

    cache: dict[str, Any] = {}

    def get(name: str):  # noqa: ANN202
        if name not in cache:
            analysed = detector.analyse_photo(load_image(faces_dir / name), thorough=True)
            cache[name] = camera_frame(analysed.image, analysed.faces[0].box)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def scenes(frame_of, detector):  # noqa: ANN001, ANN201
    """Frame sequences for the door: `live(name)` a person who blinks (eyes painted shut from the
    landmarks, then open again), `still(name)` a printed photo held up (no blink), `nobody(n)`."""
    import numpy as np

    from app.faces.synthetic import close_eyes, with_noise

    class Scenes:
        # A fresh generator per scene: the same scene is the same frames whatever ran before.
        def live(self, name: str, seed: int = 7) -> list:
            rng = np.random.default_rng(seed)
            base = frame_of(name)
            closed = close_eyes(base, detector.analyse(base, largest_only=True)[0].landmarks)
            return [with_noise(f, rng) for f in [base] * 4 + [closed] * 2 + [base] * 3]

        def still(self, name: str, count: int = 14, seed: int = 7) -> list:
            rng = np.random.default_rng(seed)
            base = frame_of(name)
            return [with_noise(np.roll(base, i % 2, axis=0), rng) for i in range(count)]

        def nobody(self, count: int = 4) -> list:
            return [np.zeros((480, 640, 3), np.uint8)] * count

    return Scenes()


@pytest.fixture
def tasks(qapp):  # noqa: ANN001, ANN201
    from ui.application import setup_application
    from ui.tasks import TaskRunner

    if not qapp.property("chamberThemed"):
        setup_application(qapp)
        qapp.setProperty("chamberThemed", True)
    runner = TaskRunner()
    yield runner
    runner.wait(10_000)
    from app import i18n

    i18n.set_language("vi")
