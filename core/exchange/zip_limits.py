"""Inflation caps for zip archives (xlsx workbooks are zips too).

A 1 MB zip can inflate to gigabytes, and the sizes in its directory are written by
whoever made the file, so neither can be trusted. The helpers here count the bytes that
really come out of the decompressor, read past a size that was declared too small (and
call such a member damaged), and stop one chunk after the cap. Refusals are
``ZipLimitError`` (a ``UserError``) with a German message naming the archive and member.

``safe_member(archive, name, max_bytes)`` is the one call most readers need: the member's
bytes, or a German refusal. ``stream_member`` yields the same bytes in chunks for callers
that scan instead of keeping them; ``check_archive`` bounds member count, each member and
the whole archive before a library that cannot be capped (calamine) gets the file.
"""

from __future__ import annotations

import copy
import zipfile
import zlib
from collections.abc import Iterator

from core.errors import UserError

CHUNK = 64 * 1024
#: Compression methods the checks understand (an xlsx only ever uses these two).
SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class ZipLimitError(UserError):
    """An archive member is too large, damaged or otherwise not acceptable."""


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit} Bytes"


def stream_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, max_bytes: int, *,
                  what: str = "Archiv", chunk: int = CHUNK) -> Iterator[bytes]:
    """The inflated bytes of one member in chunks, never more than ``max_bytes`` in total.

    The member is read with its declared size replaced by ``max_bytes + 1``, so a member
    whose directory entry understates its size is read on to its real end: more than
    declared is "beschädigt", more than ``max_bytes`` is "zu groß". The CRC is checked
    by ``zipfile`` at the end as usual (``zipfile.BadZipFile`` becomes ``ZipLimitError``).
    """
    info = archive.getinfo(name) if isinstance(name, str) else name
    label = info.filename if len(info.filename) <= 80 else info.filename[:77] + "…"
    if info.file_size > max_bytes:
        raise ZipLimitError(f"{what}: Der Inhalt „{label}“ ist entpackt größer als "
                            f"{_mb(max_bytes)} – die Datei wird nicht gelesen.")
    probe = copy.copy(info)
    probe.file_size = max_bytes + 1
    total = 0
    try:
        with archive.open(probe) as handle:
            while True:
                block = handle.read(chunk)
                if not block:
                    break
                total += len(block)
                if total > max_bytes:
                    raise ZipLimitError(f"{what}: Der Inhalt „{label}“ ist entpackt größer als "
                                        f"{_mb(max_bytes)} – die Datei wird nicht gelesen.")
                if total > info.file_size:
                    raise ZipLimitError(f"{what}: „{label}“ ist größer als im Verzeichnis "
                                        "angegeben – die Datei ist beschädigt.")
                yield block
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            OSError) as exc:
        raise ZipLimitError(f"{what}: „{label}“ ist beschädigt oder unvollständig "
                            f"({type(exc).__name__}).") from None
    except RuntimeError:  # zipfile: member is encrypted and no password was given
        raise ZipLimitError(f"{what}: „{label}“ ist verschlüsselt und kann so nicht "
                            "gelesen werden.") from None
    if total != info.file_size:
        raise ZipLimitError(f"{what}: „{label}“ ist kürzer als im Verzeichnis angegeben – "
                            "die Datei ist beschädigt.")


def safe_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, max_bytes: int, *,
                what: str = "Archiv") -> bytes:
    """The inflated bytes of one member, at most ``max_bytes``; ``ZipLimitError`` else."""
    return b"".join(stream_member(archive, name, max_bytes, what=what))


def check_archive(archive: zipfile.ZipFile, *, max_members: int, max_member_bytes: int,
                  max_total_bytes: int, what: str = "Archiv") -> list[zipfile.ZipInfo]:
    """Refuse an archive by its directory alone: too many members, unknown compression,
    declared sizes over the caps. Returns the members. (Real sizes are checked as the
    members are streamed: ``stream_member``.)"""
    members = archive.infolist()
    if len(members) > max_members:
        raise ZipLimitError(f"{what}: Das Archiv enthält {len(members)} Einträge (höchstens "
                            f"{max_members}) – die Datei wird nicht gelesen.")
    total = 0
    for info in members:
        if info.compress_type not in SUPPORTED:
            raise ZipLimitError(f"{what}: „{info.filename[:80]}“ verwendet eine nicht "
                                "unterstützte Komprimierung. Bitte die Datei neu speichern.")
        if info.file_size > max_member_bytes:
            raise ZipLimitError(f"{what}: Der Inhalt „{info.filename[:80]}“ ist entpackt "
                                f"größer als {_mb(max_member_bytes)} – die Datei wird nicht "
                                "gelesen.")
        total += info.file_size
    if total > max_total_bytes:
        raise ZipLimitError(f"{what}: Der Inhalt ist entpackt größer als "
                            f"{_mb(max_total_bytes)} – die Datei wird nicht gelesen.")
    return members
