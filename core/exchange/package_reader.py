"""Reading sync packages in a helper process while the hub merges (``import sync A B …``).

python-calamine parses outside the interpreter lock, but turning cells into values is
Python: in a thread that work competes with the merge for the lock, in a second process
it runs on another core. The helper is a plain ``python -m core.exchange.package_reader``
(not ``multiprocessing``, which would re-run the caller's main module): it reads one path
per line on stdin and answers with a length-prefixed pickle of a ``Loaded``: plain
text and numbers, cheap to send (see ``sync_rows``). The pickle only ever comes from the
child this process started itself.

Whenever the helper cannot be started or dies, the package is read here instead; the
result is the same, only slower.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from core.errors import UserError
from core.exchange.common import Cancel, ImportReport, Steps
from core.exchange.protect import package_passwords, password_for
from core.exchange.sync_package import Package, read_package


@dataclass(slots=True)
class Loaded:
    """A package as read (rows already fingerprinted and as INSERT tuples), or why it
    could not be read."""

    package: Package | None
    report: ImportReport
    error: UserError | None = None


_SIZE = struct.Struct("<Q")
ROOT = Path(__file__).resolve().parents[2]


def load_package(path: Path, cancel: Cancel | None = None,
                 trusted: dict[str, str] | None = None) -> Loaded:
    """Read and verify ``path`` (its signature too, given ``trusted`` signers: key id →
    public key); a ``UserError`` is returned, not raised."""
    report = ImportReport()
    try:
        return Loaded(read_package(Path(path), Steps(None, cancel), report, trusted), report)
    except UserError as exc:
        return Loaded(None, report, exc)


class PackageReader:
    """Reads the next package in the helper process; ``take`` returns it."""

    def __init__(self, cancel: Cancel | None, trusted: dict[str, str] | None = None) -> None:
        self.cancel = cancel
        self.trusted = trusted  # public keys only: nothing secret crosses the pipe
        self.child: subprocess.Popen[bytes] | None = None
        self.pending: Path | None = None
        if getattr(sys, "frozen", False):  # sys.executable is the application itself
            return
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        try:
            self.child = subprocess.Popen(
                [sys.executable, "-m", "core.exchange.package_reader"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, env=env, cwd=str(ROOT))
        except OSError:
            self.child = None

    def start(self, path: Path) -> None:
        """Begin reading ``path`` (the helper works while the caller merges)."""
        self.pending = Path(path)
        if self.child is None:
            return
        try:
            assert self.child.stdin is not None
            request = {"path": os.fsdecode(self.pending.resolve()),
                       "password": password_for(self.pending), "trusted": self.trusted}
            self.child.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.child.stdin.flush()
        except OSError:
            self._stop()

    def take(self) -> Loaded:
        """The package begun with ``start``."""
        path, self.pending = self.pending, None
        assert path is not None
        if self.child is not None:
            try:
                assert self.child.stdout is not None
                head = self.child.stdout.read(_SIZE.size)
                if len(head) == _SIZE.size:
                    data = self.child.stdout.read(_SIZE.unpack(head)[0])
                    result: Loaded | None = pickle.loads(data)  # our own child's answer
                    if result is not None:
                        return result
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
                pass
            self._stop()  # died or could not read it: read it here
        return load_package(path, self.cancel, self.trusted)

    def _stop(self) -> None:
        child, self.child = self.child, None
        if child is None:
            return
        for stream in (child.stdin, child.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    def close(self) -> None:
        self._stop()


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The helper's loop: a path per line in (JSON, with the password registered for it
    by ``package_passwords`` in the caller), a length-prefixed pickle out.

    ``None`` is sent for an unexpected error; the caller then reads that package itself
    and gets the real exception."""
    for line in requests:
        result: Any
        try:
            request = json.loads(line)
            path = Path(request["path"])
            trusted = request.get("trusted")
            with package_passwords([path], request.get("password")):
                result = load_package(path, trusted=trusted if isinstance(trusted, dict)
                                      else None)
        except Exception:  # the caller reads it itself and gets the real error
            result = None
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            answers.write(_SIZE.pack(len(data)) + data)
            answers.flush()
        except OSError:  # the caller stopped (an error in an earlier package): just end
            return


if __name__ == "__main__":
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nothing else may write answers
    sys.stdout = sys.stderr
    # through the module's real name, so the answers unpickle as its ``Loaded``, not as
    # ``__main__.Loaded``
    from core.exchange import package_reader

    package_reader.serve(sys.stdin.buffer, out)
    with contextlib.suppress(OSError):
        out.close()
    os._exit(0)  # nothing left to flush that anybody still reads
