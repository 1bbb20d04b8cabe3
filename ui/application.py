"""The QApplication of Chamber (name, font, theme, translations) and the three entry points that
main.py calls: run_demo, run_client, run_kiosk and run_live."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app import i18n
from app.sync.profile import Profile
from ui.language import install_language_support
from ui.tasks import TaskRunner
from ui.widgets.icons import ICONS, pixmap

log = logging.getLogger(__name__)

THEME = Path(__file__).resolve().parent.parent / "resources" / "theme.qss"
FONT_FAMILY = "DejaVu Sans"  # has every Vietnamese glyph; the theme asks for it too


def setup_application(app: QApplication) -> QApplication:
    """Name, style, font, palette, theme and live translations; safe to call more than once."""
    app.setApplicationName("Chamber")
    app.setApplicationDisplayName("Chamber")
    app.setOrganizationName("Chamber")
    app.setStyle("Fusion")  # the same look on Windows and Linux; the style sheet builds on it
    font = QFont(FONT_FAMILY, 10)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f3f5f8"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1f2933"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1f2933"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0f766e"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#1f2933"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#ffffff"))
    app.setPalette(palette)
    app.setStyleSheet(THEME.read_text(encoding="utf-8").replace("@ICONS@", ICONS.as_posix()))
    app.setWindowIcon(QIcon(pixmap("landmark", "#14324f", 64)))
    install_language_support(app)
    return app


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    return setup_application(app)


def _choose_language(language: str | None, profile: Profile) -> None:
    """The command line wins, then what the user chose last time on this device, else Vietnamese."""
    i18n.set_language(language or profile.get_setting("language") or i18n.current_language())


def _run(app: QApplication, tasks: TaskRunner) -> int:
    try:
        return app.exec()
    finally:
        tasks.wait(10_000)  # let a login or logout in flight finish before the process ends


def run_demo(data_dir: Path, language: str | None) -> int:
    from ui.flows.demo import DemoFlow

    app = create_application()
    _choose_language(language, Profile(Path(data_dir)))
    tasks = TaskRunner(app)
    flow = DemoFlow(Path(data_dir), tasks, parent=app)
    flow.start()
    if os.environ.get("CHAMBER_SMOKE_PNG"):  # installers/smoke_test.sh
        from ui import smoke

        smoke.install(app, flow)
    try:
        return _run(app, tasks)
    finally:
        flow.shutdown()


def run_client(data_dir: Path, language: str | None) -> int:
    from ui.flows.client import ClientFlow

    app = create_application()
    profile = Profile(Path(data_dir))
    _choose_language(language, profile)
    tasks = TaskRunner(app)
    flow = ClientFlow(profile, tasks, parent=app)
    flow.start()
    return _run(app, tasks)


def run_live(data_dir: Path, window: str, language: str | None) -> int:
    """A live meeting window (console, delegate, hall) on its own device profile; the hall display full screen."""
    from ui.flows.client import ClientFlow

    app = create_application()
    profile = Profile(Path(data_dir))
    _choose_language(language, profile)
    tasks = TaskRunner(app)
    flow = ClientFlow(profile, tasks, live_window=window, full_screen=window == "hall", parent=app)
    flow.start()
    return _run(app, tasks)


def run_setup(data_dir: Path, language: str | None) -> int:
    """`main.py setup`: the server's first-run wizard (ui/views/setup_wizard.py) on its data directory."""
    from ui.views.setup_wizard import SetupWizard

    app = create_application()
    i18n.set_language(language or i18n.current_language())
    tasks = TaskRunner(app)
    wizard = SetupWizard(Path(data_dir), tasks)
    wizard.start()
    wizard.show()
    return _run(app, tasks)


def run_kiosk(data_dir: Path, camera: str, language: str | None, *, locked: bool = False) -> int:
    """`locked` (`kiosk --fullscreen`): only an administrator's password or the exit PIN closes it."""
    from ui.flows.client import ClientFlow

    app = create_application()
    profile = Profile(Path(data_dir))
    _choose_language(language, profile)
    tasks = TaskRunner(app)
    flow = ClientFlow(profile, tasks, kiosk_camera=camera, full_screen=True, kiosk_locked=locked, parent=app)
    flow.start()
    return _run(app, tasks)
