"""A different machine answering at the paired server's address (same port, its own certificate):
the client refuses it, says so, and never sends it a password, a token or an offline edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import ServerSettings
from app.demo import DEMO_PASSWORD
from app.domain.roles import Actor
from app.errors import CertificateChangedError
from app.net.client import ApiClient
from app.server.context import ServerContext
from app.server.runner import ServerRunner
from app.services import accounts
from app.storage.models import AuditEntry, DeviceToken, Meeting
from app.sync.engine import ConnectionState
from app.sync.session import ChamberSession


def test_client_refuses_server_whose_certificate_changed_and_sends_no_password(server, server_ctx, login, tmp_path: Path) -> None:  # noqa: ANN001
    secretary = login("thuky")
    profile, paired = secretary.profile, secretary.server
    server.stop()
    assert secretary.engine.wait_until(lambda: secretary.state == ConnectionState.OFFLINE, 10)
    secretary.create_meeting({"title": "Soạn khi mất mạng", "starts_at": "2026-12-05T08:00:00+07:00"})

    # The impostor: its own data directory and certificate, the same account name and password.
    impostor_ctx = ServerContext.open(ServerSettings(data_dir=tmp_path / "impostor"))
    with impostor_ctx.db.write() as session:
        accounts.create_account(session, Actor.system(), username="thuky", password=DEMO_PASSWORD, role="secretariat")
    assert impostor_ctx.certificate.fingerprint != server_ctx.certificate.fingerprint
    impostor = ServerRunner(impostor_ctx, port=server.port).start()
    try:
        secretary.engine.reconnect_now()
        assert secretary.engine.wait_until(lambda: secretary.state == ConnectionState.CERTIFICATE_CHANGED, 10), secretary.state
        assert isinstance(secretary.last_error, CertificateChangedError)
        assert "No password was sent" in secretary.last_error.user_message("en")
        assert "Mật khẩu chưa được gửi đi" in secretary.last_error.user_message("vi")
        assert len(secretary.pending_operations()) == 1  # kept for the real server

        with pytest.raises(CertificateChangedError):
            ChamberSession.login(profile, paired, "thuky", DEMO_PASSWORD)
        api = ApiClient(paired.url, pinned_pem=paired.pem)
        try:
            with pytest.raises(CertificateChangedError):
                api.health()
        finally:
            api.close()

        with impostor_ctx.db.read() as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("login%"))) == 0
            assert session.scalar(select(func.count()).select_from(DeviceToken)) == 0
            assert session.scalar(select(func.count()).select_from(Meeting)) == 0
    finally:
        impostor.stop()
        impostor_ctx.db.dispose()
