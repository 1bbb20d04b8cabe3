"""First run of a server (app/setup.py) on a real data directory: name and first administrator,
server.toml kept valid (other tables untouched, the SMTP password in its own 0600 file), the
pairing code and fingerprint the server itself will show, and the test e-mail through a real SMTP
server (aiosmtpd) and to one that is not there."""

from __future__ import annotations

import stat
import tomllib

import pytest

from app import setup
from app.config import ServerSettings
from app.mail.smtp import MailTemporaryError
from app.net.tls import format_fingerprint
from app.server.context import ServerContext
from app.storage.db import Database, sqlite_url
from app.storage.models import PairingCode
from app.domain.passwords import PasswordTooShortError
from tests.invitations.conftest import free_port, smtp_server  # noqa: F401  (fixture)

PASSWORD = "Giữ-kín-mật-khẩu-2026"


def test_first_run_names_the_chamber_and_creates_its_administrator(tmp_path) -> None:  # noqa: ANN001
    data = tmp_path / "server"
    info = setup.open_chamber(data, name="HĐND Phường Hòa Bình")
    assert info.admins == 0 and info.name == "HĐND Phường Hòa Bình"
    setup.save_name(data, "HĐND Phường Hòa Bình")
    account = setup.create_admin(data, username="quantri", password=PASSWORD, display_name="Quản trị")
    assert account["role"] == "admin"

    again = setup.open_chamber(data)  # the next start: same identity, name from server.toml
    assert (again.name, again.server_id, again.fingerprint, again.admins) == (info.name, info.server_id, info.fingerprint, 1)
    ctx = ServerContext.open(ServerSettings(data_dir=data).with_config_file())  # what `chamber server` shows
    try:
        assert (ctx.name, format_fingerprint(ctx.certificate.fingerprint)) == (info.name, info.fingerprint)
    finally:
        ctx.db.dispose()

    # The last page's one-time code: the same while it works, a new one once it is used.
    shown = setup.pairing_code(data)
    assert len(shown.code.replace(" ", "")) == 12 and setup.pairing_code(data, shown.id) == shown
    db = Database(sqlite_url(data / "chamber.db"))
    try:
        with db.write() as session:
            session.get(PairingCode, shown.id).used_at = shown.expires_at
    finally:
        db.dispose()
    assert setup.pairing_code(data, shown.id).code != shown.code

    with pytest.raises(PasswordTooShortError):  # the same rules as every account
        setup.create_admin(data, username="quantri2", password="123456")


def test_server_toml_keeps_other_tables_and_the_password_stays_out_of_it(tmp_path) -> None:  # noqa: ANN001
    data = tmp_path / "server"
    data.mkdir()
    (data / "server.toml").write_text('name = "old"\n\n[invitations]\nreminder_hours_before = 12\n\n[smtp]\nhost = "old.example"\nsender = "a@old.example"\n', encoding="utf-8")
    smtp = {"host": "mail.hoabinh.gov.vn", "port": 465, "security": "ssl", "user": "chamber", "sender": "vanphong@hoabinh.gov.vn", "sender_name": 'Văn phòng "HĐND"'}
    setup.save_name(data, 'HĐND "Hòa Bình"')
    setup.save_smtp(data, smtp, password="bí-mật")
    raw = tomllib.loads((data / "server.toml").read_text(encoding="utf-8"))
    assert raw["name"] == 'HĐND "Hòa Bình"' and raw["invitations"] == {"reminder_hours_before": 12}
    assert raw["smtp"] == {"host": "mail.hoabinh.gov.vn", "port": 465, "security": "ssl", "user": "chamber", "password_file": str(data / "smtp-password"),
                           "sender": "vanphong@hoabinh.gov.vn", "sender_name": 'Văn phòng "HĐND"'}
    assert "bí-mật" not in (data / "server.toml").read_text(encoding="utf-8")
    secret = data / "smtp-password"
    assert secret.read_text(encoding="utf-8") == "bí-mật" and stat.S_IMODE(secret.stat().st_mode) == 0o600
    settings = ServerSettings(data_dir=data).with_config_file()
    assert settings.smtp.password() == "bí-mật" and settings.invitations.reminder_hours_before == 12

    setup.save_name(data, "HĐND Hòa Bình")
    assert tomllib.loads((data / "server.toml").read_text(encoding="utf-8"))["smtp"]["host"] == "mail.hoabinh.gov.vn"  # a new name keeps the e-mail
    setup.save_smtp(data, None)  # e-mail switched off again
    raw = tomllib.loads((data / "server.toml").read_text(encoding="utf-8"))
    assert "smtp" not in raw and raw["name"] == "HĐND Hòa Bình" and raw["invitations"] == {"reminder_hours_before": 12}
    with pytest.raises(setup.ChamberNameRequiredError):
        setup.save_name(data, "  ")
    for bad in ({"host": "", "sender": "a@b"}, {"host": "h", "sender": "nobody"}, {"host": "h", "sender": "a@b", "port": "x"}, {"host": "h", "sender": "a@b", "security": "tls"}):
        with pytest.raises(setup.SmtpSettingsError):
            setup.save_smtp(data, bad)


def test_the_test_email_reaches_a_real_smtp_server_and_a_missing_one_is_reported(tmp_path, smtp_server) -> None:  # noqa: ANN001, F811
    fields = {"host": "127.0.0.1", "port": smtp_server.port, "security": "none", "sender": "vanphong@hoabinh.gov.vn", "sender_name": "Văn phòng"}
    setup.send_test_email(setup.smtp_settings(fields, data_dir=tmp_path), "it@hoabinh.gov.vn", chamber="HĐND Phường Hòa Bình")
    (message,) = smtp_server.inbox.to("it@hoabinh.gov.vn")
    assert "HĐND Phường Hòa Bình" in str(message["Subject"]) and "Văn phòng" in str(message["From"])

    missing = setup.smtp_settings({**fields, "port": free_port(), "timeout": 5}, data_dir=tmp_path)
    with pytest.raises(MailTemporaryError):
        setup.send_test_email(missing, "it@hoabinh.gov.vn", chamber="x")
    with pytest.raises(setup.SmtpSettingsError):
        setup.send_test_email(missing, "not-an-address", chamber="x")
