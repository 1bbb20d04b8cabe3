"""The client's profile: the servers this device has paired with (pinned certificates) and the
last login, so the client can open its offline cache without the network.

Stored as `profile.json` in the client's data directory, readable only by its user.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.domain.clock import utcnow
from app.errors import InvalidInputError, PairingError, PairingInterceptedError
from app.i18n import N_
from app.net.client import ApiClient
from app.net.pairing import ClientExchange, confirm, decode, encode, key_confirm, same
from app.net.tls import fetch_server_certificate, fingerprint_of_pem


class BadAddressError(InvalidInputError):
    message = N_("'%(address)s' is not a server address. Type it as host:port, for example 192.168.1.20:8443.")


@dataclass(frozen=True)
class PairedServer:
    server_id: str
    name: str
    host: str
    port: int
    fingerprint: str
    pem: str
    paired_at: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def parse_address(text: str, default_port: int = 8443) -> tuple[str, int]:
    text = (text or "").strip()
    for prefix in ("https://", "http://", "wss://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/", 1)[0]
    if not text or len(text) > 255 or " " in text:
        raise BadAddressError(address=text[:60])
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.lstrip(":")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise BadAddressError(address=text[:60]) from None
    if not host or not 0 < port < 65536:
        raise BadAddressError(address=text[:60])
    return host, port


class Profile:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / "profile.json"
        self._lock = threading.Lock()

    def _read(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {"servers": {}, "sessions": {}, "last_server": None, "language": None}

    def _write(self, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    # --- paired servers -----------------------------------------------------------------------
    def servers(self) -> list[PairedServer]:
        return [PairedServer(**s) for s in self._read()["servers"].values()]

    def server(self, server_id: str) -> PairedServer | None:
        raw = self._read()["servers"].get(server_id)
        return PairedServer(**raw) if raw else None

    def save_server(self, server: PairedServer) -> None:
        with self._lock:
            data = self._read()
            data["servers"][server.server_id] = asdict(server)
            self._write(data)

    def forget_server(self, server_id: str) -> None:
        with self._lock:
            data = self._read()
            data["servers"].pop(server_id, None)
            data["sessions"].pop(server_id, None)
            self._write(data)

    # --- sessions (tokens) --------------------------------------------------------------------
    def session(self, server_id: str) -> dict[str, Any] | None:
        return self._read()["sessions"].get(server_id)

    def save_session(self, server_id: str, *, username: str, token: str | None, account: dict[str, Any]) -> None:
        with self._lock:
            data = self._read()
            data["sessions"][server_id] = {"username": username, "token": token, "account": account}
            data["last_server"] = server_id
            self._write(data)

    def clear_token(self, server_id: str) -> None:
        with self._lock:
            data = self._read()
            if server_id in data["sessions"]:
                data["sessions"][server_id]["token"] = None
            self._write(data)

    @property
    def last_server_id(self) -> str | None:
        return self._read().get("last_server")

    def get_setting(self, key: str, default: Any = None) -> Any:
        value = self._read().get(key)
        return default if value is None else value

    def set_setting(self, key: str, value: Any) -> None:
        with self._lock:
            data = self._read()
            data[key] = value
            self._write(data)

    def cache_path(self, server_id: str, username: str) -> Path:
        return self.directory / "cache" / server_id / f"{username}.sqlite"


def read_certificate(host: str, port: int) -> str:
    """First contact: read the server's certificate (unverified) before pairing proves it."""
    return fetch_server_certificate(host, port)


def pair(profile: Profile, host: str, port: int, code: str, *, pem: str | None = None, device_name: str = "") -> PairedServer:
    """Pair with the server at host:port using a one-time code; pin its certificate once proven.

    The exchange runs over TLS to exactly the certificate read at first contact (`pem`), and the
    server must confirm the SPAKE2 key bound to *that* certificate's fingerprint: only a server
    that knows the code and holds this certificate passes (app/net/pairing.py).
    """
    exchange = ClientExchange(code)  # a malformed code is refused before any network call
    pem = pem or fetch_server_certificate(host, port)
    fingerprint = fingerprint_of_pem(pem)
    address = f"{host}:{port}"
    api = ApiClient(f"https://{host}:{port}" if ":" not in host else f"https://[{host}]:{port}", pinned_pem=pem)
    try:
        started = api.request("POST", "/pairing/start", json={"lookup": exchange.lookup, "client_message": encode(exchange.message)})
        key = exchange.finish(decode(str(started.get("server_message", ""))))
        if not same(str(started.get("server_confirm", "")), confirm(key, "server", fingerprint)):
            if same(str(started.get("key_confirm", "")), key_confirm(key)):
                # The code was right, but whoever knows it holds another certificate: a relay.
                raise PairingInterceptedError(address=address)
            raise PairingError()
        answer = api.request("POST", "/pairing/finish", json={
            "pairing_id": str(started.get("pairing_id", "")), "client_confirm": confirm(key, "client", fingerprint), "device_name": device_name[:200],
        })
    finally:
        api.close()
    server = PairedServer(
        server_id=answer["server_id"], name=answer.get("name", ""), host=host, port=port, fingerprint=fingerprint, pem=pem, paired_at=utcnow().isoformat()
    )
    profile.save_server(server)
    return server


def pin_local(profile: Profile, *, host: str, port: int, pem: str, server_id: str, name: str) -> PairedServer:
    """Pair without a code: only for the embedded server this process started itself."""
    server = PairedServer(server_id=server_id, name=name, host=host, port=port, fingerprint=fingerprint_of_pem(pem), pem=pem, paired_at=utcnow().isoformat())
    profile.save_server(server)
    return server
