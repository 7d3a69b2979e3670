"""Where Impfteam keeps its files.

One place for paths (platformdirs), with ``IMPFTEAM_HOME`` as override for tests and
portable installs. Nothing is created at import time; callers ask for directories when
they need them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Impfteam"


def data_dir() -> Path:
    """The data directory (database, key store, backups); created on demand."""
    override = os.environ.get("IMPFTEAM_HOME")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "impfteam.sqlite"


def default_db_url() -> str:
    return str(default_db_path())


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, also inside the PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)
