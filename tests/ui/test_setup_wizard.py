"""The server's first-run wizard (`main.py setup`) on a real data directory: name, first
administrator (refusals shown on the page), e-mail with a test message through a real SMTP server
(aiosmtpd), and the one-time pairing code (replaced once used) and the fingerprint that the server itself then shows."""

from __future__ import annotations

import tomllib

from PySide6.QtWidgets import QApplication, QWizard

from app.config import ServerSettings
from app.domain.passwords import MIN_LENGTH, PasswordTooShortError
from app.i18n import translate
from app.net.tls import format_fingerprint
from app.server.context import ServerContext
from app.storage.models import PairingCode
from tests.invitations.conftest import smtp_server  # noqa: F401  (fixture)
from tests.ui.conftest import WAIT
from ui.language import switch_language
from ui.views.setup_wizard import SetupWizard

PASSWORD = "Giữ-kín-mật-khẩu-2026"


def _next(qtbot, wizard, page) -> None:  # noqa: ANN001
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: wizard.currentPage() is not page or page.error.isVisible(), timeout=WAIT)


def test_first_run_from_name_to_pairing_code(qtbot, tasks, tmp_path, smtp_server) -> None:  # noqa: ANN001, F811
    data = tmp_path / "server"
    wizard = SetupWizard(data, tasks)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # until the data directory is open
    wizard.start()
    qtbot.waitUntil(lambda: wizard.info is not None, timeout=WAIT)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.name_page.name.text() == wizard.info.name  # the machine's name until one is given

    wizard.name_page.name.clear()
    _next(qtbot, wizard, wizard.name_page)
    assert wizard.currentPage() is wizard.name_page and wizard.name_page.error.isVisible()
    wizard.name_page.name.setText("HĐND Phường Hòa Bình")
    _next(qtbot, wizard, wizard.name_page)
    assert wizard.currentPage() is wizard.admin_page

    page = wizard.admin_page
    page.username.setText("quantri")
    page.password.setText("123456")
    page.repeat.setText("654321")
    _next(qtbot, wizard, page)
    assert page.error.text() == translate("The two passwords are not the same.", "vi")
    page.repeat.setText("123456")
    page.error.setVisible(False)
    _next(qtbot, wizard, page)
    assert page.error.text() == PasswordTooShortError(min=MIN_LENGTH).user_message("vi")  # the same rules as every account
    page.password.setText(PASSWORD)
    page.repeat.setText(PASSWORD)
    page.display_name.setText("Quản trị")
    _next(qtbot, wizard, page)
    assert wizard.currentPage() is wizard.mail_page

    mail = wizard.mail_page
    mail.enabled.setChecked(True)
    mail.host.setText("127.0.0.1")
    mail.port.setValue(smtp_server.port)
    mail.security.setCurrentIndex(mail.security.findData("none"))
    mail.sender.setText("vanphong@hoabinh.gov.vn")
    mail.sender_name.setText("Văn phòng HĐND")
    mail.test_to.setText("it@hoabinh.gov.vn")
    mail.test_button.click()
    qtbot.waitUntil(lambda: mail.test_button.isEnabled() and mail.test_result.objectName() == "SuccessText", timeout=WAIT)
    (message,) = smtp_server.inbox.to("it@hoabinh.gov.vn")
    assert "HĐND Phường Hòa Bình" in str(message["Subject"])
    wizard.grab().save(str(tmp_path / "setup_mail_vi.png"))
    switch_language("en")
    try:
        assert mail.test_result.text().startswith("The test e-mail was accepted")
        QApplication.processEvents()
        wizard.grab().save(str(tmp_path / "setup_mail_en.png"))
    finally:
        switch_language("vi")
    _next(qtbot, wizard, mail)
    assert wizard.currentPage() is wizard.done_page

    raw = tomllib.loads((data / "server.toml").read_text(encoding="utf-8"))
    assert raw["name"] == "HĐND Phường Hòa Bình" and raw["smtp"]["port"] == smtp_server.port and "user" not in raw["smtp"]
    ctx = ServerContext.open(ServerSettings(data_dir=data).with_config_file())  # what `chamber server` will show
    try:
        qtbot.waitUntil(lambda: wizard.done_page.issued is not None, timeout=WAIT)
        shown = wizard.done_page.issued
        assert wizard.done_page.code.text() == shown.code and len(shown.code.replace(" ", "")) == 12
        with ctx.db.write() as session:  # a device pairs with it: the page shows a new code
            session.get(PairingCode, shown.id).used_at = shown.expires_at
        wizard.done_page.refresh_code()
        qtbot.waitUntil(lambda: wizard.done_page.code.text() != shown.code, timeout=WAIT)
        assert wizard.done_page.fingerprint.text().replace("\n", ":") == format_fingerprint(ctx.certificate.fingerprint)
        assert ctx.name == "HĐND Phường Hòa Bình"
    finally:
        ctx.db.dispose()
    wizard.grab().save(str(tmp_path / "setup_done_vi.png"))
    assert wizard.admin_page.password.text() == ""  # not kept in the window once saved


def test_a_second_run_keeps_the_administrator_and_can_switch_mail_off(qtbot, tasks, tmp_path) -> None:  # noqa: ANN001
    from app import setup

    data = tmp_path / "server"
    setup.open_chamber(data, name="HĐND")
    setup.create_admin(data, username="quantri", password=PASSWORD)
    setup.save_smtp(data, {"host": "mail.example", "sender": "a@example.org"})
    wizard = SetupWizard(data, tasks)
    qtbot.addWidget(wizard)
    wizard.start()
    wizard.show()
    qtbot.waitUntil(lambda: wizard.info is not None and wizard.name_page.name.text() == "HĐND", timeout=WAIT)
    _next(qtbot, wizard, wizard.name_page)
    assert wizard.admin_page.note.isVisible()
    _next(qtbot, wizard, wizard.admin_page)  # empty fields: the existing administrator stays
    assert wizard.currentPage() is wizard.mail_page
    _next(qtbot, wizard, wizard.mail_page)  # e-mail left unticked: switched off
    assert wizard.currentPage() is wizard.done_page
    assert "smtp" not in tomllib.loads((data / "server.toml").read_text(encoding="utf-8"))
