"""Smoke run of the demo for installers/smoke_test.sh: with CHAMBER_SMOKE_PNG=DIR set, `demo` saves the
launcher once its server is up (DIR/launcher.png), logs the delegate in, saves that window
(DIR/delegate.png), prints one line of JSON with the wall-clock time of each step and exits 0; or exits
3 after CHAMBER_SMOKE_TIMEOUT seconds (default 120). Nothing here runs unless the variable is set."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

ACCOUNT = "daibieu"
SETTLE_MS = 3000  # the delegate's window fills its lists from the server after it appears


def install(app: QApplication, flow) -> None:  # noqa: ANN001 - ui.flows.demo.DemoFlow
    folder = Path(os.environ["CHAMBER_SMOKE_PNG"])
    folder.mkdir(parents=True, exist_ok=True)
    stamps: dict[str, float] = {"started": time.time()}
    timer = QTimer(app)

    def finish(code: int) -> None:
        timer.stop()
        print(json.dumps({"smoke": "ok" if code == 0 else "timeout", **stamps}), flush=True)
        flow.shutdown()
        app.exit(code)

    def poll() -> None:
        if "server" not in stamps and flow.server is not None:
            stamps["server"] = time.time()
            flow.launcher.grab().save(str(folder / "launcher.png"))
            flow.open_role(ACCOUNT)
        elif "window" not in stamps and ACCOUNT in flow.windows:
            stamps["window"] = time.time()
            QTimer.singleShot(SETTLE_MS, lambda: (flow.windows[ACCOUNT].grab().save(str(folder / "delegate.png")), finish(0)))

    timer.timeout.connect(poll)
    timer.start(100)
    QTimer.singleShot(int(float(os.environ.get("CHAMBER_SMOKE_TIMEOUT", "120")) * 1000), lambda: finish(3))
