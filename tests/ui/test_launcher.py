"""The demo launcher: it starts its own embedded server, a role card logs in as that role's demo
account (against that real server) and opens the right window; closing it ends everything."""

from __future__ import annotations

from app.domain.roles import Role
from app.sync.engine import ConnectionState
from ui.flows.demo import DemoFlow
from ui.views.kiosk import KioskWindow
from ui.views.main_window import MainWindow

WAIT = 20_000


def test_role_cards_open_each_roles_window(qtbot, tasks, tmp_path) -> None:
    flow = DemoFlow(tmp_path / "demo", tasks)
    launcher = flow.start()
    qtbot.addWidget(launcher)
    try:
        qtbot.waitUntil(lambda: launcher.ready, timeout=WAIT)
        assert launcher.council.text() == "Hội đồng nhân dân Phường Hòa Bình"
        qtbot.waitUntil(lambda: flow.code is not None and flow.code.code in launcher.footer.text(), timeout=WAIT)

        launcher.cards["thuky"].click()
        qtbot.waitUntil(lambda: isinstance(flow.windows.get("thuky"), MainWindow), timeout=WAIT)
        secretariat = flow.windows["thuky"]
        assert secretariat.session.role == Role.SECRETARIAT
        assert secretariat.page.form is not None and secretariat.meetings.new_button.isVisibleTo(secretariat)
        qtbot.waitUntil(lambda: secretariat.session.state == ConnectionState.ONLINE and len(secretariat.meetings.meeting_ids()) == 3, timeout=WAIT)

        launcher.cards["daibieu"].click()
        qtbot.waitUntil(lambda: isinstance(flow.windows.get("daibieu"), MainWindow), timeout=WAIT)
        delegate = flow.windows["daibieu"]
        assert delegate.session.role == Role.DELEGATE
        assert delegate.page.form is None and not delegate.meetings.new_button.isVisibleTo(delegate)
        assert not delegate.page.agenda.toolbar.isVisibleTo(delegate.page.agenda)

        launcher.cards["kiosk"].click()
        qtbot.waitUntil(lambda: isinstance(flow.windows.get("kiosk"), KioskWindow), timeout=WAIT)

        # A second click brings the open window forward instead of logging in again.
        launcher.cards["thuky"].click()
        assert flow.windows["thuky"] is secretariat and not tasks.is_running("demo-login-thuky")
    finally:
        launcher.close()
    assert flow.server is None and not flow.open_windows()
