"""What a new password must be: long enough, not one of the passwords every attacker tries first,
not the user name. No composition rules (they make passwords harder to remember, not to guess);
a passphrase of 15 characters or more is encouraged where a password is chosen."""

from __future__ import annotations

from app.errors import InvalidInputError
from app.i18n import N_

MIN_LENGTH = 8
ENCOURAGED_LENGTH = 15
MAX_LENGTH = 1024  # argon2 hashes any length; this only stops a megabyte "password"
# Common in Vietnam and missing from zxcvbn's English-centred list (collected from public
# breach summaries); the 30 000 most common passwords come from zxcvbn.
VIETNAMESE_COMMON = frozenset({
    "matkhau", "matkhau123", "matkhau1", "anhyeuem", "emyeuanh", "anhyeuem123", "yeuem", "yeuanh", "iloveyou",
    "123456789a", "a123456789", "vietnam", "vietnam123", "hanoi123", "saigon123", "hochiminh", "12345678a",
    "quenmatkhau", "khongbiet", "123123123", "chamber", "chamber123", "hoidong", "hdnd", "hdnd123", "ubnd", "ubnd123",
})


class PasswordTooShortError(InvalidInputError):
    code = "password_too_short"
    message = N_("The password must have at least %(min)s characters. A sentence of 15 characters or more is easy to remember and hard to guess.")


class PasswordTooLongError(InvalidInputError):
    code = "password_too_long"
    message = N_("The password is too long (at most %(max)s characters).")


class CommonPasswordError(InvalidInputError):
    code = "password_common"
    message = N_("This password is one of the most common ones and is tried first by attackers. Choose another, for example a short sentence.")


class PasswordIsUsernameError(InvalidInputError):
    code = "password_is_username"
    message = N_("The password must not be the user name.")


def _common(candidate: str) -> bool:
    from zxcvbn.matching import RANKED_DICTIONARIES

    return candidate in RANKED_DICTIONARIES["passwords"] or candidate in VIETNAMESE_COMMON


def check_new_password(password: str, *, username: str = "") -> None:
    """Raise a typed error when `password` may not be set; return quietly when it may."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise PasswordTooShortError(min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise PasswordTooLongError(max=MAX_LENGTH)
    folded = password.strip().lower()
    if username and folded == username.strip().lower():
        raise PasswordIsUsernameError()
    # "Password1!" is as common as "password1": attackers try these variations first, too.
    if _common(folded) or _common(folded.rstrip("!.?@#$*")):
        raise CommonPasswordError()
