"""Accounts, passwords (argon2id) and device tokens (random, stored hashed, revocable).

A password change signs out the account's other devices; an administrator's reset, and disabling
an account, sign out all of them. These return the ended token ids, so the server can also close
those devices' event streams at once."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.clock import aware, iso
from app.domain.roles import Actor, Role
from app.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    SessionExpiredError,
    TooManyAttemptsError,
)
from app.domain.passwords import check_new_password
from app.i18n import N_
from app.services.audit import audit
from app.storage.db import KEEP_ON_REFUSAL
from app.storage.models import Account, DeviceToken, utcnow

TOKEN_LIFETIME = timedelta(days=30)  # absolute: log in again after a month whatever happens
TOKEN_IDLE = timedelta(days=14)  # a device unused for two weeks (a lost tablet in a drawer) is signed out
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(seconds=60)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this keeps a wrong user name as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("chamber-no-such-user")


class InvalidUsernameError(InvalidInputError):
    message = N_("A user name has 2 to 64 characters: lower-case letters, digits, '.', '_' or '-'.")


class UsernameTakenError(ConflictError):
    message = N_("The user name %(username)s is already taken.")


class InvalidRoleError(InvalidInputError):
    message = N_("Unknown role %(role)s. Choose one of: admin, secretariat, chair, delegate, kiosk, guest.")


class WrongCurrentPasswordError(InvalidInputError):
    code = "wrong_current_password"
    message = N_("The current password is not right. Nothing was changed.")


class AccountDisabledError(PermissionDeniedError):
    code = "account_disabled"
    message = N_("This account is disabled. Ask your administrator to enable it again.")


class UnknownAccountError(NotFoundError):
    message = N_("There is no account with the user name %(username)s.")


class CannotDisableOwnAccountError(ConflictError):
    message = N_("You cannot disable your own account: nobody could enable it again from it.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_aware = aware


def account_dict(a: Account) -> dict[str, Any]:
    return {
        "id": a.id,
        "username": a.username,
        "role": a.role,
        "display_name": a.display_name or (a.person.full_name if a.person else a.username),
        "person_id": a.person_id,
        "language": a.language,
        "disabled": bool(a.disabled),
    }


def create_account(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    person_id: str | None = None,
    language: str = "vi",
) -> dict[str, Any]:
    if actor.role != Role.ADMIN:
        raise PermissionDeniedError()
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidUsernameError()
    if role not in {r.value for r in Role}:
        raise InvalidRoleError(role=str(role)[:40])
    check_new_password(password, username=username)
    if session.scalar(select(Account).where(Account.username == username)):
        raise UsernameTakenError(username=username)
    account = Account(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name[:200],
        person_id=person_id,
        language=language,
    )
    session.add(account)
    session.flush()
    audit(session, actor, "account.create", username, role=role)
    return account_dict(account)


def login(session: Session, *, username: str, password: str, device_name: str = "") -> dict[str, Any]:
    """Check the password and issue a new device token. Wrong name and wrong password look alike."""
    username = (username or "").strip().lower()[:64]
    account = session.scalar(select(Account).where(Account.username == username))
    now = utcnow()
    if account is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        audit(session, None, "login.failed", username, username=username, device=device_name)
        session.info[KEEP_ON_REFUSAL] = True  # the audit entry stays although the login fails
        raise AuthenticationError()
    _check_not_locked(account, now)
    if not _password_matches(account, password, now):
        audit(session, None, "login.failed", username, username=username, device=device_name)
        session.info[KEEP_ON_REFUSAL] = True  # the failure count (lockout) and audit entry stay
        raise AuthenticationError()
    if account.disabled:
        # Said plainly only to someone who knows the password: no hint for a guesser.
        audit(session, None, "login.disabled", username, username=username, device=device_name)
        session.info[KEEP_ON_REFUSAL] = True
        raise AccountDisabledError()
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.failed_logins = 0
    account.locked_until = None
    token = secrets.token_urlsafe(32)
    device = DeviceToken(
        account_id=account.id,
        token_hash=hash_token(token),
        device_name=(device_name or "")[:200],
        expires_at=now + TOKEN_LIFETIME,
        last_used_at=now,
    )
    session.add(device)
    session.flush()
    actor = Actor(account.id, account.username, Role(account.role), account.person_id, device.id)
    audit(session, actor, "login", account.username, device=device_name)
    return {
        "token": token,
        "token_id": device.id,
        "expires_at": iso(device.expires_at),
        "account": account_dict(account),
    }


def _check_not_locked(account: Account, now) -> None:  # noqa: ANN001
    locked_until = _aware(account.locked_until)
    if locked_until and locked_until > now:
        raise TooManyAttemptsError(seconds=int((locked_until - now).total_seconds()) + 1)


def _password_matches(account: Account, password: str, now) -> bool:  # noqa: ANN001
    """Verify `password`; a wrong one counts towards the account's lockout, as a failed login."""
    try:
        _hasher.verify(account.password_hash, password or "")
        return True
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILED_LOGINS:
            account.locked_until = now + LOCKOUT
            account.failed_logins = 0
        return False


def _revoke_tokens(session: Session, account_id: str, *, keep: str | None = None) -> list[str]:
    """End every live token of the account except `keep`; the ids of those ended."""
    query = select(DeviceToken.id).where(DeviceToken.account_id == account_id, DeviceToken.revoked_at.is_(None))
    if keep:
        query = query.where(DeviceToken.id != keep)
    ids = list(session.scalars(query))
    if ids:
        session.execute(update(DeviceToken).where(DeviceToken.id.in_(ids)).values(revoked_at=utcnow()))
    return ids


def _target(session: Session, actor: Actor, account_id: str) -> Account:
    if actor.role != Role.ADMIN:
        raise PermissionDeniedError()
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError()
    return account


def change_password(session: Session, actor: Actor, current_password: str, new_password: str) -> dict[str, Any]:
    """The user's own change: the current password first (a wrong one counts as a failed login),
    then the rules of a new password. Signs out the account's other devices, not this one.
    Returns {"signed_out_devices": count, "revoked_token_ids": [...]}."""
    account = session.get(Account, actor.account_id) if actor.account_id else None
    if account is None:
        raise PermissionDeniedError()
    now = utcnow()
    _check_not_locked(account, now)
    if not _password_matches(account, current_password, now):
        audit(session, actor, "password.change.failed", account.username)
        session.info[KEEP_ON_REFUSAL] = True  # the failure count (lockout) and audit entry stay
        raise WrongCurrentPasswordError()
    account.failed_logins = 0
    account.locked_until = None
    check_new_password(new_password, username=account.username)
    account.password_hash = hash_password(new_password)
    revoked = _revoke_tokens(session, account.id, keep=actor.token_id)
    audit(session, actor, "password.change", account.username, signed_out=len(revoked))
    return {"signed_out_devices": len(revoked), "revoked_token_ids": revoked}


def reset_password(session: Session, actor: Actor, account_id: str, new_password: str) -> dict[str, Any]:
    """An administrator sets a new password (a forgotten one, or a suspected leak): every device
    of the account is signed out and a lockout is lifted."""
    account = _target(session, actor, account_id)
    check_new_password(new_password, username=account.username)
    account.password_hash = hash_password(new_password)
    account.failed_logins = 0
    account.locked_until = None
    revoked = _revoke_tokens(session, account.id)
    audit(session, actor, "password.reset", account.username, signed_out=len(revoked))
    return {"signed_out_devices": len(revoked), "revoked_token_ids": revoked}


def set_disabled(session: Session, actor: Actor, account_id: str, disabled: bool) -> dict[str, Any]:
    """Disable (every device signed out, logins refused) or enable an account again."""
    account = _target(session, actor, account_id)
    if disabled and account.id == actor.account_id:
        raise CannotDisableOwnAccountError()
    revoked: list[str] = []
    if bool(account.disabled) != bool(disabled):
        account.disabled = bool(disabled)
        audit(session, actor, "account.disable" if disabled else "account.enable", account.username)
    if disabled:
        revoked = _revoke_tokens(session, account.id)
    session.flush()
    return {**account_dict(account), "signed_out_devices": len(revoked), "revoked_token_ids": revoked}


def find_account(session: Session, username: str) -> Account:
    username = (username or "").strip().lower()[:64]
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise UnknownAccountError(username=username)
    return account


def authenticate(session: Session, token: str) -> Actor:
    """Find the account behind a bearer token; raise SessionExpiredError if it is unknown, expired or revoked."""
    if not token:
        raise AuthenticationError()
    row = session.execute(
        select(DeviceToken, Account).join(Account, Account.id == DeviceToken.account_id).where(DeviceToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise SessionExpiredError()
    return _actor(*row, utcnow())


def authenticate_many(session: Session, tokens: list[str]) -> dict[str, Actor | SessionExpiredError]:
    """`authenticate` for many tokens in one query (a group of ballots): each token's actor, or
    the error `authenticate` would raise for it."""
    hashes = {hash_token(t): t for t in tokens if t}
    found: dict[str, Actor | SessionExpiredError] = {t: SessionExpiredError() for t in tokens}
    now = utcnow()
    rows = session.execute(select(DeviceToken, Account).join(Account, Account.id == DeviceToken.account_id).where(DeviceToken.token_hash.in_(list(hashes))))
    for device, account in rows:
        try:
            found[hashes[device.token_hash]] = _actor(device, account, now)
        except SessionExpiredError as err:
            found[hashes[device.token_hash]] = err
    return found


def _actor(device: DeviceToken, account: Account, now: datetime) -> Actor:
    idle_since = _aware(device.last_used_at or device.created_at)
    if device.revoked_at is not None or account.disabled or _aware(device.expires_at) <= now or (idle_since and idle_since + TOKEN_IDLE <= now):
        raise SessionExpiredError()
    return Actor(account.id, account.username, Role(account.role), account.person_id, device.id, device.device_name or "")


def touch_token(session: Session, token_id: str) -> None:
    device = session.get(DeviceToken, token_id)
    if device is not None:
        device.last_used_at = utcnow()


def list_devices(session: Session, actor: Actor, *, account_id: str | None = None) -> list[dict[str, Any]]:
    target = account_id or actor.account_id
    if target != actor.account_id and actor.role != Role.ADMIN:
        raise PermissionDeniedError()
    rows = session.scalars(select(DeviceToken).where(DeviceToken.account_id == target).order_by(DeviceToken.created_at.desc()))
    return [
        {
            "id": d.id,
            "device_name": d.device_name,
            "created_at": iso(d.created_at),
            "last_used_at": iso(d.last_used_at),
            "expires_at": iso(d.expires_at),
            "revoked": d.revoked_at is not None,
            "current": d.id == actor.token_id,
        }
        for d in rows
    ]


def revoke_device(session: Session, actor: Actor, token_id: str) -> None:
    device = session.get(DeviceToken, token_id)
    if device is None:
        raise NotFoundError()
    if device.account_id != actor.account_id and actor.role != Role.ADMIN:
        raise PermissionDeniedError()
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit(session, actor, "device.revoke", token_id)


def list_accounts(session: Session, actor: Actor) -> list[dict[str, Any]]:
    if actor.role != Role.ADMIN:
        raise PermissionDeniedError()
    return [account_dict(a) for a in session.scalars(select(Account).order_by(Account.username))]
