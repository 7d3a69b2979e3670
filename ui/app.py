"""QApplication set-up: translations, settings, database, main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QSettings, Qt, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from core.db.engine import Database
from core.errors import DatabaseError
from core.paths import default_db_url, resource_path
from core.startup import validate_resources

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


def log_path() -> Path:
    """The log file (``core.logging_setup``: ids and code frames, never names)."""
    from core.logging_setup import log_path as core_log_path

    return core_log_path()


class _ErrorRelay(QObject):
    """Carries an uncaught error's German text to the GUI thread (any thread may fail)."""

    show = Signal(str)


def setup_logging() -> None:
    """One rotating log for CLI and GUI; an uncaught error is logged and shown in German."""
    from core.logging_setup import install_excepthook
    from core.logging_setup import setup_logging as core_setup

    core_setup()
    relay = _ErrorRelay(QApplication.instance())
    relay.show.connect(lambda text: QMessageBox.critical(
        None, QApplication.translate("App", "Impfteam – Fehler"), text),
        Qt.ConnectionType.QueuedConnection)
    install_excepthook(relay.show.emit)


def first_admin(db: Database) -> bool:
    """First start (no account yet): create the admin, as ``setup --admin`` does.

    Returns False when the user cancels (the app then quits without an account).
    """
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from core.errors import UserError
    from core.security.users import has_accounts, setup_admin

    with db.session() as s:
        if has_accounts(s):
            return True
    title = QApplication.translate("App", "Impfteam – Ersteinrichtung")
    while True:
        login, ok = QInputDialog.getText(
            None, title, QApplication.translate(
                "App", "Noch kein Benutzerkonto. Benutzername der Administration:"),
            QLineEdit.EchoMode.Normal, "admin")
        if not ok:
            return False
        password, ok = QInputDialog.getText(
            None, title, QApplication.translate("App", "Passwort (mindestens 8 Zeichen):"),
            QLineEdit.EchoMode.Password)
        if not ok:
            return False
        again, ok = QInputDialog.getText(
            None, title, QApplication.translate("App", "Passwort wiederholen:"),
            QLineEdit.EchoMode.Password)
        if not ok:
            return False
        if again != password:
            QMessageBox.warning(None, title, QApplication.translate(
                "App", "Die Passwörter stimmen nicht überein."))
            continue
        try:
            with db.session() as s:
                setup_admin(s, login, password)
        except UserError as exc:
            QMessageBox.warning(None, title, exc.message)
            continue
        return True


def run(db_url: str | None, user: str | None) -> int:
    app = create_application()
    setup_logging()
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
    from ui.write_path import WritePath

    today = date.today()
    write_path = WritePath(db)
    if not first_admin(db):
        db.dispose()
        return 0
    signin = SignInDialog(write_path, today)
    if user:
        signin.staff_box.setEditText(user)
    session = signin.result_session() if signin.exec() else None
    if session is None:
        db.dispose()
        return 0
    window = MainWindow(db, session, today, write_path=write_path)
    window.show()
    try:
        return app.exec()
    finally:
        db.dispose()
