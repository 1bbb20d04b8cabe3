"""Finding Chamber servers on the LAN: the server advertises `_chamber._tcp.local.` over zeroconf
(mDNS/DNS-SD) and clients browse for it.

The TXT record carries what a client needs before it first connects: the API version (`api`),
the server id (`id`), the TLS certificate fingerprint to pin (`fp`) and the chamber's display
name (`name`, UTF-8). Discovery only suggests servers; trust comes from pairing (app/net/tls.py),
so a forged advertisement can at worst offer a server that then fails pairing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

import ifaddr  # zeroconf's own dependency for listing interfaces
from zeroconf import (
    DNSQuestionType,
    InterfaceChoice,
    IPVersion,
    ServiceInfo,
    ServiceStateChange,
    Zeroconf,
)
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from app.net.tls import normalise_fingerprint

log = logging.getLogger(__name__)

SERVICE_TYPE = "_chamber._tcp.local."
API_VERSION = 1

# A DNS label holds at most 63 bytes. Zeroconf appends "-2", "-3", ... on a name conflict, so
# keep room for that suffix.
_MAX_INSTANCE_BYTES = 63 - 4
# One TXT string holds at most 255 bytes, including the "name=" prefix.
_MAX_TXT_VALUE_BYTES = 255 - len("name=")
# Browsing usually delivers SRV/TXT/A together with the PTR record, so resolving is a cache hit;
# this bounds the extra wait for a server whose answer was partial.
_MAX_RESOLVE_SECONDS = 1.5

Interfaces = InterfaceChoice | list[str] | None


@dataclass(frozen=True)
class DiscoveredServer:
    """One advertised address of a Chamber server (a server with two addresses appears twice)."""

    name: str
    address: str
    port: int
    server_id: str
    fingerprint: str
    api: int


# --- advertising -------------------------------------------------------------------------------


class Advertiser:
    """Announces one server on the LAN until stopped.

    Use `start()`/`stop()` from plain threads, `async_start()`/`async_stop()` inside an event loop
    (the uvicorn lifespan). The sync variant runs zeroconf on its own thread, so it also works
    from a thread with a running loop, but it blocks that loop for the ~2 s of name probing.
    """

    def __init__(
        self,
        *,
        name: str,
        port: int,
        server_id: str,
        fingerprint: str,
        addresses: list[str] | None = None,
        interfaces: Interfaces = None,
        api: int = API_VERSION,
    ) -> None:
        if not server_id:
            raise ValueError("server_id must not be empty")
        self.name = name
        self.port = port
        self.server_id = server_id
        self.fingerprint = normalise_fingerprint(fingerprint)
        self.api = api
        self._interfaces = _interface_choice(interfaces)
        self.addresses = list(addresses) if addresses is not None else _default_addresses(interfaces)
        self._lock = threading.Lock()
        self._zc: Zeroconf | None = None
        self._aiozc: AsyncZeroconf | None = None
        self._info: ServiceInfo | None = None

    @property
    def service_name(self) -> str | None:
        """The registered instance name; differs from the requested one after a name conflict."""
        return self._info.name if self._info is not None else None

    def _service_info(self, cls: type[ServiceInfo]) -> ServiceInfo:
        return cls(
            SERVICE_TYPE,
            f"{_instance_label(self.name, self.server_id)}.{SERVICE_TYPE}",
            port=self.port,
            parsed_addresses=self.addresses,
            properties={
                b"api": str(self.api).encode("ascii"),
                b"id": self.server_id.encode("utf-8"),
                b"fp": self.fingerprint.encode("ascii"),
                b"name": _truncate_utf8(self.name, _MAX_TXT_VALUE_BYTES).encode("utf-8"),
            },
            server=_host_name(self.server_id),
        )

    # sync API

    def start(self) -> None:
        with self._lock:
            if self._zc is not None or self._aiozc is not None:
                return
            # use_asyncio=False: zeroconf gets its own loop thread even when the caller runs an
            # event loop, so the blocking register call below cannot deadlock against it.
            zc = Zeroconf(interfaces=self._interfaces, use_asyncio=False)
            info = self._service_info(ServiceInfo)
            try:
                zc.register_service(info, allow_name_change=True)
            except BaseException:
                zc.close()
                raise
            self._zc, self._info = zc, info
            log.info("advertising %s on %s port %d", info.name, self.addresses, self.port)

    def stop(self) -> None:
        """Unregister (sends goodbye packets so browsers drop us at once) and close; idempotent."""
        aiozc = self._aiozc
        if aiozc is not None:
            loop = aiozc.zeroconf.loop
            if loop is not None and _running_loop() is loop:
                raise RuntimeError("Advertiser was started with async_start(); use async_stop()")
            if loop is not None and loop.is_running():
                asyncio.run_coroutine_threadsafe(self.async_stop(), loop).result()
                return
        with self._lock:
            zc, info = self._zc, self._info
            self._zc = self._info = None
            if zc is None:
                return
            try:
                if info is not None:
                    zc.unregister_service(info)
            finally:
                zc.close()

    def __enter__(self) -> Advertiser:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # async API

    async def async_start(self) -> None:
        if self._zc is not None or self._aiozc is not None:
            return
        aiozc = AsyncZeroconf(interfaces=self._interfaces)
        info = self._service_info(AsyncServiceInfo)
        try:
            # The first await queues the registration; the returned task finishes after probing
            # and announcing.
            await (await aiozc.async_register_service(info, allow_name_change=True))
        except BaseException:
            await aiozc.async_close()
            raise
        self._aiozc, self._info = aiozc, info
        log.info("advertising %s on %s port %d", info.name, self.addresses, self.port)

    async def async_stop(self) -> None:
        if self._zc is not None:
            await asyncio.to_thread(self.stop)
            return
        aiozc, info = self._aiozc, self._info
        self._aiozc = self._info = None
        if aiozc is None:
            return
        try:
            if info is not None:
                await (await aiozc.async_unregister_service(info))
        finally:
            await aiozc.async_close()

    async def __aenter__(self) -> Advertiser:
        await self.async_start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.async_stop()


# --- browsing ----------------------------------------------------------------------------------


def discover(timeout: float = 3.0, *, interfaces: Interfaces = None) -> list[DiscoveredServer]:
    """Browse for `timeout` seconds and return the servers found, sorted by name.

    Keep `timeout` at 1.5 s or more: a server that announced itself less than a second ago
    answers only after that second has passed (RFC 6762 §14 rate limit).

    Blocking; safe from any thread, including one with a running event loop (the browse then
    runs on a helper thread).
    """
    if _running_loop() is None:
        return asyncio.run(async_discover(timeout, interfaces=interfaces))
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="chamber-discover") as pool:
        return pool.submit(asyncio.run, async_discover(timeout, interfaces=interfaces)).result()


async def async_discover(
    timeout: float = 3.0, *, interfaces: Interfaces = None
) -> list[DiscoveredServer]:
    """The event-loop version of `discover`."""
    aiozc = AsyncZeroconf(interfaces=_interface_choice(interfaces))
    try:
        present: dict[str, bool] = {}

        def on_change(
            zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
        ) -> None:
            present[name] = state_change is not ServiceStateChange.Removed

        # QM (multicast answers), not zeroconf's default QU for the first query: a QU answer is
        # unicast to port 5353 of this host, where the kernel hands it to whichever socket holds
        # the port (often the local server's own responder), so a client on the same machine as
        # the server, as in demo mode, would not see it.
        browser = AsyncServiceBrowser(
            aiozc.zeroconf, SERVICE_TYPE, handlers=[on_change], question_type=DNSQuestionType.QM
        )
        try:
            await asyncio.sleep(timeout)
        finally:
            await browser.async_cancel()
        resolve_ms = 1000 * max(0.2, min(timeout, _MAX_RESOLVE_SECONDS))
        names = [name for name, here in present.items() if here]
        infos = await asyncio.gather(*(_resolve(aiozc, name, resolve_ms) for name in names))
    finally:
        await aiozc.async_close()
    found: dict[tuple[str, str, int], DiscoveredServer] = {}
    for info in infos:
        if info is None:
            continue
        for server in _servers_from_info(info):
            found.setdefault((server.server_id, server.address, server.port), server)
    return sorted(found.values(), key=lambda s: (s.name.casefold(), s.server_id, s.address, s.port))


async def _resolve(aiozc: AsyncZeroconf, name: str, timeout_ms: float) -> AsyncServiceInfo | None:
    info = AsyncServiceInfo(SERVICE_TYPE, name)
    if not await info.async_request(aiozc.zeroconf, timeout_ms, question_type=DNSQuestionType.QM):
        log.debug("could not resolve %s", name)
        return None
    return info


def _servers_from_info(info: ServiceInfo) -> list[DiscoveredServer]:
    """Turn one resolved service into entries; a malformed record is skipped, not fatal, because
    any device on the LAN can advertise anything under our service type."""
    props: dict[Any, Any] = info.properties or {}
    try:
        api = int(props[b"api"])
        server_id = props[b"id"].decode("utf-8")
        fingerprint = normalise_fingerprint(props[b"fp"].decode("ascii"))
        raw_name = props.get(b"name")
        name = raw_name.decode("utf-8") if raw_name else info.get_name()
        if not server_id or info.port is None:
            raise ValueError("empty server id or no port")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # UnicodeError is a ValueError
        log.debug("ignoring malformed Chamber advertisement %s: %r (%s)", info.name, props, exc)
        return []
    addresses = info.parsed_addresses(IPVersion.V4Only)
    if not addresses:
        log.debug("ignoring Chamber advertisement %s without an IPv4 address", info.name)
    return [
        DiscoveredServer(name, address, info.port, server_id, fingerprint, api)
        for address in addresses
    ]


# --- helpers -----------------------------------------------------------------------------------


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _interface_choice(interfaces: Interfaces) -> InterfaceChoice | list[str]:
    return InterfaceChoice.All if interfaces is None else interfaces


def _default_addresses(interfaces: Interfaces) -> list[str]:
    """The addresses to put in the A records when the caller gave none."""
    if isinstance(interfaces, list):
        # Advertising only on chosen interfaces: answer with exactly those addresses.
        chosen = [ip for ip in interfaces if isinstance(ip, str) and _is_ipv4(ip)]
        if chosen:
            return chosen
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if ip.is_IPv4 and isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback:
                if ip.ip not in found:
                    found.append(ip.ip)
    return found or ["127.0.0.1"]


def _is_ipv4(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv4Address)
    except ValueError:
        return False


def _truncate_utf8(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def _instance_label(name: str, server_id: str) -> str:
    """'<name> [<id prefix>]': readable in other mDNS browsers and unique per server.

    Dots would split the DNS label and control characters are not allowed, so they become spaces;
    the exact name travels in the TXT record anyway.
    """
    suffix = " [" + re.sub(r"[^0-9A-Za-z-]", "", server_id)[:8] + "]"
    base = " ".join(re.sub(r"[.\x00-\x1f\x7f]", " ", name).split()) or "Chamber"
    room = _MAX_INSTANCE_BYTES - len(suffix.encode("utf-8"))
    return _truncate_utf8(base, room).rstrip() + suffix


def _host_name(server_id: str) -> str:
    """SRV target host, derived from the full server id so two servers never share one."""
    label = re.sub(r"[^0-9a-z-]", "-", server_id.lower()).strip("-")[:54] or "server"
    return f"chamber-{label}.local."
