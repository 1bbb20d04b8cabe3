"""Hostile input for every endpoint: schemathesis generates requests from our own OpenAPI schema
(valid and invalid bodies, odd strings, huge numbers) and sends them to a real server over HTTPS as
an administrator (the role that reaches the most code). Whatever comes in, the answer is never a
server error (5xx). A bounded number of examples per operation here; for a longer run:
`CHAMBER_FUZZ_EXAMPLES=500 uv run pytest tests/integration/test_fuzz_api.py`."""

from __future__ import annotations

import os
import warnings

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from app.demo import DEMO_PASSWORD

EXAMPLES = int(os.environ.get("CHAMBER_FUZZ_EXAMPLES", "15"))
# Logging out would end the token every other call uses; the event stream is a WebSocket.
SKIPPED = {("POST", "/api/v1/auth/logout"), ("GET", "/api/v1/events")}


@pytest.fixture(scope="module")
def fuzz_target(module_demo_server):  # noqa: ANN001, ANN201
    runner, _ctx = module_demo_server
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise override verify=False
    session.verify = False  # our own server on loopback with its self-signed certificate
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    login = session.post(f"{runner.url}/api/v1/auth/login", json={"username": "admin", "password": DEMO_PASSWORD})
    assert login.status_code == 200, login.text
    session.headers["Authorization"] = f"Bearer {login.json()['token']}"
    return runner, session


@pytest.fixture(scope="module")
def api_schema(fuzz_target):  # noqa: ANN001, ANN201
    runner, session = fuzz_target
    raw = session.get(f"{runner.url}/api/v1/openapi.json").json()
    return schemathesis.openapi.from_dict(raw)


def test_no_input_makes_the_server_fail(api_schema, fuzz_target) -> None:  # noqa: ANN001
    runner, session = fuzz_target
    failures: list[str] = []
    checked = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        checked += 1

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        @given(case=operation.as_strategy())
        def send(case) -> None:  # noqa: ANN001
            response = case.call(base_url=runner.url, session=session, verify=False)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:300]}\n{case.as_curl_command()}")

        send()
    assert checked > 30  # the schema really lists our API
    assert not failures, "\n\n".join(failures[:10])
