"""QApplication set-up: translations, settings, database, main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from core.db.engine import Database, cli_user
from core.errors import DatabaseError
from core.paths import default_db_url, resource_path
from core.startup import validate_resources
from ui.field_session import FieldSession

ORGANISATION = "Impfteam"
APPLICATION = "Impfteam"


def language() -> str:
    """``de`` (default) or ``en``; IMPFTEAM_LANG overrides the saved choice."""
    chosen = os.environ.get("IMPFTEAM_LANG") or str(QSettings().value("language", "de"))
    return "en" if chosen.lower().startswith("en") else "de"


def current_language() -> str:
    """The language whose translators are installed (``de`` before any are)."""
    app = QApplication.instance()
    value = app.property("impfteam_lang") if app is not None else None
    return str(value) if value else "de"


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Our texts are German in the source; English comes from impfteam_en.qm."""
    translators: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    base = QTranslator(app)
    if base.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(base)
        translators.append(base)
    if lang != "de":
        ours = QTranslator(app)
        if ours.load(str(resource_path("i18n", f"impfteam_{lang}.qm"))):
            app.installTranslator(ours)
            translators.append(ours)
    app.setProperty("impfteam_lang", lang)
    QLocale.setDefault(QLocale(QLocale.Language.German if lang == "de"
                               else QLocale.Language.English, QLocale.Country.Germany))
    return translators


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    return app


def run(db_url: str | None, user: str | None) -> int:
    app = create_application()
    install_translators(app, language())
    problems = validate_resources()
    if problems:
        QMessageBox.critical(None, app.translate("App", "Impfteam"), "\n".join(problems))
        return 1
    try:
        db = Database.open(db_url or default_db_url())
    except DatabaseError as exc:
        QMessageBox.critical(None, app.translate("App", "Impfteam"), exc.message)
        return 1
    from datetime import date

    from ui.dialogs.signin_dialog import SignInDialog
    from ui.main_window import MainWindow

    today = date.today()
    signin = SignInDialog(db, today)
    session: FieldSession | str = user or cli_user().replace("cli:", "")
    if signin.staff:
        if not signin.exec():
            db.dispose()
            return 0
        session = signin.result_session() or session
    window = MainWindow(db, session, today)
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()
