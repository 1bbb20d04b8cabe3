"""Tests for app/net/discovery.py: a real zeroconf advertiser and browser on this machine's
loopback interface (multicast to 224.0.0.251 on 127.0.0.1 stays on the host)."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from pathlib import Path

import pytest
from zeroconf import ServiceInfo
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from app.net.discovery import (
    SERVICE_TYPE,
    Advertiser,
    DiscoveredServer,
    _servers_from_info,
    async_discover,
    discover,
)

LOOPBACK = ["127.0.0.1"]
NAME = "Hội đồng nhân dân Phường 1"
FINGERPRINT = "0123456789abcdef" * 4
# Long enough for the browser's second query: a responder that has just announced itself waits
# a second before it multicasts the same records again (RFC 6762 §14), so the answer to the
# first query arrives about 1 s after registration.
BROWSE_SECONDS = 2.0
IFF_MULTICAST = 0x1000


@pytest.fixture(scope="module", autouse=True)
def loopback_multicast() -> None:
    """Some kernels drop multicast on a loopback without the MULTICAST flag; turn it on if we
    may (root). Not needed on the machine these tests were written on, hence no failure."""
    flags = Path("/sys/class/net/lo/flags")
    if flags.exists() and not int(flags.read_text(), 16) & IFF_MULTICAST:
        subprocess.run(["ip", "link", "set", "lo", "multicast", "on"], check=False, capture_output=True)


def ours(servers: list[DiscoveredServer], server_id: str) -> list[DiscoveredServer]:
    # Other Chamber servers (other test runs, a developer's demo) may be on the network too.
    return [s for s in servers if s.server_id == server_id]


async def discover_inside_loop(server_id: str) -> list[DiscoveredServer]:
    """The blocking API called from an event-loop thread (it must not need that loop)."""
    return ours(discover(BROWSE_SECONDS, interfaces=LOOPBACK), server_id)


@pytest.mark.slow
def test_advertised_server_is_discovered_until_stopped() -> None:
    server_id = uuid.uuid4().hex
    advertiser = Advertiser(
        name=NAME, port=8443, server_id=server_id, fingerprint=FINGERPRINT, interfaces=LOOPBACK
    )
    with advertiser:
        assert advertiser.service_name == f"{NAME} [{server_id[:8]}].{SERVICE_TYPE}"
        found = ours(discover(BROWSE_SECONDS, interfaces=LOOPBACK), server_id)
        assert found == [DiscoveredServer(NAME, "127.0.0.1", 8443, server_id, FINGERPRINT, 1)]
        assert asyncio.run(discover_inside_loop(server_id)) == found
    advertiser.stop()  # idempotent
    assert ours(discover(BROWSE_SECONDS, interfaces=LOOPBACK), server_id) == []


@pytest.mark.slow
def test_async_advertiser_and_browser_in_one_loop() -> None:
    """The uvicorn lifespan case: everything on one running event loop, plus a foreign device
    advertising a malformed record under our service type, which must be skipped."""
    server_id = uuid.uuid4().hex

    async def scenario() -> None:
        advertiser = Advertiser(
            name="Kỳ họp thứ 3. Đà Nẵng",
            port=9000,
            server_id=server_id,
            fingerprint=FINGERPRINT.upper(),
            interfaces=LOOPBACK,
        )
        rogue_zc = AsyncZeroconf(interfaces=LOOPBACK)
        rogue = AsyncServiceInfo(
            SERVICE_TYPE,
            f"rogue {server_id[:8]}.{SERVICE_TYPE}",
            port=1,
            parsed_addresses=["127.0.0.1"],
            properties={b"api": b"one", b"id": server_id.encode(), b"fp": b"nothex"},
            server=f"rogue-{server_id[:8]}.local.",
        )
        try:
            registration = await rogue_zc.async_register_service(rogue)
            await asyncio.gather(advertiser.async_start(), registration)
            found = ours(await async_discover(BROWSE_SECONDS, interfaces=LOOPBACK), server_id)
            assert found == [
                DiscoveredServer("Kỳ họp thứ 3. Đà Nẵng", "127.0.0.1", 9000, server_id, FINGERPRINT, 1)
            ]
            with pytest.raises(RuntimeError):
                advertiser.stop()  # would block the loop it runs on
            await advertiser.async_stop()
            await advertiser.async_stop()
            assert advertiser.service_name is None
            assert ours(await async_discover(BROWSE_SECONDS, interfaces=LOOPBACK), server_id) == []
        finally:
            await advertiser.async_stop()
            await rogue_zc.async_close()

    asyncio.run(scenario())


def test_malformed_records_are_skipped() -> None:
    def info(properties: dict[bytes, bytes | None]) -> ServiceInfo:
        return ServiceInfo(
            SERVICE_TYPE,
            f"x.{SERVICE_TYPE}",
            port=1,
            parsed_addresses=["192.0.2.7"],
            properties=properties,
        )

    good = {b"api": b"1", b"id": b"abc", b"fp": FINGERPRINT.encode(), b"name": "Phường 1".encode()}
    assert _servers_from_info(info(good)) == [
        DiscoveredServer("Phường 1", "192.0.2.7", 1, "abc", FINGERPRINT, 1)
    ]
    broken = [
        {**good, b"api": b"v1"},
        {**good, b"api": None},
        {k: v for k, v in good.items() if k != b"id"},
        {**good, b"id": b""},
        {**good, b"fp": b"abc"},
        {**good, b"name": b"\xff\xfe"},
        {},
    ]
    for properties in broken:
        assert _servers_from_info(info(properties)) == [], properties
    # A missing display name falls back to the instance name.
    assert _servers_from_info(info({k: v for k, v in good.items() if k != b"name"}))[0].name == "x"


def test_long_names_fit_in_one_dns_label() -> None:
    server_id = uuid.uuid4().hex
    advertiser = Advertiser(
        name="Ủy ban nhân dân " * 10, port=1, server_id=server_id, fingerprint=FINGERPRINT
    )
    label = advertiser._service_info(ServiceInfo).name[: -len(SERVICE_TYPE) - 1]
    assert len(label.encode()) <= 63
    assert label.endswith(f" [{server_id[:8]}]")
    assert advertiser.addresses  # the machine's IPv4 addresses, or 127.0.0.1
