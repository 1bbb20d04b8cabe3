"""Vietnamese and English text: one gettext catalogue for app/, the server and ui/.

The catalogue source is `resources/translations/<lang>/LC_MESSAGES/chamber.po`. It is compiled in
memory with Babel when first used, so no generated `.mo` file is ever committed or installed.
Messages are written in English (the msgid); English needs no catalogue.
"""

from __future__ import annotations

import gettext
import io
import threading
from pathlib import Path
from typing import Callable

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"
DOMAIN = "chamber"

_lock = threading.Lock()
_catalogues: dict[str, gettext.NullTranslations] = {}
_current = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (module-level constants)."""
    return message


def _load(lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def catalogue(lang: str | None = None) -> gettext.NullTranslations:
    lang = normalise(lang or _current)
    with _lock:
        cat = _catalogues.get(lang)
        if cat is None:
            cat = _catalogues[lang] = _load(lang)
        return cat


def normalise(lang: str | None) -> str:
    """Map 'vi_VN', 'en-US', 'VI' … to a supported language code; unknown → the default."""
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(message: str, lang: str | None = None) -> str:
    return catalogue(lang).gettext(message)


def _(message: str) -> str:
    """Translate into the current language (the UI's choice; the server passes `lang` instead)."""
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    return catalogue(lang).ngettext(singular, plural, n)


def current_language() -> str:
    return _current


def set_language(lang: str) -> None:
    """Switch the current language at run time and tell every listener (the UI retranslates)."""
    global _current
    lang = normalise(lang)
    if lang == _current:
        return
    _current = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_changed(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(lang)` after every switch; returns a function that stops it."""
    _listeners.append(listener)

    def remove() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return remove

