"""Flushing files and folders to disk: a backup, a converted database or a wiped file
counts as written only once the data and the directory entry are on the disk."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """The directory entry of a new or renamed file (POSIX; Windows has no directory fsync)."""
    if os.name == "posix":
        fsync_path(directory)
