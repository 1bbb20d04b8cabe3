"""Live language switching for the whole interface.

app.i18n owns the current language and the catalogue. Here one listener (installed once per
QApplication) turns a language change into a Qt LanguageChange event for every top-level window;
QWidget passes that event down to all its children, and each view answers it by calling its own
`retranslate()`. Qt's own dialogs are translated by a QTranslator when Qt ships one for the
language (it ships none for Vietnamese at the moment; then Qt's few texts stay in English).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app import i18n

log = logging.getLogger(__name__)

_PROPERTY = "chamberLanguageSupport"
LOCALES = {"vi": QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam), "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)}


class Translatable:
    """Mixin for views: calls `retranslate()` whenever Qt reports a language change.

    List it before the Qt class: `class LoginPage(Translatable, QWidget)`.
    """

    def retranslate(self) -> None:  # pragma: no cover - every view overrides it
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


def install_language_support(app: QApplication | None = None) -> None:
    """Idempotent: the first window of the application installs it, later calls do nothing."""
    app = app or QApplication.instance()
    if app is None or app.property(_PROPERTY):
        return
    app.setProperty(_PROPERTY, True)
    translator = QTranslator(app)
    state = {"installed": False}

    def apply(lang: str, notify: bool = True) -> None:
        QLocale.setDefault(LOCALES.get(lang, LOCALES["en"]))
        if state["installed"]:
            QCoreApplication.removeTranslator(translator)
            state["installed"] = False
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if lang != "en" and translator.load(f"qtbase_{lang}", path):
            QCoreApplication.installTranslator(translator)
            state["installed"] = True
        if notify:
            # Sent, not posted: every window shows the new language before set_language returns.
            for widget in QApplication.topLevelWidgets():
                QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))

    i18n.on_language_changed(apply)
    apply(i18n.current_language(), notify=False)


def qt_locale() -> QLocale:
    """The QLocale of the current interface language (dates, weekday names)."""
    return LOCALES.get(i18n.current_language(), LOCALES["en"])


def switch_language(lang: str, profile=None) -> None:  # noqa: ANN001 - app.sync.profile.Profile
    """The user chose a language: remember it on this device, then re-label every window."""
    if profile is not None:
        profile.set_setting("language", lang)
    i18n.set_language(lang)
