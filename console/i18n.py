"""Languages: which one to use, loading its translation, and switching at run time.

Translations live in `resources/translations/beacon_<lang>.qm`, compiled from the
`.ts` files with pyside6-lrelease. English is the source language and needs none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}


def choose_language(requested: str | None) -> str:
    """The language to start in: the one asked for, else the system locale's, else en."""
    if requested in LANGUAGES:
        return requested  # type: ignore[return-value]
    name = QLocale.system().name()
    return "zh_CN" if name.startswith("zh") else "en"


class LanguageSwitcher(QObject):
    """Installs the translators of one language on the application; switching sends
    every widget a LanguageChange event, on which panels retranslate themselves."""

    def __init__(self, app: QCoreApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._translators: list[QTranslator] = []
        self.language = "en"

    def switch(self, language: str) -> bool:
        """Use `language` from now on; False if its translation could not be loaded."""
        # Set first: installing a translator retranslates every widget synchronously.
        _set_current(language if language in LANGUAGES else "en")
        for t in self._translators:
            self._app.removeTranslator(t)
        self._translators.clear()
        self.language = "en"
        if language == "en":
            return True
        ours = QTranslator(self)
        if not ours.load(str(TRANSLATIONS_DIR / f"beacon_{language}.qm")):
            _set_current("en")
            return False
        qt_base = QTranslator(self)
        # Qt's own dialogs and buttons (OK, Cancel); optional, not every install has it.
        if qt_base.load(f"qtbase_{language}",
                        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self._app.installTranslator(qt_base)
            self._translators.append(qt_base)
        self._app.installTranslator(ours)
        self._translators.append(ours)
        self.language = language
        return True


_current = "en"


def current_language() -> str:
    """The language the console shows now ("en" or "zh_CN")."""
    return _current


def _set_current(language: str) -> None:
    global _current
    _current = language
