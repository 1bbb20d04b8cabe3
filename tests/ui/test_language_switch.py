"""Switching the language re-labels every open window at once: the launcher's switch also
changes the secretariat window it opened, and the choice is remembered on this computer."""

from __future__ import annotations

from app import i18n
from app.i18n import translate
from app.sync.profile import Profile
from ui.flows.demo import DemoFlow
from ui.views.main_window import MainWindow

WAIT = 20_000


def test_switch_in_the_launcher_relabels_every_window(qtbot, tasks, tmp_path) -> None:
    flow = DemoFlow(tmp_path / "demo", tasks)
    launcher = flow.start()
    qtbot.addWidget(launcher)
    try:
        qtbot.waitUntil(lambda: launcher.ready, timeout=WAIT)
        launcher.cards["thuky"].click()
        qtbot.waitUntil(lambda: isinstance(flow.windows.get("thuky"), MainWindow), timeout=WAIT)
        window = flow.windows["thuky"]
        card = launcher.cards["thuky"]

        launcher.language.buttons["en"].click()
        assert i18n.current_language() == "en"
        assert card.title.text() == "Secretariat"
        assert window.header.logout_button.text() == "Log out"
        assert window.page.agenda.tree.headerItem().text(1) == "Item"
        assert window.header.language.buttons["en"].isChecked()  # the other window's switch follows
        assert Profile(tmp_path / "demo").get_setting("language") == "en"

        launcher.language.buttons["vi"].click()
        assert card.title.text() == translate("Secretariat", "vi")
        assert window.header.logout_button.text() == translate("Log out", "vi")
        assert window.page.agenda.tree.headerItem().text(1) == translate("Item", "vi")
        assert window.meetings.search.placeholderText() == translate("Search by title", "vi")
        assert window.header.language.buttons["vi"].isChecked()
    finally:
        launcher.close()


def test_error_on_screen_changes_language_too(qtbot, open_window) -> None:
    window = open_window("thuky")
    window.new_meeting()
    window.page.form.save_button.click()  # no title
    vi = window.page.form.error.message
    window.header.language.buttons["en"].click()
    assert window.page.form.error.message == "Title must not be empty."
    assert window.session.profile.get_setting("language") == "en"
    window.header.language.buttons["vi"].click()
    assert window.page.form.error.message == vi == translate("%(field)s must not be empty.", "vi") % {"field": translate("Title", "vi")}
