"""Indexes for person search by family + given name and the lot stock check.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Measured at 1,000,000 persons / 2,000,000 doses (benchmarks/README.md): the given-name
search read thousands of rows because no index held both names, and counting a lot's
doses at a visit walked one single-column index (up to 50,000 rows per saved dose).
(given_norm, family_norm) replaces the given-name index; (visit_id, lot_id) replaces the
visit index (its leading column serves every visit-only query as before).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_person_given_norm", table_name="person")
    op.create_index("ix_person_given_family", "person", ["given_norm", "family_norm"])
    op.drop_index("ix_vaccination_visit", table_name="vaccination")
    op.create_index("ix_vaccination_visit_lot", "vaccination", ["visit_id", "lot_id"])


def downgrade() -> None:
    op.drop_index("ix_vaccination_visit_lot", table_name="vaccination")
    op.create_index("ix_vaccination_visit", "vaccination", ["visit_id"])
    op.drop_index("ix_person_given_family", table_name="person")
    op.create_index("ix_person_given_norm", "person", ["given_norm"])
