"""Person-related entities: persons, doses, infections, measles evidence, certificates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, Tracked, Voidable
from core.db.codes import (
    DISEASES,
    INDICATIONS,
    INJECTION_SITES,
    MEASLES_EVIDENCE_KINDS,
    SEXES,
    SOURCES,
    TARGET_GROUPS,
    TEST_TYPES,
    check_in,
)


class Person(Tracked, Voidable, Base):
    """A vaccinee. ``*_norm``/``*_phon`` are search keys kept in step by the service."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(check_in("sex", SEXES), name="sex"),
        CheckConstraint(check_in("target_group", TARGET_GROUPS), name="target_group"),
        Index("ix_person_family_norm_birth", "family_norm", "birth_date"),
        Index("ix_person_family_phon", "family_phon"),
        Index("ix_person_given_family", "given_norm", "family_norm"),
        Index("ix_person_birth_date", "birth_date"),
    )

    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="u")
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(5), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    district_ags: Mapped[str | None] = mapped_column(String(5))
    phone: Mapped[str] = mapped_column(String(50), default="")
    target_group: Mapped[str] = mapped_column(String(30), default="sonstige")
    notes: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), index=True)

    family_norm: Mapped[str] = mapped_column(String(100), default="")
    given_norm: Mapped[str] = mapped_column(String(100), default="")
    family_phon: Mapped[str] = mapped_column(String(100), default="")
    given_phon: Mapped[str] = mapped_column(String(100), default="")

    vaccinations: Mapped[list[Vaccination]] = relationship(back_populates="person")


class Vaccination(Tracked, Voidable, Base):
    """One dose with everything § 22 IfSG asks for, plus operational fields."""

    __tablename__ = "vaccination"
    __table_args__ = (
        CheckConstraint(check_in("disease", DISEASES), name="disease"),
        CheckConstraint(check_in("source", SOURCES), name="source"),
        CheckConstraint(
            "indication IS NULL OR " + check_in("indication", INDICATIONS), name="indication"
        ),
        CheckConstraint(
            "injection_site IS NULL OR " + check_in("injection_site", INJECTION_SITES),
            name="injection_site",
        ),
        CheckConstraint("dose_number >= 1 AND series_total >= 1", name="dose_number"),
        Index("ix_vaccination_person_date", "person_id", "date"),
        Index("ix_vaccination_visit_lot", "visit_id", "lot_id"),
        Index("ix_vaccination_date", "date"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"))
    date: Mapped[date] = mapped_column(Date)
    product_key: Mapped[str] = mapped_column(String(50))
    lot_id: Mapped[str | None] = mapped_column(ForeignKey("lot.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(50), default="")
    disease: Mapped[str] = mapped_column(String(20))
    dose_number: Mapped[int] = mapped_column(Integer)
    series_total: Mapped[int] = mapped_column(Integer)
    booster: Mapped[bool] = mapped_column(Boolean, default=False)
    indication: Mapped[str | None] = mapped_column(String(20))
    injection_site: Mapped[str | None] = mapped_column(String(20))
    physician_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    vaccinator_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    informed_by_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    consent_recorded: Mapped[bool] = mapped_column(Boolean, default=False)
    anamnesis_recorded: Mapped[bool] = mapped_column(Boolean, default=False)
    form_version: Mapped[str] = mapped_column(String(50), default="")
    #: JSON list of the consent-form item keys confirmed for this dose ("" before 0006).
    consent_items: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: JSON list of Anamnese answers ``{"key", "answer", "form"}`` ("" before 0006).
    anamnesis: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str] = mapped_column(String(30), default="verabreicht")
    override_reason: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="vaccinations")


class Infection(Tracked, Voidable, Base):
    """A confirmed infection (for "genesen")."""

    __tablename__ = "infection"
    __table_args__ = (CheckConstraint(check_in("test_type", TEST_TYPES), name="test_type"),)

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    positive_test_date: Mapped[date] = mapped_column(Date)
    test_type: Mapped[str] = mapped_column(String(10))


class MeaslesEvidence(Tracked, Voidable, Base):
    """A measles proof other than a dose (immunity, contraindication, confirmation)."""

    __tablename__ = "measles_evidence"
    __table_args__ = (CheckConstraint(check_in("kind", MEASLES_EVIDENCE_KINDS), name="kind"),)

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200), default="")


class Certificate(Tracked, Voidable, Base):
    """An issued DCC; the HC1 text is kept so the certificate can be reprinted."""

    __tablename__ = "certificate"

    vaccination_id: Mapped[str] = mapped_column(ForeignKey("vaccination.id"), index=True)
    uvci: Mapped[str] = mapped_column(String(100), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    key_id: Mapped[str] = mapped_column(String(50))
    hc1: Mapped[str] = mapped_column(Text)
