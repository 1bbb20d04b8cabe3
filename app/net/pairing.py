"""The pairing protocol shared by server and client: one-time codes proven with SPAKE2.

A code reads '1234 5678 9012': the first group is a public lookup id (which code), the other
eight digits are the SPAKE2 password. Both sides derive the key K only if they used the same
password; a guesser learns nothing offline and gets one try per exchange. Each side then confirms K
bound to the certificate fingerprint the *client* saw, so a machine in the middle with another
certificate cannot make the client pin it, even when it relays every message (the flow:
app/services/pairing.py on the server, app/sync/profile.py `pair` on the client).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from spake2 import SPAKE2_A, SPAKE2_B

from app.errors import InvalidInputError, PairingError
from app.i18n import N_

LOOKUP_DIGITS = 4
SECRET_DIGITS = 8
CODE_DIGITS = LOOKUP_DIGITS + SECRET_DIGITS
# Both sides name the roles the same way; a message reflected back to its sender fails.
ID_CLIENT = b"chamber-pairing-client"
ID_SERVER = b"chamber-pairing-server"
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")


class PairingCodeFormatError(InvalidInputError):
    message = N_("A pairing code has 12 digits, shown as three groups of four.")


def new_code() -> tuple[str, str]:
    """A fresh (lookup, secret) from the system's random source."""
    return f"{secrets.randbelow(10**LOOKUP_DIGITS):0{LOOKUP_DIGITS}d}", f"{secrets.randbelow(10**SECRET_DIGITS):0{SECRET_DIGITS}d}"


def format_code(lookup: str, secret: str) -> str:
    digits = lookup + secret
    return " ".join(digits[i : i + 4] for i in range(0, CODE_DIGITS, 4))


def parse_code(text: str) -> tuple[str, str]:
    """(lookup, secret) of a typed code; spaces and dashes between groups are allowed."""
    digits = _SEPARATORS.sub("", text or "")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        raise PairingCodeFormatError()
    return digits[:LOOKUP_DIGITS], digits[LOOKUP_DIGITS:]


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise PairingError() from None


def confirm(key: bytes, role: str, fingerprint: str) -> str:
    """HMAC(K, role + fingerprint): whoever sends it knows K and means this certificate."""
    return hmac.new(key, role.encode("ascii") + bytes.fromhex(fingerprint), hashlib.sha256).hexdigest()


def key_confirm(key: bytes) -> str:
    """HMAC(K, "key"), bound to no certificate: lets the client tell a wrong code (K differs)
    from a relayed exchange (K agrees but the fingerprint does not). It reveals no more than the
    confirmation does: either one lets the other side test its single guess."""
    return hmac.new(key, b"key", hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def server_key(secret: str, client_message: bytes) -> tuple[bytes, bytes]:
    """Server side: (its SPAKE2 message, K). A malformed client message is a failed attempt."""
    side = SPAKE2_B(secret.encode("ascii"), idA=ID_CLIENT, idB=ID_SERVER)
    outbound = side.start()
    try:
        key = side.finish(client_message)
    except Exception:  # noqa: BLE001  (spake2 raises several types for a bad point or a reflection)
        raise PairingError() from None
    return outbound, key


class ClientExchange:
    """The client's half of one pairing attempt."""

    def __init__(self, code: str) -> None:
        self.lookup, secret = parse_code(code)
        self._side = SPAKE2_A(secret.encode("ascii"), idA=ID_CLIENT, idB=ID_SERVER)
        self.message = self._side.start()
        self.key = b""

    def finish(self, server_message: bytes) -> bytes:
        try:
            self.key = self._side.finish(server_message)
        except Exception:  # noqa: BLE001  (see server_key)
            raise PairingError() from None
        return self.key
