"""Tests for app/services/accounts.py: argon2id passwords, logins that fail alike, lockout, device
tokens stored hashed, revoked and expired tokens — each step in its own transaction, as the server
runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.domain.roles import Actor, Role
from app.errors import AuthenticationError, PermissionDeniedError, SessionExpiredError, TooManyAttemptsError
from app.domain import passwords
from app.services import accounts
from app.services.audit import list_audit
from app.storage.db import Database
from app.storage.models import Account, AuditEntry, DeviceToken, utcnow

PASSWORD = "mat-khau-dung-1"


@pytest.fixture
def account(db: Database) -> dict:
    with db.write() as session:
        return accounts.create_account(session, Actor.system(), username="thuky", password=PASSWORD, role="secretariat", display_name="Thư ký")


def login(db: Database, username: str = "thuky", password: str = PASSWORD) -> dict:
    with db.write() as session:
        return accounts.login(session, username=username, password=password, device_name="Máy tính bảng 1")


def authenticate(db: Database, token: str) -> Actor:
    with db.read() as session:
        return accounts.authenticate(session, token)


def audit_actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_password_is_stored_as_argon2id_hash(db: Database, account: dict) -> None:
    with db.read() as session:
        stored = session.scalar(select(Account.password_hash).where(Account.id == account["id"]))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_login_returns_token_and_account_when_password_is_right(db: Database, account: dict) -> None:
    result = login(db)
    assert result["account"] == account
    assert len(result["token"]) >= 40
    actor = authenticate(db, result["token"])
    assert (actor.account_id, actor.role, actor.token_id) == (account["id"], Role.SECRETARIAT, result["token_id"])


def test_login_ignores_case_and_spaces_of_username(db: Database, account: dict) -> None:
    assert login(db, username="  ThuKy ")["account"]["id"] == account["id"]


def test_login_fails_when_password_is_wrong(db: Database, account: dict) -> None:
    with pytest.raises(AuthenticationError) as wrong:
        login(db, password="mat-khau-sai")
    assert type(wrong.value) is AuthenticationError


def test_login_fails_alike_when_user_is_unknown(db: Database, account: dict) -> None:
    with pytest.raises(AuthenticationError) as wrong_password:
        login(db, password="mat-khau-sai")
    with pytest.raises(AuthenticationError) as unknown_user:
        login(db, username="khong-co-ai")
    assert type(unknown_user.value) is type(wrong_password.value)
    assert unknown_user.value.to_json("vi") == wrong_password.value.to_json("vi")
    assert unknown_user.value.to_json("en") == wrong_password.value.to_json("en")


def test_failed_logins_are_audited_when_they_fail(db: Database, account: dict) -> None:
    with pytest.raises(AuthenticationError):
        login(db, password="mat-khau-sai")
    with pytest.raises(AuthenticationError):
        login(db, username="khong-co-ai")
    login(db)
    assert audit_actions(db)[-3:] == ["login.failed", "login.failed", "login"]


def test_login_is_locked_after_five_failures_even_with_right_password(db: Database, account: dict) -> None:
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            login(db, password="mat-khau-sai")
    with pytest.raises(TooManyAttemptsError) as locked:
        login(db)
    assert 0 < locked.value.params["seconds"] <= accounts.LOCKOUT.total_seconds() + 1
    assert f"wait {locked.value.params['seconds']} seconds" in locked.value.user_message("en")


def test_login_works_again_when_lockout_has_passed(db: Database, account: dict) -> None:
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            login(db, password="mat-khau-sai")
    with db.write() as session:
        session.execute(update(Account).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert login(db)["account"]["id"] == account["id"]


def test_four_failures_then_success_resets_the_count(db: Database, account: dict) -> None:
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            login(db, password="mat-khau-sai")
    login(db)
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            login(db, password="mat-khau-sai")
    assert login(db)["account"]["id"] == account["id"]


def test_token_is_stored_only_as_hash(db: Database, account: dict, snapshot_db) -> None:
    result = login(db)
    token = result["token"]
    with db.read() as session:
        stored = session.scalar(select(DeviceToken.token_hash).where(DeviceToken.id == result["token_id"]))
    assert stored == accounts.hash_token(token) != token
    everything = snapshot_db(db)
    assert not [table for table, rows in everything.items() if any(token in value for row in rows for value in row)]


def test_token_is_not_written_to_sqlite_file_when_database_is_sqlite(db: Database, account: dict) -> None:
    if not db.is_sqlite:
        pytest.skip("checks the SQLite file itself")
    token = login(db)["token"]
    path = db.url.database
    raw = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if __import__("os").path.exists(p))
    assert token.encode() not in raw


def test_authenticate_refuses_token_when_device_is_revoked(db: Database, account: dict) -> None:
    result = login(db)
    actor = authenticate(db, result["token"])
    with db.write() as session:
        accounts.revoke_device(session, actor, result["token_id"])
    with pytest.raises(SessionExpiredError):
        authenticate(db, result["token"])


def test_revoking_one_device_keeps_the_others(db: Database, account: dict) -> None:
    first, second = login(db), login(db)
    with db.write() as session:
        accounts.revoke_device(session, authenticate(db, first["token"]), first["token_id"])
    assert authenticate(db, second["token"]).token_id == second["token_id"]


def test_authenticate_refuses_token_when_expired(db: Database, account: dict) -> None:
    result = login(db)
    with db.write() as session:
        session.execute(update(DeviceToken).where(DeviceToken.id == result["token_id"]).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(SessionExpiredError):
        authenticate(db, result["token"])


def test_authenticate_refuses_token_when_unused_for_too_long(db: Database, account: dict) -> None:
    result = login(db)
    idle = utcnow() - accounts.TOKEN_IDLE - timedelta(seconds=1)
    with db.write() as session:
        session.execute(update(DeviceToken).where(DeviceToken.id == result["token_id"]).values(last_used_at=idle + timedelta(seconds=5)))
    assert authenticate(db, result["token"]).account_id == account["id"]  # used just inside the limit
    with db.write() as session:
        session.execute(update(DeviceToken).where(DeviceToken.id == result["token_id"]).values(last_used_at=idle))
    with pytest.raises(SessionExpiredError):
        authenticate(db, result["token"])


def test_a_long_passphrase_with_diacritics_is_accepted(db: Database) -> None:
    phrase = "Hội đồng họp thứ Hai lúc 8 giờ"
    with db.write() as session:
        accounts.create_account(session, Actor.system(), username="chutoa", password=phrase, role="chair")
    assert login(db, username="chutoa", password=phrase)["account"]["username"] == "chutoa"


def test_authenticate_refuses_token_when_account_is_disabled(db: Database, account: dict) -> None:
    result = login(db)
    with db.write() as session:
        session.execute(update(Account).values(disabled=True))
    with pytest.raises(SessionExpiredError):
        authenticate(db, result["token"])


@pytest.mark.parametrize("token", ["", "không-phải-token", "x" * 5000])
def test_authenticate_refuses_token_when_unknown(db: Database, account: dict, token: str) -> None:
    with pytest.raises(AuthenticationError):
        authenticate(db, token)


def test_revoking_another_accounts_device_is_refused_when_not_admin(db: Database, account: dict) -> None:
    with db.write() as session:
        accounts.create_account(session, Actor.system(), username="daibieu", password=PASSWORD, role="delegate")
    victim = login(db)
    intruder = authenticate(db, login(db, username="daibieu")["token"])
    with pytest.raises(PermissionDeniedError), db.write() as session:
        accounts.revoke_device(session, intruder, victim["token_id"])
    assert authenticate(db, victim["token"]).account_id == account["id"]


def test_list_devices_marks_current_and_revoked(db: Database, account: dict) -> None:
    first, second = login(db), login(db)
    me = authenticate(db, second["token"])
    with db.write() as session:
        accounts.revoke_device(session, me, first["token_id"])
    with db.read() as session:
        devices = {d["id"]: d for d in accounts.list_devices(session, me)}
    assert devices[first["token_id"]]["revoked"] and not devices[first["token_id"]]["current"]
    assert devices[second["token_id"]]["current"] and not devices[second["token_id"]]["revoked"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"username": "A", "password": PASSWORD, "role": "delegate"}, accounts.InvalidUsernameError),
        ({"username": "ok.name", "password": "short", "role": "delegate"}, passwords.PasswordTooShortError),
        ({"username": "ok.name", "password": "Password1!", "role": "delegate"}, passwords.CommonPasswordError),
        ({"username": "ok.name", "password": "matkhau123", "role": "delegate"}, passwords.CommonPasswordError),
        ({"username": "ok.name", "password": "OK.Name ", "role": "delegate"}, passwords.PasswordIsUsernameError),
        ({"username": "ok.name", "password": "x" * 1025, "role": "delegate"}, passwords.PasswordTooLongError),
        ({"username": "ok.name", "password": PASSWORD, "role": "superuser"}, accounts.InvalidRoleError),
        ({"username": "thuky", "password": PASSWORD, "role": "delegate"}, accounts.UsernameTakenError),
    ],
)
def test_create_account_refuses_bad_input_and_writes_nothing(db: Database, account: dict, snapshot_db, fields: dict, error: type) -> None:
    before = snapshot_db(db)
    with pytest.raises(error), db.write() as session:
        accounts.create_account(session, Actor.system(), **fields)
    assert snapshot_db(db) == before


def test_create_account_is_refused_when_actor_is_not_admin(db: Database, account: dict) -> None:
    secretariat = authenticate(db, login(db)["token"])
    with pytest.raises(PermissionDeniedError), db.write() as session:
        accounts.create_account(session, secretariat, username="moi", password=PASSWORD, role="admin")


def test_device_and_audit_times_are_utc_whatever_the_database_time_zone(db_url: str) -> None:
    """Times leave the server in UTC even from a PostgreSQL session set to Vietnam time (and with
    an offset even from SQLite, which stores none)."""
    if db_url.startswith("postgresql"):
        db_url += "?options=-c%20timezone%3DAsia/Ho_Chi_Minh"
    db = Database(db_url)
    try:
        db.upgrade()
        with db.write() as session:
            accounts.create_account(session, Actor.system(), username="thuky", password=PASSWORD, role="secretariat")
        result = login(db)
        actor = authenticate(db, result["token"])
        with db.read() as session:
            [device] = accounts.list_devices(session, actor)
            entries = list_audit(session)
        stamps = [result["expires_at"], device["created_at"], device["last_used_at"], device["expires_at"], *(e["at"] for e in entries)]
        assert all(s.endswith("+00:00") for s in stamps), stamps
    finally:
        db.dispose()


# --- password change, administrator's reset, disabled accounts (issue #8) -------------------------
NEW_PASSWORD = "Hội đồng họp sáng thứ Hai"


def change(db: Database, token: str, current: str = PASSWORD, new: str = NEW_PASSWORD) -> dict:
    actor = authenticate(db, token)
    with db.write() as session:
        return accounts.change_password(session, actor, current, new)


def admin_actor(db: Database) -> Actor:
    with db.write() as session:
        accounts.create_account(session, Actor.system(), username="quantri", password=PASSWORD, role="admin")
    return authenticate(db, login(db, username="quantri")["token"])


def test_change_password_signs_out_the_other_devices_and_keeps_this_one(db: Database, account: dict) -> None:
    here, tablet, laptop = login(db), login(db), login(db)
    result = change(db, here["token"])
    assert result["signed_out_devices"] == 2
    assert sorted(result["revoked_token_ids"]) == sorted([tablet["token_id"], laptop["token_id"]])
    assert authenticate(db, here["token"]).token_id == here["token_id"]
    for other in (tablet, laptop):
        with pytest.raises(SessionExpiredError):
            authenticate(db, other["token"])
    with pytest.raises(AuthenticationError):
        login(db)  # the old password
    assert login(db, password=NEW_PASSWORD)["account"]["id"] == account["id"]
    assert audit_actions(db)[-3:] == ["password.change", "login.failed", "login"]


def test_change_password_with_wrong_current_password_counts_as_a_failed_login(db: Database, account: dict, snapshot_db) -> None:
    token = login(db)["token"]
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        with pytest.raises(accounts.WrongCurrentPasswordError):
            change(db, token, current="mat-khau-sai")
    assert audit_actions(db)[-1] == "password.change.failed"
    with pytest.raises(accounts.WrongCurrentPasswordError):
        change(db, token, current="mat-khau-sai")
    with pytest.raises(TooManyAttemptsError):  # locked now, even with the right password
        change(db, token)
    with pytest.raises(TooManyAttemptsError):
        login(db)
    assert authenticate(db, token).account_id == account["id"]  # nothing else signed out


def test_wrong_current_password_is_not_a_signed_out_error(db: Database, account: dict) -> None:
    """A 401 would make the client show "signed out" although this device still is signed in."""
    token = login(db)["token"]
    with pytest.raises(accounts.WrongCurrentPasswordError) as wrong:
        change(db, token, current="mat-khau-sai")
    assert not isinstance(wrong.value, AuthenticationError) and wrong.value.status == 422
    assert "current password" in wrong.value.user_message("en")


@pytest.mark.parametrize(("new", "error"), [
    ("ngan", passwords.PasswordTooShortError),
    ("Password1!", passwords.CommonPasswordError),
    ("thuky.thuky", None),
    ("x" * 1025, passwords.PasswordTooLongError),
])
def test_change_password_checks_the_new_one_like_a_new_account_and_writes_nothing(db: Database, account: dict, snapshot_db, new: str, error: type | None) -> None:
    here, other = login(db), login(db)
    if error is None:
        change(db, here["token"], new=new)  # contains the user name but is not it: allowed
        return
    before = snapshot_db(db)
    with pytest.raises(error):
        change(db, here["token"], new=new)
    assert snapshot_db(db) == before
    assert authenticate(db, other["token"]).token_id == other["token_id"]


def test_change_password_refuses_the_user_name_as_new_password(db: Database) -> None:
    with db.write() as session:
        accounts.create_account(session, Actor.system(), username="nguyen.van.an", password=PASSWORD, role="delegate")
    token = login(db, username="nguyen.van.an")["token"]
    with pytest.raises(passwords.PasswordIsUsernameError):
        change(db, token, new="Nguyen.Van.An")


def test_admin_reset_signs_out_every_device_and_lifts_the_lockout(db: Database, account: dict) -> None:
    admin = admin_actor(db)
    first, second = login(db), login(db)
    with db.write() as session:  # locked out after failed logins
        session.execute(update(Account).where(Account.id == account["id"]).values(locked_until=utcnow() + accounts.LOCKOUT))
    with db.write() as session:
        result = accounts.reset_password(session, admin, account["id"], NEW_PASSWORD)
    assert result["signed_out_devices"] == 2
    for device in (first, second):
        with pytest.raises(SessionExpiredError):
            authenticate(db, device["token"])
    assert login(db, password=NEW_PASSWORD)["account"]["id"] == account["id"]
    assert "password.reset" in audit_actions(db)


def test_admin_reset_is_refused_when_not_admin_and_checks_the_password(db: Database, account: dict) -> None:
    admin = admin_actor(db)
    secretariat = authenticate(db, login(db)["token"])
    with pytest.raises(PermissionDeniedError), db.write() as session:
        accounts.reset_password(session, secretariat, admin.account_id, NEW_PASSWORD)
    with pytest.raises(passwords.CommonPasswordError), db.write() as session:
        accounts.reset_password(session, admin, account["id"], "matkhau123")
    with pytest.raises(accounts.NotFoundError), db.write() as session:
        accounts.reset_password(session, admin, "khong-co", NEW_PASSWORD)


def test_disabling_an_account_signs_it_out_and_refuses_its_logins_plainly(db: Database, account: dict) -> None:
    admin = admin_actor(db)
    device = login(db)
    with db.write() as session:
        result = accounts.set_disabled(session, admin, account["id"], True)
    assert result["disabled"] and result["signed_out_devices"] == 1
    with pytest.raises(SessionExpiredError):
        authenticate(db, device["token"])
    with pytest.raises(accounts.AccountDisabledError) as refused:
        login(db)
    assert "disabled" in refused.value.user_message("en")
    with pytest.raises(AuthenticationError) as guess:  # a wrong password learns nothing about it
        login(db, password="mat-khau-sai")
    assert type(guess.value) is AuthenticationError
    with db.write() as session:
        accounts.set_disabled(session, admin, account["id"], False)
    assert login(db)["account"]["disabled"] is False
    assert audit_actions(db).count("account.disable") == audit_actions(db).count("account.enable") == 1


def test_an_admin_cannot_disable_their_own_account(db: Database) -> None:
    admin = admin_actor(db)
    with pytest.raises(accounts.CannotDisableOwnAccountError), db.write() as session:
        accounts.set_disabled(session, admin, admin.account_id, True)
