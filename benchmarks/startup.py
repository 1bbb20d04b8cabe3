"""Client cold start: a new process until the window is usable (shown, painted, the meeting list
filled from the offline cache, so it works before the network answers). Goal ≤ 2.5 s.

Baseline in the same run: a new process that imports PySide6 and shows a bare QMainWindow with a
list of the same meeting titles. Both run offscreen; the clock runs in this process, from
starting the child to reading its "ready" line.

    uv run python benchmarks/startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def child_chamber(profile_dir: str) -> None:
    from PySide6.QtCore import QTimer

    from app.sync.profile import Profile
    from app.sync.session import ChamberSession
    from ui.application import create_application
    from ui.tasks import TaskRunner
    from ui.views.main_window import MainWindow

    app = create_application([])
    session = ChamberSession.resume(Profile(Path(profile_dir)))
    window = MainWindow(session, TaskRunner())
    window.show()

    def ready() -> None:
        assert window.meetings.meeting_ids(), "meeting list is empty"
        print("ready", flush=True)
        session.close()
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()


def child_bare(titles: list[str]) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    lst = QListWidget()
    lst.addItems(titles)
    window.setCentralWidget(lst)
    window.resize(1280, 800)
    window.show()

    def ready() -> None:
        print("ready", flush=True)
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()


def timed(args: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO)
    for line in proc.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - t0
            proc.wait(30)
            return elapsed
    raise RuntimeError(f"child {args[:1]} never became ready (exit {proc.wait()})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_chamber(args.child)
        return
    if args.bare:
        child_bare(json.loads(args.bare))
        return

    from benchmarks.fanout import free_port, start_process

    from app.demo import DEMO_PASSWORD
    from app.net.tls import ensure_certificate
    from app.sync.profile import Profile, pin_local
    from app.sync.session import ChamberSession

    tmp = Path(tempfile.mkdtemp(prefix="chamber-startup-"))
    port = free_port()
    server = start_process(["main.py", "--lang", "en", "server", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp / "server"), "--no-advertise", "--demo"], "Pairing code")
    try:
        cert = ensure_certificate(tmp / "server")
        profile = Profile(tmp / "client")
        import httpx

        from app.net.tls import client_ssl_context

        health = httpx.get(f"https://127.0.0.1:{port}/api/v1/health", verify=client_ssl_context(cert.pem)).json()
        paired = pin_local(profile, host="127.0.0.1", port=port, pem=cert.pem, server_id=health["server_id"], name=health["name"])
        session = ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD).start()
        session.engine.wait_until(session.engine.idle, 20)
        titles = [m["title"] for m in session.list_meetings()]
        session.close()
        timed(["--bare", json.dumps(titles)])  # warm the OS file cache for both
        timed(["--child", str(tmp / "client")])
        ours = [timed(["--child", str(tmp / "client")]) for _ in range(args.rounds)]
        bare = [timed(["--bare", json.dumps(titles)]) for _ in range(args.rounds)]
    finally:
        server.terminate()
        server.wait(10)
    o, b = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    print(f"{'start to usable window':<32} {'median ms':>10} {'max ms':>8} {'ratio':>6}")
    print(f"{'Chamber main window (cache)':<32} {o:>10.0f} {max(ours) * 1000:>8.0f} {o / b:>6.2f}")
    print(f"{'bare PySide6 window':<32} {b:>10.0f} {max(bare) * 1000:>8.0f} {1:>6.2f}")
    print(json.dumps({"startup_ms": round(o), "bare_ms": round(b), "ratio_vs_bare": round(o / b, 2), "rounds": args.rounds, "goal_ms": 2500}))


if __name__ == "__main__":
    main()
