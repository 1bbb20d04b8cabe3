"""What a new password must be: long enough, not one of the passwords every attacker tries first,
not the user name. No composition rules (they make passwords harder to remember, not to guess);
a passphrase of 15 characters or more is encouraged where a password is chosen: `strength()` gives
the live hint shown while one is typed."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import InvalidInputError
from app.i18n import N_, _

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


class PasswordMismatchError(InvalidInputError):
    code = "password_mismatch"
    message = N_("The two passwords are not the same.")


class CurrentPasswordMissingError(InvalidInputError):
    code = "current_password_missing"
    message = N_("Type your current password.")


def check_password_change(current: str, new: str, repeated: str | None = None, *, username: str = "") -> None:
    """What a client checks before sending a change of the user's own password, in the order the
    fields are shown (the server checks the current password and the rules again)."""
    if not current:
        raise CurrentPasswordMissingError()
    check_new_password(new, username=username)
    if repeated is not None and repeated != new:
        raise PasswordMismatchError()


# zxcvbn's warnings come in English; these are the ones it can give, so that they are translated.
ZXCVBN_WARNINGS = frozenset({
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Recent years are easy to guess."),
    N_("Dates are often easy to guess."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
})
STRENGTH_LABELS = (N_("Weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))
_ESTIMATED = 64  # zxcvbn slows down on long input; the start of a long passphrase says enough


@dataclass(frozen=True)
class Strength:
    """How good a password being typed is: zxcvbn's score (0–4), a label, and hints in the
    current language. `acceptable` is False when check_new_password would refuse it."""

    score: int
    label: str
    hints: tuple[str, ...]
    acceptable: bool


def strength(password: str, *, username: str = "", words: tuple[str, ...] = ()) -> Strength:
    """The live hint under a new-password field. `words`: names zxcvbn should treat as guessable."""
    from zxcvbn import zxcvbn

    password = password or ""
    try:
        check_new_password(password, username=username)
        refusal = None
    except InvalidInputError as err:
        refusal = err.user_message()
    estimate = zxcvbn(password[:_ESTIMATED], user_inputs=[w for w in (username, *words) if w]) if password else None
    score = 0 if refusal or estimate is None else int(estimate["score"])
    hints = [refusal] if refusal else []
    warning = (estimate or {}).get("feedback", {}).get("warning", "")
    if not refusal and warning in ZXCVBN_WARNINGS:
        hints.append(_(warning))
    if len(password) < ENCOURAGED_LENGTH and not refusal:
        hints.append(_("Tip: a sentence of %(length)s characters or more is easy to remember and hard to guess.") % {"length": ENCOURAGED_LENGTH})
    return Strength(score, _(STRENGTH_LABELS[score]), tuple(hints), refusal is None)


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
