"""Every string a user can see (marked with _() or N_() in app/ and ui/) has a Vietnamese
translation, and every translation keeps the placeholders of its English original."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import update_translations  # noqa: E402

from app import i18n  # noqa: E402

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def test_every_message_has_a_vietnamese_translation() -> None:
    missing = update_translations.untranslated(update_translations.extract(), update_translations.load())
    assert not missing, "untranslated (run scripts/update_translations.py, then translate):\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for message in update_translations.load():
        if message.id and message.string and isinstance(message.id, str):
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_language_switch_changes_the_text_at_once() -> None:
    seen: list[str] = []
    stop = i18n.on_language_changed(seen.append)
    try:
        i18n.set_language("en")
        assert i18n._("Wrong user name or password.") == "Wrong user name or password."
        i18n.set_language("vi")
        assert i18n._("Wrong user name or password.") == "Sai tên đăng nhập hoặc mật khẩu."
        assert seen[-2:] == ["en", "vi"]
    finally:
        i18n.set_language("vi")
        stop()
