"""``import sync``: verify team packages and merge them in the caller's transaction.

The merge itself (and its conflict rule) is ``sync_merge``; here packages are read,
checked, merged one after another and the outcome raised as ``ImportFailed`` so the unit
of work rolls back and nothing is half-applied. Before anything is written, each
package's signature must verify with a signer registered here (``keys signer add``);
after the merge, the team's audit chain heads from the signed manifest are kept
(``audit_chain.record_remote_heads``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from core.errors import UserError
from core.exchange.common import Cancel, ImportReport, Progress, Steps
from core.exchange.package_reader import PackageReader, load_package
from core.exchange.sync_merge import Merger, decide
from core.exchange.sync_package import Package, read_package
from core.security.audit_chain import record_remote_heads
from core.security.permissions import require
from core.security.signing import trusted_signers, verify_signature
from core.services.context import Actor

__all__ = ["ImportFailed", "decide", "import_sync", "import_sync_many"]


class ImportFailed(UserError):
    """Errors were found; the report lists them and nothing was applied."""

    def __init__(self, report: ImportReport) -> None:
        first = report.errors[0].text() if report.errors else ""
        super().__init__(f"{len(report.errors)} Fehler, nichts übernommen. Erster: {first}")
        self.report = report



def _merge(session: Session, actor: Actor, package: Package, report: ImportReport,
           steps: Steps, trusted: dict[str, str]) -> None:
    """Signature first (nothing is written for a package that fails it), then the merge,
    then the team's audit chain heads."""
    verify_signature(package.manifest_raw, package.signature, trusted)
    Merger(session, actor, package, report, steps).run()
    if not report.errors:
        m = package.manifest
        record_remote_heads(session, m.get("audit_heads", {}), package.package_id,
                            int(m.get("to_version", 0)))


@contextmanager
def _tuned(session: Session) -> Iterator[None]:
    """A 256 MB page cache (default 2 MB) while merging: the indexes of a growing hub
    file stay in memory between packages. Durability is untouched (WAL,
    ``synchronous=FULL``); the previous size is restored afterwards."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        if isinstance(before, int):
            conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


def import_sync(session: Session, actor: Actor, path: Path, *, progress: Progress | None = None,
                cancel: Cancel | None = None) -> ImportReport:
    """Verify and merge a sync package in the caller's transaction.

    Returns the report; raises ``ImportFailed`` (with the report) on any error so the
    caller's unit of work rolls back, and ``UserError`` for unreadable packages.
    """
    require(actor, "import")
    steps = Steps(progress, cancel)
    report = ImportReport()
    steps(0, "Paket prüfen")
    trusted = trusted_signers(session)
    package = read_package(Path(path), steps, report, trusted)
    if report.errors:
        raise ImportFailed(report)
    with _tuned(session):
        _merge(session, actor, package, report, steps, trusted)
    if report.errors:
        raise ImportFailed(report)
    steps(100, "Fertig")
    return report


def import_sync_many(session: Session, actor: Actor, paths: Sequence[Path], *,
                     progress: Progress | None = None,
                     cancel: Cancel | None = None) -> ImportReport:
    """Merge several packages in the caller's transaction, all or nothing, in the given
    order; returns the summed report.

    While one package is merged, the next is read and verified in a helper process (see
    ``package_reader``), and the whole batch needs one commit instead of one per package –
    the Impfzentrum's evening run of 50 packages. The first package is read here while the
    reader process starts.
    """
    require(actor, "import")
    steps = Steps(progress, cancel)
    total = ImportReport()
    paths = [Path(p) for p in paths]
    if not paths:
        return total
    trusted = trusted_signers(session)
    reader = PackageReader(cancel, trusted) if len(paths) > 1 else None
    try:
        with _tuned(session):
            if reader is not None:
                reader.start(paths[1])
            loaded = load_package(paths[0], cancel, trusted)
            for index, path in enumerate(paths):
                steps(int(100 * index / len(paths)), f"Paket {index + 1} von {len(paths)}: "
                                                     f"{path.name}")
                if index > 0:
                    assert reader is not None
                    loaded = reader.take()
                    if index + 1 < len(paths):
                        reader.start(paths[index + 1])
                report = loaded.report
                if loaded.error is not None:
                    raise UserError(f"{path.name}: {loaded.error.message}") from loaded.error
                if loaded.package is not None and not report.errors:
                    try:
                        _merge(session, actor, loaded.package, report, Steps(None, cancel),
                               trusted)
                    except UserError as exc:
                        raise UserError(f"{path.name}: {exc.message}") from exc
                if report.errors:
                    for problem in report.errors:
                        problem.message = f"{path.name}: {problem.message}"
                    raise ImportFailed(report)
                total.add(report)
    finally:
        if reader is not None:
            reader.close()
    steps(100, "Fertig")
    return total
