"""All ORM models in one import (``from core.db.models import Person``)."""

from core.db.base import Base, Tracked, Voidable
from core.db.models_exchange import ConflictEntry, DuplicateDoseFlag, ImportedPackage, SyncBase
from core.db.models_field import CheckIn
from core.db.models_log import AuditAnchor, AuditEntry, AuditRemoteHead, ChangeCounter, ExportMark
from core.db.models_org import Lot, LotAllocation, Setting, Site, Staff, Visit, VisitMember
from core.db.models_person import Certificate, Infection, MeaslesEvidence, Person, Vaccination
from core.db.models_security import Signer
from core.db.models_users import UserAccount

EXCHANGED = (
    Site, Staff, Visit, VisitMember, Lot, LotAllocation,
    Person, Vaccination, Infection, MeaslesEvidence, Certificate, CheckIn,
)

__all__ = [
    "EXCHANGED",
    "AuditAnchor",
    "AuditEntry",
    "AuditRemoteHead",
    "Base",
    "Certificate",
    "ChangeCounter",
    "CheckIn",
    "ConflictEntry",
    "DuplicateDoseFlag",
    "ExportMark",
    "ImportedPackage",
    "Infection",
    "Lot",
    "LotAllocation",
    "MeaslesEvidence",
    "Person",
    "Setting",
    "Signer",
    "Site",
    "Staff",
    "SyncBase",
    "Tracked",
    "UserAccount",
    "Vaccination",
    "Visit",
    "VisitMember",
    "Voidable",
]

# every session chains its audit entries (hooks on the Session class, registered once)
from core.security import audit_chain as _audit_chain  # noqa: E402

_audit_chain.install()
