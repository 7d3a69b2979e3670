"""Where Impfteam keeps its files.

One place for paths (platformdirs), with ``IMPFTEAM_HOME`` as override for tests and
portable installs. Nothing is created at import time; callers ask for directories when
they need them.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Impfteam"


def data_dir_path() -> Path:
    """Where the data directory is (``IMPFTEAM_HOME`` or the platform's), not creating it."""
    override = os.environ.get("IMPFTEAM_HOME")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The data directory (database, key store, backups); created on demand, mode 0700
    (an existing folder readable by others is narrowed to 0700)."""
    path = data_dir_path()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        info = path.stat()
        # only our own folder, never a shared one such as /tmp (sticky bit)
        if info.st_mode & 0o077 and not info.st_mode & stat.S_ISVTX \
                and info.st_uid == os.getuid():
            os.chmod(path, 0o700)
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
