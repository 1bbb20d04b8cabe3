"""Run a chamber server: uvicorn over HTTPS on a socket we bind ourselves (so port 0 works and the
caller knows the port at once), in the foreground or on a background thread, with zeroconf."""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time

import uvicorn

from app.errors import ChamberError
from app.i18n import N_
from app.server.app import create_app
from app.server.context import ServerContext

log = logging.getLogger(__name__)


class PortInUseError(ChamberError):
    message = N_("Port %(port)s on %(host)s is already in use. Is another Chamber server running? Choose another port with --port.")


class ServerStartError(ChamberError):
    message = N_("The server did not start in time.")


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says
    # TCP, and without it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise PortInUseError(host=host, port=port) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def settle_garbage_collector() -> None:
    """Keep the collector's pauses out of the meeting (a dedicated server process only).

    Measured with benchmarks/follow_me.py and 500 tablets: a full collection walks every object
    imported at start (SQLAlchemy, FastAPI, PyMuPDF, dlib's bindings…) and stopped the server for
    up to 360 ms, in the middle of a fan-out. What exists once the server is up lives as long as
    the process, so it is moved out of the collector's sight. Full collections still came every
    ten middle ones (up to 100 ms each, a few per meeting); they now come a hundred times less
    often, which a server whose cyclic garbage is small can afford. Measured after this: no full
    collection during a 500-tablet run, young and middle ones under 3 ms.
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)


class ServerRunner:
    """One running server. `start()` returns once it accepts connections; `stop()` ends it."""

    def __init__(self, ctx: ServerContext, *, host: str = "127.0.0.1", port: int = 0, advertise: bool = False, log_level: str = "warning") -> None:
        self.ctx = ctx
        self.app = create_app(ctx)
        self.sock = bind_socket(host, port)
        self.host = host
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            ssl_certfile=str(ctx.certificate.cert_path),
            ssl_keyfile=str(ctx.certificate.key_path),
            log_level=log_level,
            ws="websockets-sansio",
            # Events are small JSON on a LAN: compressing each one per connection costs more CPU
            # than it saves bytes when 500 tablets follow one meeting.
            ws_per_message_deflate=False,
            ws_ping_interval=20,
            ws_ping_timeout=20,
            timeout_graceful_shutdown=1,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._advertiser = None
        self.advertise = advertise
        self.mail_outbox = None
        if ctx.settings.smtp is not None:
            from app.mail.outbox import MailOutbox
            from app.mail.reminders import Reminders

            self.mail_outbox = MailOutbox(ctx.db, ctx.settings.smtp, on_tick=Reminders(ctx.db, ctx.settings.invitations.reminder_hours_before).tick)
        self.app.state.mail_outbox = self.mail_outbox

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"https://{host}:{self.port}"

    def _start_background(self) -> None:
        if self.mail_outbox is not None:
            self.mail_outbox.start()
        self._start_advertising()

    def _start_advertising(self) -> None:
        if not self.advertise:
            return
        from app.net.discovery import Advertiser

        self._advertiser = Advertiser(name=self.ctx.name, port=self.port, server_id=self.ctx.server_id, fingerprint=self.ctx.certificate.fingerprint)
        try:
            self._advertiser.start()
        except OSError as exc:  # no multicast on this network: manual addresses still work
            log.warning("zeroconf advertising failed: %s", exc)
            self._advertiser = None

    def start(self, timeout: float = 15.0) -> "ServerRunner":
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, name="chamber-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServerStartError()
            time.sleep(0.01)
        self._start_background()
        return self

    def serve_forever(self) -> None:
        """Run in the calling thread until Ctrl+C (uvicorn handles the signals)."""
        self._start_background()
        settle_garbage_collector()
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self._stop_advertising()
            if self.mail_outbox is not None:
                self.mail_outbox.stop()

    def _stop_advertising(self) -> None:
        if self._advertiser is not None:
            self._advertiser.stop()
            self._advertiser = None

    def stop(self) -> None:
        self._stop_advertising()
        if self.mail_outbox is not None:
            self.mail_outbox.stop()
        self.app.state.broadcaster.close_all()
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sock.close()

    def __enter__(self) -> "ServerRunner":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
