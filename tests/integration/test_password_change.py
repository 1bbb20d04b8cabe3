"""Issue #8 through the real server on 127.0.0.1: a password change on one device signs out the
account's other devices at once (their next request is a 401 and their client shows the
signed-out state) while the device that changed it keeps working; an administrator's reset and a
disabled account sign out every device."""

from __future__ import annotations

import pytest

from app.demo import DEMO_PASSWORD
from app.errors import InvalidInputError, SessionExpiredError
from app.sync.engine import ConnectionState

NEW_PASSWORD = "Phiên họp thường kỳ tháng Mười hai"


def test_changing_the_password_on_one_device_signs_out_the_other(chamber) -> None:  # noqa: ANN001
    here, tablet = chamber.login("thuky"), chamber.login("thuky")
    colleague = chamber.login("admin")

    assert here.change_password(DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD) == 1

    # The tablet's event stream is closed by the server: its client says "signed out" by itself.
    assert tablet.engine.wait_until(lambda: tablet.state == ConnectionState.SESSION_EXPIRED, 5), tablet.state
    with pytest.raises(SessionExpiredError) as ended:
        tablet.api.me()
    assert ended.value.status == 401
    # This device and other accounts carry on.
    assert here.api.me()["username"] == "thuky" and here.state == ConnectionState.ONLINE
    meeting_id = here.create_meeting({"title": "Họp sau khi đổi mật khẩu", "starts_at": "2026-12-05T08:00:00+07:00"})
    assert colleague.engine.wait_until(lambda: any(m["id"] == meeting_id for m in colleague.list_meetings()), 5)
    assert here.engine.wait_until(here.engine.idle, 5)

    rest = chamber.rest()
    old = rest.http.post("/auth/login", json={"username": "thuky", "password": DEMO_PASSWORD})
    assert old.status_code == 401
    assert rest.login("thuky", NEW_PASSWORD)["account"]["username"] == "thuky"


def test_a_wrong_current_password_is_refused_and_signs_nobody_out(chamber) -> None:  # noqa: ANN001
    here, tablet = chamber.login("daibieu"), chamber.login("daibieu")
    with pytest.raises(InvalidInputError) as wrong:
        here.change_password("khong-phai-mat-khau", NEW_PASSWORD)
    assert wrong.value.code == "wrong_current_password" and wrong.value.status == 422
    assert not isinstance(wrong.value, SessionExpiredError)
    assert here.api.me()["username"] == tablet.api.me()["username"] == "daibieu"
    assert here.state == tablet.state == ConnectionState.ONLINE


def test_admin_reset_and_disable_sign_out_every_device(chamber) -> None:  # noqa: ANN001
    admin = chamber.login("admin")
    delegate = chamber.login("daibieu2")
    account_id = delegate.account["id"]

    assert admin.reset_password(account_id, NEW_PASSWORD) == 1
    assert delegate.engine.wait_until(lambda: delegate.state == ConnectionState.SESSION_EXPIRED, 5), delegate.state

    rest = chamber.rest()
    token = rest.login("daibieu2", NEW_PASSWORD)["token"]
    assert admin.set_account_disabled(account_id, True)["signed_out_devices"] == 1
    assert rest.call("GET", "/auth/me", token=token).status_code == 401
    refused = rest.http.post("/auth/login", json={"username": "daibieu2", "password": NEW_PASSWORD}, headers={"Accept-Language": "en"})
    assert refused.status_code == 403 and refused.json()["error"] == "account_disabled"
    assert "disabled" in refused.json()["message"]
    assert {a["username"]: a["disabled"] for a in admin.list_accounts()}["daibieu2"] is True
    admin.set_account_disabled(account_id, False)
    assert rest.login("daibieu2", NEW_PASSWORD)["account"]["disabled"] is False


def test_a_reset_outside_the_server_process_ends_the_open_stream_at_the_next_recheck(chamber) -> None:  # noqa: ANN001
    """`main.py admin password` writes to the database directly: the running server notices the
    ended token on its periodic recheck of each open event stream."""
    from app.domain.roles import Actor
    from app.services import accounts

    chamber.runner.app.state.recheck_token_s = 0.2
    tablet = chamber.login("chutoa")
    with chamber.ctx.db.write() as session:
        accounts.reset_password(session, Actor.system(), tablet.account["id"], NEW_PASSWORD)
    assert tablet.engine.wait_until(lambda: tablet.state == ConnectionState.SESSION_EXPIRED, 5), tablet.state
