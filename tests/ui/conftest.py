"""Fixtures for the interface tests (pytest-qt, offscreen): the themed QApplication, one
TaskRunner, windows logged in against the real server of tests/conftest.py, and the language
put back to Vietnamese after each test."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from app import i18n
from app.demo import DEMO_PASSWORD
from app.sync.session import ChamberSession
from ui.application import setup_application
from ui.tasks import TaskRunner
from ui.views.main_window import MainWindow

WAIT = 10_000  # ms: generous upper bound for anything that crosses the network


@pytest.fixture(autouse=True)
def chamber_app(qapp):
    if not qapp.property("chamberThemed"):
        setup_application(qapp)
        qapp.setProperty("chamberThemed", True)
    yield qapp
    i18n.set_language("vi")


@pytest.fixture
def tasks(qapp) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait(WAIT)


@pytest.fixture
def open_window(qtbot, tasks, make_profile) -> Callable[[str], MainWindow]:
    """open_window(username) → a MainWindow on a new device, online and caught up."""

    def open_(username: str) -> MainWindow:
        profile, paired = make_profile()
        session = ChamberSession.login(profile, paired, username, DEMO_PASSWORD, device_name=f"test {username}")
        window = MainWindow(session, tasks)
        qtbot.addWidget(window, before_close_func=lambda w: w.close_now())
        window.show()
        qtbot.waitUntil(lambda: session.engine.idle() and bool(window.meetings.meeting_ids()), timeout=WAIT)
        return window

    return open_
