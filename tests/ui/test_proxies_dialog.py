"""The proxy votes dialog: a delegate names a colleague of the meeting's body as proxy, the
secretariat's dialog (open already) shows it waiting by itself and approves it; the delegate's
dialog shows it approved, without reloading."""

from __future__ import annotations

import os
from pathlib import Path

from app import i18n
from ui.views.proxies_dialog import ProxiesDialog

WAIT = 10_000
SHOTS = Path(os.environ["CHAMBER_SCREENSHOTS"]) if os.environ.get("CHAMBER_SCREENSHOTS") else None


def test_a_delegate_names_a_proxy_and_the_secretariat_approves(qtbot, tasks, login) -> None:
    delegate, secretary, colleague = login("daibieu2"), login("thuky"), login("daibieu")
    meeting = next(m for m in delegate.list_meetings() if m["status"] == "scheduled" and "Kỳ họp" in m["title"])
    naming = ProxiesDialog(delegate, tasks, meeting["id"])
    qtbot.addWidget(naming)
    naming.show()
    deciding = ProxiesDialog(secretary, tasks, meeting["id"])  # open already: the proxy appears in it by itself
    qtbot.addWidget(deciding)
    deciding.show()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=WAIT)
    assert deciding.list.count() == 0
    assert naming.approve.isHidden() and naming.member.count() >= 2  # the body's other members
    assert delegate.account["person_id"] not in [naming.member.itemData(i) for i in range(naming.member.count())]
    naming.member.setCurrentIndex(naming.member.findData(colleague.account["person_id"]))
    naming.name.click()
    qtbot.waitUntil(lambda: naming.list.count() == 1, timeout=WAIT)
    assert naming.list.item(0).text().endswith("(" + i18n._("waiting for approval") + ")")

    assert deciding.member.isHidden() and deciding.approve.isVisible()
    qtbot.waitUntil(lambda: deciding.list.count() == 1, timeout=WAIT)  # nobody pressed anything in this one
    deciding.approve.click()
    assert deciding.message.text() == i18n._("Select a proxy in the list.")
    deciding.list.setCurrentRow(0)
    deciding.approve.click()
    qtbot.waitUntil(lambda: deciding.list.count() == 1 and deciding.list.item(0).text().endswith("(" + i18n._("approved") + ")"), timeout=WAIT)
    if SHOTS:
        deciding.grab().save(str(SHOTS / "proxies_vi.png"))
    qtbot.waitUntil(lambda: naming.list.count() == 1 and naming.list.item(0).text().endswith("(" + i18n._("approved") + ")"), timeout=WAIT)  # live
    if SHOTS:
        naming.grab().save(str(SHOTS / "proxies_delegate_vi.png"))
        i18n.set_language("en")
        qtbot.waitUntil(lambda: naming.name.text() == "Name as my proxy", timeout=WAIT)
        naming.grab().save(str(SHOTS / "proxies_delegate_en.png"))
        i18n.set_language("vi")
    assert [p["state"] for p in colleague.list_proxies(meeting["id"])] == ["approved"]  # the proxy sees it too
