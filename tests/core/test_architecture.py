"""core/ must stay importable without Qt: the CLI and batch jobs depend on it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "ui")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_sources_never_import_qt_or_ui() -> None:
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_every_core_module_imports_with_pyside6_blocked() -> None:
    """Import all of core in a fresh interpreter where ``import PySide6`` fails."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "core").rglob("*.py")
        if "migrations" not in p.parts
    )
    script = (
        "import sys, importlib\n"
        "sys.modules['PySide6'] = None\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "print('ok', len(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


# -- ui/ writes only through core.usecases (issue 11: one write path) -------------------
#: What ui/ may import from core: the use cases, read-only queries and infrastructure.
UI_ALLOWED_MODULES = (
    "core.usecases", "core.db.engine", "core.errors", "core.catalog", "core.scanning",
    "core.exchange", "core.settings", "core.paths", "core.startup", "core.dates",
    "core.certificates.verify", "core.certificates.holder", "core.certificates.trust",
    "core.logging_setup",  # infrastructure: the one log and the excepthook
)
#: Service modules mixing reads and writes: only these (read-only) names may be used.
UI_ALLOWED_SERVICE_NAMES = {
    "core.services.context": {"Actor"},
    # interval backups: core decides when (backup_due); a copy writes no record
    "core.db.backup": {"automatic_backup", "backup_due", "last_backup_at"},
    "core.services.persons": {"PersonInput"},  # the input dataclass of register_person
    "core.services.search": {"PersonHit", "search_persons", "likely_same"},
    "core.services.person_view": {"HistoryRow", "PersonDetails", "dose_history",
                                  "person_details", "possible_duplicates"},
    "core.services.person_status": {"person_status"},
    "core.services.visits": {"VisitRow", "list_visits"},
    "core.services.staff": {"list_staff"},
    "core.services.checkin": {"QueueRow", "visit_queue", "is_ticket", "parse_ticket",
                              "Ticket"},
    "core.services.field_day": {"Dashboard", "dashboard", "closing_summary", "team",
                                "TeamMember", "LotOnHand", "lots_on_hand"},
    "core.services.vaccinations": {"DoseRow", "list_visit_doses"},
    "core.services.dose_checks": {"VACCINATOR_ROLES", "PHYSICIAN_ROLES"},
    "core.services.queue_tickets": {"ticket_pdf"},  # reads the visit, writes a PDF file
    "core.services.trust_status": {"TrustStatus", "trust_status", "import_trust_list"},
    # sign-in: the GUI's only way to an Actor with roles (and the first admin account)
    "core.security.users": {"authenticate", "unlock_with_pin", "SignInError",
                            "MustChangePassword", "has_accounts", "setup_admin"},
    "core.security.permissions": {"allowed"},
}
#: Core write functions the GUI must reach only through a core.usecases function.
UI_DENIED_NAMES = {
    "record_vaccination", "void_vaccination", "undo_vaccination", "save_dose",
    "create_person", "update_person", "void_person", "merge_persons", "check_in_person",
    "set_queue_status", "set_visit_status", "add_member", "close_visit",
    "adopt_certificate", "certificate_pdf", "issue_with", "issue_certificate",
    "create_lot", "allocate_lot", "discard_doses", "create_visit", "create_staff",
    "create_site",
}
#: Developer tools in ui/ that build demo databases, not GUI code paths.
UI_TOOLS = {"ui/screenshots.py", "ui/i18n_fill.py"}


def _core_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``core`` import of ``path`` (name '' for ``import x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.split(".")[0] == "core"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "core":
            found += [(node.module, a.name) for a in node.names]
    return found


def ui_import_offenders() -> list[str]:
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in UI_TOOLS:
            continue
        for module, name in _core_imports(path):
            allowed_names = UI_ALLOWED_SERVICE_NAMES.get(module)
            if name in UI_DENIED_NAMES and not module.startswith("core.usecases"):
                offenders.append(f"{rel}: {module}.{name} is a core write (use core.usecases)")
            elif allowed_names is not None:
                if name not in allowed_names:
                    offenders.append(f"{rel}: {module}.{name} is not a read-only query")
            elif not any(module == m or module.startswith(m + ".")
                         for m in UI_ALLOWED_MODULES):
                offenders.append(f"{rel}: {module} is not allowed in ui/")
    return offenders


def test_ui_writes_only_through_usecases() -> None:
    """ui/ imports use cases, read-only queries and infrastructure; never a core write."""
    assert ui_import_offenders() == []


def test_ui_import_check_catches_a_service_write(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from core.services.vaccinations import record_vaccination\n"
                   "from core.certificates.adopt import adopt_certificate\n"
                   "from core.db.models import Person\n", encoding="utf-8")
    found = _core_imports(bad)
    assert ("core.services.vaccinations", "record_vaccination") in found
    assert all(name in UI_DENIED_NAMES or module == "core.db.models"
               for module, name in found)
