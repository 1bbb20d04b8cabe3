"""Login hardening over real HTTPS: one address that fails too often must wait, whatever account it
tries (and even with the right password), while another address logs in normally; the limiter
forgets old failures."""

from __future__ import annotations

import httpx
import pytest

from app.demo import DEMO_PASSWORD
from app.errors import TooManyAttemptsError
from app.net.tls import client_ssl_context
from app.server.ratelimit import FailureLimiter


def client_from(server, server_ctx, address: str) -> httpx.Client:  # noqa: ANN001
    transport = httpx.HTTPTransport(verify=client_ssl_context(server_ctx.certificate.pem), local_address=address)
    return httpx.Client(base_url=f"{server.url}/api/v1", transport=transport, timeout=30)


def test_an_address_that_guesses_many_accounts_is_stopped_and_others_are_not(server, server_ctx) -> None:  # noqa: ANN001
    guesser = client_from(server, server_ctx, "127.0.0.1")
    neighbour = client_from(server, server_ctx, "127.0.0.2")
    try:
        limit = FailureLimiter().max_failures
        users = ["daibieu", "daibieu2", "thuky", "chutoa", "admin", "khong-ton-tai"]
        for n in range(limit):
            answer = guesser.post("/auth/login", json={"username": users[n % len(users)], "password": f"doan-sai-{n}"})
            assert answer.status_code in (401, 429), answer.text  # 429: an account's own lockout
        blocked = guesser.post("/auth/login", json={"username": "daibieu", "password": DEMO_PASSWORD}, headers={"Accept-Language": "en"})
        assert blocked.status_code == 429 and blocked.json()["error"] == "too_many_attempts"
        assert "wait" in blocked.json()["message"]
        fine = neighbour.post("/auth/login", json={"username": "thuky", "password": DEMO_PASSWORD})
        assert fine.status_code == 200, fine.text
    finally:
        guesser.close()
        neighbour.close()


def test_the_limiter_forgets_failures_outside_its_window() -> None:
    now = [1000.0]
    limiter = FailureLimiter(max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("10.0.0.5")
        limiter.failed("10.0.0.5")
    with pytest.raises(TooManyAttemptsError) as caught:
        limiter.check("10.0.0.5")
    assert caught.value.params["seconds"] == 61
    limiter.check("10.0.0.6")  # another address is not affected
    now[0] += 30
    with pytest.raises(TooManyAttemptsError):
        limiter.check("10.0.0.5")
    now[0] += 31
    limiter.check("10.0.0.5")  # the failures have aged out
