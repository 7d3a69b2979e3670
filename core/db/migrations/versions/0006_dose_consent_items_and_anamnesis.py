"""dose: confirmed consent items and Anamnese answers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

A dose stored only "consent recorded: yes"; an audit could not show which items of the
form were confirmed, and later rules (a severe allergic reaction to an earlier dose,
pregnancy) had no answer to read. Both are JSON text so SQLite and PostgreSQL store them
alike and sync packages carry them as ordinary text cells; doses from before keep "".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vaccination", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("consent_items", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("anamnesis", sa.Text(), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("vaccination", schema=None) as batch_op:
        batch_op.drop_column("anamnesis")
        batch_op.drop_column("consent_items")
