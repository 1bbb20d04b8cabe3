"""The live windows open from the normal client: the chair opens the console on the meeting shown,
a delegate follows it live, the secretariat also opens the hall display; closing one leaves the
main window's session running."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app import i18n
from ui.views.chair_console import ChairConsole
from ui.views.delegate_live import DelegateLive
from ui.views.hall_display import HallDisplay
from ui.views.minutes_dialog import MinutesDialog
from ui.views.tasks_window import TasksWindow

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def _dispose(*windows) -> None:  # noqa: ANN002
    """Close the main windows and delete them now: a later language switch must not reach a window
    whose session is closed."""
    for window in windows:
        window.close_now()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _show_session_meeting(window) -> str:  # noqa: ANN001
    meeting = next(m for m in window.session.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    window.meetings.select(meeting["id"])
    return meeting["id"]


def test_the_chair_opens_the_console_from_the_meeting(qtbot, open_window) -> None:
    window = open_window("chutoa")
    meeting_id = _show_session_meeting(window)
    actions = window.page.live_actions
    qtbot.waitUntil(lambda: actions.isVisible(), timeout=WAIT)
    assert actions.console.isVisible() and actions.follow.isHidden() and actions.hall.isHidden()
    if SHOTS:
        window.grab().save(str(SHOTS / "live_actions_chair_vi.png"))
    actions.console.click()
    console = actions.windows[f"console:{meeting_id}"]
    assert isinstance(console, ChairConsole) and console.isVisible() and console.meeting_id == meeting_id
    actions.console.click()
    assert list(actions.windows) == [f"console:{meeting_id}"]  # raised, not opened twice
    console.buttons["open"].click()
    qtbot.waitUntil(lambda: window.session.live_state(meeting_id)["state"] == "open", timeout=WAIT)
    console.close()
    qtbot.waitUntil(lambda: not actions.windows, timeout=WAIT)
    window.session.live_command(meeting_id, "next")  # the main window's session still works
    qtbot.waitUntil(lambda: window.session.engine.idle() and window.session.live_state(meeting_id)["current_item_id"] is not None, timeout=WAIT)
    assert actions.minutes.isVisible()
    actions.minutes.click()
    minutes = actions.windows[f"minutes:{meeting_id}"]
    assert isinstance(minutes, MinutesDialog)
    qtbot.waitUntil(lambda: minutes.minutes is not None, timeout=WAIT)
    minutes.close()
    actions.tasks_button.click()
    assert isinstance(actions.windows[f"tasks:{meeting_id}"], TasksWindow)
    actions.windows[f"tasks:{meeting_id}"].close()
    _dispose(window)


def test_a_delegate_follows_and_the_secretariat_opens_the_hall(qtbot, open_window) -> None:
    delegate = open_window("daibieu")
    meeting_id = _show_session_meeting(delegate)
    actions = delegate.page.live_actions
    qtbot.waitUntil(lambda: actions.isVisible(), timeout=WAIT)
    assert actions.follow.isVisible() and actions.console.isHidden() and actions.hall.isHidden() and actions.minutes.isHidden()
    if SHOTS:
        delegate.grab().save(str(SHOTS / "live_actions_delegate_vi.png"))
    actions.follow.click()
    assert isinstance(actions.windows[f"delegate:{meeting_id}"], DelegateLive)

    secretary = open_window("thuky")
    _show_session_meeting(secretary)
    actions = secretary.page.live_actions
    qtbot.waitUntil(lambda: actions.isVisible(), timeout=WAIT)
    assert actions.console.isVisible() and actions.hall.isVisible() and actions.follow.isHidden()
    i18n.set_language("en")
    qtbot.waitUntil(lambda: actions.hall.text() == "Hall display", timeout=WAIT)
    if SHOTS:
        secretary.grab().save(str(SHOTS / "live_actions_secretariat_en.png"))
    actions.hall.click()
    hall = actions.windows[f"hall:{meeting_id}"]
    assert isinstance(hall, HallDisplay) and hall.meeting_id == meeting_id
    hall.close()
    i18n.set_language("vi")  # while the main windows and their sessions are still open
    _dispose(delegate, secretary)
