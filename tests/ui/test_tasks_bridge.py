"""TaskRunner delivers results and errors on the GUI thread, latest answer wins per key; the
EventBridge turns a burst of changes from another thread into a few batches."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from app.errors import PairingError
from app.events import Change, EventBus
from ui.bridge import EventBridge


def test_result_and_error_arrive_on_the_gui_thread(qtbot, tasks) -> None:
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def work() -> str:
        seen["worker_is_gui"] = QThread.currentThread() == gui
        return "done"

    def done(result: str) -> None:
        seen["result"] = result
        seen["done_on_gui"] = QThread.currentThread() == gui

    tasks.run(work, on_done=done)
    tasks.run(lambda: (_ for _ in ()).throw(PairingError()), on_error=lambda err: seen.setdefault("error", err))
    qtbot.waitUntil(lambda: "result" in seen and "error" in seen, timeout=5000)
    assert seen["worker_is_gui"] is False
    assert seen["done_on_gui"] is True
    assert isinstance(seen["error"], PairingError)
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)


def test_latest_task_with_a_key_wins(qtbot, tasks) -> None:
    release = threading.Event()
    answers: list[str] = []
    tasks.run(lambda: release.wait(5) and "first", on_done=answers.append, key="search")
    tasks.run(lambda: "second", on_done=answers.append, key="search")
    qtbot.waitUntil(lambda: answers == ["second"], timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert answers == ["second"]


def test_bridge_coalesces_a_burst_from_another_thread(qtbot) -> None:
    bus = EventBus()
    bridge = EventBridge(bus, interval_ms=50)
    batches = []
    bridge.changed.connect(batches.append)

    def burst() -> None:
        for n in range(1000):
            bus.publish(Change("meeting", (f"m{n}",), seq=n))

    thread = threading.Thread(target=burst)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: sum(len(b.changes) for b in batches) == 1000, timeout=5000)
    assert len(batches) <= 3, f"{len(batches)} batches for one burst"
    assert [c.seq for b in batches for c in b.changes] == list(range(1000))
    assert batches[-1].touches("meeting", "m999") and not batches[-1].touches("agenda")
    bridge.close()
    bus.publish(Change("meeting"))  # after close: no listener left, and no error
    assert not bridge._timer.isActive()
