"""Login timing: can an attacker tell a known user name from an unknown one by the answer time?
(CVE-2025-30344 in OpenSlides.) Goal: mean times differ by less than 5 ms.

A real server on 127.0.0.1 (HTTPS, SQLite, demo council); each round logs in with a wrong password
for a known user and for an unknown user, in alternating order so drift hits both alike. The
per-address failure limit is raised for the run (it would stop the measurement, as intended).
Baseline in the same run: one argon2id verification in this process.

    uv run python benchmarks/login_timing.py [--rounds 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()

    import httpx
    from argon2 import PasswordHasher

    from app.config import ServerSettings
    from app.demo import seed
    from app.net.tls import client_ssl_context
    from app.server.context import ServerContext
    from app.server.ratelimit import FailureLimiter
    from app.server.runner import ServerRunner
    from app.services import accounts

    accounts.MAX_FAILED_LOGINS = 10**9  # measure the password check, not the lockout answer
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServerContext.open(ServerSettings(data_dir=Path(tmp)))
        seed(ctx.db, Path(tmp))
        runner = ServerRunner(ctx).start()
        runner.app.state.login_failures = FailureLimiter(max_failures=10**9)
        http = httpx.Client(base_url=f"{runner.url}/api/v1", verify=client_ssl_context(ctx.certificate.pem), timeout=30)
        try:
            def once(username: str) -> float:
                started = time.perf_counter()
                answer = http.post("/auth/login", json={"username": username, "password": "mat-khau-sai-hoan-toan"})
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code == 401, answer.text
                return elapsed

            for _ in range(5):  # warm up connections and caches
                once("daibieu"), once("nobody")
            known, unknown = [], []
            for n in range(args.rounds):
                pair = [("daibieu", known), ("khong-co-ai", unknown)]
                for username, bucket in (pair if n % 2 else pair[::-1]):
                    bucket.append(once(username))
        finally:
            http.close()
            runner.stop()
            ctx.db.dispose()

    hasher = PasswordHasher()
    stored = hasher.hash("x")
    raw = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        try:
            hasher.verify(stored, "y")
        except Exception:  # noqa: BLE001 - a mismatch is the point
            pass
        raw.append((time.perf_counter() - started) * 1000)

    mean_known, mean_unknown, mean_raw = statistics.mean(known), statistics.mean(unknown), statistics.mean(raw)
    diff = abs(mean_known - mean_unknown)
    print(f"{'login, wrong password':<34} {'mean ms':>9} {'median':>9} {'stdev':>9} {'× argon2':>9}")
    for label, values in (("known user", known), ("unknown user", unknown), ("argon2id verify (baseline)", raw)):
        print(f"{label:<34} {statistics.mean(values):>9.1f} {statistics.median(values):>9.1f} {statistics.stdev(values):>9.1f} {statistics.mean(values) / mean_raw:>9.2f}")
    print(f"{'difference of means (goal < 5 ms)':<34} {diff:>9.2f}")
    print(json.dumps({"rounds": args.rounds, "known_ms": round(mean_known, 2), "unknown_ms": round(mean_unknown, 2),
                      "difference_ms": round(diff, 2), "argon2_ms": round(mean_raw, 2)}))


if __name__ == "__main__":
    main()
