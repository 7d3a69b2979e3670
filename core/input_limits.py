"""Bounded reading of files and stdin given by a user (issue 12, hostile input).

Every input a user can point a command or a dialog at may be ``/dev/zero``, a FIFO that
never ends, a directory or a 4 GB file. The readers here refuse anything that is not a
regular file before opening it for real, and never read more than the limit for that kind
of input (one byte more, to tell "exactly at the limit" from "too large"). Each refusal
is a ``UserError`` with a German one-line message that names the input and says what to
do.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from core.errors import UserError

KB = 1024
MB = 1024 * KB

#: An HC1 text file (a QR code holds at most 4,296 characters).
MAX_HC1_TEXT = 64 * KB
#: A person document for ``status``.
MAX_PERSON_JSON = 1 * MB
#: An image with a QR code (photo, screenshot, scan).
MAX_IMAGE = 20 * MB
#: A master-data workbook (.xlsx).
MAX_WORKBOOK = 50 * MB


class InputTooLarge(UserError):
    """The input exceeds the limit for its kind."""


def _size_text(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"


def too_large(what: str, name: str, limit: int) -> InputTooLarge:
    return InputTooLarge(f"{what}: „{name}“ ist größer als {_size_text(limit)} – das ist "
                         "keine gültige Eingabe. Bitte die richtige Datei wählen.")


def _not_regular(what: str, name: str) -> UserError:
    return UserError(f"{what}: „{name}“ ist keine normale Datei (Gerät, Pipe oder "
                     "Sonderdatei). Bitte eine gespeicherte Datei angeben.")


def _shown(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 120 else text[:117] + "…"


def check_regular_file(path: Path, what: str) -> os.stat_result:
    """``stat`` of ``path``; German ``UserError`` when it is missing or not a regular file."""
    name = _shown(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UserError(f"{what}: Datei „{name}“ nicht gefunden.") from None
    except OSError as exc:
        raise UserError(f"{what}: Datei „{name}“ nicht lesbar "
                        f"({exc.strerror or type(exc).__name__}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"{what}: „{name}“ ist ein Verzeichnis, keine Datei.")
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(what, name)
    return info


def read_file_bounded(path: Path | str, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; German ``UserError`` else.

    The file is checked before it is opened (a FIFO would block ``open``), opened
    non-blocking where the OS has that flag, and checked again on the open handle, so a
    file swapped for a device in between is still refused.
    """
    path = Path(path)
    name = _shown(path)
    info = check_regular_file(path, what)
    if info.st_size > limit:
        raise too_large(what, name, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UserError(f"{what}: Datei „{name}“ nicht lesbar "
                        f"({exc.strerror or type(exc).__name__}).") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _not_regular(what, name)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise UserError(f"{what}: Datei „{name}“ nicht lesbar "
                            f"({exc.strerror or type(exc).__name__}).") from None
    if len(data) > limit:
        raise too_large(what, name, limit)
    return data


def read_stream_bounded(stream: BinaryIO, limit: int, what: str, name: str = "stdin") -> bytes:
    """At most ``limit`` bytes from a stream (stdin); more is a German ``InputTooLarge``."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(1 * MB, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise too_large(what, name, limit)
    return b"".join(chunks)


def decode_text(data: bytes, what: str, name: str) -> str:
    """UTF-8 (with or without BOM) text; German ``UserError`` for anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{what}: „{name}“ ist kein UTF-8-Text.") from None
