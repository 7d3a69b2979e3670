"""Secret files in the data dir's key store (``<data dir>/keys``, folder 0700, files 0600).

The same place and modes ``core.certificates.keys`` uses for the DSC key. Files are
written to a temporary name and renamed, so a crash never leaves half a key behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.paths import data_dir


def key_store() -> Path:
    """``<data dir>/keys`` (0700), created on demand."""
    path = data_dir() / "keys"
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 (atomically, fsynced)."""
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
